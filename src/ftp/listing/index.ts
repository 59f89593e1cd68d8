/**
 * Directory listing parsers: text in, typed entries out. Pure functions, no I/O, Node built-ins only.
 *
 * - `parseList(text, { now, format })` for LIST replies (Unix `ls -l` and DOS/IIS styles, detected per line);
 * - `parseMlsd(text)` for MLSD replies (RFC 3659 §7);
 * - `parseMlstLine(line)` for the entry line of an MLST reply (RFC 3659 §7.3).
 *
 * None of them throws, whatever the input.
 */
import type { FileEntry } from '../entry';
import { parseDosLine } from './dos';
import { makeClock } from './time';
import { parseUnixLine } from './unix';

export { parseList } from './detect';
export type { ParseListOptions } from './detect';
export { parseMlsd, parseMlstLine } from './mlsd';
export { FUTURE_TOLERANCE_DAYS } from './time';
export type { EntryType, FileEntry, ListingFormat, ParseResult } from '../entry';

function lineEnd(line: string): number {
  let e = line.length;
  while (e > 0 && (line.charCodeAt(e - 1) === 10 || line.charCodeAt(e - 1) === 13)) e--;
  return e;
}

/**
 * One Unix `ls -l` line (e.g. from a STAT reply). Undefined if it is not one, or if it is `.`, `..` or
 * `total N`.
 */
export function parseUnixListLine(line: string, now?: Date): FileEntry | undefined {
  if (typeof line !== 'string') return undefined;
  const e = lineEnd(line);
  if (line.lastIndexOf('\n', e - 1) >= 0 || line.lastIndexOf('\r', e - 1) >= 0) return undefined;
  return parseUnixLine(line, 0, e, makeClock(now)) ?? undefined;
}

/** One DOS/IIS LIST line. Undefined if it is not one, or if it is `.` or `..`. */
export function parseDosListLine(line: string): FileEntry | undefined {
  if (typeof line !== 'string') return undefined;
  const e = lineEnd(line);
  if (line.lastIndexOf('\n', e - 1) >= 0 || line.lastIndexOf('\r', e - 1) >= 0) return undefined;
  return parseDosLine(line, 0, e) ?? undefined;
}
