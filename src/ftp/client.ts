import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { posix } from 'node:path';
import { PathCodec } from './names/pathCodec';
import type { DataMethod } from './data';
import type { FileEntry } from './entry';
import { FtpConnectionError, FtpError, FtpProtocolError, isConnectionLost } from './errors';
import { t as l10nT } from './l10n';
import { downloadTo, downloadToBuffer, uploadFrom } from './fileTransfers';
import { assertSafeArgument } from './guard';
import { listFolder, mlstEntry, statPath } from './listings';
import { safeLog, type FtpLogEvent, type FtpLogger } from './log';
import type { DataMode, FtpConnectOptions, ListOptions, TransferOptions } from './options';
import { replyMessage, type FtpReply } from './reply';
import { parseMdtm, parsePwd, sizeOfReply } from './replyParsers';
import { Session } from './session';
import { mdtmToUtc } from './timeZone';
import { ServerTraits } from './traits';
import { AFTERMATH } from './transfer';

/**
 * An FTP client over one control connection (RFC 959), with the extensions of RFC 2389 (FEAT/OPTS),
 * RFC 2428 (EPSV/EPRT), RFC 3659 (MLSD/MLST/SIZE/MDTM/REST) and RFC 2640 (UTF8).
 *
 * Operations are serialised: callers may call concurrently and are served in order, one at a time, because
 * FTP has no way to tell which reply belongs to which of two interleaved commands. Paths are resolved
 * against the login directory, so an operation never depends on an earlier CWD.
 *
 * The client owns reconnecting: if the control connection is lost (421, reset, timeout), or an operation fails
 * in a way that leaves it untrustworthy (`isConnectionLost`), the connection is dropped and the next operation
 * opens a new one and logs in again. `connected` says whether it is up now; `closed`, that `close()` or
 * `destroy()` ended the client for good.
 *
 * The parts: the login and its state (session.ts), listings (listings.ts), file transfers (fileTransfers.ts)
 * over data connections (transfer.ts, data.ts), what was learned of the server (traits.ts).
 */
export class FtpClient extends EventEmitter {
  /** FEAT lines of the current login (RFC 2389), upper-case keys. */
  readonly features: Map<string, string>;
  /** What has been learned about the server: `options.traits` when shared, else this client's own. */
  readonly traits: ServerTraits;
  private readonly s: Session;
  private readonly log: FtpLogger;
  private chain: Promise<unknown> = Promise.resolve();
  private userClosed = false;
  private configuredMode: DataMode;
  /** While probing: the events of the current operation. */
  private captured: FtpLogEvent[] | undefined;

  private constructor(readonly options: FtpConnectOptions) {
    super();
    const logger = options.logger;
    // The password is masked where it is sent (maskCommand, control.ts), never searched for in other text: a
    // folder named like the password must show in the log as it is.
    this.log = (e: FtpLogEvent) => {
      this.captured?.push(e);
      if (logger) safeLog(logger, e);
    };
    this.configuredMode = options.mode ?? 'passive';
    this.traits = options.traits ?? new ServerTraits();
    this.s = new Session(options, new PathCodec(options.encoding, this.traits.names, this.log), this.log, this.traits, (err) => {
      this.log({ kind: 'close', reason: err.message });
      this.emit('close', err);
    });
    this.features = this.s.features;
  }

  /** Connect, read the banner, log in, then FEAT, OPTS UTF8 ON and TYPE I. */
  static async connect(options: FtpConnectOptions): Promise<FtpClient> {
    for (const [value, what] of [
      [options.host, 'host'],
      [options.user ?? '', 'user name'],
      [options.password ?? '', 'password'],
      [options.account ?? '', 'account'],
    ] as const) {
      assertSafeArgument(value, what);
    }
    if (!options.host) throw new FtpError(l10nT('No host given: use a host name or address, e.g. ftp.example.com'));
    const client = new FtpClient(options);
    await client.s.open();
    return client;
  }

  /** The data-connection mode; setting it takes effect for the next transfer. */
  get mode(): DataMode {
    return this.configuredMode;
  }

  set mode(mode: DataMode) {
    this.configuredMode = mode;
    this.s.transfers.mode = mode;
  }

  /** The mode the next transfer will use (differs from `mode` after a fallback). */
  get activeMode(): DataMode {
    return this.s.transfers.mode;
  }

  /** Closed for good by its owner (close() or destroy()); a dropped connection is not `closed` (see `connected`). */
  get closed(): boolean {
    return this.userClosed;
  }

  /** The control connection is up now: false after the server dropped it (the next operation reconnects) or a close. */
  get connected(): boolean {
    return !this.userClosed && !this.s.closed;
  }

  /** The login (home) directory, as PWD answered after login. */
  get homeDirectory(): string {
    return this.s.home;
  }

  private async reconnect(s: Session): Promise<void> {
    this.log({ kind: 'info', text: 'reconnecting' });
    await s.open();
  }

  /**
   * Read the replies of commands sent ahead in this connection's turn, after the operations queued now: an empty
   * operation, as run() settles them before its own (a carried reply's owner hears its verdict).
   */
  private settleAheadInTurn(): void {
    this.run(async () => undefined).catch(() => undefined);
  }

  /** Run one operation alone on the connection, reconnecting first if it was dropped. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const s = this.s;
    const next = this.chain.then(async () => {
      if (this.userClosed) throw new FtpConnectionError(l10nT('The client was closed'));
      if (s.closed) await this.reconnect(s);
      // A CWD written ahead of a command that an earlier operation never sent (it failed first), or the next
      // transfer's EPSV sent after a download's data: its reply is not this operation's. (A SIZE a finished upload
      // left for this operation to carry goes with its first write: sizeAlong.)
      if (s.ctl.mustSettle) {
        try {
          await s.ctl.settleAhead();
        } catch (err) {
          // Lost while this operation has sent nothing: what was lost belonged to finished operations (a carried
          // SIZE's owner is told), so this one starts on a new connection, as after a drop between operations.
          if (!isConnectionLost(err) || this.userClosed) throw err;
          if (!s.closed) s.ctl.destroy({ droppedAfter: (err as Error).message });
          await this.reconnect(s);
        }
      }
      for (const stale of s.ctl.drainStale()) {
        this.log({ kind: 'info', text: `ignoring an unexpected reply: ${stale.text}` });
      }
      return fn();
    }).catch((err: unknown) => {
      if (dropsConnection(err) && !s.closed) s.ctl.destroy({ droppedAfter: (err as Error).message });
      throw err;
    });
    // A failed transfer may still await its final reply: the caller hears at once, the next operation waits.
    this.chain = next.catch((err: unknown) => (err as { [AFTERMATH]?: Promise<unknown> })?.[AFTERMATH]);
    return next;
  }

  /** Resolve a path against the login directory (TVFS, RFC 3659 §6: '/'-separated paths). */
  resolve(path: string): string {
    assertSafeArgument(path, 'path');
    return path.startsWith('/') ? posix.normalize(path) : posix.join(this.s.home, path);
  }

  // ---------------------------------------------------------------- simple commands

  /** Send a raw command and return its final reply (1xx replies are read past). */
  send(command: string): Promise<FtpReply> {
    assertSafeArgument(command, 'command');
    return this.run(async () => {
      let r = await this.s.ctl.send(command);
      while (r.code < 200) r = await this.s.ctl.read();
      return r;
    });
  }

  /**
   * Send several commands in one write and return their final replies, in order (RFC 959 §4.2: a server answers
   * its commands one after the other). For commands that do not depend on each other's replies and are not
   * transfers; paths absolute. What a refusal among them means is the caller's to judge: every reply is read.
   */
  sendBatch(commands: readonly string[]): Promise<FtpReply[]> {
    for (const c of commands) assertSafeArgument(c, 'command');
    return this.run(async () => {
      this.s.ctl.writeBatch(commands);
      const replies: FtpReply[] = [];
      for (let i = 0; i < commands.length; i++) {
        let r = await this.s.ctl.read();
        while (r.code < 200) r = await this.s.ctl.read();
        replies.push(r);
      }
      return replies;
    });
  }

  pwd(): Promise<string> {
    return this.run(async () => {
      const r = await this.s.expect('PWD', (c) => c === 257);
      const p = parsePwd(r.text);
      if (p === undefined) throw new FtpProtocolError(l10nT('PWD reply has no quoted path: {0}', r.text), 'PWD', r.code);
      return p;
    });
  }

  cd(path: string): Promise<void> {
    const abs = this.resolve(path);
    return this.run(async () => {
      await this.s.changeDir(abs);
      this.s.home = abs;
    });
  }

  noop(): Promise<void> {
    return this.run(async () => void (await this.s.expect('NOOP', (c) => c >= 200 && c < 300)));
  }

  size(path: string): Promise<number> {
    const abs = this.resolve(path);
    return this.run(async () => sizeOfReply(await this.s.ctl.send(`SIZE ${abs}`), `SIZE ${abs}`));
  }

  /**
   * SIZE of `path` (RFC 3659 §4) for a caller done with this connection (an upload's check that the whole file is
   * there): written ahead of the next operation's first command, in the same write, and its reply read by that
   * operation's first read (RFC 959 §4.2: replies in order), so it costs no round trip of its own. Nothing waits
   * for more work: when no operation has written by the time the event loop turns, it is sent alone and read.
   * Resolves or rejects as size() does; rejects with the connection's loss when the reply can no longer come.
   */
  sizeAlong(path: string): Promise<number> {
    const abs = this.resolve(path);
    const command = `SIZE ${abs}`;
    const asked = this.s.sizeAsked;
    if (asked?.command === command) {
      // Sent already, with the next port asked ahead (TransferOptions.sizeAfter): the next operation reads both
      // replies first (run() settles what was sent ahead); an empty one is queued in case no other comes.
      this.s.sizeAsked = undefined;
      if (!this.s.closed) this.settleAheadInTurn();
      return asked.reply.then((r) => sizeOfReply(r, command));
    }
    return this.askAlong(command).then((r) => sizeOfReply(r, command));
  }

  /**
   * A command that only reads (SIZE, MDTM, MLST) for a caller that can wait for its reply: written ahead of the next
   * operation's first command, in the same write, its reply read by that operation's first read (as sizeAlong), or
   * sent alone when no operation has written by the time the event loop turns. Resolves with the reply, whatever its
   * code; rejects with the connection's loss when the reply can no longer come.
   */
  askAlong(command: string): Promise<FtpReply> {
    assertSafeArgument(command, 'command');
    return new Promise<FtpReply>((resolve, reject) => {
      this.run(async () => {
        const ctl = this.s.ctl;
        const ahead = ctl.writeAhead(command, resolve, { carried: { lost: reject } });
        // The next operation must start at once (the next file of a folder, taken from its queue), else alone.
        setImmediate(() => {
          if (!ctl.waitingToSend(ahead)) return;
          this.run(async () => {
            if (ctl.waitingToSend(ahead)) await ctl.settleAhead();
          }).catch(reject);
        });
      }).catch(reject);
    });
  }

  /**
   * What a reply to `MLST path` or `MDTM path` sent by someone else (safe save's `after`, in its RNTO's write) says:
   * the entry, or the time (in UTC, as lastModified gives it); undefined for a refusal or a reply that is not one.
   */
  readAnswer(path: string, r: FtpReply): { entry?: FileEntry; time?: Date } | undefined {
    const abs = this.resolve(path);
    if (r.code === 250) {
      const entry = mlstEntry(abs, r);
      return entry ? { entry } : undefined;
    }
    if (r.code !== 213) return undefined;
    const d = parseMdtm(replyMessage(r));
    return d ? { time: new Date(mdtmToUtc(this.s, d.getTime())) } : undefined;
  }

  lastModified(path: string): Promise<Date> {
    const abs = this.resolve(path);
    return this.run(async () => {
      const r = await this.s.expect(`MDTM ${abs}`, (c) => c === 213);
      const d = parseMdtm(replyMessage(r));
      if (!d) throw new FtpProtocolError(l10nT('MDTM reply is not a time: {0}', r.text), 'MDTM', r.code);
      return new Date(mdtmToUtc(this.s, d.getTime()));
    });
  }

  delete(path: string): Promise<void> {
    const abs = this.resolve(path);
    return this.run(async () => {
      await this.s.expect(`DELE ${abs}`, (c) => c >= 200 && c < 300);
      this.s.codec.forget(abs);
    });
  }

  mkdir(path: string): Promise<void> {
    const abs = this.resolve(path);
    return this.run(async () => void (await this.s.expect(`MKD ${abs}`, (c) => c >= 200 && c < 300)));
  }

  rmdir(path: string): Promise<void> {
    const abs = this.resolve(path);
    return this.run(async () => {
      if (this.s.cwd === abs || this.s.cwd?.startsWith(`${abs}/`)) this.s.cwd = undefined;
      await this.s.expect(`RMD ${abs}`, (c) => c >= 200 && c < 300);
      this.s.codec.forget(abs);
    });
  }

  /** RNFR then RNTO (RFC 959 §4.1.3). */
  rename(from: string, to: string): Promise<void> {
    const a = this.resolve(from);
    const b = this.resolve(to);
    return this.run(async () => {
      await this.s.expect(`RNFR ${a}`, (c) => c === 350);
      await this.s.expect(`RNTO ${b}`, (c) => c >= 200 && c < 300);
      this.s.codec.forget(a);
      if (this.s.cwd === a || this.s.cwd?.startsWith(`${a}/`)) this.s.cwd = undefined;
    });
  }

  /** SITE CHMOD (not in RFC 959, but the de facto form on Unix servers). */
  chmod(path: string, mode: string): Promise<void> {
    assertSafeArgument(mode, 'mode');
    if (!/^[0-7]{3,4}$/.test(mode)) throw new FtpError(l10nT('Invalid mode "{0}": give octal digits like 644', mode));
    const abs = this.resolve(path);
    return this.run(async () => void (await this.s.expect(`SITE CHMOD ${mode} ${abs}`, (c) => c >= 200 && c < 300)));
  }

  // ---------------------------------------------------------------- listings (listings.ts)

  /**
   * List a folder: MLSD when the server has it (RFC 3659 §7), else LIST with a per-line format detection.
   * `opts.useList`: LIST all the same, to see symbolic links as links (see ListOptions).
   */
  list(path = '.', opts: ListOptions = {}): Promise<FileEntry[]> {
    const abs = this.resolve(path);
    return this.run(() => listFolder(this.s, abs, undefined, opts.useList === true));
  }

  /** One path's entry, or undefined when it does not exist. MLST when available, else the parent's listing. */
  stat(path: string): Promise<FileEntry | undefined> {
    const abs = this.resolve(path);
    return this.run(() => statPath(this.s, abs));
  }

  /**
   * List a folder through exactly one data-connection method, with no fallback: what `probe` uses to tell
   * which of EPSV, PASV, EPRT and PORT work on this network. The mode and what was learned of the data
   * connections are untouched (see listFolder).
   */
  listWith(method: DataMethod, path = '.'): Promise<{ entries: FileEntry[]; events: FtpLogEvent[] }> {
    const abs = this.resolve(path);
    return this.run(async () => {
      const events: FtpLogEvent[] = [];
      this.captured = events;
      try {
        return { entries: await listFolder(this.s, abs, method), events };
      } finally {
        this.captured = undefined;
      }
    });
  }

  // ---------------------------------------------------------------- transfers (fileTransfers.ts)

  /**
   * Download a file into a writable stream, which is ended afterwards unless `end: false`. Large files never sit
   * in memory: the socket is piped with back-pressure. Returns the bytes received.
   */
  download(path: string, dest: Writable, opts: TransferOptions & { end?: boolean } = {}): Promise<number> {
    const abs = this.resolve(path);
    return this.run(() => downloadTo(this.s, abs, dest, opts));
  }

  downloadBuffer(path: string, opts: TransferOptions = {}): Promise<Buffer> {
    const abs = this.resolve(path);
    return this.run(() => downloadToBuffer(this.s, abs, opts));
  }

  /** Upload from a stream or a buffer: STOR, or APPE with `append` (RFC 959 §4.1.3). Returns the bytes sent. */
  upload(source: Readable | Buffer | Uint8Array, path: string, opts: TransferOptions & { append?: boolean } = {}): Promise<number> {
    // A stream that was never (fully) read, e.g. a file, must not stay open when the upload fails.
    const release = () => {
      if (!(source instanceof Uint8Array) && !source.destroyed) source.destroy();
    };
    let abs: string;
    try {
      abs = this.resolve(path);
    } catch (err) {
      release();
      throw err;
    }
    const done = this.run(() => uploadFrom(this.s, source, abs, opts));
    done.catch(release);
    return done;
  }

  // ---------------------------------------------------------------- closing

  /**
   * QUIT (RFC 959 §4.1.1), then close the socket. Never throws. `waitForReply: false`: close once QUIT is sent,
   * without its 221 (a program that exits saves the round trip; what it did was confirmed already).
   */
  async close(opts: { waitForReply?: boolean } = {}): Promise<void> {
    if (this.userClosed) return;
    const ctl = this.s.ctl;
    await this.chain;
    this.userClosed = true;
    if (!ctl.closed) {
      try {
        if (opts.waitForReply === false) return await ctl.sendAndClose('QUIT', Math.min(this.s.timeoutMs, 2000));
        await ctl.send('QUIT', Math.min(this.s.timeoutMs, 2000));
      } catch {
        // The server may close before answering; either way we are done.
      }
    }
    ctl.destroy('closed by the client');
  }

  /** Close at once, without QUIT. */
  destroy(): void {
    this.userClosed = true;
    if (!this.s.closed) this.s.ctl.destroy('closed by the client');
  }
}

/**
 * After this error the control connection is not trusted: the next operation starts on a new one. Not for a
 * reply that was read whole but whose content was not understood (SIZE, MDTM or PWD without a number, a time or
 * a path: an FtpProtocolError with the reply's code): the dialogue is still in step.
 */
function dropsConnection(err: unknown): boolean {
  return isConnectionLost(err) && !(err instanceof FtpProtocolError && err.code !== undefined);
}
