/**
 * Walks the lines of a listing without splitting it into an array of strings: the parsers work on
 * (text, start, end) ranges and only slice out what ends up in an entry (the name, the link target).
 *
 * Line ends: RFC 959 §3.1.1.1 says ASCII listings end lines with CR LF, but servers also send bare LF. A bare
 * CR is treated as a line end as well, so that no entry name can ever contain a CR or LF (such a name would be
 * unusable in a path and would corrupt the log). The last line needs no line end.
 *
 * Invariant the parsers rely on: the character at `end` is the CR or LF that ended the line, or `end` is the
 * length of the text (where charCodeAt gives NaN). So a scan that stops at any character <= 32 or at NaN
 * stops at the line end without comparing positions.
 */
export class LineReader {
  /** Start of the current line (inclusive). */
  start = 0;
  /** End of the current line (exclusive), line end characters excluded. */
  end = 0;
  private pos = 0;
  private nextLf = -1;
  private nextCr = -1;
  private readonly length: number;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  /** Advance to the next line; false when the text is exhausted. */
  next(): boolean {
    const text = this.text;
    const pos = this.pos;
    const length = this.length;
    if (pos >= length) return false;
    // The next LF and the next CR at or after pos, each cached until passed: for LF-only text the CR search
    // runs once and finds nothing; for CR LF text it finds the CR ending the current line. Each search stops at
    // the next line end instead of scanning the whole text up front.
    let lf = this.nextLf;
    if (lf < pos) {
      lf = text.indexOf('\n', pos);
      if (lf < 0) lf = length;
      this.nextLf = lf;
    }
    let cr = this.nextCr;
    if (cr < pos) {
      cr = text.indexOf('\r', pos);
      if (cr < 0) cr = length;
      this.nextCr = cr;
    }
    this.start = pos;
    if (cr < lf) {
      this.end = cr;
      this.pos = cr + 1 === lf ? lf + 1 : cr + 1;
    } else {
      this.end = lf;
      this.pos = lf + 1;
    }
    return true;
  }
}
