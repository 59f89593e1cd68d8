/**
 * The `ftp:` URI mapping. No vscode import: works on the authority and path strings of a vscode.Uri.
 *
 *   ftp://<connection name>/<absolute path on the server>
 *   ftp://[user@]host[:port]/<absolute path on the server>      (one-off, or a saved connection to that account)
 *
 * - The path of the URI is the absolute path on the server, unchanged ('/' is the server root). The connection's
 *   remoteRoot is only where the tree starts and what "Open in Workspace" adds; it is not prepended.
 * - The authority is looked up first as a saved connection name, case-insensitively (VS Code lower-cases the
 *   host part of an authority when it prints a URI, so `ftp://My Site/x` comes back as `ftp://my%20site/x`).
 * - Otherwise it is read as `[user@]host[:port]`: if a saved connection has that user, host and port, it is
 *   used (its settings and stored password); else it is a one-off connection with default settings
 *   (passive mode, user `anonymous` when none is given, port 21).
 * - A password in the URI (`user:pass@host`) is accepted when typed into "FTP: Connect" but is never put
 *   into a URI the extension makes.
 */
import { FtpInputError, parseFtpAuthority, parseFtpUrl as parseUrl, type FtpAuthority } from '../ftp';
import type { ConnectionConfig } from './config';

export const SCHEME = 'ftp';

/** Normalize to an absolute POSIX path: leading '/', no trailing '/', no '.', '..' or empty segments. */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

export function joinPath(dir: string, ...names: string[]): string {
  return normalizePath([dir, ...names].join('/'));
}

/** Parent of a normalized path; the parent of '/' is '/'. */
export function parentPath(p: string): string {
  const n = normalizePath(p);
  const i = n.lastIndexOf('/');
  return i <= 0 ? '/' : n.slice(0, i);
}

export function baseName(p: string): string {
  const n = normalizePath(p);
  return n.slice(n.lastIndexOf('/') + 1);
}

/** True when `p` is `dir` or inside it. */
export function isUnder(p: string, dir: string): boolean {
  const a = normalizePath(p);
  const d = normalizePath(dir);
  return d === '/' || a === d || a.startsWith(d + '/');
}

/** `[user[:password]@]host[:port]`, read by src/ftp/url.ts. */
export type AuthorityParts = FtpAuthority;

/** Parse a decoded authority (a vscode.Uri's) `[user[:password]@]host[:port]`; undefined when it is none. */
export function parseAuthority(authority: string): AuthorityParts | undefined {
  return unlessInputError(() => parseFtpAuthority(authority));
}

/** `read()`, or undefined when it throws FtpInputError (the text is not what it should be). */
function unlessInputError<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof FtpInputError) return undefined;
    throw err;
  }
}

/** What an authority stands for. */
export type ResolvedAuthority =
  | { kind: 'saved'; config: ConnectionConfig }
  | { kind: 'oneoff'; config: ConnectionConfig; password?: string };

/** A one-off connection's config: defaults for everything but the account. Its name is its authority. */
export function oneOffConfig(parts: AuthorityParts): ConnectionConfig {
  const username = parts.user ?? 'anonymous';
  const port = parts.port ?? 21;
  return {
    name: oneOffAuthority(username, parts.host, port),
    host: parts.host,
    port,
    username,
    remoteRoot: '',
    mode: 'passive',
    fallback: true,
    trustPasvAddress: false,
    encoding: 'auto',
    readOnly: false,
  };
}

/**
 * `user@host:port`, with `:21` and `anonymous@` left out. This is the decoded form (as in vscode.Uri.authority):
 * vscode.Uri percent-encodes it when printing. A user name may contain '@' (the last '@' ends it).
 */
export function oneOffAuthority(user: string, host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  const u = user.toLowerCase() === 'anonymous' ? '' : `${user}@`;
  return `${u}${h}${port === 21 ? '' : `:${port}`}`;
}

/** Resolve a URI authority against the saved connections (see the module comment for the rules). */
export function resolveAuthority(authority: string, saved: readonly ConnectionConfig[]): ResolvedAuthority | undefined {
  const a = authority.trim();
  if (!a) return undefined;
  const byName = saved.find((c) => c.name === a) ?? saved.find((c) => c.name.toLowerCase() === a.toLowerCase());
  if (byName) return { kind: 'saved', config: byName };
  const parts = parseAuthority(a);
  if (!parts) return undefined;
  const user = parts.user ?? 'anonymous';
  const port = parts.port ?? 21;
  const same = saved.find((c) => c.host.toLowerCase() === parts.host && c.port === port && c.username === user);
  if (same) return { kind: 'saved', config: same };
  return { kind: 'oneoff', config: oneOffConfig(parts), password: parts.password };
}

/** The authority the extension uses in URIs it makes for a connection. */
export function authorityOf(resolved: ResolvedAuthority): string {
  return resolved.config.name;
}

export interface TypedAddress {
  authority: string;
  parts: AuthorityParts;
  /** Absolute and normalized; '/' when the URL has no path. */
  path: string;
  /** ftps:// : implicit TLS, which a one-off connection's URI cannot say (see connectUrl). */
  implicitTls: boolean;
}

/**
 * Parse what a user types into "FTP: Connect": `ftp://user@host:port/path`, or the same without `ftp://`.
 * The password, if any, is in `parts.password` and not in `authority`. Undefined when it is no FTP address;
 * readTypedAddress says why.
 */
export function parseTypedAddress(text: string): TypedAddress | undefined {
  return unlessInputError(() => readTypedAddress(text));
}

/** parseTypedAddress, throwing FtpInputError (whose message masks the password) when the text is no FTP address. */
export function readTypedAddress(text: string): TypedAddress {
  const t = text.trim();
  // Typed without a scheme: read as ftp://. A ':' alone is no scheme here: "host:2121", "user:pw@host".
  const url = parseUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `ftp://${t}`);
  const parts: AuthorityParts = { user: url.user, password: url.password, host: url.host, port: url.port };
  const authority = oneOffAuthority(parts.user ?? 'anonymous', parts.host, parts.port ?? (url.implicitTls ? 990 : 21));
  return { authority, parts, path: normalizePath(url.path), implicitTls: url.implicitTls };
}
