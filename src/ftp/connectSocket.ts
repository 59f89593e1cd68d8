import * as net from 'node:net';
import { FtpConnectionError, FtpTimeoutError } from './errors';
import { t as l10nT } from './l10n';
import type { ConnectionKind } from './tls';

export function formatEndpoint(address: string | undefined, port: number | undefined): string {
  if (!address) return '?';
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The connect options, with the stream options net.Socket's constructor passes on to its Duplex. */
type SocketOptions = net.TcpNetConnectOpts & { emitClose: false; autoDestroy: true; decodeStrings: false };

/**
 * A TCP connection within a timeout; the error says what failed and where. With `onread` the socket reads into
 * buffers the caller hands out and delivers no 'data' events (see FileSink).
 *
 * The options carry the values net.Socket's constructor sets on its copy of them anyway (Node 20-24: allowHalfOpen
 * false unless asked, emitClose false, autoDestroy true, decodeStrings false). Given up front they change nothing,
 * but the copy then gets no new properties: adding properties to a copy made by an object spread is a slow path of
 * Node 20's V8, which made the constructor take about 5 µs instead of 0.2 for every data connection (Node 24's V8 is
 * fast either way; bench/README.md).
 */
export function connectSocket(host: string, port: number, timeoutMs: number, what: ConnectionKind, onread?: net.OnReadOpts): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    // (A literal, not a spread of shared defaults: a spread followed by more properties is the same slow path.
    // An undefined `onread` is no onread: Node looks at its value.)
    const options: SocketOptions = { allowHalfOpen: false, emitClose: false, autoDestroy: true, decodeStrings: false, host, port, onread };
    const socket = net.connect(options);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new FtpTimeoutError(
          what === 'control connection'
            ? l10nT('Could not open the control connection to {0} within {1} s', formatEndpoint(host, port), Math.round(timeoutMs / 1000))
            : l10nT('Could not open the data connection to {0} within {1} s', formatEndpoint(host, port), Math.round(timeoutMs / 1000)),
          undefined,
          timeoutMs,
        ),
      );
    }, timeoutMs);
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const why = err.code ?? err.message;
      const message = what === 'control connection' ? l10nT('Could not open the control connection to {0}: {1}', formatEndpoint(host, port), why) : l10nT('Could not open the data connection to {0}: {1}', formatEndpoint(host, port), why);
      reject(new FtpConnectionError(message, undefined, err));
    };
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    socket.once('error', onError);
  });
}
