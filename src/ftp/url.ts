import { FtpInputError } from './errors';

export interface FtpUrl {
  host: string;
  /** Undefined when the URL names none: 21, or 990 for implicit TLS. */
  port?: number;
  user?: string;
  password?: string;
  /** Decoded path; '' when the URL has none. */
  path: string;
  /** ftps:// : implicit TLS (port 990 by default). */
  implicitTls: boolean;
}

/**
 * ftp://user[:password]@host[:port]/path (RFC 1738 §3.2), with percent-encoding decoded and IPv6 hosts in
 * brackets. The path is taken as given (absolute from the server's root when it starts with '//' or is
 * resolved by the caller against the login folder otherwise).
 */
export function parseFtpUrl(text: string): FtpUrl {
  let url: URL;
  // Error messages show the URL without its password.
  const shown = maskUrlPassword(text);
  try {
    url = new URL(text);
  } catch {
    throw new FtpInputError(`Not a URL: "${shown}". Write it as ftp://user@host:port/path`);
  }
  if (url.protocol !== 'ftp:' && url.protocol !== 'ftps:') {
    throw new FtpInputError(`Not an ftp:// URL: "${shown}". Write it as ftp://user@host:port/path`);
  }
  if (!url.hostname) throw new FtpInputError(`The URL "${shown}" has no host`);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new FtpInputError(`The URL "${shown}" has a broken %-escape`);
    }
  };
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : undefined,
    user: url.username ? decode(url.username) : undefined,
    password: url.password ? decode(url.password) : undefined,
    path: decode(url.pathname),
    implicitTls: url.protocol === 'ftps:',
  };
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
