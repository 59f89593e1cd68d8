/**
 * Compare with Server on a linked folder: a view (in VS Code's Explorer) listing what differs between the folder
 * and its remote folder (src/remote/sync/compare.ts: only here, only on the server, changed here, on the server,
 * on both, or differing without a record), by size and time, or by content on request. Each row has a checkbox
 * (what is changed here or only here is ticked); a click opens the diff. Upload, Download and Sync act on the
 * ticked rows through Sync with Server's list to tick (commands/syncFolder.ts): nothing moves before the user
 * confirms, and a deletion is only made when ticked there. The linked folder's files carry a badge in the
 * Explorer while the comparison is shown (a FileDecorationProvider).
 */
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { FsError } from '../remote/fsErrors';
import { compareTrees, differenceText, loadSeen, planSync, STATE_FILE, type Difference, type DifferenceKind, type PlanRow } from '../remote/sync';
import { readFolderLinks, remotePathOf, type FolderLink } from '../remote/sync/folderLinks';
import { joinPath, SCHEME } from '../remote/uri';
import type { CommandDeps } from './commands/deps';
import { syncFolder } from './commands/syncFolder';

const VIEW = 'ftpExplorer.compare';
const CONTEXT = 'ftpExplorer.comparing';

const BADGES: Record<DifferenceKind, { badge: string; color?: string }> = {
  'local-only': { badge: '+', color: 'gitDecoration.untrackedResourceForeground' },
  'remote-only': { badge: '−' },
  'changed-local': { badge: '↑', color: 'gitDecoration.modifiedResourceForeground' },
  'changed-remote': { badge: '↓', color: 'gitDecoration.modifiedResourceForeground' },
  'changed-both': { badge: '⇅', color: 'gitDecoration.conflictingResourceForeground' },
  differs: { badge: '≠', color: 'gitDecoration.modifiedResourceForeground' },
  type: { badge: '!', color: 'gitDecoration.conflictingResourceForeground' },
};

interface Shown {
  folder: vscode.Uri;
  link: FolderLink;
  localRoot: string;
  byContent: boolean;
  rows: Difference[];
}

export class FolderComparison implements vscode.TreeDataProvider<Difference>, vscode.FileDecorationProvider, vscode.Disposable {
  private shown: Shown | undefined;
  private readonly checked = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly decorationsChanged = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  private readonly view: vscode.TreeView<Difference>;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly d: CommandDeps) {
    this.view = vscode.window.createTreeView(VIEW, { treeDataProvider: this, manageCheckboxStateManually: true });
    this.subs.push(
      this.view,
      this.changed,
      this.decorationsChanged,
      vscode.window.registerFileDecorationProvider(this),
      this.view.onDidChangeCheckboxState((e) => {
        for (const [row, state] of e.items) {
          if (state === vscode.TreeItemCheckboxState.Checked) this.checked.add(row.path);
          else this.checked.delete(row.path);
        }
      }),
    );
  }

  /** Compare the linked folder `folder` with its remote folder and show the view. Returns the rows, for tests. */
  async open(folder: vscode.Uri, byContent = false): Promise<{ path: string; kind: DifferenceKind; text: string; checked: boolean }[]> {
    const ws = vscode.workspace.getWorkspaceFolder(folder);
    if (folder.scheme !== 'file' || !ws) throw new Error(vscode.l10n.t('{0} is not in a folder of this workspace', folder.fsPath));
    const { links } = readFolderLinks(vscode.workspace.getConfiguration('ftpExplorer', ws.uri).get('links'));
    const rel = folder.path === ws.uri.path ? '' : folder.path.slice(ws.uri.path.replace(/\/+$/, '').length + 1);
    const where = remotePathOf(links, rel);
    if (!where) throw new Error(vscode.l10n.t('{0} is not in a linked folder: link it with "FTP: Link Folder to Server..." first', folder.fsPath));
    const link = where.link;
    const localRoot = nodePath.join(ws.uri.fsPath, ...link.localFolder.split('/').filter(Boolean));
    const site = this.d.sites.resolve(link.connection);
    const key = `${site.config.username}@${site.config.host}:${site.config.port}${link.remoteFolder}`;
    const seen = await loadSeen(nodePath.join(localRoot, STATE_FILE), key);
    const title = vscode.l10n.t('Comparing {0} with {1}:{2}', link.localFolder || ws.name, link.connection, link.remoteFolder);
    const planned = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => {
      const c = new AbortController();
      token.onCancellationRequested(() => c.abort(new FsError('Cancelled', 'Cancelled')));
      return planSync(site, { direction: 'upload', localRoot, remoteRoot: link.remoteFolder, seen, delete: true, exclude: link.exclude, checksum: byContent, parallel: Math.max(1, site.pool.size), signal: c.signal });
    });
    const rows = compareTrees({ local: planned.local, remote: planned.remote, seen, remotePrecisionMs: planned.remotePrecisionMs, sameContent: planned.sameContent });
    const before = this.decorated();
    this.shown = { folder: vscode.Uri.file(localRoot), link, localRoot, byContent, rows };
    this.checked.clear();
    for (const r of rows) if (r.kind === 'local-only' || r.kind === 'changed-local') this.checked.add(r.path);
    this.view.title = vscode.l10n.t('Compare: {0} ↔ {1}', link.localFolder || ws.name, link.connection);
    this.view.message = rows.length
      ? vscode.l10n.t('{0} differences ({1}). Tick what to act on, then Upload, Download or Sync.', rows.length, byContent ? vscode.l10n.t('by content') : vscode.l10n.t('by size and time'))
      : vscode.l10n.t('No differences: both sides are alike ({0}).', byContent ? vscode.l10n.t('by content') : vscode.l10n.t('by size and time'));
    await vscode.commands.executeCommand('setContext', CONTEXT, true);
    this.changed.fire();
    this.decorationsChanged.fire([...before, ...this.decorated()]);
    await vscode.commands.executeCommand(`${VIEW}.focus`);
    return rows.map((r) => ({ path: r.path, kind: r.kind, text: differenceText(r), checked: this.checked.has(r.path) }));
  }

  getTreeItem(r: Difference): vscode.TreeItem {
    const s = this.shown!;
    const item = new vscode.TreeItem(r.path);
    item.description = differenceText(r);
    item.resourceUri = this.localUri(r.path);
    item.checkboxState = this.checked.has(r.path) ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
    item.tooltip = `${r.path}: ${differenceText(r)}`;
    const remote = vscode.Uri.from({ scheme: SCHEME, authority: s.link.connection, path: joinPath(s.link.remoteFolder, ...r.path.split('/')) });
    const name = nodePath.basename(r.path);
    if (r.local?.type === 'file' && r.remote?.type === 'file') {
      item.command = { command: 'vscode.diff', title: vscode.l10n.t('Compare'), arguments: [remote, item.resourceUri, vscode.l10n.t('{0} ({1}) ↔ {0} (local)', name, s.link.connection)] };
    } else if (r.local?.type === 'file' || r.remote?.type === 'file') {
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [r.local?.type === 'file' ? item.resourceUri : remote] };
    }
    return item;
  }

  getChildren(r?: Difference): Difference[] {
    return r || !this.shown ? [] : this.shown.rows;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const s = this.shown;
    if (!s || uri.scheme !== 'file' || !uri.fsPath.startsWith(s.localRoot + nodePath.sep)) return undefined;
    const rel = nodePath.relative(s.localRoot, uri.fsPath).split(nodePath.sep).join('/');
    const r = s.rows.find((x) => x.path === rel);
    if (!r) return undefined;
    const b = BADGES[r.kind];
    return new vscode.FileDecoration(b.badge, vscode.l10n.t('Compared with {0}: {1}', s.link.connection, differenceText(r)), b.color ? new vscode.ThemeColor(b.color) : undefined);
  }

  /** Upload, Download or Sync the ticked rows (Sync: each toward the side that did not change; no deletion). */
  async act(how: 'upload' | 'download' | 'sync'): Promise<void> {
    const s = this.shown;
    if (!s) return;
    const ticked = s.rows.filter((r) => this.checked.has(r.path));
    if (ticked.length === 0) return void vscode.window.showInformationMessage(vscode.l10n.t('Tick the rows to act on first.'));
    const up = new Set(ticked.filter((r) => how === 'upload' || (how === 'sync' && goesUp(r))).map((r) => r.path));
    const down = new Set(ticked.filter((r) => how === 'download' || (how === 'sync' && goesDown(r))).map((r) => r.path));
    const left = ticked.filter((r) => !up.has(r.path) && !down.has(r.path));
    // A ticked row and what is inside it; a ticked file the direction would leave (older there, or differing by
    // content) is offered as chosen: the user ticked it.
    const only = (set: Set<string>) => (r: PlanRow) => {
      if (!set.has(r.path)) return [...set].some((x) => r.path.startsWith(`${x}/`));
      return r.action === 'same' && r.local?.type === 'file' && r.remote?.type === 'file' ? { ...r, action: 'copy' as const, reason: 'chosen' as const } : true;
    };
    if (up.size) await syncFolder(this.d, s.folder, { direction: 'upload', only: only(up), what: vscode.l10n.t('Upload') });
    if (down.size) await syncFolder(this.d, s.folder, { direction: 'download', only: only(down), what: vscode.l10n.t('Download') });
    if (left.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sync left {0} (changed on both sides, or no side newer): use Upload or Download for them.', left.map((r) => r.path).join(', ')));
    }
    await this.open(s.folder, s.byContent);
  }

  async refresh(byContent?: boolean): Promise<void> {
    if (this.shown) await this.open(this.shown.folder, byContent ?? this.shown.byContent);
  }

  async close(): Promise<void> {
    const before = this.decorated();
    this.shown = undefined;
    this.checked.clear();
    await vscode.commands.executeCommand('setContext', CONTEXT, false);
    this.changed.fire();
    this.decorationsChanged.fire(before);
  }

  private localUri(rel: string): vscode.Uri {
    return vscode.Uri.file(nodePath.join(this.shown!.localRoot, ...rel.split('/')));
  }

  private decorated(): vscode.Uri[] {
    return this.shown ? this.shown.rows.map((r) => this.localUri(r.path)) : [];
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

function goesUp(r: Difference): boolean {
  return r.kind === 'local-only' || r.kind === 'changed-local' || (r.kind === 'differs' && r.newer === 'local');
}

function goesDown(r: Difference): boolean {
  return r.kind === 'remote-only' || r.kind === 'changed-remote' || (r.kind === 'differs' && r.newer === 'remote');
}
