/** `ftpExplorer.addConnection`: saves a connection from its arguments, or from a short guided input. */
import * as vscode from 'vscode';
import { modeWord } from '../words';
import { checkName, isAnonymous, normalizeConnection, type ConnectionConfig } from '../../remote/config';
import type { DataMode } from '../../ftp';
import { parseTypedAddress } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { reveal } from './targets';

/** `ftpExplorer.addConnection` with this argument saves without prompting. */
export interface AddConnectionArgs {
  name?: string;
  host: string;
  port?: number;
  username?: string;
  password?: string;
  /** Keep the password in SecretStorage (default true); false keeps it for this window only. */
  remember?: boolean;
  remoteRoot?: string;
  mode?: DataMode;
  fallback?: boolean;
  trustPasvAddress?: boolean;
  activeAddress?: string;
  activePortRange?: string;
  encoding?: string;
  readOnly?: boolean;
  poolSize?: number;
  /** FTPS: 'explicit' or 'implicit' (port 990 when no port is given); default 'none'. */
  tls?: 'none' | 'explicit' | 'implicit';
  /** SHA-256 fingerprint of a self-signed certificate to trust for this connection. */
  trustedFingerprint?: string;
}


export async function addConnection(d: CommandDeps, arg?: AddConnectionArgs): Promise<ConnectionConfig | undefined> {
  const names = [...d.settings.connections().map((c) => c.name)];
  let entry: Record<string, unknown>;
  let password: string | undefined;
  let remember = true;
  let fromPrompts = false;
  if (arg && typeof arg === 'object' && typeof arg.host === 'string') {
    const { password: pw, remember: keep, ...rest } = arg;
    entry = { ...rest };
    password = pw;
    remember = keep !== false;
  } else {
    const asked = await askNewConnection(d.settings.connections());
    if (!asked) return undefined;
    ({ entry, password } = asked);
    fromPrompts = true;
  }
  if (!entry.name) entry.name = defaultName(String(entry.host), String(entry.username ?? ''), Number(entry.port ?? 21), names);
  const bad = checkName(String(entry.name), names);
  if (bad) throw new Error(bad);
  const normalized = normalizeConnection(entry);
  if (!normalized.config) throw new Error(normalized.problem ?? vscode.l10n.t('The connection is not valid.'));
  const config = normalized.config;
  for (const k of Object.keys(entry)) if (entry[k] === undefined) delete entry[k];
  await d.settings.addConnection(entry);
  if (password !== undefined && !isAnonymous(config.username)) {
    // Typed in the prompts: offered for remembering once a login with it worked. Given as an argument: as asked.
    if (fromPrompts) await d.passwords.setPending(config, password);
    else await d.passwords.set(config, password, remember);
  }
  await reveal(d, config.name, false);
  return config;
}

/**
 * The name a new connection is offered: "user on host" ("host" for anonymous), with the port when another
 * connection has that name already (two servers on one host), then a number. Not user@host:port: the name is
 * the authority of the connection's ftp: URIs, where "@" and ":" would read as user and port (config.checkName).
 */
export function defaultName(host: string, user: string, port: number, taken: readonly string[]): string {
  const free = (n: string) => !taken.some((t) => t.toLowerCase() === n.toLowerCase());
  const base = user && !isAnonymous(user) ? `${user} on ${host}` : host;
  if (free(base)) return base;
  const withPort = `${base} port ${port}`;
  if (free(withPort)) return withPort;
  for (let i = 2; ; i++) if (free(`${withPort} (${i})`)) return `${withPort} (${i})`;
}

async function askNewConnection(existing: readonly ConnectionConfig[]): Promise<{ entry: Record<string, unknown>; password?: string } | undefined> {
  const title = (step: number) => vscode.l10n.t('Add FTP Connection ({0}/7)', step);
  const hostInput = await vscode.window.showInputBox({
    title: title(1),
    prompt: vscode.l10n.t('Host name or address (or ftp://user@host:port/path)'),
    placeHolder: 'ftp.example.com',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() && (parseTypedAddress(v) || /^ftps?:\/\//i.test(v) === false) ? undefined : vscode.l10n.t('Enter a host name, e.g. ftp.example.com')),
  });
  if (!hostInput?.trim()) return undefined;
  const parsed = parseTypedAddress(hostInput);
  const host = parsed?.parts.host ?? hostInput.trim();
  const tls = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('None'), description: vscode.l10n.t('plain FTP: password and files travel unencrypted'), tls: 'none' as const },
      { label: vscode.l10n.t('Explicit TLS'), description: vscode.l10n.t('FTPS with AUTH TLS on the FTP port (usually 21)'), tls: 'explicit' as const },
      { label: vscode.l10n.t('Implicit TLS'), description: vscode.l10n.t('FTPS from the first byte (usually port 990)'), tls: 'implicit' as const },
    ],
    { title: title(2), placeHolder: vscode.l10n.t('Encryption (TLS)'), ignoreFocusOut: true },
  );
  if (!tls) return undefined;
  const portText = await vscode.window.showInputBox({
    title: title(3),
    prompt: vscode.l10n.t('Port'),
    value: String(parsed?.parts.port ?? (tls.tls === 'implicit' ? 990 : 21)),
    ignoreFocusOut: true,
    validateInput: (v) => (/^\d+$/.test(v.trim()) && +v >= 1 && +v <= 65535 ? undefined : vscode.l10n.t('Enter a port from 1 to 65535')),
  });
  if (portText === undefined) return undefined;
  const username = await vscode.window.showInputBox({
    title: title(4),
    prompt: vscode.l10n.t('User name (anonymous for public servers)'),
    value: parsed?.parts.user ?? 'anonymous',
    ignoreFocusOut: true,
  });
  if (username === undefined) return undefined;
  let password: string | undefined;
  if (!isAnonymous(username.trim() || 'anonymous')) {
    password = await vscode.window.showInputBox({
      title: title(5),
      prompt: vscode.l10n.t("Password (kept in VS Code's secret storage; leave empty to be asked when connecting)"),
      password: true,
      value: parsed?.parts.password ?? '',
      ignoreFocusOut: true,
    });
    if (password === undefined) return undefined;
    if (password === '') password = undefined;
  }
  const mode = await vscode.window.showQuickPick(
    [
      { label: modeWord('passive'), description: vscode.l10n.t('recommended: works through most firewalls and NAT'), mode: 'passive' as const },
      { label: modeWord('active'), description: vscode.l10n.t('the server connects back to this machine'), mode: 'active' as const },
    ],
    { title: title(6), placeHolder: vscode.l10n.t('Data connection mode'), ignoreFocusOut: true },
  );
  if (!mode) return undefined;
  const user = username.trim() || 'anonymous';
  const taken = existing.map((c) => c.name);
  const name = await vscode.window.showInputBox({
    title: title(7),
    prompt: vscode.l10n.t('Connection name, as the FTP Explorer view shows it'),
    value: defaultName(host, user, Number(portText), taken),
    ignoreFocusOut: true,
    validateInput: (v) => checkName(v, taken),
  });
  if (name === undefined) return undefined;
  const entry: Record<string, unknown> = { name: name.trim(), host, port: Number(portText), username: user, mode: mode.mode };
  if (tls.tls !== 'none') entry.tls = tls.tls;
  if (parsed && parsed.path !== '/') entry.remoteRoot = parsed.path;
  return { entry, password };
}
