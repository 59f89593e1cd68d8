/**
 * DOS / Windows (IIS) style LIST lines:
 *
 *   03-05-24  06:07AM       <DIR>          subdir
 *   03-05-24  06:07AM                   12 normal.txt
 *   03-05-2024  18:07                   12 normal.txt        (4-digit year, 24-hour clock)
 *
 * IIS prints month-day-year (US order) with a 2-digit year by default and a 4-digit year when the site is
 * configured for it, and a 12-hour clock with AM/PM or a 24-hour clock. We also accept ISO `2024-03-05`
 * dates. There is no zone: times are taken as UTC like everything else (see time.ts).
 *
 * Name column: IIS right-aligns sizes so that the name always starts one space after the size, and pads
 * `<DIR>` with exactly ten spaces. We take the name after one space following a size and after ten spaces
 * following `<DIR>` (all the whitespace if there are fewer), so names that start with spaces survive.
 */
import type { FileEntry } from '../entry';
import { daysInMonth, utcMs } from './time';
import type { LineResult } from './unix';

const DIR_PADDING = 10;
const MAX_SIZE_DIGITS = 16;

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Parse one DOS/IIS line text[s, e) (no line end).
 */
export function parseDosLine(text: string, s: number, e: number, offsetMs = 0): LineResult {
  let p = s;
  let c = text.charCodeAt(p);
  if (!isDigit(c)) return undefined; // cheap rejection of Unix and MLSD lines

  // Date: three numbers with the same separator ('-', '/' or '.').
  let a = 0, aDigits = 0;
  while (p < e && isDigit(c = text.charCodeAt(p))) { a = a * 10 + c - 48; aDigits++; p++; }
  const sep = c;
  if (sep !== 45 && sep !== 47 && sep !== 46) return undefined;
  p++;
  let b = 0, bDigits = 0;
  while (p < e && isDigit(c = text.charCodeAt(p))) { b = b * 10 + c - 48; bDigits++; p++; }
  if (c !== sep || bDigits < 1 || bDigits > 2) return undefined;
  p++;
  let d = 0, dDigits = 0;
  while (p < e && isDigit(c = text.charCodeAt(p))) { d = d * 10 + c - 48; dDigits++; p++; }
  let year: number, month: number, day: number;
  if (aDigits === 4 && (dDigits === 1 || dDigits === 2)) {
    year = a; month = b; day = d; // ISO order
  } else if ((aDigits === 1 || aDigits === 2) && (dDigits === 2 || dDigits === 4)) {
    month = a; day = b;
    // Two-digit years as POSIX strptime %y reads them: 69-99 are 1969-1999, 00-68 are 2000-2068.
    year = dDigits === 4 ? d : d >= 69 ? 1900 + d : 2000 + d;
  } else {
    return undefined;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (p >= e || !isSpace(text.charCodeAt(p))) return undefined;

  // Time: H:MM or HH:MM, optionally followed (with or without a space) by AM or PM.
  while (p < e && isSpace(text.charCodeAt(p))) p++;
  let hour = 0, hDigits = 0;
  while (p < e && isDigit(c = text.charCodeAt(p))) { hour = hour * 10 + c - 48; hDigits++; p++; }
  if (hDigits < 1 || hDigits > 2 || c !== 58) return undefined;
  const m1 = text.charCodeAt(p + 1) - 48;
  const m2 = text.charCodeAt(p + 2) - 48;
  if (!(m1 >= 0 && m1 <= 5 && m2 >= 0 && m2 <= 9)) return undefined;
  const minute = m1 * 10 + m2;
  p += 3;
  let q = p;
  while (q < e && isSpace(text.charCodeAt(q))) q++;
  const ap = text.charCodeAt(q) | 0x20;
  if ((ap === 97 || ap === 112) && (text.charCodeAt(q + 1) | 0x20) === 109 && q + 2 < e && isSpace(text.charCodeAt(q + 2))) {
    // 12-hour clock: 12:xxAM is just after midnight, 12:xxPM just after noon.
    if (hour < 1 || hour > 12) return undefined;
    if (hour === 12) hour = 0;
    if (ap === 112) hour += 12;
    p = q + 2;
  } else if (hour > 23) {
    return undefined;
  }
  if (p >= e || !isSpace(text.charCodeAt(p))) return undefined;

  // `<DIR>` or a size (some servers group digits with commas).
  while (p < e && isSpace(text.charCodeAt(p))) p++;
  let isDir = false;
  let size = 0;
  let nameStart: number;
  if (text.charCodeAt(p) === 60) { // '<'
    if (!text.startsWith('<DIR>', p) && text.slice(p, p + 5).toUpperCase() !== '<DIR>') return undefined;
    isDir = true;
    p += 5;
    let spaces = 0;
    while (p + spaces < e && spaces < DIR_PADDING && text.charCodeAt(p + spaces) === 32) spaces++;
    if (spaces === 0) return undefined;
    nameStart = p + spaces;
    if (spaces < DIR_PADDING) while (nameStart < e && isSpace(text.charCodeAt(nameStart))) nameStart++;
  } else {
    let digits = 0;
    while (p < e) {
      c = text.charCodeAt(p);
      if (isDigit(c)) { size = size * 10 + c - 48; digits++; }
      else if (c !== 44 || digits === 0) break; // ',' only between digits
      p++;
    }
    if (digits === 0 || digits > MAX_SIZE_DIGITS || text.charCodeAt(p - 1) === 44) return undefined;
    if (!isSpace(c) || p >= e) return undefined;
    nameStart = p + 1;
  }
  if (nameStart >= e) return undefined;

  const name = text.slice(nameStart, e);
  if (name === '.' || name === '..') return null;
  const mtimeMs = utcMs(year, month, day, hour, minute, 0, 0) - offsetMs; // local time (see Clock.offsetMs)
  const entry: FileEntry = isDir ? { name, type: 'dir', mtimeMs } : { name, type: 'file', size, mtimeMs };
  return entry;
}
