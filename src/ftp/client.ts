import * as net from 'node:net';
import { EventEmitter } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { posix } from 'node:path';
import { ControlConnection, maskCommand } from './control';
import { codecFor, type Codec } from './encoding';
import type { DataMethod } from './data';
import type { FileEntry } from './entry';
import { FtpConnectionError, FtpError, FtpProtocolError, FtpReplyError, FtpTlsError, fileUnavailable, isConnectionLost, isFileUnavailable, prematureClose } from './errors';
import { FileSink } from './fileSink';
import { MemorySink } from './memorySink';
import { FileSource } from './fileSource';
import { assertSafeArgument } from './guard';
import { parseList, parseMlsd, parseMlstLine } from './listing';
import type { FtpLogEvent, FtpLogger } from './log';
import type { DataMode, FtpConnectOptions, TransferOptions } from './options';
import { replyMessage, type FtpReply } from './reply';
import type { TlsSettings } from './tls';
import { ServerTraits } from './traits';
import { AFTERMATH, DataTransfers } from './transfer';
import { parseFeatures, parseMdtm, parsePwd } from './replies';

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
 */
export class FtpClient extends EventEmitter {
  readonly features = new Map<string, string>();
  /** What has been learned about the server: `options.traits` when shared, else this client's own. */
  readonly traits: ServerTraits;
  private ctl!: ControlConnection;
  private readonly codec: Codec;
  private readonly log: FtpLogger;
  private readonly timeoutMs: number;
  private readonly tls: TlsSettings;
  /** The data connections: their mode, what works on this server, each transfer (transfer.ts). */
  private readonly transfers: DataTransfers;
  private chain: Promise<unknown> = Promise.resolve();
  private userClosed = false;
  private configuredMode: DataMode;
  private home = '/';
  private cwd: string | undefined;
  /** While probing: the events of the current operation. */
  private captured: FtpLogEvent[] | undefined;

  private constructor(readonly options: FtpConnectOptions) {
    super();
    this.codec = codecFor(options.encoding);
    this.traits = options.traits ?? new ServerTraits();
    const logger = options.logger;
    const secret = options.password && options.password.length >= 3 ? options.password : undefined;
    this.log = (e: FtpLogEvent) => {
      if (secret) e = redactEvent(e, secret);
      this.captured?.push(e);
      if (logger) safeLog(logger, e);
    };
    this.timeoutMs = options.timeoutMs ?? 30000;
    this.configuredMode = options.mode ?? 'passive';
    this.tls = {
      servername: options.host,
      trustedFingerprint: options.trustedFingerprint,
      ca: options.ca,
      timeoutMs: this.timeoutMs,
      maxVersion: options.tlsMaxVersion,
    };
    const data = {
      trustPasvAddress: options.trustPasvAddress ?? false,
      activeAddress: options.activeAddress,
      activePortRange: options.activePortRange,
      timeoutMs: this.timeoutMs,
      activeAcceptTimeoutMs: options.activeAcceptTimeoutMs ?? Math.min(this.timeoutMs, 10000),
    };
    // `ctl` is a getter: after a lost connection open() puts a new control connection in its place.
    const client = this;
    const host = {
      get ctl() {
        return client.ctl;
      },
      log: this.log,
      reopen: () => this.reopenHere(),
    };
    this.transfers = new DataTransfers(host, { data, tls: this.tls, timeoutMs: this.timeoutMs, fallback: options.fallback !== false }, this.configuredMode, this.traits);
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
    if (!options.host) throw new FtpError('No host given: use a host name or address, e.g. ftp.example.com');
    const client = new FtpClient(options);
    try {
      await client.open();
    } catch (err) {
      throw client.redact(err);
    }
    return client;
  }

  /** The data-connection mode; setting it takes effect for the next transfer. */
  get mode(): DataMode {
    return this.configuredMode;
  }

  set mode(mode: DataMode) {
    this.configuredMode = mode;
    this.transfers.mode = mode;
  }

  /** The mode the next transfer will use (differs from `mode` after a fallback). */
  get activeMode(): DataMode {
    return this.transfers.mode;
  }

  /** Closed for good by its owner (close() or destroy()); a dropped connection is not `closed` (see `connected`). */
  get closed(): boolean {
    return this.userClosed;
  }

  /** The control connection is up now: false after the server dropped it (the next operation reconnects) or a close. */
  get connected(): boolean {
    return !this.userClosed && !this.ctl.closed;
  }

  /** The login (home) directory, as PWD answered after login. */
  get homeDirectory(): string {
    return this.home;
  }

  // ---------------------------------------------------------------- connection

  private async open(): Promise<void> {
    const o = this.options;
    const port = o.port ?? (o.tls === 'implicit' ? 990 : 21);
    const ctl = await ControlConnection.open(o.host, port, this.codec, this.timeoutMs, this.log, o.maxLineLength ?? 8192);
    this.ctl = ctl;
    ctl.on('close', (err: Error) => {
      if (this.ctl === ctl) {
        this.log({ kind: 'close', reason: err.message });
        this.emit('close', err);
      }
    });
    try {
      if (o.tls === 'implicit') await ctl.upgrade(this.tls);
      await this.login(ctl);
    } catch (err) {
      ctl.destroy('closed after a failed login');
      throw err;
    }
  }

  private async login(ctl: ControlConnection): Promise<void> {
    // RFC 959 §5.4: 120 (ready in nnn minutes) may precede 220.
    let r = await ctl.read();
    while (r.code === 120) r = await ctl.read();
    if (r.code !== 220) throw new FtpReplyError(r.code, replyMessage(r), 'connect');
    if (this.options.tls === 'explicit') {
      // RFC 4217 §4: AUTH TLS before USER, so the password never travels in clear text.
      r = await ctl.send('AUTH TLS');
      if (r.code !== 234) {
        throw new FtpTlsError(
          `The server refused AUTH TLS (${r.code} ${replyMessage(r)}): it does not offer explicit FTPS. ` +
            `Try implicit TLS, or connect without TLS only if the password and files may travel in clear text.`,
          'AUTH TLS',
        );
      }
      await ctl.upgrade(this.tls);
    }
    const user = this.options.user || 'anonymous';
    const password = this.options.password ?? (user === 'anonymous' ? 'anonymous@' : '');
    r = await ctl.send(`USER ${user}`);
    if (r.code === 331) r = await ctl.send(`PASS ${password}`);
    if (r.code === 332) {
      if (!this.options.account) throw new FtpReplyError(r.code, `${replyMessage(r)} (an account is needed: set one)`, 'PASS');
      r = await ctl.send(`ACCT ${this.options.account}`);
    }
    if (r.code !== 230 && r.code !== 202) {
      throw new FtpReplyError(r.code, replyMessage(r), r.code === 530 ? 'login' : 'USER');
    }
    if (ctl.secure) {
      // RFC 4217 §9: PBSZ 0 then PROT P, so data connections are encrypted too.
      for (const command of ['PBSZ 0', 'PROT P']) {
        r = await ctl.send(command);
        if (r.code < 200 || r.code >= 300) {
          throw new FtpTlsError(`The server refused ${command} (${r.code} ${replyMessage(r)}): it cannot encrypt data connections`, command);
        }
      }
    }
    this.features.clear();
    r = await ctl.send('FEAT');
    if (r.code === 211) for (const [k, v] of parseFeatures(r.lines)) this.features.set(k, v);
    // RFC 2640 §3.1: only ask for UTF8 when advertised and when paths are UTF-8; a refusal is not an error.
    if (this.features.has('UTF8') && this.codec.name === 'utf8') await ctl.send('OPTS UTF8 ON');
    // RFC 3659 §7.9: a fact listed without '*' is off (pyftpdlib: unix.mode). Turn UNIX.mode on with the facts we
    // read, so a safe save can keep a file's permissions; a refusal is not an error.
    const mlstOpts = mlstFactsToEnable(this.features.get('MLST'));
    if (mlstOpts) await ctl.send(`OPTS MLST ${mlstOpts}`);
    r = await ctl.send('TYPE I');
    if (r.code !== 200) throw new FtpReplyError(r.code, replyMessage(r), 'TYPE I');
    r = await ctl.send('PWD');
    if (r.code === 257) this.home = parsePwd(r.text) ?? '/';
    this.cwd = this.home;
  }

  /**
   * A new control connection in the middle of an operation (a transfer falling back to the other mode after the
   * old connection was dropped), back in the folder the old one was in: a listing is CWD, then LIST naming no
   * folder (RFC 959 §4.1.3), and the new session starts in the login folder.
   */
  private async reopenHere(): Promise<void> {
    const cwd = this.cwd;
    await this.open();
    if (cwd !== undefined) await this.changeDir(cwd);
  }

  /** Run one operation alone on the connection, reconnecting first if the server dropped it. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(async () => {
      if (this.userClosed) throw new FtpConnectionError('The client was closed');
      if (this.ctl.closed) {
        this.log({ kind: 'info', text: 'reconnecting' });
        await this.open();
      }
      for (const stale of this.ctl.drainStale()) {
        this.log({ kind: 'info', text: `ignoring an unexpected reply: ${stale.text}` });
      }
      return fn();
    }).catch((err: unknown) => {
      if (dropsConnection(err) && !this.ctl.closed) this.ctl.destroy(`dropped after: ${(err as Error).message}`);
      throw this.redact(err);
    });
    // A failed transfer may still await its final reply: the caller hears at once, the next operation waits.
    this.chain = next.catch((err: unknown) => (err as { [AFTERMATH]?: Promise<unknown> })?.[AFTERMATH]);
    return next;
  }

  /** The password never leaves in an error message, even if the server echoed it. */
  private redact(err: unknown): unknown {
    const secret = this.options.password;
    if (!secret || secret.length < 3 || !(err instanceof Error)) return err;
    const clean = (t: string) => t.split(secret).join('****');
    if (err.message.includes(secret)) err.message = clean(err.message);
    if (err instanceof FtpReplyError && err.replyText.includes(secret)) {
      Object.defineProperty(err, 'replyText', { value: clean(err.replyText) });
    }
    return err;
  }

  /** Resolve a path against the login directory (TVFS, RFC 3659 §6: '/'-separated paths). */
  resolve(path: string): string {
    assertSafeArgument(path, 'path');
    return path.startsWith('/') ? posix.normalize(path) : posix.join(this.home, path);
  }

  private async expect(command: string, ok: (code: number) => boolean): Promise<FtpReply> {
    const r = await this.ctl.send(command);
    if (!ok(r.code)) throw new FtpReplyError(r.code, replyMessage(r), maskCommand(command));
    return r;
  }

  // ---------------------------------------------------------------- simple commands

  /** Send a raw command and return its final reply (1xx replies are read past). */
  send(command: string): Promise<FtpReply> {
    assertSafeArgument(command, 'command');
    return this.run(async () => {
      let r = await this.ctl.send(command);
      while (r.code < 200) r = await this.ctl.read();
      return r;
    });
  }

  pwd(): Promise<string> {
    return this.run(async () => {
      const r = await this.expect('PWD', (c) => c === 257);
      const p = parsePwd(r.text);
      if (p === undefined) throw new FtpProtocolError(`PWD reply has no quoted path: ${r.text}`, 'PWD', r.code);
      return p;
    });
  }

  cd(path: string): Promise<void> {
    const abs = this.resolve(path);
    return this.run(async () => {
      await this.changeDir(abs);
      this.home = abs;
    });
  }

  private async changeDir(abs: string): Promise<void> {
    if (this.cwd === abs) return;
    this.cwd = undefined;
    await this.expect(`CWD ${abs}`, (c) => c >= 200 && c < 300);
    this.cwd = abs;
  }

  noop(): Promise<void> {
    return this.run(async () => void (await this.expect('NOOP', (c) => c >= 200 && c < 300)));
  }

  size(path: string): Promise<number> {
    const abs = this.resolve(path);
    return this.run(async () => {
      const r = await this.expect(`SIZE ${abs}`, (c) => c === 213);
      const n = Number(replyMessage(r));
      if (!Number.isSafeInteger(n) || n < 0) throw new FtpProtocolError(`SIZE reply is not a size: ${r.text}`, 'SIZE', r.code);
      return n;
    });
  }

  lastModified(path: string): Promise<Date> {
    const abs = this.resolve(path);
    return this.run(async () => {
      const r = await this.expect(`MDTM ${abs}`, (c) => c === 213);
      const d = parseMdtm(replyMessage(r));
      if (!d) throw new FtpProtocolError(`MDTM reply is not a time: ${r.text}`, 'MDTM', r.code);
      return d;
    });
  }

  delete(path: string): Promise<void> {
    const abs = this.resolve(path);
    return this.run(async () => void (await this.expect(`DELE ${abs}`, (c) => c >= 200 && c < 300)));
  }

  mkdir(path: string): Promise<void> {
    const abs = this.resolve(path);
    return this.run(async () => void (await this.expect(`MKD ${abs}`, (c) => c >= 200 && c < 300)));
  }

  rmdir(path: string): Promise<void> {
    const abs = this.resolve(path);
    return this.run(async () => {
      if (this.cwd === abs || this.cwd?.startsWith(`${abs}/`)) this.cwd = undefined;
      await this.expect(`RMD ${abs}`, (c) => c >= 200 && c < 300);
    });
  }

  /** RNFR then RNTO (RFC 959 §4.1.3). */
  rename(from: string, to: string): Promise<void> {
    const a = this.resolve(from);
    const b = this.resolve(to);
    return this.run(async () => {
      await this.expect(`RNFR ${a}`, (c) => c === 350);
      await this.expect(`RNTO ${b}`, (c) => c >= 200 && c < 300);
      if (this.cwd === a || this.cwd?.startsWith(`${a}/`)) this.cwd = undefined;
    });
  }

  /** SITE CHMOD (not in RFC 959, but the de facto form on Unix servers). */
  chmod(path: string, mode: string): Promise<void> {
    assertSafeArgument(mode, 'mode');
    if (!/^[0-7]{3,4}$/.test(mode)) throw new FtpError(`Invalid mode "${mode}": give octal digits like 644`);
    const abs = this.resolve(path);
    return this.run(async () => void (await this.expect(`SITE CHMOD ${mode} ${abs}`, (c) => c >= 200 && c < 300)));
  }

  // ---------------------------------------------------------------- listings

  /** List a folder: MLSD when the server has it (RFC 3659 §7), else LIST with a per-line format detection. */
  list(path = '.'): Promise<FileEntry[]> {
    const abs = this.resolve(path);
    return this.run(() => this.listIn(abs));
  }

  /**
   * `method`: through exactly this data-connection method (probe), learning nothing about which methods or
   * whether MLSD work; what `LIST -a` does and the listing format are the server's whatever the method.
   */
  private async listIn(abs: string, method?: DataMethod): Promise<FileEntry[]> {
    const traits = this.traits;
    if (traits.mlsd !== false && (this.features.has('MLST') || this.features.has('MLSD'))) {
      try {
        const text = await this.readText(`MLSD ${abs}`, method);
        if (!method) traits.mlsd = true;
        return parseMlsd(text).entries;
      } catch (err) {
        if (!(err instanceof FtpReplyError) || (err.code !== 500 && err.code !== 502)) throw err;
        if (!method) traits.mlsd = false;
      }
    }
    // LIST's argument is ambiguous (servers read "-name" as options and split on spaces), so change into the
    // folder and list it without a path.
    await this.changeDir(abs);
    let text: string;
    if (traits.listHidden !== false) {
      try {
        text = await this.readText('LIST -a', method);
        traits.listHidden = true;
      } catch (err) {
        if (!(err instanceof FtpReplyError) || traits.listHidden === true) throw err;
        traits.listHidden = false;
        text = await this.readText('LIST', method);
      }
    } else {
      text = await this.readText('LIST', method);
    }
    const result = parseList(text, { now: new Date(), format: traits.listFormat });
    if (result.format) traits.listFormat = result.format;
    if (result.unparsed.count > 0) {
      this.log({
        kind: 'info',
        text: `${result.unparsed.count} listing line(s) fit no known format, e.g. ${JSON.stringify(result.unparsed.sample[0])}`,
      });
    }
    return result.entries;
  }

  /** One path's entry, or undefined when it does not exist. MLST when available, else the parent's listing. */
  stat(path: string): Promise<FileEntry | undefined> {
    const abs = this.resolve(path);
    return this.run(async () => {
      if (abs === '/') return { name: '/', type: 'dir' } as FileEntry;
      if (this.traits.mlst !== false && this.features.has('MLST')) {
        const r = await this.ctl.send(`MLST ${abs}`);
        if (r.code === 250) {
          this.traits.mlst = true;
          const factLine = r.lines.find((l, i) => i > 0 && l.startsWith(' '));
          const entry = factLine ? parseMlstLine(factLine) : undefined;
          if (entry) return { ...entry, name: posix.basename(abs) };
        } else if (fileUnavailable(r.code) || r.code === 501) {
          return undefined;
        } else if (r.code === 500 || r.code === 502) {
          this.traits.mlst = false;
        } else {
          throw new FtpReplyError(r.code, replyMessage(r), `MLST ${abs}`);
        }
      }
      const parent = posix.dirname(abs);
      const name = posix.basename(abs);
      let entries: FileEntry[];
      try {
        entries = await this.listIn(parent);
      } catch (err) {
        if (isFileUnavailable(err)) return undefined;
        throw err;
      }
      return entries.find((e) => e.name === name);
    });
  }

  private async readText(command: string, method?: DataMethod): Promise<string> {
    const chunks: Buffer[] = [];
    const max = this.options.maxListingBytes ?? DEFAULT_MAX_LISTING_BYTES;
    await this.transfers.run(command, 'list', async (socket) => {
      chunks.length = 0;
      let total = 0;
      for await (const chunk of socket) {
        total += (chunk as Buffer).length;
        // A hostile or broken server must not make us hold an endless listing in memory.
        if (total > max) {
          chunks.length = 0;
          throw new FtpError(
            `The listing (${maskCommand(command)}) is larger than ${formatBytes(max)}: stopped reading it. ` +
              `If the folder is really that large, raise maxListingBytes.`,
            maskCommand(command),
          );
        }
        chunks.push(chunk as Buffer);
      }
    }, { method });
    return this.codec.decode(Buffer.concat(chunks));
  }

  // ---------------------------------------------------------------- transfers

  /**
   * Download a file into a writable stream, which is ended afterwards unless `end: false`. Large files never sit
   * in memory: the socket is piped with back-pressure. Returns the bytes received.
   */
  download(path: string, dest: Writable, opts: TransferOptions & { end?: boolean } = {}): Promise<number> {
    const abs = this.resolve(path);
    return this.run(async () => {
      if (opts.offset) await this.expect(`REST ${opts.offset}`, (c) => c === 350);
      // Into a file: reused buffers, no copies (FileSink). Anything else: a pipeline with back-pressure.
      const sink = FileSink.accepts(dest) ? new FileSink(dest, opts.onProgress) : undefined;
      return this.transfers.run(`RETR ${abs}`, 'download', async (socket, direct) => {
        if (direct && sink) {
          await sink.finish(socket, opts.end ?? true);
          return sink.bytes;
        }
        await pipeline(socket, dest, { end: opts.end ?? true });
      }, opts, sink?.direct);
    });
  }

  async downloadBuffer(path: string, opts: TransferOptions = {}): Promise<Buffer> {
    const abs = this.resolve(path);
    return this.run(async () => {
      if (opts.offset) await this.expect(`REST ${opts.offset}`, (c) => c === 350);
      // No Writable or pipeline in between, and on a plain connection no 'data' events either (MemorySink):
      // small files are mostly per-transfer cost.
      const sink = new MemorySink(opts.onProgress);
      await this.transfers.run(
        `RETR ${abs}`,
        'download',
        async (socket, direct) => {
          if (direct) return sink.finish(socket);
          sink.chunks.length = 0;
          await collect(socket, sink.chunks);
        },
        opts,
        sink.direct,
      );
      return sink.chunks.length === 1 ? sink.chunks[0] : Buffer.concat(sink.chunks);
    });
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
    const done = this.run(async () => {
      if (opts.offset) await this.expect(`REST ${opts.offset}`, (c) => c === 350);
      const verb = opts.append ? 'APPE' : 'STOR';
      return this.transfers.run(`${verb} ${abs}`, 'upload', async (socket) => {
        if (source instanceof Uint8Array) {
          await new Promise<void>((resolve, reject) => {
            socket.once('error', reject);
            socket.end(source, () => resolve());
          });
          await closed(socket);
        } else if (FileSource.accepts(source)) {
          await FileSource.send(source, socket); // a local file: reused buffers (FileSource)
        } else {
          await pipeline(source, socket);
        }
      }, opts);
    });
    done.catch(release);
    return done;
  }

  /**
   * List a folder through exactly one data-connection method, with no fallback: what `probe` uses to tell
   * which of EPSV, PASV, EPRT and PORT work on this network. The mode and what was learned of the data
   * connections are untouched (see listIn).
   */
  listWith(method: DataMethod, path = '.'): Promise<{ entries: FileEntry[]; events: FtpLogEvent[] }> {
    const abs = this.resolve(path);
    return this.run(async () => {
      const events: FtpLogEvent[] = [];
      this.captured = events;
      try {
        return { entries: await this.listIn(abs, method), events };
      } finally {
        this.captured = undefined;
      }
    });
  }

  // ---------------------------------------------------------------- closing

  /** QUIT (RFC 959 §4.1.1), then close the socket. Never throws. */
  async close(): Promise<void> {
    if (this.userClosed) return;
    const ctl = this.ctl;
    await this.chain;
    this.userClosed = true;
    if (!ctl.closed) {
      try {
        await ctl.send('QUIT', Math.min(this.timeoutMs, 2000));
      } catch {
        // The server may close before answering; either way we are done.
      }
    }
    ctl.destroy('closed by the client');
  }

  /** Close at once, without QUIT. */
  destroy(): void {
    this.userClosed = true;
    this.ctl?.destroy('closed by the client');
  }
}

const DEFAULT_MAX_LISTING_BYTES = 64 * 1024 * 1024;

/**
 * After this error the control connection is not trusted: the next operation starts on a new one. Not for a
 * reply that was read whole but whose content was not understood (SIZE, MDTM or PWD without a number, a time or
 * a path: an FtpProtocolError with the reply's code): the dialogue is still in step.
 */
function dropsConnection(err: unknown): boolean {
  return isConnectionLost(err) && !(err instanceof FtpProtocolError && err.code !== undefined);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}


/** Every chunk of the socket until it ends; a close before the end is an error, as in pipeline(). */
function collect(socket: net.Socket, chunks: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const done = (err?: Error) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(prematureClose());
    if (socket.readableEnded) return resolve();
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve();
    socket.once('close', (hadError) => (hadError ? reject(new Error('data connection error')) : resolve()));
    socket.once('error', reject);
  });
}

/** "type*;size*;modify*;unix.mode;" -> "type;size;modify;unix.mode;" when UNIX.mode is offered but off; else undefined. */
export function mlstFactsToEnable(feat: string | undefined): string | undefined {
  if (!feat) return undefined;
  const facts = feat.split(';').map((f) => f.trim()).filter(Boolean);
  if (!facts.some((f) => f.toLowerCase() === 'unix.mode')) return undefined; // absent, or on already ("unix.mode*")
  const wanted = new Set(['type', 'size', 'modify', 'perm', 'unix.mode']);
  const on = facts.map((f) => f.replace(/\*$/, '')).filter((f) => wanted.has(f.toLowerCase()));
  return `${on.join(';')};`;
}


/** An event without the password in any of its texts (a server may echo it back in a reply). */
function redactEvent(e: FtpLogEvent, secret: string): FtpLogEvent {
  // Three plain tests, not a loop over the key names: this runs for every event, often before the JIT has
  // optimized it, where an array and its iterator per call cost more than the tests themselves.
  const x = e as { text?: unknown; reason?: unknown; detail?: unknown };
  if (!mentions(x.text, secret) && !mentions(x.reason, secret) && !mentions(x.detail, secret)) return e;
  const clean = (v: unknown) => (typeof v === 'string' ? v.split(secret).join('****') : v);
  const out = { ...e } as Record<string, unknown>;
  for (const key of ['text', 'reason', 'detail']) if (key in out) out[key] = clean(out[key]);
  return out as FtpLogEvent;
}


function mentions(v: unknown, secret: string): boolean {
  return typeof v === 'string' && v.includes(secret);
}

function safeLog(logger: FtpLogger, e: FtpLogEvent): void {
  try {
    logger(e);
  } catch {
    // A failing logger must not break the protocol.
  }
}
