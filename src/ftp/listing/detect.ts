/**
 * LIST parsing with format detection.
 *
 * LIST output has no defined format (RFC 959 §4.1.3), and a server can even mix styles (a Windows server
 * with a Unix-emulation switch, a proxy in front of several hosts), so the format is chosen per line: the
 * format the caller remembers from earlier listings on this connection first, then Unix, then DOS. The three
 * parsers reject each other's lines on the first character or two (Unix lines start with a file type letter,
 * DOS lines with a digit, MLSD facts with `name=`), so the fallback costs almost nothing.
 *
 * MLSD is only tried when the caller says `format: 'mlsd'`: MLSD data comes from the MLSD command, never
 * from LIST, and use `parseMlsd` for it.
 */
import type { FileEntry, ListingFormat, ParseResult } from '../entry';
import { parseDosLine } from './dos';
import { LineReader } from './lines';
import { parseMlsxEntry } from './mlsd';
import { makeClock } from './time';
import { LineResult, parseUnixLine } from './unix';
import { addUnparsed, isBlank, newUnparsed } from './unparsed';

export interface ParseListOptions {
  /**
   * "Now" for Unix dates shown without a year (`Nov 21 08:09`): they get the latest year that puts them no
   * more than ~3 months after this (see FUTURE_TOLERANCE_DAYS in time.ts). Defaults to the current time;
   * pass it explicitly for reproducible results.
   */
  now?: Date;
  /** The format the previous listing on this connection was in (ParseResult.format); tried first. */
  format?: ListingFormat;
  /** The server's local time minus UTC, in minutes (see Clock.offsetMs). Default 0: times read as UTC. */
  timeZoneOffsetMinutes?: number;
}

const FORMATS: readonly ListingFormat[] = ['mlsd', 'unix', 'dos'];
const enum Fmt { Mlsd = 0, Unix = 1, Dos = 2 }

function toFmt(format: ListingFormat | undefined): number {
  switch (format) {
    case 'mlsd': return Fmt.Mlsd;
    case 'unix': return Fmt.Unix;
    case 'dos': return Fmt.Dos;
    default: return -1; // also for values that are not a ListingFormat at all (untyped callers)
  }
}

/**
 * Parse a LIST reply. Lines no format accepts are counted in `unparsed` (with the first few kept);
 * `.`, `..` and `total N` lines are dropped silently. `format` is the format that parsed most lines,
 * undefined when none did (an empty listing), in which case the caller should keep what it remembered.
 * Never throws.
 */
export function parseList(text: string, options?: ParseListOptions): ParseResult {
  if (typeof text !== 'string') text = ''; // untyped callers: "never throws" includes them
  const clock = makeClock(options?.now, options?.timeZoneOffsetMinutes);
  const hint = toFmt(options?.format);
  // Try order: the remembered format, then Unix, then DOS.
  const order: number[] = hint >= 0 ? [hint] : [];
  if (hint !== Fmt.Unix) order.push(Fmt.Unix);
  if (hint !== Fmt.Dos) order.push(Fmt.Dos);
  const tries = order.length;

  const counts = [0, 0, 0];
  const entries: FileEntry[] = [];
  const unparsed = newUnparsed();
  const lines = new LineReader(text);
  while (lines.next()) {
    const s = lines.start;
    const e = lines.end;
    if (s === e) continue;
    let r: LineResult;
    for (let i = 0; i < tries; i++) {
      const f = order[i];
      r = f === Fmt.Unix ? parseUnixLine(text, s, e, clock)
        : f === Fmt.Dos ? parseDosLine(text, s, e, clock.offsetMs)
        : parseMlsxEntry(text, s, e, true);
      if (r !== undefined) {
        counts[f]++;
        break;
      }
    }
    if (r) entries.push(r);
    else if (r === undefined && !isBlank(text, s, e)) addUnparsed(unparsed, text, s, e);
  }

  // The most frequent format; ties go to the one tried first.
  let best = -1;
  for (let i = 0; i < tries; i++) {
    const f = order[i];
    if (counts[f] > 0 && (best < 0 || counts[f] > counts[best])) best = f;
  }
  return { entries, unparsed, format: best >= 0 ? FORMATS[best] : undefined };
}
