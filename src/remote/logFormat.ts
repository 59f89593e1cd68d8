/**
 * Lines of the "FTP" output channel. No vscode import.
 *
 *   [site#1] ---> RETR /www/index.html          command sent on connection 1 of "site"
 *   [site#1] <--- 150 Opening BINARY mode ...   reply received
 *   [site#1] --- data open passive download: ...
 *   [site] !!! write /www/a.txt: 553 ...        an error the extension reports
 *
 * The client masks the arguments of PASS and ACCT where it sends them (src/ftp/control.ts maskCommand); nothing
 * here searches the text for a password, which would hide a folder of the same name and so give the password
 * away. Lines are cut at MAX_LINE characters so nothing long is ever dumped.
 */
import { formatLogEvent, type FtpLogEvent } from '../ftp';

export const MAX_LINE = 500;

export function formatLogLines(prefix: string, event: FtpLogEvent): string[] {
  return formatLogEvent(event)
    .split('\n')
    .map((line) => prefixLine(prefix, line));
}

export function prefixLine(prefix: string, line: string): string {
  let l = line.replace(/\r/g, '');
  if (l.length > MAX_LINE) l = `${l.slice(0, MAX_LINE)}... (${l.length - MAX_LINE} more characters)`;
  return `[${prefix}] ${l}`;
}

/** A line for an error the extension hit (not the server dialogue). */
export function errorLine(prefix: string, message: string): string {
  return prefixLine(prefix, `!!! ${message}`);
}

/** A fixed-size ring of the last lines, for tests and for "Show Log" after the fact. */
export class LineBuffer {
  private readonly lines: string[] = [];
  constructor(readonly capacity = 5000) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  all(): string[] {
    return [...this.lines];
  }

  clear(): void {
    this.lines.length = 0;
  }
}
