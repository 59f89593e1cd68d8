/**
 * MLSD listings and MLST replies (RFC 3659 §7).
 *
 * Grammar (§7.2): `entry = [facts] SP pathname`, `facts = 1*(fact ";")`, `fact = factname "=" value`.
 * Fact values may not contain spaces or ';' (§7.2, RCHAR), so the facts end at the first space and the
 * pathname is everything after it, kept byte for byte: names with spaces, leading spaces, `=` or `;` are
 * all fine. Fact names are case-insensitive (§7.1), and we read the `type` values case-insensitively too
 * since servers differ (`OS.unix=slink` vs `os.unix=slink`).
 *
 * Facts used (§7.5): `type` (§7.5.1), `size` (§7.5.7), `modify` (§7.5.3, a time-val of RFC 3659 §2.3:
 * YYYYMMDDHHMMSS[.sss] in UTC), `perm` (§7.5.5), plus the widespread extensions `sizd` (size of a directory,
 * pure-ftpd and others) and `UNIX.mode` (octal mode bits, proftpd/pure-ftpd). Unknown facts are skipped, as
 * §7.1 requires.
 *
 * Symlinks: RFC 3659 has no symlink type; servers use `OS.unix=slink:TARGET` (the form in the RFC's examples,
 * pure-ftpd sends it with an empty target), `OS.unix=slink`, or `OS.unix=symlink` (proftpd, following RFC
 * errata 1500). All become type 'symlink', with `target` only when the server gave a non-empty one.
 * pyftpdlib and ftp-srv follow links and report the target's facts, so their links look like files.
 */
import type { EntryType, FileEntry, ParseResult } from '../entry';
import { LineReader } from './lines';
import { addUnparsed, isBlank, newUnparsed } from './unparsed';
import { daysInMonth, utcMs } from './time';
import type { LineResult } from './unix';

const MAX_SIZE_DIGITS = 16;

/** What the `type` fact said, before deciding what to keep. */
const enum Kind {
  None,
  File,
  Dir,
  CurrentDir, // cdir: the listed directory itself (§7.5.1)
  ParentDir, // pdir: its parent
  Symlink,
  Other,
}

function lower(c: number): number {
  return c | 0x20;
}

/** Case-insensitive comparison of text[start, end) with an all-lower-case ASCII word. */
function equalsLower(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if (lower(text.charCodeAt(start + i)) !== word.charCodeAt(i)) return false;
  }
  return true;
}

function startsWithLower(text: string, start: number, end: number, word: string): boolean {
  return end - start >= word.length && equalsLower(text, start, start + word.length, word);
}

/** Non-negative integer from text[start, end) if it is all digits, else -1. */
function parseDigits(text: string, start: number, end: number): number {
  if (end <= start || end - start > MAX_SIZE_DIGITS) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Epoch ms of an RFC 3659 §2.3 time-val `YYYYMMDDHHMMSS[.sss]` at text[start, end), or NaN if malformed.
 * Any number of fraction digits is allowed by the RFC; we keep milliseconds.
 */
export function parseTimeVal(text: string, start: number, end: number): number {
  if (end - start < 14) return NaN;
  const century = twoDigits(text, start);
  const yy = twoDigits(text, start + 2);
  if (century < 0 || yy < 0) return NaN;
  const year = century * 100 + yy;
  const month = twoDigits(text, start + 4);
  const day = twoDigits(text, start + 6);
  const hour = twoDigits(text, start + 8);
  const minute = twoDigits(text, start + 10);
  let second = twoDigits(text, start + 12);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return NaN;
  if (second === 60) second = 59; // a leap second; Date cannot represent it
  let ms = 0;
  let p = start + 14;
  if (p < end) {
    if (text.charCodeAt(p) !== 46) return NaN; // '.'
    p++;
    if (p >= end) return NaN;
    let scale = 100;
    for (; p < end; p++) {
      const c = text.charCodeAt(p) - 48;
      if (c < 0 || c > 9) return NaN;
      ms += c * scale; // digits past the third add 0 (scale rounds down to 0)
      scale = scale / 10 | 0;
    }
  }
  return utcMs(year, month, day, hour, minute, second, ms);
}

/**
 * Parse one MLSD/MLST entry text[s, e) (facts, space, pathname). `forListing` drops cdir/pdir and `.`/`..`
 * (MLSD, §7.2: they describe the listed directory, not its contents); for MLST they are the object asked
 * about and come back as type 'dir'.
 */
export function parseMlsxEntry(text: string, s: number, e: number, forListing: boolean): LineResult {
  let kind = Kind.None;
  let size = -1;
  let sizd = -1;
  let mtimeMs = NaN;
  let permStart = -1, permEnd = -1;
  let modeStart = -1, modeEnd = -1;
  let targetStart = -1;
  let typeEnd = -1;
  // Owner and group: the names (`UNIX.ownername`, proftpd) win over the numbers (`UNIX.owner`, `UNIX.uid`).
  let ownerStart = -1, ownerEnd = -1, ownerByName = false;
  let groupStart = -1, groupEnd = -1, groupByName = false;

  let factStart = s;
  let eq = -1;
  let p = s;
  for (; ; p++) {
    if (p >= e) return undefined; // no space: no pathname
    const c = text.charCodeAt(p);
    if (c === 61) { // '='
      if (eq < 0) eq = p;
      continue;
    }
    if (c !== 59 && c !== 32) continue; // not ';' or the space ending the facts
    if (p > factStart) {
      // A fact text[factStart, p) with its first '=' at eq.
      if (eq <= factStart) return undefined; // no '=' or no fact name: not MLSx
      const vs = eq + 1;
      const nameLen = eq - factStart;
      const f0 = lower(text.charCodeAt(factStart));
      if (nameLen === 4) {
        if (f0 === 116 && equalsLower(text, factStart, eq, 'type')) {
          if (equalsLower(text, vs, p, 'file')) kind = Kind.File;
          else if (equalsLower(text, vs, p, 'dir')) kind = Kind.Dir;
          else if (equalsLower(text, vs, p, 'cdir')) kind = Kind.CurrentDir;
          else if (equalsLower(text, vs, p, 'pdir')) kind = Kind.ParentDir;
          else if (startsWithLower(text, vs, p, 'os.unix=slink') || equalsLower(text, vs, p, 'os.unix=symlink')) {
            kind = Kind.Symlink;
            // `OS.unix=slink:TARGET`; the target may itself contain ':'.
            const colon = vs + 13;
            if (colon < p && text.charCodeAt(colon) === 58 && colon + 1 < p) {
              targetStart = colon + 1;
              typeEnd = p;
            }
          } else kind = Kind.Other;
        } else if (f0 === 115 && equalsLower(text, factStart, eq, 'size')) {
          size = parseDigits(text, vs, p);
        } else if (f0 === 115 && equalsLower(text, factStart, eq, 'sizd')) {
          sizd = parseDigits(text, vs, p);
        } else if (f0 === 112 && equalsLower(text, factStart, eq, 'perm')) {
          permStart = vs;
          permEnd = p;
        }
      } else if (nameLen === 6) {
        if (f0 === 109 && equalsLower(text, factStart, eq, 'modify')) mtimeMs = parseTimeVal(text, vs, p);
      } else if (nameLen === 9) {
        if (f0 === 117 && equalsLower(text, factStart, eq, 'unix.mode')) {
          modeStart = vs;
          modeEnd = p;
        }
      } else if (f0 === 117 && (nameLen === 8 || nameLen === 10 || nameLen === 14) && startsWithLower(text, factStart, eq, 'unix.')) {
        const byName = nameLen === 14;
        if (equalsLower(text, factStart, eq, 'unix.owner') || equalsLower(text, factStart, eq, 'unix.uid') || equalsLower(text, factStart, eq, 'unix.ownername')) {
          if (byName || !ownerByName) [ownerStart, ownerEnd, ownerByName] = [vs, p, byName];
        } else if (equalsLower(text, factStart, eq, 'unix.group') || equalsLower(text, factStart, eq, 'unix.gid') || equalsLower(text, factStart, eq, 'unix.groupname')) {
          if (byName || !groupByName) [groupStart, groupEnd, groupByName] = [vs, p, byName];
        }
      }
    }
    if (c === 32) break;
    factStart = p + 1;
    eq = -1;
  }

  // The pathname: everything after the first space, exactly as sent.
  const nameStart = p + 1;
  if (nameStart >= e) return undefined;
  if (forListing && (kind === Kind.CurrentDir || kind === Kind.ParentDir)) return null;
  const name = text.slice(nameStart, e);
  if (forListing && (name === '.' || name === '..')) return null;

  let type: EntryType;
  switch (kind) {
    case Kind.File: type = 'file'; break;
    case Kind.Dir: case Kind.CurrentDir: case Kind.ParentDir: type = 'dir'; break;
    case Kind.Symlink: type = 'symlink'; break;
    default: type = 'unknown';
  }

  const entry: FileEntry = { name, type };
  if (size >= 0) entry.size = size;
  else if (sizd >= 0) entry.size = sizd;
  if (mtimeMs === mtimeMs) entry.mtimeMs = mtimeMs;
  if (targetStart >= 0) entry.target = text.slice(targetStart, typeEnd);
  let mode = -1;
  if (modeStart >= 0) {
    mode = parseOctal(text, modeStart, modeEnd);
    if (mode >= 0) entry.mode = mode;
  }
  // `permissions` keeps what the server said: the `perm` fact when given (what FTP commands are allowed,
  // §7.5.5), else the `UNIX.mode` text. The mode bits are in `mode` either way, so nothing is lost.
  if (permStart >= 0 && permEnd > permStart) entry.permissions = text.slice(permStart, permEnd);
  else if (mode >= 0) entry.permissions = text.slice(modeStart, modeEnd);
  if (ownerEnd > ownerStart) entry.owner = text.slice(ownerStart, ownerEnd);
  if (groupEnd > groupStart) entry.group = text.slice(groupStart, groupEnd);
  return entry;
}

/** Mode bits (masked to 07777) from octal text, or -1. pyftpdlib writes Python's form, `0o640`. */
function parseOctal(text: string, start: number, end: number): number {
  if (end - start > 2 && text.charCodeAt(start) === 48 && (text.charCodeAt(start + 1) | 0x20) === 111) start += 2;
  if (end <= start || end - start > 8) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 7) return -1;
    n = n * 8 + c;
  }
  return n & 0o7777;
}

/**
 * Parse an MLSD listing (RFC 3659 §7.2). `cdir`/`pdir` entries and `.`/`..` are dropped; lines that are not
 * MLSD entries are counted in `unparsed`. Never throws.
 */
export function parseMlsd(text: string): ParseResult {
  if (typeof text !== 'string') text = ''; // untyped callers: "never throws" includes them
  const entries: FileEntry[] = [];
  const unparsed = newUnparsed();
  const lines = new LineReader(text);
  while (lines.next()) {
    const s = lines.start;
    const e = lines.end;
    if (s === e) continue;
    const r = parseMlsxEntry(text, s, e, true);
    if (r) entries.push(r);
    else if (r === undefined && !isBlank(text, s, e)) addUnparsed(unparsed, text, s, e);
  }
  return { entries, unparsed, format: 'mlsd' };
}

/**
 * Parse the entry line of an MLST reply (RFC 3659 §7.2, §7.3): the line between `250-` and `250 ` that
 * starts with a single space, then facts, a space and the pathname (usually a full path, e.g.
 * ` type=file;size=12; /dir/normal.txt`). The leading space is optional here, a trailing CR LF is ignored.
 * Returns undefined for anything else. Unlike MLSD, `type=cdir` (pure-ftpd answers a bare `MLST` with
 * `type=cdir; .`) is returned, as type 'dir'.
 */
export function parseMlstLine(line: string): FileEntry | undefined {
  if (typeof line !== 'string') return undefined;
  let e = line.length;
  while (e > 0) {
    const c = line.charCodeAt(e - 1);
    if (c !== 10 && c !== 13) break;
    e--;
  }
  const s = line.charCodeAt(0) === 32 ? 1 : 0;
  for (let i = s; i < e; i++) {
    const c = line.charCodeAt(i);
    if (c === 10 || c === 13) return undefined; // more than one line
  }
  return parseMlsxEntry(line, s, e, false) ?? undefined;
}
