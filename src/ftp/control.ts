import * as net from 'node:net';
import type * as tls from 'node:tls';
import { EventEmitter } from 'node:events';
import { ReplyParser, type FtpReply } from './reply';
import { FtpConnectionError, FtpProtocolError, FtpTimeoutError } from './errors';
import { t as l10nT } from './l10n';
import type { PathCodec } from './names/pathCodec';
import type { FtpLogger } from './log';
import { checkCertificate, logTls, startTls, type CertificateInfo, type TlsSettings } from './tls';
import { AheadReplies, type Ahead, type AheadOptions, type AfterData } from './aheadReplies';
import { connectSocket, formatEndpoint } from './connectSocket';

export { formatEndpoint };

interface Waiter {
  resolve: (reply: FtpReply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  command?: string;
}

/** "PASS secret" -> "PASS ****": the password never reaches a log event or an error message. */
export function maskCommand(command: string): string {
  const first = command.charCodeAt(0) | 0x20; // cheap test first: this runs for every command
  if (first !== 0x70 /* p */ && first !== 0x61 /* a */) return command;
  return /^(PASS|ACCT)\b/i.test(command) ? `${command.slice(0, 4)} ****` : command;
}

const NO_REPLIES: readonly FtpReply[] = Object.freeze([]);
const CRLF = Buffer.from('\r\n');

/**
 * One control connection (RFC 959 §3.2): a socket, a reply parser, and a queue of replies.
 *
 * It knows nothing of FTP semantics beyond "send a line, read replies". Any failure (socket error, close,
 * protocol violation, timeout) makes it unusable: after a timeout a late reply would be taken as the answer
 * to the next command, so the only safe thing is to drop the connection. The owner opens a new one.
 */
export class ControlConnection extends EventEmitter {
  private readonly parser: ReplyParser;
  private readonly queue: FtpReply[] = [];
  private waiter: Waiter | undefined;
  private failure: Error | undefined;
  /** The command whose reply is awaited, for error messages. */
  private lastCommand: string | undefined;
  /** The reply timer at the default timeout, re-armed for each read (see read()), and what it does when it fires. */
  private replyTimer: NodeJS.Timeout | undefined;
  private onReplyTimeout: (() => void) | undefined;
  /** Checks of the commands written ahead (writeAhead), in order, whose replies no read has taken yet. */
  private readonly ahead = new AheadReplies();
  /** writeAhead corked the socket: the next write sends both commands at once. */
  private corked = false;
  /** The passive request sent for the next transfer (sendPassiveAhead), while no other command followed it. */
  private passiveAhead: { command: string; reply?: FtpReply } | undefined;

  /** Whether upgrade() has put TLS on the socket (see `secure`). */
  private tls = false;
  /** The TLS session of the control connection, for data connections to resume (RFC 4217 §10, vsftpd's require_ssl_reuse). */
  tlsSession: Buffer | undefined;
  /** The certificate the server showed, once TLS is on. */
  certificate: CertificateInfo | undefined;
  private readonly onSocketData = (chunk: Buffer) => this.onData(chunk);
  private readonly onSocketError = (err: Error) =>
    this.fail(new FtpConnectionError(l10nT('Control connection error: {0}', err.message), this.lastCommand, err));
  private readonly onSocketClose = () => this.fail(new FtpConnectionError(l10nT('The server closed the control connection'), this.lastCommand));

  private constructor(
    public socket: net.Socket,
    private readonly codec: PathCodec,
    private readonly timeoutMs: number,
    private readonly log: FtpLogger,
    maxLineLength: number,
  ) {
    super();
    this.parser = new ReplyParser((b) => codec.decodeLine(b), maxLineLength);
    socket.setNoDelay(true);
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onSocketData);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onSocketData);
    socket.off('error', this.onSocketError);
    socket.off('close', this.onSocketClose);
  }

  /** TLS is on (set by upgrade(); a field, so the per-transfer check does not inspect the socket). */
  get secure(): boolean {
    return this.tls;
  }

  /**
   * Put TLS on this connection (after AUTH TLS, RFC 4217 §4, or at once for implicit FTPS) and check the
   * certificate. From here on every command and reply is encrypted.
   */
  async upgrade(settings: TlsSettings): Promise<void> {
    const raw = this.socket;
    this.detach(raw);
    raw.on('error', () => undefined);
    let secure: tls.TLSSocket;
    try {
      secure = await startTls(raw, settings, 'control connection');
      this.certificate = checkCertificate(secure, settings);
    } catch (err) {
      raw.destroy();
      this.fail(err as Error);
      throw err;
    }
    secure.on('session', (session: Buffer) => {
      this.tlsSession = session;
    });
    this.tlsSession = secure.getSession() ?? this.tlsSession;
    this.socket = secure;
    this.tls = true;
    this.attach(secure);
    logTls(this.log, secure, 'control connection');
    this.log({ kind: 'tls', text: `certificate ${this.certificate.subject} from ${this.certificate.issuer}, SHA-256 ${this.certificate.fingerprint256}` });
  }

  static async open(
    host: string,
    port: number,
    codec: PathCodec,
    timeoutMs: number,
    log: FtpLogger,
    maxLineLength: number,
  ): Promise<ControlConnection> {
    const socket = await connectSocket(host, port, timeoutMs, 'control connection');
    const ctl = new ControlConnection(socket, codec, timeoutMs, log, maxLineLength);
    log({
      kind: 'connect',
      host,
      port,
      local: formatEndpoint(socket.localAddress, socket.localPort),
      remote: formatEndpoint(socket.remoteAddress, socket.remotePort),
    });
    return ctl;
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  get localAddress(): string {
    return this.socket.localAddress ?? '';
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  get isIPv6(): boolean {
    return this.socket.remoteFamily === 'IPv6' && !/^::ffff:/i.test(this.remoteAddress);
  }

  /** Send one command line (with any command written ahead of it, in the same write). PASS is masked in the log. */
  write(command: string): void {
    try {
      this.writeLine(command);
    } finally {
      this.flushAhead();
    }
  }

  /**
   * Send several commands in one write, for the caller to read their replies in order (RFC 959 §4.2: a server
   * answers its commands one after the other, so replies cannot cross). Only for commands none of which depends
   * on another's reply, and whose replies are single (no 1xx first). One write, so that a server reading each
   * arrival as a whole batch (ftp-srv handles every chunk it reads as its own series of commands, and two chunks
   * at once) still sees them in one series.
   */
  writeBatch(commands: readonly string[]): void {
    if (!this.corked) this.socket.cork();
    this.corked = true;
    try {
      for (const c of commands) this.writeLine(c);
    } finally {
      this.flushAhead();
    }
  }

  /**
   * Send `command` with the next one (the next write() carries both in one write), without waiting for its
   * reply: the next read() first reads this command's reply and hands it to `check`; when `check` throws, that
   * read still reads its own reply (keeping the dialogue in step) and fails with check's error. The next command
   * must be one with a single reply (EPSV, PASV, EPRT, PORT, ...), and must not depend on this one having
   * succeeded in a way that does harm (a CWD ahead of an EPSV: the passive port of a failed CWD goes unused).
   * `opts.carried`: the command of a finished operation, which waits for the next one's write (aheadReplies.ts).
   */
  writeAhead(command: string, check: (reply: FtpReply) => void, opts?: AheadOptions): Ahead {
    if (!this.corked) this.socket.cork();
    this.corked = true;
    try {
      this.writeLine(command);
    } catch (err) {
      this.flushAhead();
      throw err;
    }
    return this.ahead.add(check, opts);
  }

  /**
   * Read the replies of commands written ahead that no read has taken (an operation that failed before its
   * first read, or a carried command no operation took along), so the next operation's replies pair with its own
   * commands. Verdicts are ignored, except a carried command's, which its owner waits for.
   */
  async settleAhead(): Promise<void> {
    this.flushAhead();
    await this.ahead.readAll(() => this.readFinal(this.timeoutMs), false);
  }

  /** Whether commands written ahead still await their replies. */
  get hasAhead(): boolean {
    return this.ahead.length > 0;
  }

  /** Whether the next operation must settle the commands written ahead before its own (AheadReplies.mustSettle). */
  get mustSettle(): boolean {
    return this.ahead.mustSettle;
  }

  /** Whether `a` (a command written ahead) is still held for the next write. */
  waitingToSend(a: Ahead): boolean {
    return this.ahead.waiting(a);
  }

  /**
   * Send EPSV or PASV for the next transfer now, before the final reply of the current one has come: a sequence of
   * transfers then costs one round trip less per transfer (the port is known when the next one starts). Its reply
   * follows the current transfer's final reply (RFC 959 §4.2), so call the returned function once that reply is
   * read: from then on the next read of any operation reads this reply first, and `takePassiveAhead` hands it to
   * the next transfer. Only after the data connection of a download or listing has been closed by the server: a
   * server reads commands during a transfer only to abort it, and pure-ftpd answers any other with 500.
   * `before`: a command sent in the same write just before it (an upload's SIZE: the stored file is complete once
   * the server has closed the data connection), its reply handed to its check.
   */
  sendPassiveAhead(command: 'EPSV' | 'PASV', before?: AfterData): () => void {
    // (Both in one write.)
    if (!this.corked) this.socket.cork();
    this.corked = true;
    try {
      if (before) this.writeLine(before.command);
      this.writeLine(command);
    } finally {
      this.flushAhead();
    }
    return () => {
      if (this.failure) {
        before?.lost(this.failure);
        return;
      }
      // Its reply comes first (RFC 959 §4.2); carried: its check is given it whichever read takes it.
      if (before) this.ahead.add(before.check, { carried: { lost: before.lost } }).sent = true;
      const slot: { command: string; reply?: FtpReply } = { command };
      this.passiveAhead = slot;
      // Carried: its check is given the reply whichever read takes it (a settle ignores other verdicts).
      this.ahead.add((r) => (slot.reply = r), { carried: { lost: () => undefined } }).sent = true;
    };
  }

  /**
   * The reply to the passive request sent ahead as `command` (sendPassiveAhead), once read and when no command was
   * sent after it (the server's listener is then the one for the next transfer command). Taken once.
   */
  takePassiveAhead(command: string): FtpReply | undefined {
    const slot = this.passiveAhead;
    if (!slot) return undefined;
    this.passiveAhead = undefined;
    return slot.command === command ? slot.reply : undefined;
  }

  private writeLine(command: string): void {
    if (this.failure) throw this.failure;
    // Any command after a passive request sent ahead: that request's port is no longer the next transfer's.
    this.passiveAhead = undefined;
    // Before anything is logged or sent: a name the connection's encoding cannot hold is refused here.
    const line = this.codec.encodeLine(command);
    this.lastCommand = maskCommand(command);
    this.log({ kind: 'command', text: this.lastCommand });
    // ASCII or UTF-8 (RFC 2640): the string goes to the socket as it is, without a Buffer made for it.
    if (typeof line === 'string') this.socket.write(`${line}\r\n`, 'utf8');
    else this.socket.write(Buffer.concat([line, CRLF]));
  }

  private flushAhead(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
    this.ahead.markSent();
  }

  /** Take unsolicited replies that arrived while nobody was waiting (e.g. a late 226, or 421 before a command). */
  drainStale(): readonly FtpReply[] {
    return this.queue.length === 0 ? NO_REPLIES : this.queue.splice(0, this.queue.length); // (no array per operation)
  }

  /** The next reply, within the timeout. Preliminary (1xx) replies are returned like any other. */
  read(timeoutMs = this.timeoutMs): Promise<FtpReply> {
    if (this.ahead.length > 0) return this.readAfterAhead(timeoutMs);
    return this.readNext(timeoutMs);
  }

  /** The replies of the commands written ahead, each to its check, then the reply the read is for. */
  private async readAfterAhead(timeoutMs: number): Promise<FtpReply> {
    const failure = await this.ahead.readAll(() => this.readFinal(this.timeoutMs), true);
    const own = await this.readNext(timeoutMs);
    if (failure) throw failure.err;
    return own;
  }

  /** The next reply that is not a preliminary one (1xx are read past). */
  private async readFinal(timeoutMs: number): Promise<FtpReply> {
    let r = await this.readNext(timeoutMs);
    while (r.code < 200) r = await this.readNext(timeoutMs);
    return r;
  }

  private readNext(timeoutMs = this.timeoutMs): Promise<FtpReply> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiter) return Promise.reject(new FtpProtocolError(l10nT('Two readers on one control connection')));
    const command = this.lastCommand;
    return new Promise<FtpReply>((resolve, reject) => {
      const expire = () => {
        this.waiter = undefined;
        const err = new FtpTimeoutError(
          command ? l10nT('No reply from the server within {0} s to {1}', Math.round(timeoutMs / 1000), command) : l10nT('No reply from the server within {0} s', Math.round(timeoutMs / 1000)),
          command,
          timeoutMs,
        );
        reject(err);
        this.fail(err);
      };
      let timer: NodeJS.Timeout;
      if (timeoutMs === this.timeoutMs) {
        // The usual wait: re-arm the connection's one reply timer instead of making a timer per reply (a transfer
        // reads three replies, and a timer object per reply is per-file work that small files feel).
        this.onReplyTimeout = expire;
        timer = this.replyTimer ??= setTimeout(() => this.onReplyTimeout?.(), timeoutMs);
        timer.refresh();
        timer.ref();
      } else {
        timer = setTimeout(expire, timeoutMs);
      }
      this.waiter = { resolve, reject, timer, command };
    });
  }

  /** A wait is over: stop its timer (the shared one stays armed but unref'd, and does nothing when it fires). */
  private stopTimer(w: Waiter): void {
    if (w.timer === this.replyTimer) {
      this.onReplyTimeout = undefined;
      w.timer.unref();
    } else {
      clearTimeout(w.timer);
    }
  }

  /** Send a command and read its first reply. */
  send(command: string, timeoutMs?: number): Promise<FtpReply> {
    // (Not an async function: one promise less per command. A write that throws still rejects, as an await would.)
    try {
      this.write(command);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.read(timeoutMs);
  }

  /** Send `command` without waiting for its reply; close once it and the stream's end are with the system (bounded). */
  async sendAndClose(command: string, timeoutMs: number): Promise<void> {
    try {
      this.write(command);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.socket.end(() => (clearTimeout(timer), resolve()));
      });
    } finally {
      this.destroy('closed by the client');
    }
  }

  /** Close the socket. Pending and future reads fail. */
  destroy(reason: DropReason = 'closed by the client'): void {
    const err = new FtpConnectionError(dropMessage(reason), this.lastCommand);
    if (reason === 'data connection failed' || reason === 'no data connection') err.onDataConnection = true;
    this.fail(err);
  }

  private onData(chunk: Buffer): void {
    let replies: FtpReply[];
    try {
      replies = this.parser.push(chunk);
    } catch (err) {
      const e = err as FtpProtocolError;
      this.fail(new FtpProtocolError(e.message, this.lastCommand));
      return;
    }
    for (const reply of replies) {
      this.log({ kind: 'reply', code: reply.code, text: reply.text });
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        this.stopTimer(w);
        w.resolve(reply);
      } else {
        this.queue.push(reply);
      }
      // RFC 959 §4.2: 421 may come at any time, and the server closes the connection after it.
      if (reply.code === 421 && !this.failure) {
        this.failure = new FtpConnectionError(l10nT('The server closed the connection: {0}', reply.text), this.lastCommand);
        this.emit('close', this.failure);
      }
    }
    // After 421 nothing more is read: close our side too, whether or not the server does.
    if (this.failure && !this.socket.destroyed) this.socket.destroy();
  }

  private fail(err: Error): void {
    const first = !this.failure;
    if (first) this.failure = err;
    this.ahead.lost(this.failure ?? err);
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      this.stopTimer(w);
      w.reject(this.failure ?? err);
    }
    if (this.replyTimer) {
      clearTimeout(this.replyTimer);
      this.replyTimer = undefined;
    }
    if (!this.socket.destroyed) this.socket.destroy();
    if (first) this.emit('close', err);
  }
}

/** Why the client closed a control connection (each a whole message, to translate). */
export type DropReason = 'closed by the client' | 'closed after a failed login' | 'data connection failed' | 'no data connection' | { droppedAfter: string };

function dropMessage(reason: DropReason): string {
  if (typeof reason === 'object') return l10nT('Control connection dropped after: {0}', reason.droppedAfter);
  switch (reason) {
    case 'closed by the client':
      return l10nT('Control connection closed by the client');
    case 'closed after a failed login':
      return l10nT('Control connection closed after a failed login');
    case 'data connection failed':
      return l10nT('Control connection dropped: the data connection failed with the transfer command outstanding');
    case 'no data connection':
      return l10nT('Control connection dropped: the server never opened the data connection');
  }
}
