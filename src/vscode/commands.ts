/**
 * The `ftpExplorer.*` commands. Every command also takes plain arguments, so tests (and other extensions) can
 * run it without any prompt; prompts and confirmations are only shown for what is missing, and confirmations
 * only when the command comes from the tree (its argument is a tree node). Called with plain arguments, a
 * command rejects on failure instead of showing a notification.
 */
import * as vscode from 'vscode';
import { checkName, isAnonymous, accountId, normalizeConnection, type ConnectionConfig } from './config';
import type { CertificateTrust } from './certificates';
import type { DataMode } from '../ftp';
import { formatBytes } from './bytes';
import { FsError } from './fsErrors';
import type { FtpLog } from './output';
import type { Passwords } from './passwords';
import { withTransferProgress } from './progress';
import type { Settings } from './settings';
import type { Site } from './site';
import { FileType } from './site';
import type { SiteRegistry } from './sites';
import type { ModeStatusBar } from './statusBar';
import { downloadTo, localSize, uploadTo, type TransferResult } from './transfers';
import { ConnectionNode, EntryNode, MessageNode, type FtpTree, type Node } from './tree';
import { SCHEME, baseName, joinPath, normalizePath, oneOffConfig, parentPath, parseFtpUrl, resolveAuthority } from './uri';

export interface CommandDeps {
  sites: SiteRegistry;
  settings: Settings;
  passwords: Passwords;
  log: FtpLog;
  tree: FtpTree;
  view: vscode.TreeView<Node>;
  status: ModeStatusBar;
  /** FTPS trust decisions: Connect and Refresh ask again about a certificate the user declined. */
  trust?: Pick<CertificateTrust, 'allowAsking'>;
}

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

/** Where a command acts: a tree node, an ftp: URI (or its string), or for connection commands a name. */
export type Target = Node | vscode.Uri | string | { name: string } | undefined;

interface Resolved {
  site: Site;
  path: string;
  isDir: boolean;
  uri: vscode.Uri;
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: any[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const fromUi = args.length === 0 || args[0] === undefined || isNode(args[0]);
        if (!fromUi) throw err;
        if (err instanceof FsError && err.kind === 'Cancelled') return undefined;
        void showError(d, err);
        return undefined;
      }
    });

  return [
    reg('ftpExplorer.addConnection', (arg?: AddConnectionArgs) => addConnection(d, arg)),
    reg('ftpExplorer.connect', (arg?: Target | { url?: string; name?: string; password?: string }) => connect(d, arg)),
    reg('ftpExplorer.disconnect', (arg?: Target) => disconnect(d, arg)),
    reg('ftpExplorer.editConnections', () => editConnections()),
    reg('ftpExplorer.removeConnection', (arg?: Target) => removeConnection(d, arg)),
    reg('ftpExplorer.switchMode', (arg?: Target | { name: string; mode?: DataMode }) => switchMode(d, arg)),
    reg('ftpExplorer.showLog', async () => d.log.show()),
    reg('ftpExplorer.refresh', (arg?: Target) => refresh(d, arg)),
    reg('ftpExplorer.newFile', (arg?: Target, name?: string) => newEntry(d, arg, name, false)),
    reg('ftpExplorer.newFolder', (arg?: Target, name?: string) => newEntry(d, arg, name, true)),
    reg('ftpExplorer.rename', (arg?: Target, newName?: string) => rename(d, arg, newName)),
    reg('ftpExplorer.delete', (arg?: Target, selection?: unknown) => remove(d, arg, selection)),
    reg('ftpExplorer.download', (arg?: Target, second?: unknown) => download(d, arg, second)),
    reg('ftpExplorer.upload', (arg?: Target, files?: (vscode.Uri | string)[]) => upload(d, arg, files)),
    reg('ftpExplorer.copyUri', (arg?: Target) => copyUri(d, arg)),
    reg('ftpExplorer.openInWorkspace', (arg?: Target) => openInWorkspace(d, arg)),
  ];
}

function isNode(x: unknown): x is Node {
  return x instanceof ConnectionNode || x instanceof EntryNode || x instanceof MessageNode;
}

async function showError(d: CommandDeps, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const dataProblem = /data connection|passive|active mode|\b42[56]\b/i.test(message);
  const actions = dataProblem ? ['Show Log', 'Switch Mode'] : ['Show Log'];
  const pick = await vscode.window.showErrorMessage(message, ...actions);
  if (pick === 'Show Log') d.log.show();
  if (pick === 'Switch Mode') await vscode.commands.executeCommand('ftpExplorer.switchMode');
}

// ------------------------------------------------------------------ resolving arguments

function uriOf(site: Site, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, authority: site.name, path });
}

function parseUriArg(arg: vscode.Uri | string): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === SCHEME ? arg : undefined;
  if (/^ftp:\/\//i.test(arg)) return vscode.Uri.parse(arg);
  return undefined;
}

/** The site a connection-level command is about. */
function siteOf(d: CommandDeps, arg: Target): Site | undefined {
  if (arg === undefined) return undefined;
  if (arg instanceof ConnectionNode || arg instanceof EntryNode) return d.sites.resolve(arg.name);
  if (arg instanceof MessageNode) return siteOf(d, arg.parent);
  if (arg instanceof vscode.Uri) return d.sites.resolve(arg.authority);
  if (typeof arg === 'string') {
    const uri = parseUriArg(arg);
    return d.sites.resolve(uri ? uri.authority : arg);
  }
  if (typeof arg === 'object' && typeof arg.name === 'string') return d.sites.resolve(arg.name);
  return undefined;
}

/** The file or folder an entry-level command is about. */
async function targetOf(d: CommandDeps, arg: Target): Promise<Resolved> {
  if (arg instanceof MessageNode) return targetOf(d, arg.parent);
  if (arg instanceof ConnectionNode) {
    const site = d.sites.resolve(arg.name);
    const path = await site.root();
    return { site, path, isDir: true, uri: uriOf(site, path) };
  }
  if (arg instanceof EntryNode) {
    const site = d.sites.resolve(arg.name);
    return { site, path: arg.path, isDir: arg.isDir, uri: uriOf(site, arg.path) };
  }
  let uri: vscode.Uri | undefined;
  if (arg instanceof vscode.Uri || typeof arg === 'string') uri = parseUriArg(arg);
  else if (arg === undefined) {
    const selected = d.view.selection[0];
    if (selected) return targetOf(d, selected);
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.scheme === SCHEME) uri = active;
  } else if (typeof arg === 'object' && typeof arg.name === 'string') {
    const site = d.sites.resolve(arg.name);
    const path = await site.root();
    return { site, path, isDir: true, uri: uriOf(site, path) };
  }
  if (!uri) throw new Error('Select a file or folder in the FTP Explorer view first.');
  const site = d.sites.resolve(uri.authority);
  const path = normalizePath(uri.path);
  const st = await site.stat(path);
  return { site, path, isDir: (st.type & FileType.Directory) !== 0, uri: uriOf(site, path) };
}

async function folderOf(d: CommandDeps, arg: Target): Promise<Resolved> {
  const t = await targetOf(d, arg);
  if (t.isDir) return t;
  const path = parentPath(t.path);
  return { site: t.site, path, isDir: true, uri: uriOf(t.site, path) };
}

async function pickConnection(d: CommandDeps, placeHolder: string, only?: (s: ConnectionConfig) => boolean): Promise<Site | undefined> {
  const configs = [...d.settings.connections(), ...d.sites.oneOffConfigs()].filter((c) => !only || only(c));
  if (configs.length === 0) {
    void vscode.window.showInformationMessage('No FTP connections. Add one with "FTP: Add Connection".');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    configs.map((c) => ({ label: c.name, description: `${c.username}@${c.host}:${c.port}`, detail: `${c.mode} mode`, config: c })),
    { placeHolder },
  );
  return pick ? d.sites.resolve(pick.config.name) : undefined;
}

async function reveal(d: CommandDeps, name: string, expand: boolean): Promise<void> {
  d.tree.refresh();
  const node = d.tree.connectionNode(name);
  if (!node) return;
  try {
    await vscode.commands.executeCommand('ftpExplorer.view.focus');
    await d.view.reveal(node, { select: true, focus: false, expand });
  } catch {
    // The view may be hidden in this layout; nothing to reveal then.
  }
}

// ------------------------------------------------------------------ connections

async function addConnection(d: CommandDeps, arg?: AddConnectionArgs): Promise<ConnectionConfig | undefined> {
  const names = [...d.settings.connections().map((c) => c.name)];
  let entry: Record<string, unknown>;
  let password: string | undefined;
  let remember = true;
  if (arg && typeof arg === 'object' && typeof arg.host === 'string') {
    const { password: pw, remember: keep, ...rest } = arg;
    entry = { ...rest };
    password = pw;
    remember = keep !== false;
  } else {
    const asked = await askNewConnection();
    if (!asked) return undefined;
    ({ entry, password } = asked);
  }
  if (!entry.name) entry.name = uniqueName(String(entry.host), String(entry.username ?? ''), names);
  const bad = checkName(String(entry.name), names);
  if (bad) throw new Error(bad);
  const normalized = normalizeConnection(entry);
  if (!normalized.config) throw new Error(normalized.problem ?? 'The connection is not valid.');
  const config = normalized.config;
  for (const k of Object.keys(entry)) if (entry[k] === undefined) delete entry[k];
  await d.settings.addConnection(entry);
  if (password !== undefined && !isAnonymous(config.username)) await d.passwords.set(config, password, remember);
  await reveal(d, config.name, false);
  return config;
}

function uniqueName(host: string, user: string, taken: string[]): string {
  const free = (n: string) => !taken.some((t) => t.toLowerCase() === n.toLowerCase());
  if (free(host)) return host;
  const withUser = user && !isAnonymous(user) ? `${user} on ${host}` : host;
  if (free(withUser)) return withUser;
  for (let i = 2; ; i++) if (free(`${withUser} (${i})`)) return `${withUser} (${i})`;
}

async function askNewConnection(): Promise<{ entry: Record<string, unknown>; password?: string } | undefined> {
  const title = 'Add FTP Connection';
  const hostInput = await vscode.window.showInputBox({
    title: `${title} (1/6)`,
    prompt: 'Host name or address (or ftp://user@host:port/path)',
    placeHolder: 'ftp.example.com',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() && (parseFtpUrl(v) || /^ftp:\/\//i.test(v) === false) ? undefined : 'Enter a host name, e.g. ftp.example.com'),
  });
  if (!hostInput?.trim()) return undefined;
  const parsed = parseFtpUrl(hostInput);
  const host = parsed?.parts.host ?? hostInput.trim();
  const tls = await vscode.window.showQuickPick(
    [
      { label: 'None', description: 'plain FTP: password and files travel unencrypted', tls: 'none' as const },
      { label: 'Explicit TLS', description: 'FTPS with AUTH TLS on the FTP port (usually 21)', tls: 'explicit' as const },
      { label: 'Implicit TLS', description: 'FTPS from the first byte (usually port 990)', tls: 'implicit' as const },
    ],
    { title: `${title} (2/6)`, placeHolder: 'Encryption (TLS)', ignoreFocusOut: true },
  );
  if (!tls) return undefined;
  const portText = await vscode.window.showInputBox({
    title: `${title} (3/6)`,
    prompt: 'Port',
    value: String(parsed?.parts.port ?? (tls.tls === 'implicit' ? 990 : 21)),
    ignoreFocusOut: true,
    validateInput: (v) => (/^\d+$/.test(v.trim()) && +v >= 1 && +v <= 65535 ? undefined : 'Enter a port from 1 to 65535'),
  });
  if (portText === undefined) return undefined;
  const username = await vscode.window.showInputBox({
    title: `${title} (4/6)`,
    prompt: 'User name (anonymous for public servers)',
    value: parsed?.parts.user ?? 'anonymous',
    ignoreFocusOut: true,
  });
  if (username === undefined) return undefined;
  let password: string | undefined;
  if (!isAnonymous(username.trim() || 'anonymous')) {
    password = await vscode.window.showInputBox({
      title: `${title} (5/6)`,
      prompt: "Password (kept in VS Code's secret storage; leave empty to be asked when connecting)",
      password: true,
      value: parsed?.parts.password ?? '',
      ignoreFocusOut: true,
    });
    if (password === undefined) return undefined;
    if (password === '') password = undefined;
  }
  const mode = await vscode.window.showQuickPick(
    [
      { label: 'passive', description: 'recommended: works through most firewalls and NAT' },
      { label: 'active', description: 'the server connects back to this machine' },
    ],
    { title: `${title} (6/6)`, placeHolder: 'Data connection mode', ignoreFocusOut: true },
  );
  if (!mode) return undefined;
  const entry: Record<string, unknown> = { host, port: Number(portText), username: username.trim() || 'anonymous', mode: mode.label };
  if (tls.tls !== 'none') entry.tls = tls.tls;
  if (parsed && parsed.path !== '/') entry.remoteRoot = parsed.path;
  return { entry, password };
}

async function connect(d: CommandDeps, arg?: Target | { url?: string; name?: string; password?: string }): Promise<string | undefined> {
  let site: Site | undefined;
  let openPath: string | undefined;
  if (arg === undefined) {
    const choice = await pickOrType(d);
    if (!choice) return undefined;
    if ('site' in choice) site = choice.site;
    else ({ site, openPath } = await connectUrl(d, choice.url));
  } else if (typeof arg === 'object' && !(arg instanceof vscode.Uri) && !isNode(arg) && 'url' in arg && typeof arg.url === 'string') {
    ({ site, openPath } = await connectUrl(d, arg.url, arg.password));
  } else if (typeof arg === 'string' && !isSavedName(d, arg) && (/^ftp:\/\//i.test(arg) || parseFtpUrl(arg))) {
    ({ site, openPath } = await connectUrl(d, arg));
  } else {
    site = siteOf(d, arg as Target);
  }
  if (!site) return undefined;
  const s = site;
  d.trust?.allowAsking(s.config);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Connecting to ${s.name}` }, () => s.connect());
  await reveal(d, s.name, true);
  if (openPath) await vscode.commands.executeCommand('vscode.open', uriOf(s, openPath));
  return s.name;
}

function isSavedName(d: CommandDeps, name: string): boolean {
  return d.settings.connections().some((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** QuickPick of the saved connections; typing an ftp:// URL (or user@host) offers a one-off connection. */
async function pickOrType(d: CommandDeps): Promise<{ site: Site } | { url: string } | undefined> {
  type Item = vscode.QuickPickItem & { config?: ConnectionConfig; url?: string };
  const saved: Item[] = [...d.settings.connections(), ...d.sites.oneOffConfigs()].map((c) => ({
    label: c.name,
    description: `${c.username}@${c.host}:${c.port}`,
    detail: `${c.mode} mode${c.readOnly ? ', read-only' : ''}`,
    config: c,
  }));
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'FTP: Connect';
  qp.placeholder = 'Pick a connection, or type ftp://user@host:port/path';
  qp.items = saved;
  qp.matchOnDescription = true;
  qp.onDidChangeValue((v) => {
    const parsed = v.includes('@') || /^ftp:\/\//i.test(v) || /[.:]/.test(v) ? parseFtpUrl(v) : undefined;
    qp.items = parsed ? [{ label: `$(plug) Connect to ${v.trim()}`, description: 'one-off connection', url: v.trim(), alwaysShow: true }, ...saved] : saved;
  });
  const picked = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) return undefined;
  if (picked.url) return { url: picked.url };
  return picked.config ? { site: d.sites.resolve(picked.config.name) } : undefined;
}

/** Connect to a typed URL: a saved connection of that account, or a one-off one shown in the tree. */
async function connectUrl(d: CommandDeps, url: string, password?: string): Promise<{ site: Site; openPath?: string }> {
  const parsed = parseFtpUrl(url);
  if (!parsed) throw new Error(`"${url}" is not an FTP address. Type it as ftp://user@host:port/path`);
  const pw = password ?? parsed.parts.password;
  const resolved = resolveAuthority(parsed.authority, d.settings.connections());
  let site: Site;
  if (resolved?.kind === 'saved') {
    site = d.sites.resolve(resolved.config.name);
  } else {
    site = d.sites.addOneOff(oneOffConfig(parsed.parts));
  }
  if (pw !== undefined) await d.passwords.set(site.config, pw, false);
  if (parsed.path === '/' || resolved?.kind === 'saved') {
    if (parsed.path !== '/') return { site, openPath: await fileToOpen(site, parsed.path) };
    return { site };
  }
  await site.connect();
  const st = await site.stat(parsed.path);
  const isDir = (st.type & FileType.Directory) !== 0;
  d.sites.addOneOff({ ...site.config, remoteRoot: isDir ? parsed.path : parentPath(parsed.path) });
  return { site, openPath: isDir ? undefined : parsed.path };
}

async function fileToOpen(site: Site, path: string): Promise<string | undefined> {
  await site.connect();
  const st = await site.stat(path);
  return (st.type & FileType.Directory) !== 0 ? undefined : path;
}

async function disconnect(d: CommandDeps, arg?: Target): Promise<boolean> {
  let site = siteOf(d, arg);
  if (!site) {
    const connected = d.sites.all().filter((s) => s.connected || d.sites.isOneOff(s));
    if (connected.length === 0) {
      void vscode.window.showInformationMessage('No FTP connection is open.');
      return false;
    }
    if (connected.length === 1) site = connected[0];
    else {
      const pick = await vscode.window.showQuickPick(
        connected.map((s) => ({ label: s.name, description: s.connected ? 'connected' : '', site: s })),
        { placeHolder: 'Disconnect which connection?' },
      );
      site = pick?.site;
    }
  }
  if (!site) return false;
  await d.sites.disconnect(site);
  d.tree.collapse(site.name);
  d.tree.refresh();
  d.status.update();
  return true;
}

async function editConnections(): Promise<void> {
  try {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'ftpExplorer.connections', edit: true } });
  } catch {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson');
  }
}

async function removeConnection(d: CommandDeps, arg?: Target): Promise<boolean> {
  let name: string | undefined;
  let confirm = false;
  if (arg instanceof ConnectionNode) {
    if (arg.oneOff) return disconnect(d, arg);
    name = arg.name;
    confirm = true;
  } else if (typeof arg === 'string') name = arg;
  else if (arg && typeof arg === 'object' && 'name' in arg && typeof arg.name === 'string') name = arg.name;
  else if (arg === undefined) {
    const site = await pickConnection(d, 'Remove which connection?', (c) => d.settings.connections().includes(c));
    name = site?.name;
    confirm = true;
  }
  if (!name) return false;
  const config = d.settings.connections().find((c) => c.name.toLowerCase() === name!.toLowerCase());
  if (!config) throw new Error(`No saved connection named "${name}".`);
  if (confirm) {
    const ok = await vscode.window.showWarningMessage(
      `Remove the connection "${config.name}"?`,
      { modal: true, detail: 'Its saved password is deleted too. Files on the server are not touched.' },
      'Remove',
    );
    if (ok !== 'Remove') return false;
  }
  await d.settings.removeConnection(config.name);
  const shared = d.settings.connections().some((c) => c.name !== config.name && accountId(c) === accountId(config));
  if (!shared) await d.passwords.forget(config);
  await d.sites.reconcile();
  d.tree.refresh();
  return true;
}

async function switchMode(d: CommandDeps, arg?: Target | { name: string; mode?: DataMode }): Promise<DataMode | undefined> {
  let site = siteOf(d, arg as Target);
  if (!site && arg === undefined) {
    const active = vscode.window.activeTextEditor?.document.uri;
    site = active?.scheme === SCHEME ? d.sites.get(active.authority) : undefined;
    if (!site) site = await pickConnection(d, 'Switch the data connection mode of which connection?');
  }
  if (!site) return undefined;
  let mode: DataMode | undefined =
    arg && typeof arg === 'object' && 'mode' in arg && (arg.mode === 'active' || arg.mode === 'passive') ? arg.mode : undefined;
  if (!mode) {
    if (isNode(arg)) mode = site.mode === 'passive' ? 'active' : 'passive';
    else {
      const pick = await vscode.window.showQuickPick(
        (['passive', 'active'] as const).map((m) => ({
          label: m,
          description: m === site!.mode ? 'current' : m === 'passive' ? 'works through most firewalls and NAT' : 'the server connects back to this machine',
          mode: m,
        })),
        { placeHolder: `Data connection mode of "${site.name}" (now ${site.mode})` },
      );
      mode = pick?.mode;
    }
  }
  if (!mode) return undefined;
  site.setMode(mode);
  if (!d.sites.isOneOff(site)) await d.settings.updateConnection(site.name, { mode });
  d.log.info(site.name, `data connection mode set to ${mode} (from the next transfer)`);
  d.status.update();
  d.tree.refresh(d.tree.connectionNode(site.name));
  void vscode.window.setStatusBarMessage(`FTP: "${site.name}" now uses ${mode} mode`, 3000);
  return mode;
}

// ------------------------------------------------------------------ files and folders

async function refresh(d: CommandDeps, arg?: Target): Promise<void> {
  // Refresh (and Retry on an error in the tree) is the user asking again: a declined certificate is asked about again.
  for (const s of arg === undefined ? d.sites.all() : [siteOf(d, arg)]) if (s) d.trust?.allowAsking(s.config);
  if (arg === undefined) {
    for (const s of d.sites.all()) s.cache.clear();
    d.tree.refresh();
    return;
  }
  if (arg instanceof ConnectionNode) {
    const site = d.sites.resolve(arg.name);
    site.cache.clear();
    d.tree.refresh(arg);
    return;
  }
  const node = arg instanceof MessageNode ? arg.parent : arg;
  const t = await folderOf(d, node);
  t.site.cache.invalidate(t.path);
  if (node instanceof EntryNode) d.tree.refresh(node.isDir ? node : node.parent);
  else d.tree.refresh();
}

async function newEntry(d: CommandDeps, arg: Target, name: string | undefined, folder: boolean): Promise<string | undefined> {
  const dir = await folderOf(d, arg);
  if (dir.site.readOnly) throw new Error(`"${dir.site.name}" is read-only. Set "readOnly": false in ftpExplorer.connections to change files.`);
  const n =
    name ??
    (await vscode.window.showInputBox({
      title: folder ? 'New Folder' : 'New File',
      prompt: `Name of the new ${folder ? 'folder' : 'file'} in ${dir.path}`,
      ignoreFocusOut: true,
      validateInput: validName,
    }));
  if (!n) return undefined;
  const bad = validName(n);
  if (bad) throw new Error(bad);
  const path = joinPath(dir.path, n.trim());
  if (folder) await dir.site.createDirectory(path);
  else await dir.site.writeFile(path, new Uint8Array(0), { create: true, overwrite: false });
  const uri = uriOf(dir.site, path);
  if (!folder && name === undefined) await vscode.commands.executeCommand('vscode.open', uri);
  return uri.toString();
}

function validName(v: string): string | undefined {
  const n = v.trim();
  if (!n) return 'Enter a name.';
  if (n === '.' || n === '..' || /[/\r\n\0]/.test(n)) return 'A name cannot be . or .. or contain / or line breaks.';
  return undefined;
}

async function rename(d: CommandDeps, arg: Target, newName?: string): Promise<string | undefined> {
  const t = await targetOf(d, arg);
  if (t.path === '/') throw new Error('The root folder cannot be renamed.');
  const old = baseName(t.path);
  const dot = old.lastIndexOf('.');
  const n =
    newName ??
    (await vscode.window.showInputBox({
      title: 'Rename',
      prompt: `New name for ${t.path}`,
      value: old,
      valueSelection: [0, dot > 0 && !t.isDir ? dot : old.length],
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().startsWith('/') ? undefined : validName(v)),
    }));
  if (!n || n === old) return undefined;
  const to = n.trim().startsWith('/') ? normalizePath(n.trim()) : joinPath(parentPath(t.path), n.trim());
  try {
    await t.site.rename(t.path, to, { overwrite: false });
  } catch (err) {
    if (!(err instanceof FsError && err.kind === 'FileExists' && isNode(arg))) throw err;
    const ok = await vscode.window.showWarningMessage(`${to} exists already. Replace it?`, { modal: true }, 'Replace');
    if (ok !== 'Replace') return undefined;
    await t.site.rename(t.path, to, { overwrite: true });
  }
  return uriOf(t.site, to).toString();
}

async function remove(d: CommandDeps, arg: Target, selection?: unknown): Promise<number> {
  let items: Target[] = Array.isArray(selection) && selection.length > 0 && (arg === undefined || selection.includes(arg)) ? selection : [arg];
  if (arg === undefined && d.view.selection.length > 0) items = [...d.view.selection];
  const targets = await Promise.all(items.map((i) => targetOf(d, i)));
  if (items.some((i) => i instanceof ConnectionNode) || targets.some((t) => t.path === '/')) {
    throw new Error('A connection\'s root folder cannot be deleted here. To forget the connection, use "FTP: Remove Connection".');
  }
  if (targets.length === 0) return 0;
  if (isNode(arg) || arg === undefined) {
    const what = targets.length === 1 ? `"${baseName(targets[0].path)}"${targets[0].isDir ? ' and everything in it' : ''}` : `${targets.length} items`;
    const ok = await vscode.window.showWarningMessage(
      `Delete ${what} on "${targets[0].site.name}"?`,
      { modal: true, detail: 'This cannot be undone.' },
      'Delete',
    );
    if (ok !== 'Delete') return 0;
  }
  let n = 0;
  for (const t of targets) {
    await t.site.delete(t.path, { recursive: true });
    n++;
  }
  return n;
}

async function download(d: CommandDeps, arg: Target, second?: unknown): Promise<TransferResult | undefined> {
  const items: Target[] = Array.isArray(second) && second.length > 0 && (arg === undefined || second.includes(arg)) ? second : [arg];
  let local: string | undefined;
  if (second instanceof vscode.Uri) local = second.fsPath;
  else if (typeof second === 'string') local = second;
  const targets = await Promise.all(items.map((i) => targetOf(d, i)));
  if (!local) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Download Here',
      title: `Download ${targets.length === 1 ? baseName(targets[0].path) || targets[0].site.name : `${targets.length} items`} to`,
    });
    local = picked?.[0]?.fsPath;
  }
  if (!local) return undefined;
  const folder = local;
  const total: TransferResult = { files: 0, folders: 0, bytes: 0, skipped: [] };
  await withTransferProgress(`Downloading to ${folder}`, undefined, async (p) => {
    for (const t of targets) {
      const base = total.bytes;
      const r = await downloadTo(t.site, t.path, folder, {
        signal: p.signal,
        onBytes: (n) => p.bytes(base + n),
        onFile: (f) => p.detail(baseName(f)),
      });
      total.files += r.files;
      total.folders += r.folders;
      total.bytes += r.bytes;
      total.skipped.push(...r.skipped);
    }
  });
  const skipped = total.skipped.length ? ` Skipped ${total.skipped.length} name(s) that cannot be local files.` : '';
  void vscode.window
    .showInformationMessage(`Downloaded ${total.files} file(s), ${formatBytes(total.bytes)}, to ${folder}.${skipped}`, 'Open Folder')
    .then((c) => c && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder)));
  return total;
}

async function upload(d: CommandDeps, arg: Target, files?: (vscode.Uri | string)[]): Promise<TransferResult | undefined> {
  const dir = await folderOf(d, arg);
  let paths = files?.map((f) => (f instanceof vscode.Uri ? f.fsPath : f));
  if (!paths || paths.length === 0) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: process.platform === 'darwin',
      canSelectMany: true,
      openLabel: 'Upload',
      title: `Upload to ${dir.site.name}: ${dir.path}`,
    });
    paths = picked?.map((u) => u.fsPath);
  }
  if (!paths || paths.length === 0) return undefined;
  const list = paths;
  const size = await localSize(list);
  const result = await withTransferProgress(`Uploading to ${dir.site.name}: ${dir.path}`, size, (p) =>
    uploadTo(dir.site, list, dir.path, { signal: p.signal, onBytes: (n) => p.bytes(n), onFile: (f) => p.detail(baseName(f)) }),
  );
  void vscode.window.setStatusBarMessage(`FTP: uploaded ${result.files} file(s), ${formatBytes(result.bytes)}`, 5000);
  return result;
}

async function copyUri(d: CommandDeps, arg: Target): Promise<string> {
  const t = await targetOf(d, arg);
  const text = t.uri.toString();
  await vscode.env.clipboard.writeText(text);
  return text;
}

async function openInWorkspace(d: CommandDeps, arg: Target): Promise<boolean> {
  const t = await folderOf(d, arg);
  const uri = t.uri;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.some((f) => f.uri.toString() === uri.toString())) {
    void vscode.window.showInformationMessage(`${uri.toString(true)} is in the workspace already.`);
    return false;
  }
  const name = t.path === '/' ? t.site.name : `${t.site.name}: ${t.path}`;
  const ok = vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri, name });
  if (!ok) throw new Error(`Could not add ${uri.toString(true)} to the workspace. Try again when the workspace has finished loading.`);
  return true;
}
