/** A reply (RFC 959 §4.2) and how it is read off the control connection (ReplyParser). Parsers of the text of particular replies: replyParsers.ts. */
import { FtpProtocolError } from './errors';
import { t as l10nT } from './l10n';

/** One complete reply: its code, its text (lines joined by \n, code prefixes kept), and the lines. */
export interface FtpReply {
  code: number;
  /** The whole reply as received, lines joined with '\n' (no CR). */
  text: string;
  lines: string[];
}

/** The text of a reply without the leading code: "227 Entering Passive Mode (...)" -> "Entering Passive Mode (...)". */
export function replyMessage(reply: FtpReply): string {
  return reply.lines
    .map((l, i) => (i === 0 || i === reply.lines.length - 1 ? l.replace(/^\d{3}[- ]?/, '') : l.trim()))
    .join(' ')
    .trim();
}

const LF = 0x0a;
/** A multi-line reply (FEAT, HELP, STAT) is a few KiB; more than this is a broken or hostile server. */
const MAX_REPLY_CHARS = 1024 * 1024;
const CR = 0x0d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Three digits at the start of a line, or -1. */
function codeOf(line: string): number {
  if (line.length < 3) return -1;
  const a = line.charCodeAt(0), b = line.charCodeAt(1), c = line.charCodeAt(2);
  if (!isDigit(a) || !isDigit(b) || !isDigit(c)) return -1;
  if (line.length > 3 && line[3] !== ' ' && line[3] !== '-') return -1;
  return (a - 48) * 100 + (b - 48) * 10 + (c - 48);
}

/**
 * Incremental reply parser for the control connection (RFC 959 §4.2).
 *
 * Bytes arrive in arbitrary chunks (one byte at a time, or many replies in one chunk); `push` returns every
 * reply completed by the chunk. A multi-line reply starts with "ddd-" and ends at the first line that starts
 * with the same code followed by a space (or the bare code, as some servers send). Lines in between may be
 * anything, including lines that start with other digits. A line longer than `maxLineLength` bytes, or a
 * first line without a code, is a protocol error: a hostile or broken server must not make us buffer forever.
 */
export class ReplyParser {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private lines: string[] = [];
  /** Characters of the multi-line reply being read, against a server that never ends one. */
  private size = 0;
  private code = -1;

  constructor(
    private readonly decode: (bytes: Buffer) => string,
    private readonly maxLineLength = 8192,
  ) {}

  push(chunk: Buffer): FtpReply[] {
    const out: FtpReply[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) {
        const rest = chunk.length - start;
        if (rest > 0) {
          this.pending.push(chunk.subarray(start));
          this.pendingLength += rest;
        }
        if (this.pendingLength > this.maxLineLength) {
          this.reset();
          throw new FtpProtocolError(l10nT('The server sent a reply line longer than {0} bytes', this.maxLineLength));
        }
        return out;
      }
      let piece = chunk.subarray(start, nl);
      if (this.pendingLength > 0) {
        piece = Buffer.concat([...this.pending, piece]);
        this.pending = [];
        this.pendingLength = 0;
      }
      start = nl + 1;
      if (piece.length > this.maxLineLength) {
        this.reset();
        throw new FtpProtocolError(l10nT('The server sent a reply line longer than {0} bytes', this.maxLineLength));
      }
      const reply = this.line(this.decode(piece.length > 0 && piece[piece.length - 1] === CR ? piece.subarray(0, piece.length - 1) : piece));
      if (reply) out.push(reply);
    }
  }

  private line(line: string): FtpReply | undefined {
    if (this.code < 0) {
      const code = codeOf(line);
      if (code < 0) {
        // Some servers send an empty line between replies; tolerate it, reject anything else.
        if (line.trim() === '') return undefined;
        throw new FtpProtocolError(l10nT('The server sent a reply without a valid code: {0}', JSON.stringify(line.slice(0, 80))));
      }
      if (code < 100 || code >= 600) {
        throw new FtpProtocolError(l10nT('The server sent a reply with an invalid code {0}', code));
      }
      if (line[3] === '-') {
        this.code = code;
        this.lines = [line];
        this.size = line.length;
        return undefined;
      }
      return { code, text: line, lines: [line] };
    }
    this.lines.push(line);
    if (codeOf(line) === this.code && line[3] !== '-') {
      const reply = { code: this.code, text: this.lines.join('\n'), lines: this.lines };
      this.code = -1;
      this.lines = [];
      return reply;
    }
    this.size += line.length;
    if (this.lines.length > 10000) {
      this.reset();
      throw new FtpProtocolError(l10nT('The server sent a multi-line reply of more than {0} lines', 10000));
    }
    if (this.size > MAX_REPLY_CHARS) {
      this.reset();
      throw new FtpProtocolError(l10nT('The server sent a multi-line reply larger than {0} MiB', MAX_REPLY_CHARS / (1024 * 1024)));
    }
    return undefined;
  }

  private reset(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.lines = [];
    this.size = 0;
    this.code = -1;
  }
}
