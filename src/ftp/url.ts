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
  try {
    url = new URL(text);
  } catch {
    throw new FtpInputError(`Not a URL: "${text}". Write it as ftp://user@host:port/path`);
  }
  if (url.protocol !== 'ftp:' && url.protocol !== 'ftps:') {
    throw new FtpInputError(`Not an ftp:// URL: "${text}". Write it as ftp://user@host:port/path`);
  }
  if (!url.hostname) throw new FtpInputError(`The URL "${text}" has no host`);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new FtpInputError(`The URL "${text}" has a broken %-escape`);
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
