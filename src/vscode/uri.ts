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

export interface AuthorityParts {
  user?: string;
  password?: string;
  host: string;
  port?: number;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;
const IPV6 = /^\[[0-9a-f:.]+\]$/i;

/** Parse `[user[:password]@]host[:port]`; undefined when the host is not a valid host name or address. */
export function parseAuthority(authority: string, decode = false): AuthorityParts | undefined {
  const dec = decode ? safeDecode : (x: string) => x;
  let rest = authority;
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const info = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = info.indexOf(':');
    user = dec(colon >= 0 ? info.slice(0, colon) : info);
    if (colon >= 0) password = dec(info.slice(colon + 1));
    if (!user) return undefined;
  }
  let host = rest;
  let port: number | undefined;
  const m = /^(.*?):(\d{1,5})$/.exec(rest);
  if (m && !(rest.startsWith('[') && !rest.includes(']:'))) {
    host = m[1];
    port = Number(m[2]);
    if (port < 1 || port > 65535) return undefined;
  }
  if (!HOSTNAME.test(host) && !IPV6.test(host)) return undefined;
  if (IPV6.test(host)) host = host.slice(1, -1);
  return { user, password, host: host.toLowerCase(), port };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What an authority stands for. */
export type Resolved =
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
    encoding: 'utf8',
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
export function resolveAuthority(authority: string, saved: readonly ConnectionConfig[]): Resolved | undefined {
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
export function authorityOf(resolved: Resolved): string {
  return resolved.config.name;
}

export interface ParsedFtpUrl {
  authority: string;
  parts: AuthorityParts;
  path: string;
}

/**
 * Parse what a user types into "FTP: Connect": `ftp://user@host:port/path`, or the same without `ftp://`.
 * The password, if any, is in `parts.password` and not in `authority`.
 */
export function parseFtpUrl(text: string): ParsedFtpUrl | undefined {
  let t = text.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(t);
  if (scheme) {
    if (scheme[1].toLowerCase() !== SCHEME) return undefined;
    t = t.slice(scheme[0].length);
  }
  const slash = t.indexOf('/');
  const auth = slash >= 0 ? t.slice(0, slash) : t;
  const rawPath = slash >= 0 ? t.slice(slash) : '/';
  const parts = parseAuthority(auth, true);
  if (!parts) return undefined;
  const authority = oneOffAuthority(parts.user ?? 'anonymous', parts.host, parts.port ?? 21);
  return { authority, parts, path: normalizePath(safeDecode(rawPath.split(/[?#]/)[0])) };
}
