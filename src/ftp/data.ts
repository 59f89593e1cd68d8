import * as net from 'node:net';
import type { ControlConnection } from './control';
import { connectSocket, formatEndpoint } from './connectSocket';
import {
  encodeEprt,
  encodePort,
  addressScope,
  isPrivateAddress,
  normalizeAddress,
  parseEpsvReply,
  parsePasvReply,
  sameAddress,
  type HostPort,
} from './address';
import { FtpConnectionError, FtpDataConnectionError, FtpError, FtpProtocolError, FtpTimeoutError } from './errors';
import { t as l10nT } from './l10n';
import type { DirectRead } from './fileSink';
import type { FtpLogger } from './log';
import { replyMessage, type FtpReply } from './reply';
import type { DataMode } from './options';
import { noteQuickReply, type DataStrategy } from './traits';

/** The strategy of one transfer: what was learned (DataStrategy), or for `probe` exactly one method, learning nothing. */
export interface DataChoice extends DataStrategy {
  /** Use exactly this command and nothing else (for `probe`): a throwaway choice, never ServerTraits.data. */
  force?: DataMethod;
}

export type DataMethod = 'EPSV' | 'PASV' | 'EPRT' | 'PORT';

export interface DataSettings {
  trustPasvAddress: boolean;
  activeAddress?: string;
  activePortRange?: [number, number];
  timeoutMs: number;
  activeAcceptTimeoutMs: number;
}

/** A data connection about to carry one transfer: passive (already connected) or active (waiting to accept). */
export interface PendingData {
  mode: DataMode;
  /** Passive: resolves at once. Active: resolves when the server connects from the control peer's address. */
  accept(): Promise<net.Socket>;
  /** Stop listening / close the socket when the transfer command failed. */
  cancel(): void;
  /** The address the data goes to or comes from, for diagnosis. */
  describe: string;
  /** The socket reads straight into the `direct` buffers it was opened with, and emits no 'data' (see FileSink). */
  readonly direct?: boolean;
  /**
   * Passive, still connecting: accept() resolves once the connection is up, or rejects with the diagnosis.
   * The transfer command may be sent meanwhile; if the connection then fails, the server is left waiting for
   * it with the command outstanding, so the caller must drop the control connection.
   */
  readonly early?: boolean;
  /** The transfer command went out in the same write as the EPSV/PASV (openPassive's `along`): not to be sent again. */
  readonly sent?: boolean;
}

/** RFC 959 §4.2: 2yz is a positive completion. */
function positive(reply: FtpReply): boolean {
  return reply.code >= 200 && reply.code < 300;
}

/**
 * Passive mode (RFC 959 §4.1.2 PASV, RFC 2428 §3 EPSV). EPSV first, PASV when EPSV is refused; do not trust
 * FEAT for this (many servers do not list EPSV). By default the 227 address is ignored and the control
 * connection's peer is used: that works for servers behind NAT, which advertise their private address, and
 * closes the PASV bounce/spoofing hole (RFC 2577 §5).
 */
export async function openPassive(
  ctl: ControlConnection,
  strategy: DataChoice,
  settings: DataSettings,
  log: FtpLogger,
  /** Read the data connection straight into these buffers (a download into a file, see FileSink). */
  direct?: DirectRead,
  /** The reply to the EPSV or PASV this strategy sends first, sent ahead (ControlConnection.sendPassiveAhead). */
  sentAhead?: FtpReply,
  /**
   * The transfer command, to go in the same write as the EPSV/PASV this strategy sends first (an upload over a long
   * round trip, transfer.ts): the server has it before it can see the data connection. Not with `sentAhead`.
   */
  along?: string,
): Promise<PendingData> {
  let target: HostPort | undefined;
  let advertised: string | undefined;
  // (Sent with the first request only; `sent` once that request was answered with a port.)
  let first = sentAhead ? undefined : along;
  let sent = false;
  const peer = normalizeAddress(ctl.remoteAddress);
  if (strategy.force === 'EPSV' || (strategy.force === undefined && strategy.epsv !== false)) {
    // (A refusal sent ahead is asked again: only this moment's answer may teach that EPSV does not work.)
    const r = sentAhead && (sentAhead.code === 229 || sentAhead.code === 227) ? sentAhead : await askPassive(ctl, strategy, 'EPSV', first, settings.timeoutMs);
    sent = first !== undefined && (r.code === 229 || r.code === 227);
    first = undefined;
    if (r.code === 229) {
      target = { host: peer, port: parseEpsvReply(r.text) };
      strategy.epsv = true;
    } else if (r.code === 227) {
      // Lenient: a server that answers EPSV in PASV's form.
      const p = parsePasvReply(r.text);
      advertised = p.host;
      target = { host: settings.trustPasvAddress ? p.host : peer, port: p.port };
    } else if (r.code >= 400 && strategy.force !== 'EPSV') {
      strategy.epsv = false;
    } else {
      throw new FtpDataConnectionError(
        l10nT('The server refused EPSV ({0})', `${r.code} ${replyMessage(r)}`),
        'EPSV',
        l10nT('The server does not offer extended passive mode: PASV or active mode may work.'),
        'passive',
        r.code,
        'command-refused',
      );
    }
  }
  if (!target) {
    const r = sentAhead && strategy.epsv === false && sentAhead.code === 227 ? sentAhead : await askPassive(ctl, strategy, 'PASV', first, settings.timeoutMs);
    sent = first !== undefined && (r.code === 227 || r.code === 229);
    if (r.code === 227) {
      const p = parsePasvReply(r.text);
      advertised = p.host;
      target = { host: settings.trustPasvAddress ? p.host : peer, port: p.port };
      if (!settings.trustPasvAddress && !sameAddress(p.host, peer)) {
        log({ kind: 'info', text: `PASV reply names ${p.host}; connecting to the control peer ${peer} instead` });
      }
    } else if (r.code === 229) {
      target = { host: peer, port: parseEpsvReply(r.text) };
    } else {
      throw new FtpDataConnectionError(
        l10nT('The server refused passive mode (PASV: {0})', `${r.code} ${replyMessage(r)}`),
        'PASV',
        l10nT('The server does not offer passive mode: use active mode.'),
        'passive',
        r.code,
        'command-refused',
      );
    }
  }
  const t = target;
  const connecting = connectSocket(t.host, t.port, settings.timeoutMs, 'data connection', direct).then(
    (socket) => {
      // Until the transfer reads it, a reset (e.g. after the server refuses RETR) must not be an uncaught error.
      socket.on('error', () => undefined);
      strategy.passiveConnected = true;
      return socket;
    },
    (err: unknown) => {
      throw new FtpDataConnectionError(
        l10nT('Could not open the passive data connection to {0} ({1})', formatEndpoint(t.host, t.port), errorCode(err)),
        undefined,
        passiveDiagnosis(err, t, advertised, peer, settings.trustPasvAddress),
        'passive',
        undefined,
        err instanceof FtpTimeoutError ? 'connect-timeout' : errorCode(err) === 'ECONNREFUSED' ? 'connect-refused' : 'connect-failed',
      );
    },
  );
  const describe = formatEndpoint(t.host, t.port);
  const isDirect = direct !== undefined;
  if (strategy.passiveConnected && strategy.force === undefined) {
    // Passive connections to this server have worked: send the transfer command while this one is being made,
    // as a user's `ftp` would type it, instead of waiting for the connection first. It saves a turn of the
    // event loop per file in which the server sits idle.
    // The first connection, and every one `probe` makes, is awaited before the command, so a network that
    // blocks passive mode is diagnosed with nothing outstanding and falls back cleanly.
    connecting.catch(() => undefined);
    // (Object literals of one shape, not a spread of a shared base: this runs for every file.)
    return {
      mode: 'passive',
      describe,
      direct: isDirect,
      early: true,
      sent,
      accept: () => connecting,
      cancel: () => void connecting.then((s) => s.destroy(), () => undefined),
    };
  }
  const socket = await connecting;
  return { mode: 'passive', describe, direct: isDirect, early: false, sent, accept: () => Promise.resolve(socket), cancel: () => socket.destroy() };
}

/**
 * Send EPSV or PASV (with the transfer command `along` in the same write) and read its reply, noting how long the
 * server took: it answers at once, so the quickest answer is about the network's round trip (DataStrategy).
 */
async function askPassive(ctl: ControlConnection, strategy: DataChoice, command: 'EPSV' | 'PASV', along: string | undefined, timeoutMs: number): Promise<FtpReply> {
  const t0 = performance.now();
  let r: FtpReply;
  if (along) {
    ctl.writeBatch([command, along]);
    r = await ctl.read();
    // Refused: the transfer command went out with no port for it. Its reply must be read (and be a refusal)
    // before anything else; the caller then goes on as without `along`, and sends the command again later.
    if (r.code !== 229 && r.code !== 227) await readOrphanedReply(ctl, along, timeoutMs);
  } else {
    r = await ctl.send(command);
  }
  noteQuickReply(strategy, performance.now() - t0);
  return r;
}

/**
 * The reply to a transfer command sent along with an EPSV/PASV that was refused. The server should refuse it too
 * (no port: vsftpd "425 Use PORT or PASV first"); one that started it anyway (pyftpdlib answers 150 and waits
 * for a connection) is in a state no later command can rely on, so the connection is dropped.
 */
async function readOrphanedReply(ctl: ControlConnection, command: string, timeoutMs: number): Promise<void> {
  const r = await ctl.read(Math.min(timeoutMs, ORPHAN_REPLY_MS));
  if (r.code >= 400) return;
  const verb = command.split(' ')[0];
  ctl.destroy({ droppedAfter: verb });
  throw new FtpProtocolError(l10nT('The server started {0} although it refused the data connection ({1}); the connection was closed', verb, `${r.code} ${replyMessage(r)}`), verb, r.code);
}

/** How long the reply to a transfer command sent along with a refused EPSV/PASV may take. */
const ORPHAN_REPLY_MS = 10000;

function errorCode(err: unknown): string {
  if (err instanceof FtpTimeoutError) return 'timed out';
  const cause = (err as FtpConnectionError).cause as NodeJS.ErrnoException | undefined;
  return cause?.code ?? (err as Error).message;
}

function passiveDiagnosis(err: unknown, t: HostPort, advertised: string | undefined, peer: string, trusted: boolean): string {
  if (trusted && advertised && !sameAddress(advertised, peer)) {
    return l10nT(
      'The server advertised {0} in its PASV reply but the control connection goes to {1}: the server is probably behind NAT and {0} is not reachable from here. Turn off "trust PASV address" so the client connects to {1}.',
      advertised,
      peer,
    );
  }
  const cause = (err as FtpConnectionError).cause as NodeJS.ErrnoException | undefined;
  if (cause?.code === 'ECONNREFUSED') {
    return l10nT(
      "Port {0} refused the connection: the server's passive port is closed or outside the range its firewall forwards. Check the server's passive port range, or use active mode.",
      t.port,
    );
  }
  return l10nT(
    "Nothing answered at {0}: a firewall between this machine and the server probably blocks port {1} (outside the server's open passive range). Open the passive range on the server's firewall, or use active mode.",
    formatEndpoint(t.host, t.port),
    t.port,
  );
}

/**
 * Active mode (RFC 959 §4.1.2 PORT, RFC 2428 §2 EPRT): listen, tell the server where, let it connect.
 * EPRT first (and always over IPv6, where PORT cannot express the address), PORT when EPRT is refused.
 * The listener is on the control socket's local address; the advertised address may differ (a client
 * behind NAT that knows its public address). Only a connection from the control peer's address is taken:
 * anything else is a third party racing the server, and is rejected and logged.
 */
export async function openActive(
  ctl: ControlConnection,
  strategy: DataChoice,
  settings: DataSettings,
  log: FtpLogger,
  /** Read the accepted connection straight into these buffers (a download into a file, see FileSink). */
  direct?: DirectRead,
): Promise<PendingData> {
  const localAddress = normalizeAddress(ctl.localAddress);
  const server = await listen(localAddress, settings.activePortRange, direct !== undefined);
  const port = (server.address() as net.AddressInfo).port;
  const advertise = normalizeAddress(settings.activeAddress ?? localAddress);
  const peer = normalizeAddress(ctl.remoteAddress);
  const close = () => server.close();
  // Take connections from now on: some servers (pyftpdlib) connect as soon as they accept PORT/EPRT, before
  // the transfer command.
  let accepted: net.Socket | undefined;
  let readsDirect = false;
  let waiting: ((s: net.Socket) => void) | undefined;
  server.on('connection', (s) => {
    const from = normalizeAddress(s.remoteAddress ?? '');
    if (accepted || !sameAddress(from, peer)) {
      log({
        kind: 'data',
        phase: 'rejected',
        mode: 'active',
        direction: 'download',
        local: formatEndpoint(s.localAddress, s.localPort),
        remote: formatEndpoint(s.remoteAddress, s.remotePort),
        detail: accepted ? 'a second connection' : `not from the control peer ${peer}`,
      });
      s.destroy();
      return;
    }
    if (direct) {
      const adopted = withDirectRead(s, direct);
      readsDirect = adopted !== s;
      s = adopted;
    }
    accepted = s;
    s.on('error', () => undefined);
    close();
    waiting?.(s);
  });

  try {
    let reply: FtpReply | undefined;
    let command = '';
    let triedEprt = false;
    const v6 = net.isIPv6(advertise);
    if (strategy.force === 'EPRT' || (strategy.force !== 'PORT' && (v6 || strategy.eprt !== false))) {
      command = `EPRT ${encodeEprt(advertise, port)}`;
      triedEprt = true;
      reply = await ctl.send(command);
      if (positive(reply)) strategy.eprt = true;
    }
    if (!v6 && strategy.force !== 'EPRT' && (!reply || !positive(reply))) {
      const refusedEprt = reply !== undefined;
      command = `PORT ${encodePort(advertise, port)}`;
      reply = await ctl.send(command);
      // EPRT refused but PORT taken: remember, so later transfers go straight to PORT.
      if (positive(reply) && refusedEprt) strategy.eprt = false;
    }
    if (!reply) throw new FtpError(l10nT('No active-mode command was sent'));
    if (reply.code < 200 || reply.code >= 300) {
      const verb = command.split(' ')[0];
      const tried = triedEprt && verb === 'PORT' ? 'EPRT and PORT' : verb;
      throw new FtpDataConnectionError(
        l10nT('The server refused {0} {1}:{2} ({3})', tried, advertise, port, `${reply.code} ${replyMessage(reply)}`),
        command,
        addressScope(advertise) === 'private'
          ? l10nT(
              "This machine offered its address {0}, which is private: if it is behind NAT the server sees another address and refuses the data connection. Use passive mode, or set the active-mode address to this network's public address (and forward the active-mode port range to this machine).",
              advertise,
            )
          : l10nT('The server does not accept active mode to {0}. Use passive mode, or check the active-mode address setting.', advertise),
        'active',
        reply.code,
        'command-refused',
      );
    }
  } catch (err) {
    close();
    throw err;
  }

  return {
    mode: 'active',
    describe: formatEndpoint(advertise, port),
    get direct() {
      return readsDirect;
    },
    cancel: () => {
      close();
      accepted?.destroy();
    },
    accept: () =>
      new Promise<net.Socket>((resolve, reject) => {
        if (accepted) return resolve(accepted);
        const timer = setTimeout(() => {
          waiting = undefined;
          close();
          reject(
            new FtpDataConnectionError(
              l10nT('The server did not connect back to {0} within {1} s', formatEndpoint(advertise, port), Math.round(settings.activeAcceptTimeoutMs / 1000)),
              undefined,
              activeDiagnosis(advertise, localAddress),
              'active',
              undefined,
              'no-connect-back',
            ),
          );
        }, settings.activeAcceptTimeoutMs);
        waiting = (s) => {
          clearTimeout(timer);
          resolve(s);
        };
      }),
  };
}

/**
 * The server took the address but its connection never arrived. From here the two usual causes look the
 * same: an inbound firewall (or NAT) on this side drops the server's connection, or the server's own
 * firewall drops its outgoing data connections, typically those from source port 20.
 */
export function activeDiagnosis(advertise: string, localAddress: string): string {
  return advertise === localAddress && isPrivateAddress(advertise)
    ? l10nT(
        "An inbound firewall on this machine or a NAT router in front of it probably blocks connections from the server, or the server's own firewall blocks its outgoing data connections (often those from port 20). Use passive mode (or turn on fallback).",
      )
    : l10nT(
        "An inbound firewall on this machine probably blocks connections from the server, or the server's own firewall blocks its outgoing data connections (often those from port 20). Use passive mode (or turn on fallback).",
      );
}

/** Listen on the address, on a free port within the range when one is given (RFC 959 leaves the port to the client). */
async function listen(address: string, range?: [number, number], pauseOnConnect = false): Promise<net.Server> {
  if (!range) return listenOn(address, 0, pauseOnConnect);
  const [lo, hi] = range;
  if (!(lo >= 1 && hi <= 65535 && lo <= hi)) {
    throw new FtpError(l10nT('Invalid active-mode port range {0}: give two ports between 1 and 65535, low first', `${lo}-${hi}`));
  }
  const count = hi - lo + 1;
  const start = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    try {
      return await listenOn(address, lo + ((start + i) % count), pauseOnConnect);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
    }
  }
  throw new FtpDataConnectionError(
    l10nT('No free port in the active-mode range {0}', `${lo}-${hi}`),
    undefined,
    l10nT('Every port in the range is in use: widen the active-mode port range, or use passive mode.'),
    'active',
    undefined,
    'no-local-port',
  );
}

function listenOn(address: string, port: number, pauseOnConnect: boolean): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ pauseOnConnect });
    server.once('error', reject);
    server.listen({ host: address, port, backlog: 4, exclusive: true }, () => {
      server.removeListener('error', reject);
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

/**
 * An accepted connection, re-made as a socket that reads into the `direct` buffers: net.Server has no `onread`
 * option, so the new socket takes over the accepted one's handle before anything was read (the server pauses
 * new connections for that). `_handle` is Node's internal name for it, stable since Node 0.x; if it is ever
 * missing the accepted socket is returned as it is, and the transfer reads it as a stream.
 */
function withDirectRead(accepted: net.Socket, direct: DirectRead): net.Socket {
  const internal = accepted as unknown as { _handle?: { readStart?: unknown } | null };
  const handle = internal._handle;
  if (!handle || typeof handle.readStart !== 'function' || accepted.destroyed) return accepted;
  internal._handle = null;
  const socket = new net.Socket({ handle, readable: true, writable: true, onread: direct } as net.SocketConstructorOpts);
  socket.resume(); // start reading, as a connected passive socket does
  return socket;
}
