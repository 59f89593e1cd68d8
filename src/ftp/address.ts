import * as net from 'node:net';
import { FtpProtocolError } from './errors';
import { t as l10nT } from './l10n';

export interface HostPort {
  host: string;
  port: number;
}

/** "::ffff:127.0.0.1" -> "127.0.0.1", so IPv4 peers compare equal however the socket reports them. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && net.isIPv4(lower.slice(7)) ? lower.slice(7) : lower;
}

export function sameAddress(a: string, b: string): boolean {
  return normalizeAddress(a) === normalizeAddress(b);
}

function checkPort(port: number, reply: string, command: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FtpProtocolError(l10nT("The server's {0} reply has an invalid port {1}: {2}", command, port, reply), command);
  }
  return port;
}

/**
 * The host and port of a 227 reply (RFC 959 §4.1.2 PASV). The format of the numbers in the text is not
 * standardised: servers send "(h1,h2,h3,h4,p1,p2)", without parentheses, with or without a trailing dot, so
 * find the first run of six comma-separated numbers anywhere in the text.
 */
export function parsePasvReply(text: string): HostPort {
  const m = /(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})/.exec(text);
  if (!m) {
    throw new FtpProtocolError(l10nT("The server's PASV reply has no address h1,h2,h3,h4,p1,p2: {0}", text), 'PASV');
  }
  const n = m.slice(1).map(Number);
  if (n.some((x) => x > 255)) {
    throw new FtpProtocolError(l10nT("The server's PASV reply has a number above 255: {0}", text), 'PASV');
  }
  return { host: n.slice(0, 4).join('.'), port: checkPort(n[4] * 256 + n[5], text, 'PASV') };
}

/**
 * The port of a 229 reply (RFC 2428 §3): "Entering Extended Passive Mode (|||port|)". The delimiter is any
 * printable character (usually |) and the network address fields are empty: the data connection goes to the
 * control connection's peer.
 */
export function parseEpsvReply(text: string): number {
  const m = /\(([!-~])\1\1(\d+)\1\)/.exec(text);
  if (!m) {
    throw new FtpProtocolError(l10nT("The server's EPSV reply has no port in the form (|||port|): {0}", text), 'EPSV');
  }
  return checkPort(Number(m[2]), text, 'EPSV');
}

/** The argument of PORT (RFC 959 §4.1.2): h1,h2,h3,h4,p1,p2. IPv4 only. */
export function encodePort(host: string, port: number): string {
  const v4 = normalizeAddress(host);
  if (!net.isIPv4(v4)) throw new FtpProtocolError(l10nT('PORT needs an IPv4 address, not {0}', host), 'PORT');
  return `${v4.split('.').join(',')},${port >> 8},${port & 255}`;
}

/** The argument of EPRT (RFC 2428 §2): |1|v4|port| or |2|v6|port|. */
export function encodeEprt(host: string, port: number): string {
  const addr = normalizeAddress(host);
  const family = net.isIPv4(addr) ? 1 : net.isIPv6(addr) ? 2 : 0;
  if (!family) throw new FtpProtocolError(l10nT('EPRT needs an IP address, not {0}', host), 'EPRT');
  return `|${family}|${addr}|${port}|`;
}

/**
 * What kind of address it is, for the words of a report: 127.0.0.0/8 and ::1 are this machine (loopback, RFC 1122
 * §3.2.1.3), not a private network (RFC 1918, RFC 4193), nor link-local (RFC 3927, RFC 4291).
 */
export function addressScope(address: string): 'loopback' | 'private' | 'link-local' | 'public' {
  const a = normalizeAddress(address);
  if (net.isIPv4(a)) {
    const [x, y] = a.split('.').map(Number);
    if (x === 127) return 'loopback';
    if (x === 169 && y === 254) return 'link-local';
  } else if (a === '::1') {
    return 'loopback';
  } else if (a.startsWith('fe80:')) {
    return 'link-local';
  }
  return isPrivateAddress(a) ? 'private' : 'public';
}

/** Is this address one that is not routable on the internet (RFC 1918, loopback, link-local, ULA)? */
export function isPrivateAddress(address: string): boolean {
  const a = normalizeAddress(address);
  if (net.isIPv4(a)) {
    const [x, y] = a.split('.').map(Number);
    return (
      x === 10 || x === 127 || x === 0 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168) ||
      (x === 169 && y === 254) || (x === 100 && y >= 64 && y <= 127)
    );
  }
  return a === '::1' || a === '::' || a.startsWith('fe80:') || a.startsWith('fc') || a.startsWith('fd');
}
