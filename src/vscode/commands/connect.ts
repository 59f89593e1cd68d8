/** `ftpExplorer.connect` (a saved connection, or a typed ftp:// address) and `ftpExplorer.disconnect`. */
import * as vscode from 'vscode';
import { modeWord } from '../words';
import type { ConnectionConfig } from '../../remote/config';
import type { Site } from '../../remote/site';
import { FileType } from '../../remote/site';
import { oneOffConfig, parentPath, parseTypedAddress, readTypedAddress, resolveAuthority } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { isNode, reveal, siteOf, uriOf, type Target } from './targets';

export async function connect(d: CommandDeps, arg?: Target | { url?: string; name?: string; password?: string }): Promise<string | undefined> {
  let site: Site | undefined;
  let openPath: string | undefined;
  if (arg === undefined) {
    const choice = await pickOrType(d);
    if (!choice) return undefined;
    if ('site' in choice) site = choice.site;
    else ({ site, openPath } = await connectUrl(d, choice.url));
  } else if (typeof arg === 'object' && !(arg instanceof vscode.Uri) && !isNode(arg) && 'url' in arg && typeof arg.url === 'string') {
    ({ site, openPath } = await connectUrl(d, arg.url, arg.password));
  } else if (typeof arg === 'string' && !isSavedName(d, arg) && (/^ftps?:\/\//i.test(arg) || parseTypedAddress(arg))) {
    ({ site, openPath } = await connectUrl(d, arg));
  } else {
    site = siteOf(d, arg as Target);
  }
  if (!site) return undefined;
  const s = site;
  d.trust.allowAsking(s.config);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Connecting to {0}', s.name) }, () => s.connect());
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
    detail: c.readOnly ? vscode.l10n.t('{0} mode, read-only', modeWord(c.mode)) : vscode.l10n.t('{0} mode', modeWord(c.mode)),
    config: c,
  }));
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = vscode.l10n.t('FTP: Connect');
  qp.placeholder = vscode.l10n.t('Pick a connection, or type ftp://user@host:port/path');
  qp.items = saved;
  qp.matchOnDescription = true;
  qp.onDidChangeValue((v) => {
    const parsed = v.includes('@') || /^ftp:\/\//i.test(v) || /[.:]/.test(v) ? parseTypedAddress(v) : undefined;
    qp.items = parsed ? [{ label: `$(plug) ${vscode.l10n.t('Connect to {0}', v.trim())}`, description: vscode.l10n.t('one-off connection'), url: v.trim(), alwaysShow: true }, ...saved] : saved;
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
  // The error says what is wrong with the address, without its password.
  const parsed = readTypedAddress(url);
  const pw = password ?? parsed.parts.password;
  const resolved = resolveAuthority(parsed.authority, d.settings.connections());
  let site: Site;
  if (resolved?.kind === 'saved') {
    site = d.sites.resolve(resolved.config.name);
  } else if (parsed.implicitTls) {
    // A one-off connection is known by its URI, ftp://[user@]host[:port], which cannot say "TLS": reopened
    // from that URI (after a reload, say), it would talk plain FTP to a TLS port.
    throw new Error(vscode.l10n.t('ftps:// works with saved connections only. Add this one with "FTP: Add Connection" (Implicit TLS), then connect to it.'));
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

export async function disconnect(d: CommandDeps, arg?: Target): Promise<boolean> {
  let site = siteOf(d, arg);
  if (!site) {
    const connected = d.sites.all().filter((s) => s.connected || d.sites.isOneOff(s));
    if (connected.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No FTP connection is open.'));
      return false;
    }
    if (connected.length === 1) site = connected[0];
    else {
      const pick = await vscode.window.showQuickPick(
        connected.map((s) => ({ label: s.name, description: s.connected ? vscode.l10n.t('connected') : '', site: s })),
        { placeHolder: vscode.l10n.t('Disconnect which connection?') },
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
