/**
 * One logged-in session of a client: the control connection, the login on it (banner, AUTH TLS, USER/PASS/ACCT,
 * PBSZ/PROT, FEAT, OPTS, TYPE I, PWD), the folder it is in, and its data transfers. After the connection was lost,
 * open() puts a new one in its place; the transfers (transfer.ts) always reach the current one through `ctl`.
 */
import { ControlConnection, maskCommand } from './control';
import type { PathCodec } from './names/pathCodec';
import { FtpReplyError, FtpTlsError } from './errors';
import { t as l10nT } from './l10n';
import type { FtpLogger } from './log';
import type { FtpConnectOptions } from './options';
import { replyMessage, type FtpReply } from './reply';
import { mlstFactsToEnable, parseFeatures, parsePwd } from './replyParsers';
import type { TlsSettings } from './tls';
import { noteQuickReply, type ServerTraits } from './traits';
import { DataTransfers, type TransferHost } from './transfer';

export class Session implements TransferHost {
  /** FEAT lines of the current login (RFC 2389), upper-case keys. */
  readonly features = new Map<string, string>();
  /** The data transfers: their mode, and each transfer (transfer.ts). */
  readonly transfers: DataTransfers;
  readonly timeoutMs: number;
  /** The login (home) directory, as PWD answered after login, or as set by cd(). */
  home = '/';
  /** The folder the server is in now; undefined when unknown (a CWD failed, the folder was removed or renamed). */
  cwd: string | undefined;
  /** The last upload's SIZE, sent with the next port asked ahead (TransferOptions.sizeAfter), for sizeAlong. */
  sizeAsked: { command: string; reply: Promise<FtpReply> } | undefined;
  private current: ControlConnection | undefined;
  private readonly tls: TlsSettings;

  constructor(
    readonly options: FtpConnectOptions,
    readonly codec: PathCodec,
    readonly log: FtpLogger,
    readonly traits: ServerTraits,
    /** Told when the current control connection closes (dropped by either side, or closed). */
    private readonly onClose: (err: Error) => void,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30000;
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
    const settings = { data, tls: this.tls, timeoutMs: this.timeoutMs, fallback: options.fallback !== false };
    this.transfers = new DataTransfers(this, settings, options.mode ?? 'passive', traits);
  }

  /** The control connection now (after a loss, the one open() put in its place). */
  get ctl(): ControlConnection {
    return this.current!;
  }

  /** Whether there is no control connection now (never opened, lost, or closed). */
  get closed(): boolean {
    return this.current?.closed ?? true;
  }

  /** Connect, read the banner, log in, then FEAT, OPTS UTF8 ON and TYPE I. */
  async open(): Promise<void> {
    const o = this.options;
    const port = o.port ?? (o.tls === 'implicit' ? 990 : 21);
    const ctl = await ControlConnection.open(o.host, port, this.codec, this.timeoutMs, this.log, o.maxLineLength ?? 8192);
    this.current = ctl;
    ctl.on('close', (err: Error) => {
      if (this.current === ctl) this.onClose(err);
    });
    try {
      if (o.tls === 'implicit') await ctl.upgrade(this.tls);
      await this.login(ctl);
    } catch (err) {
      ctl.destroy('closed after a failed login');
      throw err;
    }
  }

  /**
   * A new control connection in the middle of an operation (a transfer falling back to the other mode after the
   * old connection was dropped), back in the folder the old one was in: a listing is CWD, then LIST naming no
   * folder (RFC 959 §4.1.3), and the new session starts in the login folder.
   */
  async reopen(): Promise<void> {
    const cwd = this.cwd;
    await this.open();
    if (cwd !== undefined) await this.changeDir(cwd);
  }

  /**
   * CWD, every time, even into the folder this session believes it is in: a folder deleted and made again, or
   * swapped by a rename (an atomic deploy), is another folder with the same path, and a session that stayed
   * "in" it would go on listing the old one.
   */
  async changeDir(abs: string): Promise<void> {
    this.cwd = undefined;
    await this.expect(`CWD ${abs}`, (c) => c >= 200 && c < 300);
    this.cwd = abs;
  }

  /**
   * The same CWD, sent with the next command (the EPSV or EPRT of a listing) instead of a round trip before it:
   * its reply is checked by the next read, which fails with a refused CWD's error (control.ts, writeAhead).
   */
  changeDirAhead(abs: string): void {
    this.cwd = undefined;
    const command = `CWD ${abs}`;
    this.ctl.writeAhead(command, (r) => {
      if (r.code < 200 || r.code >= 300) throw new FtpReplyError(r.code, replyMessage(r), command);
      this.cwd = abs;
    });
  }

  /** Send a command; a reply whose code `ok` refuses is an FtpReplyError. */
  async expect(command: string, ok: (code: number) => boolean): Promise<FtpReply> {
    const r = await this.ctl.send(command);
    if (!ok(r.code)) throw new FtpReplyError(r.code, replyMessage(r), maskCommand(command));
    return r;
  }

  private async login(ctl: ControlConnection): Promise<void> {
    const o = this.options;
    // RFC 959 §5.4: 120 (ready in nnn minutes) may precede 220.
    let r = await ctl.read();
    while (r.code === 120) r = await ctl.read();
    if (r.code !== 220) throw new FtpReplyError(r.code, replyMessage(r), 'connect');
    if (o.tls === 'explicit') {
      // RFC 4217 §4: AUTH TLS before USER, so the password never travels in clear text.
      r = await ctl.send('AUTH TLS');
      if (r.code !== 234) {
        throw new FtpTlsError(
          l10nT(
            'The server refused AUTH TLS ({0}): it does not offer explicit FTPS. Try implicit TLS, or connect without TLS only if the password and files may travel in clear text.',
            `${r.code} ${replyMessage(r)}`,
          ),
          'AUTH TLS',
        );
      }
      await ctl.upgrade(this.tls);
    }
    const user = o.user || 'anonymous';
    const password = o.password ?? (user === 'anonymous' ? 'anonymous@' : '');
    // (USER and the FEAT below are answered at once: their times tell the network's round trip, DataStrategy.)
    const t0 = performance.now();
    r = await ctl.send(`USER ${user}`);
    noteQuickReply(this.traits.data, performance.now() - t0);
    if (r.code === 331) r = await ctl.send(`PASS ${password}`);
    if (r.code === 332) {
      if (!o.account) throw new FtpReplyError(r.code, l10nT('{0} (an account is needed: set one)', replyMessage(r)), 'PASS');
      r = await ctl.send(`ACCT ${o.account}`);
    }
    if (r.code !== 230 && r.code !== 202) {
      throw new FtpReplyError(r.code, replyMessage(r), r.code === 530 ? 'login' : 'USER');
    }
    if (ctl.secure) {
      // RFC 4217 §9: PBSZ 0 then PROT P, so data connections are encrypted too.
      for (const command of ['PBSZ 0', 'PROT P']) {
        r = await ctl.send(command);
        if (r.code < 200 || r.code >= 300) {
          throw new FtpTlsError(l10nT('The server refused {0} ({1}): it cannot encrypt data connections', command, `${r.code} ${replyMessage(r)}`), command);
        }
      }
    }
    await this.negotiate(ctl);
    this.cwd = this.home;
  }

  /**
   * FEAT, then what it offers: UTF-8 paths, the MLST facts we read; binary type; the login folder (PWD).
   * TYPE I and PWD do not depend on FEAT's answer, so they go with it in one write and their replies are read in
   * order (RFC 959 §4.2); the OPTS that FEAT decides go together afterwards. One round trip after the login
   * instead of one per command; two where FEAT offers something to turn on.
   */
  private async negotiate(ctl: ControlConnection): Promise<void> {
    this.features.clear();
    const t0 = performance.now();
    ctl.writeBatch(['FEAT', 'TYPE I', 'PWD']);
    const feat = await ctl.read();
    noteQuickReply(this.traits.data, performance.now() - t0);
    const type = await ctl.read();
    const pwd = await ctl.read();
    if (feat.code === 211) for (const [k, v] of parseFeatures(feat.lines)) this.features.set(k, v);
    if (type.code !== 200) throw new FtpReplyError(type.code, replyMessage(type), 'TYPE I');
    const opts: string[] = [];
    // RFC 2640 §3.1: only ask for UTF8 when advertised and when paths may be UTF-8 (the setting 'auto' or utf8);
    // a refusal is not an error. Servers that announce it and still send other bytes exist: 'auto' reads the names.
    const utf8 = this.features.has('UTF8') && this.codec.wantsUtf8;
    if (utf8) opts.push('OPTS UTF8 ON');
    // RFC 3659 §7.9: a fact listed without '*' is off (pyftpdlib: unix.mode). Turn UNIX.mode on with the facts we
    // read, so a safe save can keep a file's permissions; a refusal is not an error.
    const mlstOpts = mlstFactsToEnable(this.features.get('MLST'));
    if (mlstOpts) opts.push(`OPTS MLST ${mlstOpts}`);
    // A login folder with other than ASCII in its name may read differently once UTF8 is on (a server that sends
    // its local encoding until then): asked again after the OPTS, in the same write.
    const again = utf8 && pwd.code === 257 && !isAscii(pwd.text);
    if (again) opts.push('PWD');
    let home = pwd;
    if (opts.length > 0) {
      ctl.writeBatch(opts);
      for (let i = 0; i < opts.length; i++) {
        const r = await ctl.read();
        if (again && i === opts.length - 1) home = r;
      }
    }
    if (home.code === 257) this.home = parsePwd(home.text) ?? '/';
  }
}

function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}
