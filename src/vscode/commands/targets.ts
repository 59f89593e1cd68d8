/**
 * What a command acts on, from its argument: a tree node, an ftp: URI (or its string), a connection name, or,
 * with none, the view's selection or the active editor; and the prompts that ask for a connection.
 */
import * as vscode from 'vscode';
import { modeWord } from '../words';
import type { ConnectionConfig } from '../../remote/config';
import type { Site } from '../../remote/site';
import { FileType } from '../../remote/site';
import { ConnectionNode, EntryNode, MessageNode, type Node } from '../tree';
import { SCHEME, normalizePath, parentPath } from '../../remote/uri';
import type { CommandDeps } from './deps';

/** Where a command acts: a tree node, an ftp: URI (or its string), or for connection commands a name. */
export type Target = Node | vscode.Uri | string | { name: string } | undefined;

/** The file or folder a command acts on. */
export interface ResolvedTarget {
  site: Site;
  path: string;
  isDir: boolean;
  uri: vscode.Uri;
}

export function isNode(x: unknown): x is Node {
  return x instanceof ConnectionNode || x instanceof EntryNode || x instanceof MessageNode;
}

export function uriOf(site: Site, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, authority: site.name, path });
}

function parseUriArg(arg: vscode.Uri | string): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === SCHEME ? arg : undefined;
  if (/^ftp:\/\//i.test(arg)) return vscode.Uri.parse(arg);
  return undefined;
}

/** The site a connection-level command is about. */
export function siteOf(d: CommandDeps, arg: Target): Site | undefined {
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
export async function targetOf(d: CommandDeps, arg: Target): Promise<ResolvedTarget> {
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
  if (!uri) throw new Error(vscode.l10n.t('Select a file or folder in the FTP Explorer view first.'));
  const site = d.sites.resolve(uri.authority);
  const path = normalizePath(uri.path);
  const st = await site.stat(path);
  return { site, path, isDir: (st.type & FileType.Directory) !== 0, uri: uriOf(site, path) };
}

export async function folderOf(d: CommandDeps, arg: Target): Promise<ResolvedTarget> {
  const t = await targetOf(d, arg);
  if (t.isDir) return t;
  const path = parentPath(t.path);
  return { site: t.site, path, isDir: true, uri: uriOf(t.site, path) };
}

/**
 * QuickPick of the saved and one-off connections (those `only` keeps); `showTls` puts a connection's TLS mode
 * in its line too (the certificate and diagnosis commands).
 */
export async function pickConnection(
  d: CommandDeps,
  placeHolder: string,
  opts: { only?: (s: ConnectionConfig) => boolean; showTls?: boolean } = {},
): Promise<Site | undefined> {
  const configs = [...d.settings.connections(), ...d.sites.oneOffConfigs()].filter((c) => !opts.only || opts.only(c));
  if (configs.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No FTP connections. Add one with "FTP: Add Connection".'));
    return undefined;
  }
  const modeText = (c: ConnectionConfig) =>
    opts.showTls && c.tls === 'explicit'
      ? vscode.l10n.t('explicit TLS, {0} mode', modeWord(c.mode))
      : opts.showTls && c.tls === 'implicit'
        ? vscode.l10n.t('implicit TLS, {0} mode', modeWord(c.mode))
        : vscode.l10n.t('{0} mode', modeWord(c.mode));
  const pick = await vscode.window.showQuickPick(
    configs.map((c) => ({ label: c.name, description: `${c.username}@${c.host}:${c.port}`, detail: modeText(c), config: c })),
    { placeHolder },
  );
  if (!pick) return undefined;
  const site = d.sites.resolve(pick.config.name);
  // Picking a connection is acting on it: one disconnected before may connect again.
  site.resume();
  return site;
}

/** The connection's settings as saved now (the site's copy may lag a settings change by an event). */
export function configOf(d: CommandDeps, site: Site): ConnectionConfig {
  if (d.sites.isOneOff(site)) return site.config;
  const saved = d.settings.connections().find((c) => c.name.toLowerCase() === site.name.toLowerCase());
  return saved ? { ...saved, mode: site.mode } : site.config;
}

/** Show a connection in the tree, selected (and expanded). */
export async function reveal(d: CommandDeps, name: string, expand: boolean): Promise<void> {
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
