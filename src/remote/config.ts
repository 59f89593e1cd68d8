/**
 * Saved connections and global settings, as plain data. No vscode import: the vscode layer reads the
 * `ftpExplorer.*` settings and hands the raw values to `normalizeConnection` / `normalizeSettings`.
 *
 * Passwords are never part of a connection: they live in VS Code's SecretStorage under `secretKey(cfg)`.
 */
import { normalizeFingerprint, type TlsMode } from '../ftp';
import type { DataMode, FtpConnectOptions, FtpLogger } from '../ftp';
import { t } from './l10n';

export interface ConnectionConfig {
  /** Unique (case-insensitively), used as the URI authority: `ftp://<name>/<path>`. */
  name: string;
  host: string;
  port: number;
  username: string;
  /** Folder shown as the root of the connection in the tree. '' = the login directory (PWD). */
  remoteRoot: string;
  mode: DataMode;
  fallback: boolean;
  trustPasvAddress: boolean;
  activeAddress?: string;
  /** "50000-50100" */
  activePortRange?: string;
  encoding: string;
  readOnly: boolean;
  /** Control connections for this site; default: the `ftpExplorer.poolSize` setting. */
  poolSize?: number;
  /** Save through a temporary file and a rename (src/ftp/safeSave.ts); false: STOR onto the file. Default true. */
  safeSave?: boolean;
  /** FTPS: 'explicit' (AUTH TLS on the FTP port), 'implicit' (TLS from the first byte, port 990). Absent: 'none'. */
  tls?: TlsMode;
  /** SHA-256 fingerprint (upper-case hex with colons) of a certificate the user trusted for this connection. */
  trustedFingerprint?: string;
  /**
   * How often what the user looks at is listed again to see changes made by others (watcher.ts); 0: never.
   * Absent (one-off connections): DEFAULT_POLL_SECONDS.
   */
  pollSeconds?: number;
  /** The server's local time minus UTC in minutes, for LIST times; absent: found from LIST and MDTM ('auto'). */
  timeZoneOffset?: number;
  /** Mode bits given to files and folders this extension makes (SITE CHMOD after STOR / MKD); absent: the server's. */
  fileMode?: number;
  folderMode?: number;
}

export type { TlsMode };

export interface GlobalSettings {
  timeoutSeconds: number;
  poolSize: number;
  /** The user set poolSize (it is not the default): folder transfers keep to it instead of widening (transfers.ts). */
  poolSizeChosen: boolean;
  /** 0 = no keep-alive NOOPs on idle connections. */
  keepAliveSeconds: number;
}

/** Default of a connection's pollSeconds. */
export const DEFAULT_POLL_SECONDS = 10;

export const DEFAULT_SETTINGS: GlobalSettings = { timeoutSeconds: 30, poolSize: 2, poolSizeChosen: false, keepAliveSeconds: 0 };
export const MAX_POOL_SIZE = 8;

const ANONYMOUS = new Set(['anonymous', 'ftp']);

export function isAnonymous(username: string): boolean {
  return ANONYMOUS.has(username.toLowerCase());
}

/** Characters a connection name must not contain, because the name is a URI authority. */
const BAD_NAME = /[/\\@:?#%[\]\u0000-\u001f]/;

/** Why a name cannot be used, or undefined when it can. `others` are the names already taken. */
export function checkName(name: string, others: readonly string[] = []): string | undefined {
  const n = name.trim();
  if (!n) return t('Enter a name.');
  if (BAD_NAME.test(n)) return t('A name cannot contain / \\ @ : ? # % [ ] (it is used in ftp:// URIs).');
  if (others.some((o) => o.toLowerCase() === n.toLowerCase())) return t('A connection named "{0}" exists already. Choose another name.', n);
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** Parse "50000-50100" (inclusive). Undefined when malformed. */
export function parsePortRange(s: string | undefined): [number, number] | undefined {
  if (s === undefined) return undefined;
  const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(s);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (lo < 1 || hi > 65535 || lo > hi) return undefined;
  return [lo, hi];
}

export interface Normalized {
  config?: ConnectionConfig;
  /** What is wrong with the entry and how to fix it (shown once to the user). */
  problem?: string;
  /** The entry has a password property: it is ignored and should be removed. */
  hasPassword?: boolean;
}

/** Turn one raw entry of `ftpExplorer.connections` into a ConnectionConfig with defaults filled in. */
export function normalizeConnection(raw: unknown): Normalized {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { problem: t('An entry of ftpExplorer.connections is not an object. Fix it with "FTP: Edit Connections".') };
  }
  const r = raw as Record<string, unknown>;
  const hasPassword = 'password' in r;
  const host = str(r.host)?.trim();
  if (!host) return { hasPassword, problem: t('A connection has no host. Add "host" with "FTP: Edit Connections".') };
  const name = (str(r.name)?.trim() || host).trim();
  const bad = checkName(name);
  if (bad) return { hasPassword, problem: t('Connection "{0}": {1}', name, bad) };
  const tls: TlsMode | undefined = r.tls === undefined || r.tls === null || r.tls === '' ? 'none' : TLS_MODES.find((m) => m === r.tls);
  if (!tls) return { hasPassword, problem: t('Connection "{0}": "tls" must be "none", "explicit" or "implicit".', name) };
  const trustedFingerprint = str(r.trustedFingerprint)?.trim() ? normalizeFingerprint(str(r.trustedFingerprint)!) : undefined;
  if (trustedFingerprint === '') {
    return { hasPassword, problem: t('Connection "{0}": "trustedFingerprint" must be a SHA-256 fingerprint (64 hex digits, colons optional).', name) };
  }
  const port = int(r.port) ?? (tls === 'implicit' ? 990 : 21);
  if (port < 1 || port > 65535) return { hasPassword, problem: t('Connection "{0}": port must be 1-65535.', name) };
  const mode: DataMode = r.mode === 'active' ? 'active' : 'passive';
  const poolSize = int(r.poolSize);
  const poll = r.pollSeconds;
  if (poll !== undefined && (typeof poll !== 'number' || !Number.isFinite(poll) || poll < 0)) {
    return { hasPassword, problem: t('Connection "{0}": "pollSeconds" must be a number of seconds, 0 or more (0 turns watching for changes off).', name) };
  }
  const timeZoneOffset = parseTimeZoneOffset(r.timeZoneOffset);
  if (timeZoneOffset === null) {
    return { hasPassword, problem: t('Connection "{0}": "timeZoneOffset" must be "auto", hours such as 8 or -5.5, or "+08:00".', name) };
  }
  const modes: { fileMode?: number; folderMode?: number } = {};
  for (const key of ['fileMode', 'folderMode'] as const) {
    const v = r[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || !/^[0-7]{3,4}$/.test(v.trim())) {
      return { hasPassword, problem: t('Connection "{0}": "{1}" must be an octal mode in quotes, like "644" or "0755".', name, key) };
    }
    modes[key] = parseInt(v.trim(), 8);
  }
  const range = str(r.activePortRange)?.trim() || undefined;
  if (range !== undefined && !parsePortRange(range)) {
    return { hasPassword, problem: t('Connection "{0}": activePortRange must look like "50000-50100".', name) };
  }
  const config: ConnectionConfig = {
    name,
    host,
    port,
    username: str(r.username)?.trim() || 'anonymous',
    remoteRoot: str(r.remoteRoot)?.trim() ?? '',
    mode,
    fallback: r.fallback !== false,
    trustPasvAddress: r.trustPasvAddress === true,
    activeAddress: str(r.activeAddress)?.trim() || undefined,
    activePortRange: range,
    encoding: str(r.encoding)?.trim() || 'auto',
    readOnly: r.readOnly === true,
    safeSave: r.safeSave !== false,
    poolSize: poolSize !== undefined ? clamp(poolSize, 1, MAX_POOL_SIZE) : undefined,
    tls,
    trustedFingerprint,
    // At least a second: each poll is a LIST per watched folder on the user's server.
    pollSeconds: poll === undefined ? DEFAULT_POLL_SECONDS : poll === 0 ? 0 : Math.max(1, poll),
    ...(timeZoneOffset !== undefined ? { timeZoneOffset } : {}),
    ...modes,
  };
  return { config, hasPassword };
}

/** Normalize the whole array; entries with the same name (case-insensitive) after the first are dropped. */
export function normalizeConnections(raw: unknown): { configs: ConnectionConfig[]; problems: string[]; withPassword: string[] } {
  const configs: ConnectionConfig[] = [];
  const problems: string[] = [];
  const withPassword: string[] = [];
  if (raw === undefined || raw === null) return { configs, problems, withPassword };
  if (!Array.isArray(raw)) {
    return { configs, problems: ['ftpExplorer.connections must be an array. Fix it with "FTP: Edit Connections".'], withPassword };
  }
  for (const item of raw) {
    const n = normalizeConnection(item);
    if (n.problem) problems.push(n.problem);
    if (!n.config) continue;
    if (n.hasPassword) withPassword.push(n.config.name);
    if (configs.some((c) => c.name.toLowerCase() === n.config!.name.toLowerCase())) {
      problems.push(t('Two connections are named "{0}"; the second is ignored. Rename it with "FTP: Edit Connections".', n.config.name));
      continue;
    }
    configs.push(n.config);
  }
  return { configs, problems, withPassword };
}

export function normalizeSettings(raw: { timeoutSeconds?: unknown; poolSize?: unknown; poolSizeChosen?: unknown; keepAliveSeconds?: unknown }): GlobalSettings {
  const t = typeof raw.timeoutSeconds === 'number' && raw.timeoutSeconds > 0 ? raw.timeoutSeconds : DEFAULT_SETTINGS.timeoutSeconds;
  const p = int(raw.poolSize);
  const k = typeof raw.keepAliveSeconds === 'number' && raw.keepAliveSeconds > 0 ? raw.keepAliveSeconds : 0;
  return {
    timeoutSeconds: t,
    poolSize: p !== undefined ? clamp(p, 1, MAX_POOL_SIZE) : DEFAULT_SETTINGS.poolSize,
    poolSizeChosen: p !== undefined && raw.poolSizeChosen === true,
    keepAliveSeconds: k,
  };
}

const TLS_MODES: readonly TlsMode[] = ['none', 'explicit', 'implicit'];

/**
 * A SHA-256 fingerprint as browsers and the client show it (upper-case hex pairs with colons), from any case,
 * with or without colons or a "sha256:" prefix. '' when it is not 32 bytes of hex.
 */
function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** The account a password belongs to: connections to the same account share one secret. */
export function accountId(cfg: Pick<ConnectionConfig, 'username' | 'host' | 'port'>): string {
  return `${cfg.username}@${cfg.host.toLowerCase()}:${cfg.port}`;
}

/** SecretStorage key of a connection's password. */
export function secretKey(cfg: Pick<ConnectionConfig, 'username' | 'host' | 'port'>): string {
  return `ftpExplorer.password:${accountId(cfg)}`;
}

/** Everything FtpClient.connect needs for one control connection of this site. */
export function toConnectOptions(
  cfg: ConnectionConfig,
  settings: GlobalSettings,
  password: string | undefined,
  logger?: FtpLogger,
): FtpConnectOptions {
  return {
    host: cfg.host,
    port: cfg.port,
    user: cfg.username,
    password,
    mode: cfg.mode,
    fallback: cfg.fallback,
    trustPasvAddress: cfg.trustPasvAddress,
    activeAddress: cfg.activeAddress,
    activePortRange: parsePortRange(cfg.activePortRange),
    encoding: cfg.encoding,
    timeZoneOffset: cfg.timeZoneOffset,
    timeoutMs: Math.round(settings.timeoutSeconds * 1000),
    logger,
    tls: cfg.tls ?? 'none',
    trustedFingerprint: cfg.trustedFingerprint,
  };
}

/** Connection settings whose change needs new control connections (anything but mode and readOnly). */
export function needsReconnect(a: ConnectionConfig, b: ConnectionConfig): boolean {
  const keys: (keyof ConnectionConfig)[] = [
    'host',
    'port',
    'username',
    'fallback',
    'trustPasvAddress',
    'activeAddress',
    'activePortRange',
    'encoding',
    'timeZoneOffset',
    'poolSize',
    'tls',
  ];
  return keys.some((k) => a[k] !== b[k]);
}

/**
 * A connection's `timeZoneOffset` in minutes: hours as a number (8, -5, 5.5), or "+08:00" / "-05:30" / "UTC+8".
 * Undefined for absent or "auto"; null when it is none of these.
 */
export function parseTimeZoneOffset(v: unknown): number | undefined | null {
  if (v === undefined || v === null || v === '' || v === 'auto') return undefined;
  let minutes: number | undefined;
  if (typeof v === 'number' && Number.isFinite(v)) minutes = Math.round(v * 60);
  else if (typeof v === 'string') {
    const m = /^\s*(?:UTC|GMT)?\s*([+-])?\s*(\d{1,2})(?::?(\d{2}))?\s*$/i.exec(v) ?? /^\s*(?:UTC|GMT)\s*$/i.exec(v);
    if (m && m[2] === undefined) minutes = 0;
    else if (m) minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  }
  return minutes !== undefined && Math.abs(minutes) <= 14 * 60 ? minutes : null;
}
