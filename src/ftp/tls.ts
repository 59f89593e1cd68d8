import * as net from 'node:net';
import type * as tls from 'node:tls';
import { FtpCertificateError, FtpInputError, FtpTlsError } from './errors';
import { t as l10nT } from './l10n';
import type { FtpLogger } from './log';

/**
 * node:tls, loaded the first time a connection uses TLS: most connections are plain, and loading the module is a
 * noticeable part of a short CLI run's start.
 */
let tlsModule: typeof tls | undefined;
function tlsLib(): typeof tls {
  return (tlsModule ??= require('node:tls') as typeof tls);
}

export type TlsMode = 'none' | 'explicit' | 'implicit';

/** What the user decides about the server's certificate. */
export interface TlsSettings {
  /** Host name for SNI and for the certificate check (RFC 6125). */
  servername: string;
  /** SHA-256 fingerprint the user trusted for this connection (any case, colons optional). */
  trustedFingerprint?: string;
  /** Extra CA certificates (PEM), e.g. a company CA. */
  ca?: string | Buffer | (string | Buffer)[];
  timeoutMs: number;
  /** Highest TLS version to offer, for servers whose TLS 1.3 is broken. Default: the highest Node has. */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 of the DER certificate, upper-case hex with colons, as browsers show it. */
  fingerprint256: string;
}

/** "sha256:ab cd..." or "AB:CD:..." -> "AB:CD:..." (64 hex digits with colons), or '' if it is not a SHA-256 fingerprint. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.trim().replace(/^sha-?256[:=]?/i, '').replace(/[\s:]/g, '');
  if (!/^[0-9a-f]{64}$/i.test(hex)) return '';
  return hex.toUpperCase().match(/.{2}/g)!.join(':');
}

function dn(x: tls.PeerCertificate['subject'] | undefined): string {
  if (!x) return '';
  return Object.entries(x)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

export function certificateInfo(cert: tls.PeerCertificate): CertificateInfo {
  return {
    subject: dn(cert.subject),
    issuer: dn(cert.issuer),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    fingerprint256: normalizeFingerprint(cert.fingerprint256 ?? ''),
  };
}

/**
 * Decide whether to go on with this certificate. Verified by default (chain and host name); a certificate
 * the user trusted by fingerprint is taken even if it fails verification (self-signed servers), but once a
 * fingerprint is trusted, a different certificate is reported as a change, never silently accepted.
 */
export function checkCertificate(socket: tls.TLSSocket, settings: TlsSettings): CertificateInfo {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.raw) throw new FtpTlsError(l10nT('The server sent no certificate'));
  const info = certificateInfo(cert);
  const pinned = settings.trustedFingerprint ? normalizeFingerprint(settings.trustedFingerprint) : undefined;
  if (pinned === '') {
    throw new FtpInputError(l10nT('The trusted fingerprint "{0}" is not a SHA-256 fingerprint (64 hex digits, colons optional)', settings.trustedFingerprint ?? ''));
  }
  if (pinned) {
    if (pinned === info.fingerprint256) return info;
    throw new FtpCertificateError(
      l10nT("The server's certificate changed: it is not the one trusted for this connection (trusted {0}, now {1})", pinned, info.fingerprint256),
      'changed',
      info,
    );
  }
  if (!socket.authorized) {
    const why = String(socket.authorizationError ?? 'not trusted');
    throw new FtpCertificateError(l10nT("The server's certificate is not trusted ({0})", why), 'untrusted', info);
  }
  const idError = tlsLib().checkServerIdentity(settings.servername, cert);
  if (idError) {
    throw new FtpCertificateError(l10nT("The server's certificate is not for {0} ({1})", settings.servername, idError.message), 'hostname', info);
  }
  return info;
}

/** Which connection an error is about (one message per kind, so that each translates whole). */
export type ConnectionKind = 'control connection' | 'data connection';

function handshakeError(what: ConnectionKind, message: string): FtpTlsError {
  const err = new FtpTlsError(message);
  if (what === 'data connection') err.onDataConnection = true;
  return err;
}

/**
 * Start TLS on a connected socket as the client (RFC 4217 §4 after AUTH TLS; or at once for implicit FTPS).
 * Verification is done by `checkCertificate` after the handshake, so that a refusal can carry the
 * certificate's details for the user to decide on.
 */
export function startTls(
  socket: net.Socket,
  settings: TlsSettings,
  what: ConnectionKind,
  session?: Buffer,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const isIp = net.isIP(settings.servername) !== 0;
    const secure = tlsLib().connect({
      socket,
      servername: isIp ? undefined : settings.servername,
      rejectUnauthorized: false,
      ca: settings.ca ? ([] as (string | Buffer)[]).concat(tlsLib().rootCertificates, settings.ca) : undefined,
      session,
      minVersion: 'TLSv1.2',
      maxVersion: settings.maxVersion,
    });
    const timer = setTimeout(() => {
      secure.destroy();
      const s = Math.round(settings.timeoutMs / 1000);
      reject(handshakeError(what, what === 'control connection' ? l10nT('The TLS handshake on the control connection did not finish within {0} s', s) : l10nT('The TLS handshake on the data connection did not finish within {0} s', s)));
    }, settings.timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      secure.on('error', () => undefined);
      resolve(secure);
    });
    secure.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      secure.destroy();
      const why = `${err.code ?? ''} ${err.message}`.trim();
      reject(handshakeError(what, what === 'control connection' ? l10nT('The TLS handshake on the control connection failed: {0}', why) : l10nT('The TLS handshake on the data connection failed: {0}', why)));
    });
  });
}

export function describeTls(socket: tls.TLSSocket, what: string): string {
  const cipher = socket.getCipher();
  return `${what}: ${socket.getProtocol() ?? '?'} ${cipher?.name ?? ''}${socket.isSessionReused() ? ', session reused' : ', new session'}`;
}

export function logTls(log: FtpLogger, socket: tls.TLSSocket, what: string): void {
  log({ kind: 'tls', text: describeTls(socket, what) });
}
