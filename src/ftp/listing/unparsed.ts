/**
 * Bookkeeping for lines that fit no format. They are reported instead of silently dropped so that the
 * connection log can show what the server sent when a listing comes back short.
 */

/** How many unparsed lines are kept verbatim for the log. */
export const UNPARSED_SAMPLE_SIZE = 5;

export interface Unparsed {
  count: number;
  sample: string[];
}

export function newUnparsed(): Unparsed {
  return { count: 0, sample: [] };
}

/** Record the line text[start, end). Only the first few are copied out of the listing. */
export function addUnparsed(unparsed: Unparsed, text: string, start: number, end: number): void {
  if (unparsed.count < UNPARSED_SAMPLE_SIZE) unparsed.sample.push(text.slice(start, end));
  unparsed.count++;
}

/**
 * True when text[start, end) holds only spaces and tabs. Blank lines are not listing entries and not errors
 * either (some servers end the listing with an empty line).
 */
export function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
