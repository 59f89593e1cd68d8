/**
 * ftp:// and ftps:// URLs, read by hand after RFC 3986 and RFC 1738 §3.1-3.2 rather than with WHATWG `URL`:
 * `URL` treats ftp: as a "special" scheme and ftps: not, so the two came out differently (host case, %-escapes
 * and IDN in the host, a written :21 dropped, no path '/' or ''), and it accepts port 0 and rare IPv4 forms.
 * The CLI and the extension's "FTP: Connect" both read URLs here.
 */
import { isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { FtpInputError } from './errors';
import { t as l10nT } from './l10n';

export interface FtpUrl {
  host: string;
  /** Undefined when the URL names none: 21, or 990 for implicit TLS. */
  port?: number;
  user?: string;
  password?: string;
  /** Decoded path without dot segments; '' when the URL has none (the login folder, RFC 1738 §3.2.2). */
  path: string;
  /** ftps:// : implicit TLS (port 990 by default). */
  implicitTls: boolean;
}

/** `[user[:password]@]host[:port]`, as in a URL. */
export interface FtpAuthority {
  user?: string;
  /** '' for `user:@host`: an empty password is not the same as none (RFC 1738 §3.1). */
  password?: string;
  /** Lower case; an IPv6 address without its brackets; an international name in its ASCII (IDNA) form. */
  host: string;
  /** Undefined when none is written (an empty port, `host:`, too: RFC 3986 §3.2.3). */
  port?: number;
}

/** RFC 1738 §3.1 host names (letter/digit/hyphen labels), plus '_', which real servers' names have. */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/;

/**
 * ftp://user[:password]@host[:port]/path (RFC 1738 §3.2), ftps:// the same with implicit TLS. User, password,
 * host and path are percent-decoded; a broken %-escape is an error, not kept as text (RFC 3986 §2.1). The path
 * is as written but for its dot segments (RFC 3986 §5.2.4); what a relative or absolute one means is the
 * caller's choice. A query or fragment is dropped: RFC 1738 FTP URLs have none. Throws FtpInputError, whose
 * message shows the URL without its password.
 */
export function parseFtpUrl(text: string): FtpUrl {
  const t = text.trim();
  // Error messages show the URL without its password.
  const shown = maskUrlPassword(t);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(t);
  const name = scheme?.[1].toLowerCase();
  if (scheme && name !== 'ftp' && name !== 'ftps') throw new FtpInputError(l10nT('Not an ftp:// URL: "{0}". Write it as ftp://user@host:port/path', shown));
  if (!scheme || !t.startsWith('//', scheme[0].length)) throw new FtpInputError(l10nT('Not a URL: "{0}". Write it as ftp://user@host:port/path', shown));
  // RFC 3986 §3: the authority runs to the first '/', '?' or '#'; the path to the first '?' or '#'.
  const m = /^([^/?#]*)([^?#]*)/.exec(t.slice(scheme[0].length + 2))!;
  const authority = parseFtpAuthority(m[1], { decode: true, shown });
  return { ...authority, path: decodePath(m[2], shown), implicitTls: name === 'ftps' };
}

/**
 * `[user[:password]@]host[:port]` (RFC 3986 §3.2). The last '@' ends the user information, so a user name may
 * hold an unescaped '@'; its first ':' ends the user name. `decode`: percent-decode (a URL); off for an
 * authority decoded already (a vscode.Uri's). `shown`: what error messages quote (default: the authority with
 * its password masked). Throws FtpInputError.
 */
export function parseFtpAuthority(authority: string, options: { decode?: boolean; shown?: string } = {}): FtpAuthority {
  const shown = options.shown ?? maskUrlPassword(authority);
  const decode = options.decode ? (s: string) => percentDecode(s, shown) : (s: string) => s;
  if (/[\u0000-\u001f\u007f]/.test(authority)) throw new FtpInputError(l10nT('The URL "{0}" has a control character', shown));
  const at = authority.lastIndexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const info = authority.slice(0, at);
    const colon = info.indexOf(':');
    user = decode(colon >= 0 ? info.slice(0, colon) : info);
    if (colon >= 0) password = decode(info.slice(colon + 1));
    // RFC 959 §4.1.1 USER needs a name; RFC 1738 §3.1 has no password without a user name.
    if (!user) throw new FtpInputError(l10nT('The URL "{0}" has an empty user name (leave out the \'@\' to log in as anonymous)', shown));
  }
  const hostPort = authority.slice(at + 1);
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    // RFC 3986 §3.2.2 IP-literal: an IPv6 address in brackets. No IPvFuture, and no RFC 6874 zone ID
    // ("[fe80::1%25eth0]"), which isIPv6 alone would let through.
    const close = hostPort.indexOf(']');
    host = close < 0 ? '' : hostPort.slice(1, close).toLowerCase();
    if (!isIPv6(host) || host.includes('%')) throw new FtpInputError(l10nT('The URL "{0}" has a broken IPv6 address (write it in brackets: [2001:db8::1])', shown));
    const rest = hostPort.slice(close + 1);
    if (rest && !rest.startsWith(':')) throw new FtpInputError(l10nT('The URL "{0}" has text after the IPv6 address', shown));
    if (rest) portText = rest.slice(1);
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = decode(colon >= 0 ? hostPort.slice(0, colon) : hostPort);
    if (colon >= 0) portText = hostPort.slice(colon + 1);
    if (!host) throw new FtpInputError(l10nT('The URL "{0}" has no host', shown));
    // RFC 3986 §3.2.2: host names are case-insensitive, and a non-ASCII one goes to DNS in its IDNA form.
    host = /^[\x20-\x7e]*$/.test(host) ? host.toLowerCase() : domainToASCII(host);
    if (!HOSTNAME.test(host)) throw new FtpInputError(l10nT('The URL "{0}" has no valid host name or address', shown));
  }
  let port: number | undefined;
  if (portText) {
    if (!/^\d+$/.test(portText)) throw new FtpInputError(l10nT('The URL "{0}" has a port that is not a number', shown));
    port = Number(portText);
    if (port < 1 || port > 65535) throw new FtpInputError(l10nT('The URL "{0}" has a port out of range (1-65535)', shown));
  }
  return { user, password, host, port };
}

/** Decode each segment; drop '.' segments and let '..' remove the one before (RFC 3986 §5.2.4). */
function decodePath(raw: string, shown: string): string {
  if (raw === '') return '';
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new FtpInputError(l10nT('The URL "{0}" has a control character', shown));
  const segments = raw.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    // Decoded first: %2E is '.' (RFC 3986 §6.2.2.2), %2F stays inside its segment.
    const seg = percentDecode(segments[i], shown);
    if (seg === '.' || seg === '..') {
      if (seg === '..') out.pop();
      if (i === segments.length - 1) out.push('');
    } else {
      out.push(seg);
    }
  }
  return `/${out.join('/')}`;
}

function percentDecode(s: string, shown: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new FtpInputError(l10nT('The URL "{0}" has a broken %-escape', shown));
  }
}

/**
 * "ftp://user:secret@host/x" -> "ftp://user:****@host/x", for error messages about a URL that may be broken:
 * everything between the first ':' after the scheme and the last '@' goes (at worst a little more than the
 * password, never less).
 */
export function maskUrlPassword(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const schemeEnd = /^[a-z][a-z0-9+.-]*:\/+/i.exec(text)?.[0].length ?? 0;
  const colon = text.indexOf(':', schemeEnd);
  if (colon < 0 || colon > at) return text;
  return `${text.slice(0, colon + 1)}****${text.slice(at)}`;
}
