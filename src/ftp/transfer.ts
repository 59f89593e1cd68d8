import type * as net from 'node:net';
import { formatEndpoint, maskCommand, type ControlConnection } from './control';
import { openActive, openPassive, type DataChoice, type DataMethod, type DataSettings, type PendingData } from './data';
import {
  FtpCancelledError,
  FtpConnectionError,
  FtpDataConnectionError,
  FtpError,
  FtpIncompleteError,
  FtpReplyError,
  FtpTimeoutError,
} from './errors';
import { t as l10nT } from './l10n';
import type { DirectRead } from './fileSink';
import type { FtpLogger } from './log';
import type { DataMode, TransferOptions } from './options';
import { replyMessage, type FtpReply } from './reply';
import { checkCertificate, logTls, startTls, type TlsSettings } from './tls';
import type { AfterData } from './aheadReplies';
import { longRoundTrip, type ServerTraits } from './traits';

export type Direction = 'download' | 'upload' | 'list';
/** Moves the bytes of one transfer; `direct`: the socket reads into the buffers given to run() (no 'data'), and the byte count is returned. */
export type Move = (socket: net.Socket, direct: boolean) => Promise<number | void>;

/** What a transfer needs of the client that owns the control connection. */
export interface TransferHost {
  /** The control connection now: a fallback may have had to open a new one. */
  readonly ctl: ControlConnection;
  /** The client's dialogue log (the password already redacted). */
  readonly log: FtpLogger;
  /** Open a new control connection and log in again, after the old one was dropped. */
  reopen(): Promise<void>;
}

/** A transfer's options, and for `probe`: exactly this data-connection method, no fallback, nothing learned. */
export interface RunOptions extends TransferOptions {
  method?: DataMethod;
  /** An upload's SIZE, made when it goes with the next port asked ahead (ControlConnection.sendPassiveAhead). */
  sizeWith?: () => AfterData;
}

export interface TransferSettings {
  data: DataSettings;
  tls: TlsSettings;
  timeoutMs: number;
  /** Try the other data-connection mode once when the data connection cannot be made. */
  fallback: boolean;
}

/**
 * The data transfers of one client (RFC 959 §3.2-3.3): one at a time, each on a new data connection in the current
 * mode, with what was learned about this server kept in its ServerTraits (which of EPSV/PASV and EPRT/PORT works,
 * whether passive connections work at all, and under FTPS which of the data connection's TLS handshake and the
 * 1xx reply the server wants first).
 */
export class DataTransfers {
  /** The mode the next transfer uses: the configured one, or the other one after a fallback worked (this session only). */
  mode: DataMode;
  /** The 1xx reply of the current transfer (its byte count, where the server gives one). */
  private preliminary: FtpReply | undefined;
  private readonly data: DataSettings;
  private readonly tls: TlsSettings;
  private readonly timeoutMs: number;
  private readonly fallback: boolean;

  constructor(
    private readonly host: TransferHost,
    settings: TransferSettings,
    mode: DataMode,
    private readonly traits: ServerTraits,
  ) {
    this.data = settings.data;
    this.tls = settings.tls;
    this.timeoutMs = settings.timeoutMs;
    this.fallback = settings.fallback;
    this.mode = mode;
  }

  /**
   * One data transfer: open the data connection in the current mode, send the command, move the bytes, read
   * the final reply. When the data connection cannot be established and fallback is on, try the other mode
   * once, say so in the log, and keep using it for this session.
   *
   * With `opts.method`: exactly that method (EPSV, PASV, EPRT or PORT), no fallback, and nothing learned about
   * which methods work (a throwaway strategy), so `probe` can test each one without changing what the client
   * does next.
   */
  async run(
    command: string,
    direction: Direction,
    move: Move,
    opts: RunOptions = {},
    direct?: DirectRead,
  ): Promise<number> {
    const forced = opts.method;
    if (forced) {
      const mode: DataMode = forced === 'EPSV' || forced === 'PASV' ? 'passive' : 'active';
      return this.runIn(mode, { force: forced }, command, direction, move, opts, direct);
    }
    const mode = this.mode;
    const strategy = this.traits.data;
    try {
      return await this.runIn(mode, strategy, command, direction, move, opts, direct);
    } catch (err) {
      if (!(err instanceof FtpDataConnectionError) || !this.fallback) throw err;
      if (opts.signal?.aborted) throw new FtpCancelledError(l10nT('The transfer was cancelled'), maskCommand(command));
      const other: DataMode = mode === 'passive' ? 'active' : 'passive';
      this.host.log({ kind: 'fallback', from: mode, to: other, reason: err.message });
      if (this.host.ctl.closed) await this.host.reopen();
      const n = await this.runIn(other, strategy, command, direction, move, opts, direct);
      this.mode = other;
      return n;
    }
  }

  private async runIn(
    mode: DataMode,
    strategy: DataChoice,
    command: string,
    direction: Direction,
    move: Move,
    opts: RunOptions,
    directRead?: DirectRead,
  ): Promise<number> {
    const signal = opts.signal;
    if (signal?.aborted) throw new FtpCancelledError(l10nT('The transfer was cancelled'), maskCommand(command));
    // (One control connection for the whole transfer: only run() may replace it, between two attempts.)
    const ctl = this.host.ctl;
    // Straight into the caller's buffers only on a plain socket (under TLS the bytes go through the TLS layer).
    const direct = ctl.secure ? undefined : directRead;
    const pending: PendingData =
      mode === 'passive'
        ? await openPassive(
            ctl,
            strategy,
            this.data,
            this.host.log,
            direct,
            strategy.force ? undefined : ctl.takePassiveAhead(passiveCommand(strategy)),
            direction === 'upload' && uploadAhead(strategy, ctl) ? command : undefined,
          )
        : await openActive(ctl, strategy, this.data, this.host.log, direct);
    let socket: net.Socket;
    /** An upload whose data goes before the 1xx: that reply's verdict (a refusal destroys the data connection). */
    let replied: Promise<void> | undefined;
    // Cancelled before the data connection is up: closing it makes the server answer (425/426) at once.
    const cancelStart = () => pending.cancel();
    signal?.addEventListener('abort', cancelStart, { once: true });
    try {
      if (pending.sent) {
        const started = await this.startDataFirst(ctl, pending, command);
        socket = started.socket;
        replied = started.replied;
      } else {
        socket = await this.start(ctl, pending, command);
      }
    } catch (err) {
      pending.cancel();
      if (signal?.aborted) throw new FtpCancelledError(l10nT('The transfer was cancelled'), maskCommand(command));
      throw err;
    } finally {
      signal?.removeEventListener('abort', cancelStart);
    }
    const local = formatEndpoint(socket.localAddress, socket.localPort);
    // Passive: the address we connected to (no getpeername per file); active: the server's, as accepted.
    const remote = pending.mode === 'passive' ? pending.describe : formatEndpoint(socket.remoteAddress, socket.remotePort);
    this.host.log({ kind: 'data', phase: 'open', mode, direction, local, remote });

    // A data connection that moves nothing for the timeout is dead (RFC 959 leaves this to the client).
    socket.setTimeout(this.timeoutMs, () =>
      socket.destroy(new FtpTimeoutError(l10nT('No data moved for {0} s', Math.round(this.timeoutMs / 1000)), maskCommand(command), this.timeoutMs)),
    );
    // Count payload bytes (not TLS records) as they move; report progress when asked.
    let moved = 0;
    const progress = opts.onProgress;
    const count = (chunk: Buffer | string) => {
      moved += chunk.length;
      progress?.(moved);
    };
    if (direction === 'upload') {
      const write = socket.write.bind(socket);
      socket.write = ((chunk: Buffer, ...rest: never[]) => {
        count(chunk);
        return write(chunk, ...rest);
      }) as typeof socket.write;
      const end = socket.end.bind(socket);
      socket.end = ((chunk?: unknown, ...rest: never[]) => {
        if (chunk && typeof chunk !== 'function') count(chunk as Buffer);
        return end(chunk as never, ...rest);
      }) as typeof socket.end;
    } else if (!pending.direct) {
      // (A socket that reads into the sink's own buffers emits no 'data': the sink counts and reports progress.
      // A 'data' listener would only set the stream flowing for nothing, once per transfer.)
      socket.on('data', count);
    }
    const onAbort = () => socket.destroy(new FtpCancelledError(l10nT('The transfer was cancelled'), maskCommand(command)));
    signal?.addEventListener('abort', onAbort, { once: true });
    let moveError: unknown;
    try {
      if (signal?.aborted) throw new FtpCancelledError(l10nT('The transfer was cancelled'), maskCommand(command));
      const n = await move(socket, pending.direct === true);
      if (typeof n === 'number') moved = n;
    } catch (err) {
      moveError = err;
      socket.destroy();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    const bytes = moved;
    this.host.log({ kind: 'data', phase: 'close', mode, direction, local, remote, bytes });
    if (replied) {
      // The data went before the 1xx: a refusal of the command is the transfer's error (its only reply), not
      // the data connection's end that it caused.
      const verdict = await outcomeWithin(replied, moveError ? EARLY_REPLY_GRACE_MS : this.timeoutMs + 1000);
      if (verdict === 'rejected') await replied;
      if (verdict === undefined) {
        ctl.destroy({ droppedAfter: maskCommand(command) });
        throw moveError ? translateMoveError(moveError, command) : new FtpTimeoutError(l10nT('No reply from the server within {0} s to {1}', Math.round(this.timeoutMs / 1000), maskCommand(command)), maskCommand(command), this.timeoutMs);
      }
    }

    // The final reply (226/250, or 426/451 after a broken transfer). After our own abort the server may take a
    // moment; bound the wait, and drop the connection if it never answers (the next operation reconnects).
    if (moveError) {
      // The caller hears at once. The final reply (426/451, or 226) is read before the next operation, within a
      // bound; a server that never sends it loses the connection, and the next operation reconnects.
      const err = translateMoveError(moveError, command);
      const aftermath = ctl.read(Math.min(this.timeoutMs, 5000)).then(
        () => undefined,
        () => undefined,
      );
      Object.defineProperty(err, AFTERMATH, { value: aftermath, configurable: true });
      throw err;
    }
    // The next file of a folder: ask for its passive port now, with this transfer's final reply still to come
    // (a download: one round trip less per file). Only once the server has closed the data connection, so its
    // transfer is over: the end of a download or listing, or of an upload once the server's close has come too
    // (before that the server may still be reading the data, and pure-ftpd answers a command then with 500). An
    // upload's 226 comes with that close, so asking early saves a wait, not a round trip: not where uploads send
    // their command with their own EPSV (uploadAhead). An upload's SIZE check (opts.sizeWith) goes in the same
    // write, before it: the stored file is complete once the server has closed.
    const nextPort =
      opts.followedByTransfer &&
      mode === 'passive' &&
      strategy.force === undefined &&
      strategy.passiveConnected &&
      strategy.epsv !== undefined &&
      !ctl.hasAhead &&
      (direction !== 'upload' || (socket.readableEnded && !uploadAhead(strategy, ctl))) &&
      follows(opts.followedByTransfer)
        ? ctl.sendPassiveAhead(passiveCommand(strategy), direction === 'upload' ? opts.sizeWith?.() : undefined)
        : undefined;
    let final: FtpReply;
    try {
      final = await ctl.read(this.timeoutMs);
    } finally {
      nextPort?.();
    }
    if (final.code < 200 || final.code >= 300) throw new FtpReplyError(final.code, replyMessage(final), maskCommand(command));
    // A data connection closed early looks like the end of the file; the size in the 150 reply tells.
    const announced = direction === 'download' && !opts.offset ? announcedSize(this.preliminary) : undefined;
    if (announced !== undefined && bytes < announced) {
      throw new FtpIncompleteError(
        l10nT('Only {0} of the {1} bytes the server announced arrived (the data connection closed early)', bytes, announced),
        maskCommand(command),
        announced,
        bytes,
      );
    }
    return bytes;
  }

  /**
   * Send the transfer command and get the data socket, whichever of reply and connection comes first; return
   * only once the server has answered 1xx.
   *
   * With FTPS the order of the data connection's TLS handshake and the 1xx reply differs between servers:
   * pyftpdlib closes a data connection that sends anything before its transfer command is processed, so the
   * handshake must wait for the 1xx; ftp-srv's passive socket waits for the handshake before it says 150. So
   * wait for the 1xx up to a short grace, then handshake anyway, and remember for this server which came first
   * (also in a transfer forced to one method: the order belongs to the server, whatever the method).
   */
  private async start(ctl: ControlConnection, pending: PendingData, command: string): Promise<net.Socket> {
    ctl.write(command);
    // Active: a server that cannot reach us is still connecting and says nothing until its own connect timeout
    // (vsftpd: 60 s). Wait for its reply longer than for its connection, so the accept timeout, with its
    // diagnosis and the fallback it allows, decides; not a bare reply timeout when both waits are equal.
    const replyP = ctl.read(pending.mode === 'active' ? this.timeoutMs + this.data.activeAcceptTimeoutMs : this.timeoutMs);
    // An early passive transfer handles both outcomes at once below; the other ways wait for one first, and the
    // other must not be an unhandled rejection meanwhile. (Two promises fewer per file on the usual path.)
    const early = pending.mode === 'passive' && pending.early === true;
    if (!early) replyP.catch(ignore);
    let socketP = pending.accept();
    if (ctl.secure) {
      socketP = socketP.then(async (raw) => {
        const traits = this.traits;
        if (traits.tlsBeforeReply !== true) {
          const replied = (await outcomeWithin(replyP, TLS_REPLY_GRACE_MS)) !== undefined;
          if (!replied && traits.tlsBeforeReply === undefined) {
            traits.tlsBeforeReply = true;
            this.host.log({ kind: 'info', text: 'the server waits for the data connection\'s TLS handshake before its 1xx reply' });
          } else if (replied) {
            traits.tlsBeforeReply = false;
          }
        }
        return this.secureData(ctl, raw);
      });
    }
    if (!early) socketP.catch(ignore);
    if (pending.mode === 'passive') {
      if (early) {
        // The command went out while the data connection was being made; if that connection fails, see
        // afterFailedConnection. (One promise settled by hand rather than a race of derived ones: this runs for
        // every file.)
        const first = await new Promise<FtpReply>((resolve, reject) => {
          let socketFailed = false;
          // Once the connection has failed, its error (not a reply timeout meanwhile) is what the caller hears.
          replyP.then(resolve, (err: unknown) => {
            if (!socketFailed) reject(err);
          });
          socketP.then(undefined, (err: unknown) => {
            socketFailed = true;
            afterFailedConnection(ctl, replyP, err).then(resolve, reject);
          });
        });
        this.checkPreliminary(first, command, pending);
        return socketP;
      }
      const r = await replyP;
      this.checkPreliminary(r, command, pending);
      return socketP;
    }
    // Active: the server may connect before or after its 150; it may also answer 425 without connecting.
    const first = await Promise.race([replyP.then((r) => ({ r })), socketP.then((s) => ({ s }))]).catch(async (err) => {
      // The accept timed out: the transfer command is still outstanding, so this connection cannot go on.
      if (err instanceof FtpDataConnectionError) ctl.destroy('no data connection');
      throw err;
    });
    if ('r' in first) {
      this.checkPreliminary(first.r, command, pending);
      try {
        return await socketP;
      } catch (err) {
        ctl.destroy('no data connection');
        throw err;
      }
    }
    this.checkPreliminary(await replyP, command, pending);
    return first.s;
  }

  /**
   * An upload whose command went with its EPSV/PASV (openPassive's `along`): the server took the command before it
   * could see the data connection, so the data may go as soon as the connection is up, without waiting for the
   * 1xx (one round trip less per file). `replied` settles with that reply's verdict; a refusal destroys the data
   * connection with the refusal as its error.
   */
  private async startDataFirst(ctl: ControlConnection, pending: PendingData, command: string): Promise<{ socket: net.Socket; replied: Promise<void> }> {
    const replyP = ctl.read(this.timeoutMs);
    let socket: net.Socket;
    try {
      socket = await pending.accept();
    } catch (err) {
      // An error reply (425, 550) is thrown as the transfer's error.
      this.checkPreliminary(await afterFailedConnection(ctl, replyP, err), command, pending);
      throw err;
    }
    const replied = replyP.then((r) => this.checkPreliminary(r, command, pending));
    replied.catch((err: unknown) => socket.destroy(err as Error));
    return { socket, replied };
  }

  /** TLS on a data connection, resuming the control connection's session; same certificate required. */
  private async secureData(ctl: ControlConnection, socket: net.Socket): Promise<net.Socket> {
    const secure = await startTls(socket, this.tls, 'data connection', ctl.tlsSession);
    // A resumed session was authenticated when the control connection's certificate was checked (and a
    // resumed handshake shows no certificate); a new session must show the very same certificate.
    if (!secure.isSessionReused()) {
      const control = ctl.certificate;
      checkCertificate(secure, { ...this.tls, trustedFingerprint: control?.fingerprint256 ?? this.tls.trustedFingerprint });
    }
    logTls(this.host.log, secure, 'data connection');
    return secure;
  }

  private checkPreliminary(r: FtpReply, command: string, pending: PendingData): void {
    this.preliminary = r;
    if (r.code >= 100 && r.code < 200) return;
    const masked = maskCommand(command);
    if (r.code === 425) {
      throw new FtpDataConnectionError(
        l10nT('The server could not open the data connection ({0})', `${r.code} ${replyMessage(r)}`),
        masked,
        pending.mode === 'active'
          ? l10nT(
              "It could not connect to {0}: an inbound firewall on this machine or a NAT router in front of it probably blocks connections from the server, or the server's own firewall blocks its outgoing data connections (often those from port 20). Use passive mode (or turn on fallback).",
              pending.describe,
            )
          : l10nT("It did not see our connection to {0}. Use active mode, or check the server's passive settings.", pending.describe),
        pending.mode,
        r.code,
        'server-could-not-connect',
      );
    }
    throw new FtpReplyError(r.code, replyMessage(r), masked);
  }
}

const ignore = (): undefined => undefined;

function follows(f: boolean | (() => boolean)): boolean {
  return typeof f === 'function' ? f() : f;
}

/**
 * Whether an upload goes with its passive request and sends its data before the 1xx: in passive mode once it has
 * worked here (the method and a connection known), on a plain connection, over a round trip long enough to gain
 * from it (the quickest of 3 or more answers the server gives at once: USER, FEAT, EPSV, PASV). Not on a short
 * one: ftp-srv looks for the data connection every 50 ms once it has the command; under a millisecond the
 * connection usually comes before the command and nothing is lost, but a command sent with the EPSV always comes
 * first. From a few ms on it comes first either way.
 * (Under TLS the handshake of the data connection comes first anyway, and its order with the 1xx is the server's.)
 */
function uploadAhead(strategy: DataChoice, ctl: ControlConnection): boolean {
  // (A finished upload's SIZE waiting to be carried goes in the same write: its reply is read first, in order.)
  return (
    strategy.force === undefined &&
    strategy.passiveConnected === true &&
    strategy.epsv !== undefined &&
    longRoundTrip(strategy) &&
    !ctl.secure
  );
}

/** The passive request a transfer in this strategy sends first. */
function passiveCommand(strategy: DataChoice): 'EPSV' | 'PASV' {
  return strategy.epsv === false ? 'PASV' : 'EPSV';
}

/**
 * A data connection failed with the transfer command outstanding. A refused or reset connection usually means the
 * server has answered already (550 for a missing file, then closed its passive port): an error reply within a
 * moment is the answer, returned. If the server closed the control connection meanwhile, the data connection
 * failed because the session went away, which says nothing against this mode: the lost session is thrown (the
 * next operation reconnects in the same mode) rather than a data-connection failure (which would fall back).
 * Otherwise the server still waits for the connection (vsftpd for a minute): this control connection is dropped,
 * and `err` thrown.
 */
async function afterFailedConnection(ctl: ControlConnection, replyP: Promise<FtpReply>, err: unknown): Promise<FtpReply> {
  const o = await outcomeWithin(replyP, EARLY_REPLY_GRACE_MS);
  if (o && o !== 'rejected' && o.value.code >= 400) return o.value;
  if (o === 'rejected') {
    const lost = await replyP.catch((e: unknown) => e);
    if (lost instanceof FtpConnectionError) throw lost;
  }
  ctl.destroy('data connection failed');
  throw err;
}

/** How long a failed early data connection waits for the server's error reply to the transfer command. */
const EARLY_REPLY_GRACE_MS = 2000;

/** How long to wait for a 1xx reply before starting a data connection's TLS handshake anyway. */
const TLS_REPLY_GRACE_MS = 1500;

/** How the promise settled within the time: its value, 'rejected', or undefined when the time ran out first. */
function outcomeWithin<T>(p: Promise<T>, ms: number): Promise<{ value: T } | 'rejected' | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then(
      (value) => {
        clearTimeout(timer);
        resolve({ value });
      },
      () => {
        clearTimeout(timer);
        resolve('rejected');
      },
    );
  });
}

/** "150 Opening BINARY mode data connection for a.txt (1234 bytes)." (vsftpd, proftpd): 1234. */
function announcedSize(r: FtpReply | undefined): number | undefined {
  const m = r && /\((\d+) bytes?\)/i.exec(r.text);
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function translateMoveError(err: unknown, command: string): Error {
  if (err instanceof FtpError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return new FtpCancelledError(l10nT('The transfer was cancelled'), maskCommand(command));
  const broke = new FtpConnectionError(l10nT('The data connection failed during {0}: {1}', maskCommand(command), String(e?.code ?? e?.message)), maskCommand(command), err);
  broke.onDataConnection = true;
  return broke;
}


/** On an error of a transfer: the wait for its final reply, which the next operation must let finish first. */
export const AFTERMATH = Symbol('aftermath');
