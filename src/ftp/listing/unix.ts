/**
 * Unix `ls -l` style LIST lines, as vsftpd, proftpd, pure-ftpd, pyftpdlib and ftp-srv (and most others) send
 * them. LIST output is not specified anywhere (RFC 959 §4.1.3 only says it is "in a form suitable for human
 * readability"), so this follows what the servers do:
 *
 *   -rw-r--r--    1 1001     1001            5 Mar 05  2024 -dash-leading.txt
 *   lrwxrwxrwx   1 tester   tester         10 Mar  5  2024 link-to-normal -> normal.txt
 *   -rw-r--r-- 1 1001 1001   3221225472 Mar 05  2024 sparse-3G.bin        (size wider than its column)
 *   crw-rw-rw-   1 root     root       1,   3 Mar  5  2024 null             (device: major, minor)
 *   -rw-r--r--   1 ftp            12 Nov 21 08:09 no-group.txt               (group column missing)
 *
 * A hand-written tokenizer instead of one big regular expression: the owner and group columns are optional
 * and of unknown width, which makes a single regex backtrack on every line, while here each character before
 * the name is looked at about once and nothing is allocated except the entry, its name and (for links) the
 * target.
 *
 * Rule for finding the fields: after the permission string come whitespace-separated columns; the date is
 * the first `Mon DD HH:MM|YYYY` triple whose preceding column is a size (digits; for devices `maj, min`).
 * Between the link count and the size are the owner and the group (either may be missing). The name is everything
 * after the single space that follows the time/year column, so names with leading, inner or trailing spaces
 * and names starting with `-` survive unchanged.
 */
import type { EntryType, FileEntry } from '../entry';
import { Clock, daysInMonth, inferYearMs, utcMs } from './time';

/** An entry; `null` for a recognised line that lists nothing (`.`, `..`, `total N`); `undefined` if the line is not this format. */
export type LineResult = FileEntry | null | undefined;

/** Columns between the permissions and the date we are willing to look at: links, owner, group, size, spare. */
const MAX_COLUMNS_BEFORE_DATE = 10;

/** 16 digits are still exact in a double (sizes up to 9 PB); anything longer is not a size. */
const MAX_SIZE_DIGITS = 16;

/**
 * Interned permission strings, indexed by mode bits plus a discriminator for the characters that map to the
 * same bits (`S`, `l`, `L` in the group execute column). A 100,000-line listing then shares a handful of
 * strings instead of holding 100,000 copies of `rw-r--r--`.
 */
const permissionStrings: (string | undefined)[] = new Array(3 * 4096);

const enum Ch {
  Tab = 9,
  Space = 32,
  Plus = 43,
  Comma = 44,
  Dash = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Greater = 62,
  At = 64,
}

function isSpace(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab;
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

/** 1..12 for an English three-letter month abbreviation in any case at text[i..i+3), else 0. */
export function monthAt(text: string, i: number): number {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  const c = text.charCodeAt(i + 2);
  if ((a | b | c) > 0x7f) return 0; // keeps the packed key below unambiguous
  switch (((a | 0x20) << 16) | ((b | 0x20) << 8) | (c | 0x20)) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

/**
 * Mode bits of the nine permission characters at text[i..i+9), or -1 if they are not a permission string.
 * Bits 12-13 of the result distinguish `S`/`l`/`L` in the group column (see permissionStrings); the caller
 * masks them off. Set-id and sticky letters as in ls(1): s = bit + x, S = bit without x, t/T likewise,
 * l/L = set-group-id without group execute (mandatory locking on some systems).
 */
function permissionKey(text: string, i: number): number {
  let m = 0;
  let c = text.charCodeAt(i);
  if (c === 114) m |= 0o400; else if (c !== Ch.Dash) return -1; // r
  c = text.charCodeAt(i + 1);
  if (c === 119) m |= 0o200; else if (c !== Ch.Dash) return -1; // w
  c = text.charCodeAt(i + 2);
  if (c === 120) m |= 0o100; // x
  else if (c === 115) m |= 0o4100; // s
  else if (c === 83) m |= 0o4000; // S
  else if (c !== Ch.Dash) return -1;
  c = text.charCodeAt(i + 3);
  if (c === 114) m |= 0o040; else if (c !== Ch.Dash) return -1;
  c = text.charCodeAt(i + 4);
  if (c === 119) m |= 0o020; else if (c !== Ch.Dash) return -1;
  c = text.charCodeAt(i + 5);
  if (c === 120) m |= 0o010;
  else if (c === 115) m |= 0o2010; // s
  else if (c === 83) m |= 0o2000; // S
  else if (c === 108) m |= 0o2000 | 4096; // l
  else if (c === 76) m |= 0o2000 | 8192; // L
  else if (c !== Ch.Dash) return -1;
  c = text.charCodeAt(i + 6);
  if (c === 114) m |= 0o004; else if (c !== Ch.Dash) return -1;
  c = text.charCodeAt(i + 7);
  if (c === 119) m |= 0o002; else if (c !== Ch.Dash) return -1;
  c = text.charCodeAt(i + 8);
  if (c === 120) m |= 0o001;
  else if (c === 116) m |= 0o1001; // t
  else if (c === 84) m |= 0o1000; // T
  else if (c !== Ch.Dash) return -1;
  return m;
}

/** Entry type for the ls(1) file type letter, or undefined if the letter is not one. */
function typeOf(c: number): EntryType | undefined {
  switch (c) {
    case Ch.Dash: return 'file';
    case 100: return 'dir'; // d
    case 108: return 'symlink'; // l
    // Devices, FIFOs, sockets, Solaris doors: listed, but not something to open or descend into.
    case 98: // b
    case 99: // c
    case 112: // p
    case 115: // s
    case 68: // D
      return 'unknown';
    default: return undefined;
  }
}

/** True for `total 123` (also `total 1.2M` from `ls -h`), which ls prints before the entries. */
function isTotalLine(text: string, s: number, e: number): boolean {
  if (e - s < 7 || !text.startsWith('total', s) || !isSpace(text.charCodeAt(s + 5))) return false;
  let p = s + 6;
  while (p < e && isSpace(text.charCodeAt(p))) p++;
  return p < e && isDigit(text.charCodeAt(p));
}

/**
 * Parse one Unix `ls -l` line text[s, e) (no line end). `clock` supplies "now" for dates without a year.
 */
export function parseUnixLine(text: string, s: number, e: number, clock: Clock): LineResult {
  if (e - s < 20) return isTotalLine(text, s, e) ? null : undefined; // shorter than any real entry line
  const typeChar = text.charCodeAt(s);
  const type = typeOf(typeChar);
  if (type === undefined) return typeChar === 116 && isTotalLine(text, s, e) ? null : undefined;
  const key = permissionKey(text, s + 1);
  if (key < 0) return undefined;

  let p = s + 10;
  let c = text.charCodeAt(p);
  if (c === Ch.Plus || c === Ch.At || c === Ch.Dot) c = text.charCodeAt(++p); // ACL, xattr, SELinux marker
  if (!isSpace(c)) return undefined;

  const isDevice = typeChar === 98 || typeChar === 99;
  let prevStart = -1; // the column before the current one: the size when the current one is the month
  let prevEnd = -1;
  let col1Start = -1, col1End = -1, col2Start = -1, col2End = -1; // owner and group, when the size is after them
  // The column loops need no `p < e` test: the character at `e` is the CR or LF that ended the line (or
  // past the end of the text, where charCodeAt gives NaN), and neither is a space nor above 32. This
  // halves the work per character in the hottest loops of the whole parser.
  columns: for (let column = 0; column < MAX_COLUMNS_BEFORE_DATE; column++) {
    while (c === Ch.Space || c === Ch.Tab) c = text.charCodeAt(++p);
    const start = p;
    while (c > Ch.Space) c = text.charCodeAt(++p);
    if (p === start || p >= e) return undefined; // a control character, or no room left for a name
    const sizeStart = prevStart;
    const sizeEnd = prevEnd;
    prevStart = start;
    prevEnd = p;
    if (column === 1) [col1Start, col1End] = [start, p];
    else if (column === 2) [col2Start, col2End] = [start, p];
    // A month needs at least one column (the size) before it.
    if (p - start !== 3 || sizeStart < 0) continue;
    const month = monthAt(text, start);
    if (month === 0) continue;

    // Found `Mon`: the rest must be `DD HH:MM|YYYY name`, and the column before it a size; if not, this was
    // not the date (an owner called `Mar`, say) and the search goes on from the next column. `q` and `d`
    // read ahead so that `p` and `c` still point at the end of the month column.
    let size = 0;
    if (isDevice) {
      // Block/character devices: `maj,min`, or `min` after a `maj,` column. No size.
      for (let i = sizeStart; i < sizeEnd; i++) {
        const k = text.charCodeAt(i);
        if (!isDigit(k) && k !== Ch.Comma) continue columns;
      }
    } else {
      if (sizeEnd - sizeStart > MAX_SIZE_DIGITS) continue;
      for (let i = sizeStart; i < sizeEnd; i++) {
        const k = text.charCodeAt(i) - Ch.Zero;
        if (k < 0 || k > 9) continue columns;
        size = size * 10 + k;
      }
    }

    // Day: one or two digits, zero-padded (vsftpd `Mar 05`) or space-padded (pure-ftpd `Mar  5`).
    let q = p;
    let d = c;
    while (d === Ch.Space || d === Ch.Tab) d = text.charCodeAt(++q);
    if (!isDigit(d)) continue;
    let day = d - Ch.Zero;
    d = text.charCodeAt(++q);
    if (isDigit(d)) {
      day = day * 10 + (d - Ch.Zero);
      d = text.charCodeAt(++q);
    }
    if ((d !== Ch.Space && d !== Ch.Tab) || day < 1 || day > 31) continue;

    // Time `H:MM`/`HH:MM` (recent files, year to be inferred) or a four-digit year (older files, no time).
    while (d === Ch.Space || d === Ch.Tab) d = text.charCodeAt(++q);
    let n = 0;
    const digitsStart = q;
    while (isDigit(d)) {
      n = n * 10 + (d - Ch.Zero);
      d = text.charCodeAt(++q);
    }
    const digits = q - digitsStart;
    let mtimeMs: number;
    if (d === Ch.Colon && (digits === 1 || digits === 2)) {
      const m1 = text.charCodeAt(q + 1) - Ch.Zero;
      const m2 = text.charCodeAt(q + 2) - Ch.Zero;
      if (!(m1 >= 0 && m1 <= 5 && m2 >= 0 && m2 <= 9) || n > 23) continue;
      q += 3;
      mtimeMs = inferYearMs(clock, month, day, n, m1 * 10 + m2);
      if (mtimeMs !== mtimeMs) continue; // NaN: no year has this day
    } else if (digits === 4) {
      if (day > daysInMonth(n, month)) continue;
      mtimeMs = utcMs(n, month, day, 0, 0, 0, 0);
    } else {
      continue;
    }

    // Exactly one separator, then the name; it may itself begin with spaces.
    if (q + 1 >= e) return undefined;
    d = text.charCodeAt(q);
    if (d !== Ch.Space && d !== Ch.Tab) continue;
    // Columns: links, [owner, [group,]] size, month. A device's `maj, min` may take two: no owner read there.
    const sizeColumn = column - 1;
    const owner = !isDevice && sizeColumn > 1 ? interned(text, col1Start, col1End, 0) : undefined;
    const group = owner !== undefined && sizeColumn > 2 ? interned(text, col2Start, col2End, 1) : undefined;
    return makeEntry(text, q + 1, e, type, key, s, isDevice, size, mtimeMs, owner, group);
  }
  return undefined;
}

/** The entry for a line whose name starts at nameStart; null for `.` and `..`. */
function makeEntry(
  text: string, nameStart: number, e: number, type: EntryType, key: number, s: number, isDevice: boolean,
  size: number, mtimeMs: number, owner: string | undefined, group: string | undefined,
): FileEntry | null {
  let nameEnd = e;
  let target: string | undefined;
  if (type === 'symlink') {
    // `name -> target`. The first arrow wins: a name containing " -> " cannot be told apart anyway.
    for (let i = nameStart + 1; i + 3 < e; i++) {
      if (text.charCodeAt(i) === Ch.Space && text.charCodeAt(i + 1) === Ch.Dash &&
          text.charCodeAt(i + 2) === Ch.Greater && text.charCodeAt(i + 3) === Ch.Space) {
        nameEnd = i;
        if (i + 4 < e) target = text.slice(i + 4, e);
        break;
      }
    }
  }
  const name = text.slice(nameStart, nameEnd);
  if (name === '.' || name === '..') return null;

  let permissions = permissionStrings[key];
  if (permissions === undefined) permissions = permissionStrings[key] = text.slice(s + 1, s + 10);
  const mode = key & 0o7777;
  // One literal per shape, each with all its properties up front, so entries never change shape after
  // creation (adding `target` later would allocate an out-of-object property array for every link).
  if (isDevice) return { name, type, mtimeMs, permissions, mode };
  if (owner === undefined) {
    if (target !== undefined) return { name, type, size, mtimeMs, permissions, mode, target };
    return { name, type, size, mtimeMs, permissions, mode };
  }
  if (group === undefined) {
    if (target !== undefined) return { name, type, size, mtimeMs, permissions, mode, target, owner };
    return { name, type, size, mtimeMs, permissions, mode, owner };
  }
  if (target !== undefined) return { name, type, size, mtimeMs, permissions, mode, target, owner, group };
  return { name, type, size, mtimeMs, permissions, mode, owner, group };
}

/** The last owner and group read: a listing's lines mostly repeat them, so they are sliced once, not per line. */
const lastNames: [string, string] = ['', ''];

/** text[start, end) as a string, the same string as last time when it is the same text (no new string per line). */
function interned(text: string, start: number, end: number, which: 0 | 1): string {
  const last = lastNames[which];
  if (last.length === end - start && text.startsWith(last, start)) return last;
  return (lastNames[which] = text.slice(start, end));
}

/*
 * V8 detail, performance only: the first entry whose size does not fit a small integer (the 3 GiB file)
 * would switch the `size` field of the shared entry shape to unboxed-double storage, after which every entry
 * carries an extra heap number box for its size. Creating the shapes once with a non-number `size` makes the
 * field generic from the start, and small sizes are then stored inline. The objects here are discarded; the shapes (maps) are shared with the literals above.
 */
const shapeWarmup: unknown[] = [
  { name: '', type: 'file', size: null, mtimeMs: null, permissions: '', mode: 0 },
  { name: '', type: 'file', size: null, mtimeMs: null, permissions: '', mode: 0, target: '' },
  { name: '', type: 'file', size: null, mtimeMs: null, permissions: '', mode: 0, owner: '', group: '' },
  { name: '', type: 'file', size: null, mtimeMs: null, permissions: '', mode: 0, target: '', owner: '', group: '' },
];
void shapeWarmup;
