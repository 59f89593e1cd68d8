/** The "FTP" output channel: the control dialogue of every connection, plus errors the extension reports. */
import * as vscode from 'vscode';
import type { FtpLogEvent } from '../ftp';
import { errorLine, formatLogLines, LineBuffer, prefixLine } from '../remote/logFormat';

export class FtpLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('FTP');
  private readonly buffer = new LineBuffer();
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Every line as appended (without the time stamp the channel shows). */
  readonly onDidAppend = this.emitter.event;

  /** A client log event of connection `prefix` (e.g. "site#1"). */
  event(prefix: string, e: FtpLogEvent): void {
    for (const line of formatLogLines(prefix, e)) this.append(line);
  }

  info(prefix: string, text: string): void {
    this.append(prefixLine(prefix, `--- ${text}`));
  }

  error(prefix: string, message: string): void {
    this.append(errorLine(prefix, message));
  }

  lines(): string[] {
    return this.buffer.all();
  }

  clear(): void {
    this.buffer.clear();
    this.channel.clear();
  }

  show(): void {
    this.channel.show(true);
  }

  private append(line: string): void {
    this.buffer.push(line);
    this.channel.appendLine(`${new Date().toISOString().slice(11, 23)} ${line}`);
    this.emitter.fire(line);
  }

  dispose(): void {
    this.channel.dispose();
    this.emitter.dispose();
  }
}
