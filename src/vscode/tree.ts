/**
 * The FTP Explorer view: connections as roots (saved ones, then one-offs of this window), folders listed lazily,
 * files opened with `vscode.open` on their ftp: URI.
 */
import * as vscode from 'vscode';
import { modeWord } from './words';
import { formatOffset, hasUndecodableBytes, visibleName } from '../ftp';
import type { ConnectionConfig } from '../remote/config';
import { FsError } from '../remote/fsErrors';
import { entryTooltip } from './entryTooltip';
import { ConnectionNode, EntryNode, MessageNode, type Node } from './treeNodes';
import type { FtpLog } from './output';
import type { Change } from '../remote/changes';
import { FileType, type Site } from '../remote/site';
import type { SiteRegistry } from '../remote/sites';
import type { Settings } from './settings';
import { baseName, isUnder, parentPath } from '../remote/uri';
import type { Watchers } from '../remote/watcher';

export { ConnectionNode, EntryNode, MessageNode, type Node } from './treeNodes';

export class FtpTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots = new Map<string, ConnectionNode>();
  /** Folder nodes by site key and path, so a change refreshes exactly the folder that changed. */
  private readonly folders = new Map<string, ConnectionNode | EntryNode>();
  /** The path each connection node shows (remoteRoot or login folder), once known. */
  private readonly rootPaths = new Map<ConnectionNode, string>();
  /** The children of a connection being listed now (see onDidExpandElement). */
  private readonly listing = new Map<ConnectionNode, Promise<void>>();
  /** What each connection node last showed (connected, mode, read-only), to refresh only on a change. */
  private readonly shownState = new Map<string, string>();
  /** Bumped by collapse(): part of the tree item ids, so VS Code sees new (collapsed) items. */
  private readonly generations = new Map<string, number>();
  private readonly unsubscribe: (() => void)[] = [];
  /**
   * Folders shown expanded (listed, not collapsed since), by the same key as `folders`, and the watches polling
   * them for changes made by others (src/remote/watcher.ts) while the view is visible.
   */
  private readonly expanded = new Map<string, { authority: string; path: string }>();
  private readonly watching = new Map<string, () => void>();
  /** Folders listed at least once (collapsed or not), so expanding one again watches it again. */
  private readonly lastShown = new Map<string, { authority: string; path: string }>();
  private visible = true;

  constructor(
    private readonly sites: SiteRegistry,
    private readonly settings: Settings,
    private readonly log: FtpLog,
    private readonly watchers?: Watchers,
  ) {
    this.unsubscribe.push(
      sites.onDidChangeFiles((site, changes) => this.onFilesChanged(site, changes)),
      sites.onDidChange(() => this.onSitesChanged()),
    );
  }

  /** Everything: connections added or removed in settings. */
  refresh(node?: ConnectionNode | EntryNode): void {
    if (!node) {
      this.folders.clear();
      this.rootPaths.clear();
      this.unwatch(() => true);
    }
    this.emitter.fire(node);
  }

  /** The view this tree is shown in: collapsed folders and a hidden view are not polled. */
  attach(view: vscode.TreeView<Node>): vscode.Disposable {
    this.setVisible(view.visible);
    return vscode.Disposable.from(
      view.onDidChangeVisibility((e) => this.setVisible(e.visible)),
      view.onDidCollapseElement((e) => {
        const key = this.keyOf(e.element);
        if (key) this.unwatch((k) => k === key);
      }),
      view.onDidExpandElement((e) => {
        // The user expanded a connection they had disconnected: it may connect again (VS Code also asks for the
        // children of a connection by itself after a refresh, so getChildren is no sign of the user).
        if (e.element instanceof ConnectionNode) {
          const site = this.existingSite(e.element);
          if (site?.disconnectedByUser) {
            site.resume();
            // VS Code may have asked for the children already (answered "disconnected"): a refresh fired while
            // that answer is pending is merged into it, so fire once it is in.
            const node = e.element;
            void (this.listing.get(node) ?? Promise.resolve()).then(() => this.emitter.fire(node));
          }
        }
        const key = this.keyOf(e.element);
        const folder = key && this.lastShown.get(key);
        if (key && folder) this.watchFolder(key, folder.authority, folder.path);
      }),
    );
  }

  private setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) {
      for (const [key, f] of this.expanded) this.startWatch(key, f);
      return;
    }
    for (const stop of this.watching.values()) stop();
    this.watching.clear();
  }

  private watchFolder(key: string, authority: string, path: string): void {
    const f = { authority, path };
    this.expanded.set(key, f);
    this.lastShown.set(key, f);
    this.startWatch(key, f);
  }

  private startWatch(key: string, f: { authority: string; path: string }): void {
    if (this.visible && this.watchers && !this.watching.has(key)) {
      this.watching.set(key, this.watchers.watch(f.authority, f.path, { recursive: false, folder: true }));
    }
  }

  private unwatch(match: (key: string) => boolean): void {
    for (const key of [...this.expanded.keys()]) {
      if (!match(key)) continue;
      this.expanded.delete(key);
      this.watching.get(key)?.();
      this.watching.delete(key);
    }
  }

  private keyOf(node: Node): string | undefined {
    for (const [k, n] of this.folders) if (n === node) return k;
    return undefined;
  }

  connectionNodes(): ConnectionNode[] {
    const next = new Map<string, ConnectionNode>();
    const add = (cfg: ConnectionConfig, oneOff: boolean) => {
      const id = `${oneOff ? 'oneoff' : 'saved'}:${cfg.name.toLowerCase()}`;
      const node = this.roots.get(id) ?? new ConnectionNode(cfg, oneOff);
      node.config = cfg;
      next.set(id, node);
    };
    for (const c of this.settings.connections()) add(c, false);
    for (const c of this.sites.oneOffConfigs()) add(c, true);
    this.roots = next;
    return [...next.values()];
  }

  /**
   * Show a connection collapsed again (after "Disconnect"). A refresh alone keeps it expanded, and listing its open
   * folders again reconnects at once; a new node with a new id is a new item to VS Code, shown collapsed. Call
   * refresh() afterwards.
   */
  collapse(name: string): void {
    for (const [key, node] of [...this.roots]) {
      if (node.name.toLowerCase() !== name.toLowerCase()) continue;
      this.roots.delete(key);
      this.rootPaths.delete(node);
      this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
      for (const k of [...this.folders.keys()]) if (k.startsWith(`${key}|`)) this.folders.delete(k);
      this.unwatch((k) => k.startsWith(`${key}|`));
      for (const k of [...this.lastShown.keys()]) if (k.startsWith(`${key}|`)) this.lastShown.delete(k);
    }
  }

  private generationOf(key: string): string {
    const g = this.generations.get(key);
    return g ? `#${g}` : '';
  }

  /** The connection node of a name (case-insensitive). */
  connectionNode(name: string): ConnectionNode | undefined {
    return this.connectionNodes().find((n) => n.name.toLowerCase() === name.toLowerCase());
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof MessageNode) {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('warning');
      item.command = node.command;
      item.tooltip = node.text;
      item.contextValue = 'message';
      return item;
    }
    if (node instanceof ConnectionNode) {
      const site = this.existingSite(node);
      const connected = site?.connected ?? false;
      const mode = site?.mode ?? node.config.mode;
      const key = `${node.oneOff ? 'oneoff' : 'saved'}:${node.name.toLowerCase()}`;
      this.shownState.set(key, shownStateOf(node, site));
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `conn:${key}${this.generationOf(key)}`;
      const tls = node.config.tls === 'explicit' || node.config.tls === 'implicit' ? node.config.tls : undefined;
      const state = connected ? vscode.l10n.t('connected') : site?.disconnectedByUser ? vscode.l10n.t('disconnected') : vscode.l10n.t('not connected');
      const readOnly = node.config.readOnly ? vscode.l10n.t('read-only') : undefined;
      item.description = [tls ? 'FTPS' : undefined, modeWord(mode), state, readOnly].filter(Boolean).join(' · ');
      const root = this.rootPaths.get(node) ?? (node.config.remoteRoot || vscode.l10n.t('(login folder)'));
      const facts = [tls === 'explicit' ? vscode.l10n.t('explicit TLS (FTPS)') : tls ? vscode.l10n.t('implicit TLS (FTPS)') : undefined, vscode.l10n.t('{0} mode', modeWord(mode)), readOnly, state];
      const tooltip = new vscode.MarkdownString(
        `**${escapeMd(node.name)}**${node.oneOff ? ` ${vscode.l10n.t('(this window only)')}` : ''}  \n` +
          `${escapeMd(node.config.username)}@${escapeMd(node.config.host)}:${node.config.port} \u2014 ${escapeMd(root)}  \n` +
          `${facts.filter(Boolean).join(', ')}  \n` +
          namesLine(node, site?.traits.names.codePage) +
          timeLine(node.config.timeZoneOffset, site?.traits.timeZoneOffset),
      );
      tooltip.isTrusted = { enabledCommands: ['ftpExplorer.setEncoding'] };
      item.tooltip = tooltip;
      item.iconPath = new vscode.ThemeIcon(connected ? 'vm-active' : 'vm-outline');
      item.contextValue = `connection${connected ? '.connected' : '.disconnected'}${node.oneOff ? '.oneoff' : ''}${node.config.readOnly ? '.readonly' : ''}`;
      return item;
    }
    const uri = node.uri;
    const item = new vscode.TreeItem(uri, node.isDir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const connKey = `${node.connection.oneOff ? 'oneoff' : 'saved'}:${node.name.toLowerCase()}`;
    item.id = `entry:${connKey}${this.generationOf(connKey)}:${node.path}`;
    const name = baseName(node.path);
    item.label = visibleName(name);
    // No tooltip otherwise: VS Code asks resolveTreeItem for one only when it is undefined (on hover).
    if (hasUndecodableBytes(name)) {
      // Shown with its bytes as \xNN; opening, renaming and deleting it send the server's own bytes.
      item.description = vscode.l10n.t('name not in its encoding');
      item.tooltip = `${node.name}: ${visibleName(node.path)}\n${vscode.l10n.t("Some bytes of this name are no character in the connection's encoding: they are shown as \\xNN. It can still be opened, renamed and deleted.")}`;
    }
    item.contextValue = `${node.isDir ? 'dir' : 'file'}${node.connection.config.readOnly ? '.readonly' : ''}`;
    // As a click in VS Code's Explorer: a preview that leaves the keyboard in the view, so the arrow keys, F2 and
    // Delete go on working there (Enter opens for good: ftpExplorer.open).
    if (!node.isDir) item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [uri, { preview: true, preserveFocus: true }] };
    if (node.isLink) item.description = '\u2192';
    return item;
  }

  /** A file's or folder's tooltip with what its listing says (size, time, owner, mode), made on hover. */
  async resolveTreeItem(item: vscode.TreeItem, node: Node): Promise<vscode.TreeItem> {
    if (!(node instanceof EntryNode)) return item;
    const site = this.existingSite(node.connection);
    const tip = site && (await entryTooltip(site, node.path, node.isLink, node.listed));
    if (tip) item.tooltip = tip;
    return item;
  }

  getChildren(node?: Node): Promise<Node[]> {
    if (!(node instanceof ConnectionNode)) return this.children(node);
    const done = this.children(node);
    const settled = done.then(() => undefined, () => undefined);
    this.listing.set(node, settled);
    void settled.then(() => {
      if (this.listing.get(node) === settled) this.listing.delete(node);
    });
    return done;
  }

  private async children(node?: Node): Promise<Node[]> {
    if (!node) return this.connectionNodes();
    if (node instanceof MessageNode) return [];
    const connection = node instanceof ConnectionNode ? node : node.connection;
    let site: Site;
    try {
      site = this.sites.resolve(connection.name);
    } catch (err) {
      return [new MessageNode(messageOf(err), node)];
    }
    try {
      let dir: string;
      if (node instanceof ConnectionNode) {
        dir = await site.root();
        this.rootPaths.set(node, dir);
      } else {
        dir = node.path;
      }
      this.folders.set(`${site.key}|${dir}`, node);
      const entries = await site.readDirectory(dir);
      // A listing may have taught the site its names' code page or its time zone: the row's tooltip says them.
      this.refreshIfChanged(connection);
      // VS Code asks for the children of expanded folders only: poll it for changes made by others.
      this.watchFolder(`${site.key}|${dir}`, connection.name, dir);
      const children = entries.map(([name, type]) => {
        const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
        return new EntryNode(connection, path, (type & FileType.Directory) !== 0, (type & FileType.SymbolicLink) !== 0, node, site.cache.entry(dir, name));
      });
      children.sort((a, b) => (a.isDir === b.isDir ? collator.compare(baseName(a.path), baseName(b.path)) : a.isDir ? -1 : 1));
      return children;
    } catch (err) {
      const text = messageOf(err);
      const quiet = err instanceof FsError && (err.quiet || err.kind === 'Cancelled');
      if (!quiet) this.log.error(connection.name, text);
      return [
        new MessageNode(text, node, {
          command: 'ftpExplorer.refresh',
          title: vscode.l10n.t('Retry'),
          arguments: [node],
        }),
      ];
    }
  }

  getParent(node: Node): Node | undefined {
    return node instanceof ConnectionNode ? undefined : node.parent;
  }

  private existingSite(node: ConnectionNode): Site | undefined {
    return this.sites.all().find((s) => s.key === `${node.oneOff ? 'oneoff' : 'saved'}:${node.name.toLowerCase()}`);
  }

  private onFilesChanged(site: Site, changes: Change[]): void {
    const dirs = new Set<string>();
    for (const c of changes) {
      dirs.add(parentPath(c.path));
      if (c.type === 'deleted') {
        // (isUnder, not a prefix of the text: deleting /a must not forget /ab.)
        const prefix = `${site.key}|`;
        const gone = (k: string) => k.startsWith(prefix) && isUnder(k.slice(prefix.length), c.path);
        for (const k of [...this.folders.keys()]) if (gone(k)) this.folders.delete(k);
        for (const k of [...this.lastShown.keys()]) if (gone(k)) this.lastShown.delete(k);
        this.unwatch(gone);
      }
    }
    for (const d of dirs) {
      const node = this.folders.get(`${site.key}|${d}`);
      if (node) this.emitter.fire(node);
    }
  }

  private onSitesChanged(): void {
    const before = new Set(this.roots.keys());
    const nodes = this.connectionNodes();
    const after = new Set(this.roots.keys());
    if (before.size !== after.size || [...after].some((k) => !before.has(k))) {
      this.emitter.fire(undefined);
      return;
    }
    for (const node of nodes) {
      this.refreshIfChanged(node);
    }
  }

  /** Redraw a connection's row when what it shows changed (connected, mode, the encoding or time zone found). */
  private refreshIfChanged(node: ConnectionNode): void {
    const key = `${node.oneOff ? 'oneoff' : 'saved'}:${node.name.toLowerCase()}`;
    const was = this.shownState.get(key);
    if (was !== undefined && was !== shownStateOf(node, this.existingSite(node))) this.emitter.fire(node);
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.unwatch(() => true);
    this.emitter.dispose();
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** The tooltip's line about file names: the encoding set, or the one found, and a link to change it. */
function namesLine(node: ConnectionNode, found: string | undefined): string {
  const set = node.config.encoding;
  const what = set === 'auto' ? (found ? vscode.l10n.t('{0} (found from the names)', found) : vscode.l10n.t('UTF-8 (found from the names so far)')) : set;
  if (node.oneOff) return vscode.l10n.t('file names: {0}', what);
  const args = encodeURIComponent(JSON.stringify([{ name: node.name }]));
  return `${vscode.l10n.t('file names: {0}', what)} \u2014 [${vscode.l10n.t('change')}](command:ftpExplorer.setEncoding?${args})`;
}

/** The tooltip's line about the server's clock, once known: LIST times are shifted by it. */
function timeLine(set: number | undefined, found: number | undefined): string {
  if (set !== undefined) return `  \n${vscode.l10n.t('server time zone: {0}', formatOffset(set))}`;
  return found ? `  \n${vscode.l10n.t('server time zone: {0} (found from LIST and MDTM)', formatOffset(found))}` : '';
}

/** What a connection row shows that can change while it is shown. */
function shownStateOf(node: ConnectionNode, site: Site | undefined): string {
  const t = site?.traits;
  return `${site?.connected ?? false}|${site?.disconnectedByUser === true}|${site?.mode ?? node.config.mode}|${node.config.readOnly}|${t?.names.codePage}|${t?.timeZoneOffset}`;
}
