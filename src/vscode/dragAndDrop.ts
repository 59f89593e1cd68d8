/**
 * Drag and drop in the FTP Explorer view (TreeDragAndDropController): rows dropped on a folder of the same
 * connection move there (RNFR/RNTO, asking before a name that exists is replaced); onto another connection they are
 * copied (src/remote/copy.ts). Files and folders dropped from VS Code's Explorer or the operating system are
 * uploaded into the folder; copies and uploads are jobs of the Transfers view (queuedTransfers.ts). Rows dragged
 * into the editor area open there (their ftp: URIs as text/uri-list).
 */
import * as vscode from 'vscode';
import { FsError } from '../remote/fsErrors';
import type { Site } from '../remote/site';
import type { SiteRegistry } from '../remote/sites';
import type { TransferQueue } from '../remote/transferQueue';
import { SCHEME, baseName, isUnder, joinPath, normalizePath, parentPath } from '../remote/uri';
import type { FtpLog } from './output';
import { onExisting } from './overwritePrompt';
import { runQueued, type QueuedJob } from './queuedTransfers';
import { ConnectionNode, EntryNode, type Node } from './tree';

/** The view's own drag data (VS Code's form for a tree: application/vnd.code.tree.<view id, lower case>). */
export const TREE_MIME = 'application/vnd.code.tree.ftpexplorer.view';

export class FtpDragAndDrop implements vscode.TreeDragAndDropController<Node> {
  readonly dragMimeTypes = [TREE_MIME, 'text/uri-list'];
  readonly dropMimeTypes = [TREE_MIME, 'text/uri-list', 'files'];

  constructor(
    private readonly sites: SiteRegistry,
    private readonly log: FtpLog,
    private readonly transfers: TransferQueue,
  ) {}

  handleDrag(source: readonly Node[], data: vscode.DataTransfer): void {
    const rows = source.filter((n): n is EntryNode => n instanceof EntryNode);
    if (rows.length === 0) return;
    data.set(TREE_MIME, new vscode.DataTransferItem(rows));
    data.set('text/uri-list', new vscode.DataTransferItem(rows.map((r) => r.uri.toString()).join('\r\n')));
  }

  async handleDrop(target: Node | undefined, data: vscode.DataTransfer): Promise<void> {
    if (!target || !(target instanceof ConnectionNode || target instanceof EntryNode)) return;
    try {
      const site = this.sites.resolve(target.name);
      const dir = target instanceof ConnectionNode ? await site.root() : target.isDir ? target.path : parentPath(target.path);
      const rows = data.get(TREE_MIME)?.value as EntryNode[] | undefined;
      if (rows?.length) return await this.dropRows(rows, site, dir);
      const local: string[] = [];
      const remote: vscode.Uri[] = [];
      const list = await data.get('text/uri-list')?.asString();
      for (const line of list?.split(/\r?\n/) ?? []) {
        const t = line.trim();
        if (!t || t.startsWith('#')) continue;
        const uri = vscode.Uri.parse(t);
        if (uri.scheme === 'file') local.push(uri.fsPath);
        else if (uri.scheme === SCHEME) remote.push(uri);
      }
      if (local.length === 0 && remote.length === 0) await this.dropFiles(data, site, dir, local);
      if (remote.length) await this.copyIn(remote.map((u) => ({ site: this.sites.resolve(u.authority), path: normalizePath(u.path) })), site, dir);
      if (local.length) await this.upload(local, site, dir);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if ((err instanceof FsError && err.kind === 'Cancelled') || (err instanceof Error && err.name === 'AbortError')) return;
      this.log.error(target.name, message);
      void vscode.window.showErrorMessage(message);
    }
  }

  /** Rows of this view: moved within their connection, copied onto another. */
  private async dropRows(rows: EntryNode[], site: Site, dir: string): Promise<void> {
    const mine = rows.filter((r) => this.sites.resolve(r.name) === site);
    const others = rows.filter((r) => this.sites.resolve(r.name) !== site);
    for (const r of mine) {
      if (parentPath(r.path) === dir) continue; // dropped where it is
      if (r.path === dir || isUnder(dir, r.path)) throw new Error(vscode.l10n.t('Cannot move {0} into itself.', r.path));
      const to = joinPath(dir, baseName(r.path));
      const there = await site.lookup(to);
      if (there && !(await ask(vscode.l10n.t('{0} exists already on "{1}". Replace it with {2}?', to, site.name, r.path)))) continue;
      await site.rename(r.path, to, { overwrite: there !== undefined });
    }
    if (others.length) await this.copyIn(others.map((r) => ({ site: this.sites.resolve(r.name), path: r.path })), site, dir);
  }

  /** Items of other connections: copied into `dir` (nothing is deleted), each a job of the Transfers view. */
  private async copyIn(items: { site: Site; path: string }[], site: Site, dir: string): Promise<void> {
    const jobs: QueuedJob[] = [];
    for (const item of items) {
      const to = joinPath(dir, baseName(item.path));
      if (item.site === site && to === item.path) continue;
      site.cache.invalidate(dir);
      const there = await site.lookup(to);
      if (there && !(await ask(vscode.l10n.t('{0} exists already on "{1}". Replace it?', to, site.name)))) continue;
      jobs.push({ spec: { kind: 'copy', site: item.site.name, from: item.path, toSite: site.name, to, overwrite: there !== undefined } });
    }
    if (jobs.length) await runQueued(this.transfers, vscode.l10n.t('Copying to {0}: {1}', site.name, dir), jobs);
  }

  /** Local files and folders (VS Code's Explorer, the operating system): uploaded, asking before a file is replaced. */
  private async upload(paths: string[], site: Site, dir: string): Promise<void> {
    const existing = onExisting('ask', (s: Site, path: string) => vscode.Uri.from({ scheme: SCHEME, authority: s.name, path }), paths.length > 1);
    await runQueued(this.transfers, vscode.l10n.t('Uploading to {0}: {1}', site.name, dir), [
      { spec: { kind: 'upload', site: site.name, locals: paths, remoteDir: dir }, onExisting: (f) => existing(site, f) },
    ]);
  }

  /** Files dropped from the operating system where the browser gives no path (a web workbench): their bytes. */
  private async dropFiles(data: vscode.DataTransfer, site: Site, dir: string, local: string[]): Promise<void> {
    const files: vscode.DataTransferFile[] = [];
    data.forEach((item) => {
      const f = item.asFile();
      if (f) files.push(f);
    });
    for (const f of files) {
      if (f.uri?.scheme === 'file') {
        local.push(f.uri.fsPath);
        continue;
      }
      const to = joinPath(dir, f.name);
      const there = await site.lookup(to);
      if (there && !(await ask(vscode.l10n.t('{0} exists already on "{1}". Replace it?', to, site.name)))) continue;
      await site.writeFile(to, await f.data(), { create: true, overwrite: true });
    }
  }
}

async function ask(question: string): Promise<boolean> {
  const replace = vscode.l10n.t('Replace');
  return (await vscode.window.showWarningMessage(question, { modal: true }, replace)) === replace;
}
