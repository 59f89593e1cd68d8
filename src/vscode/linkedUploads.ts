/**
 * Upload on save of linked folders (the `uploadOnSave` option of an `ftpExplorer.links` entry): a file of such a
 * folder saved in VS Code goes to its path on the server (src/remote/sync/linkedUpload.ts: a safe save, never over
 * a change nobody here has seen); with `uploadOutsideChanges` also what other programs write there (a build's
 * output), through a file watcher. Changes pass through a burst guard (src/remote/sync/burst.ts): a branch switch
 * or a build that changes many files at once is asked about, never uploaded unasked. Uploads go one at a time, so
 * questions come one at a time. Every result shows in the status bar (uploadStatus.ts) and the "FTP" log; a
 * failure also as an error notification.
 */
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../remote/bytes';
import { FsError } from '../remote/fsErrors';
import type { SiteRegistry } from '../remote/sites';
import { STATE_FILE } from '../remote/sync';
import { BurstGate } from '../remote/sync/burst';
import { readFolderLinks, remotePathOf, type FolderLink } from '../remote/sync/folderLinks';
import { leftOut, uploadLinked } from '../remote/sync/linkedUpload';
import type { VersionStore } from '../remote/versions';
import type { FtpLog } from './output';
import { SERVER_COPY } from './saveConflictPrompt';
import { UploadStatusBar } from './uploadStatus';

/** More files than this changed within BURST_WINDOW_MS is a burst (a branch switch, a build). */
export const BURST_THRESHOLD = 10;
const BURST_WINDOW_MS = 3000;
/** Changes are gathered until none came for this long, then uploaded (or asked about). */
const QUIET_MS = 400;

/** A local file of a linked folder: its link, where it is on the server, and the link's local root. */
interface Linked {
  link: FolderLink;
  remotePath: string;
  relInLink: string;
  localRoot: string;
}

export interface LinkedUploadsDeps {
  sites: SiteRegistry;
  log: FtpLog;
  /** What the server held after our last upload of each file (the workspace's state). */
  store: VersionStore;
}

export class LinkedUploads implements vscode.Disposable {
  readonly status = new UploadStatusBar();
  private readonly subs: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  private readonly gate: BurstGate;
  private queue: Promise<void> = Promise.resolve();
  /** The local file as last uploaded (size, time): a watcher's echo of our own save is not uploaded twice. */
  private readonly uploaded = new Map<string, string>();
  /** An upload's error notification is open: later failures go to the status bar and the log only. */
  private failureShown = false;
  private compared = 0;

  constructor(private readonly d: LinkedUploadsDeps) {
    this.gate = new BurstGate({
      threshold: BURST_THRESHOLD,
      windowMs: BURST_WINDOW_MS,
      quietMs: QUIET_MS,
      onUpload: (paths) => paths.forEach((p) => this.enqueue(p, false)),
      onBurst: (paths) => void this.askBurst(paths),
    });
    this.subs.push(
      this.status,
      vscode.workspace.onDidSaveTextDocument((doc) => void this.changed(doc.uri, 'save')),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('ftpExplorer.links') && this.watch()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()),
      vscode.commands.registerCommand('ftpExplorer.uploadLinkedFile', (uri: vscode.Uri) => this.enqueue(uri.fsPath, false, true)),
    );
    this.watch();
  }

  /** The link of a local file, when its folder is linked with upload on save. */
  private linkedOf(uri: vscode.Uri): Linked | undefined {
    if (uri.scheme !== 'file') return undefined;
    const ws = vscode.workspace.getWorkspaceFolder(uri);
    if (!ws) return undefined;
    const { links } = readFolderLinks(vscode.workspace.getConfiguration('ftpExplorer', ws.uri).get('links'));
    const base = ws.uri.path.replace(/\/+$/, '');
    if (!uri.path.startsWith(`${base}/`)) return undefined;
    const where = remotePathOf(links, uri.path.slice(base.length + 1));
    if (!where || !where.link.uploadOnSave || !where.relInLink) return undefined;
    return { ...where, localRoot: nodePath.join(ws.uri.fsPath, ...where.link.localFolder.split('/').filter(Boolean)) };
  }

  /** A file changed: saved in VS Code, or (`outside`) written by another program under a link that asks for it. */
  private async changed(uri: vscode.Uri, how: 'save' | 'outside'): Promise<void> {
    const linked = this.linkedOf(uri);
    if (!linked || (how === 'outside' && !linked.link.uploadOutsideChanges)) return;
    const isDir = how === 'outside' && (await fsp.stat(uri.fsPath).then((s) => s.isDirectory(), () => false));
    if (await leftOut(linked.localRoot, linked.relInLink, linked.link.exclude, isDir)) {
      if (how === 'save') this.d.log.info(linked.link.connection, `upload on save: ${linked.relInLink} is left out (.gitignore, .git, node_modules or the link's "exclude"): not uploaded`);
      return;
    }
    if (!isDir) return this.gate.add(uri.fsPath);
    // VS Code's watcher reports a folder made with files in it as the folder alone: its files are the changes.
    const entries = await fsp.readdir(uri.fsPath, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isFile() || e.isDirectory()) await this.changed(vscode.Uri.joinPath(uri, e.name), how);
  }

  /** One watcher per link that uploads changes made outside VS Code. */
  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    let on = false;
    for (const ws of vscode.workspace.workspaceFolders ?? []) {
      const { links } = readFolderLinks(vscode.workspace.getConfiguration('ftpExplorer', ws.uri).get('links'));
      on ||= links.some((x) => x.uploadOnSave);
      for (const l of links.filter((x) => x.uploadOnSave && x.uploadOutsideChanges)) {
        const base = l.localFolder ? vscode.Uri.joinPath(ws.uri, ...l.localFolder.split('/')) : ws.uri;
        const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, '**/*'), false, false, true);
        w.onDidChange((u) => void this.changed(u, 'outside'));
        w.onDidCreate((u) => void this.changed(u, 'outside'));
        this.watchers.push(w);
      }
    }
    this.status.idle(on);
  }

  private enqueue(fsPath: string, force: boolean, asked = false): void {
    this.queue = this.queue.then(() => this.upload(fsPath, force, asked)).catch(() => undefined);
  }

  /** Many files at once: nothing goes up before the user says which. */
  private async askBurst(paths: string[]): Promise<void> {
    const names = paths.map((p) => vscode.workspace.asRelativePath(p));
    const all = vscode.l10n.t('Upload All');
    const choose = vscode.l10n.t('Choose...');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} files of linked folders changed at once (a branch switch or a build?). They were not uploaded.', paths.length),
      all,
      choose,
    );
    let chosen: string[] = [];
    if (pick === all) chosen = paths;
    else if (pick === choose) {
      const items = paths.map((p, i) => ({ label: names[i], picked: true, p }));
      chosen = (await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: vscode.l10n.t('Tick the files to upload, then press Enter') }))?.map((x) => x.p) ?? [];
    }
    this.d.log.info('upload on save', `${paths.length} files changed at once: ${chosen.length} uploaded on request, ${paths.length - chosen.length} not uploaded`);
    if (chosen.length) this.enqueueMany(chosen);
  }

  /** Files the user chose to upload together: one after the other, with a progress that Cancel stops between files. */
  private enqueueMany(paths: string[]): void {
    const title = vscode.l10n.t('Uploading {0} files', paths.length);
    this.queue = this.queue
      .then(() =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
          let done = 0;
          for (const p of paths) {
            if (token.isCancellationRequested) {
              this.d.log.info('upload on save', `cancelled: ${paths.length - done} of ${paths.length} files not uploaded`);
              return;
            }
            progress.report({ message: vscode.l10n.t('{0} of {1}', done + 1, paths.length), increment: 100 / paths.length });
            await this.upload(p, false, true).catch(() => undefined);
            done++;
          }
        }),
      )
      .then(() => undefined, () => undefined);
  }

  /** Upload one file; `asked`: the user asked for it now (a click on the status bar, the burst question). */
  private async upload(fsPath: string, force: boolean, asked: boolean): Promise<void> {
    const uri = vscode.Uri.file(fsPath);
    const linked = this.linkedOf(uri);
    if (!linked) return;
    const { link } = linked;
    const name = nodePath.basename(fsPath);
    const where = `${link.connection}:${linked.remotePath}`;
    const st = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
    if (!st || st.type & vscode.FileType.Directory) return;
    const version = `${st.size}:${st.mtime}`;
    if (!force && !asked && this.uploaded.get(fsPath) === version) return;
    this.status.show('uploading', name, link.connection, where);
    try {
      const site = this.d.sites.resolve(link.connection);
      const key = `${site.config.username}@${site.config.host}:${site.config.port}${link.remoteFolder}`;
      const r = await uploadLinked(site, fsPath, linked.remotePath, {
        store: this.d.store,
        force,
        syncState: { file: nodePath.join(linked.localRoot, STATE_FILE), key, rel: linked.relInLink },
      });
      if (r.kind === 'uploaded') {
        this.uploaded.set(fsPath, version);
        this.d.log.info(link.connection, `upload on save: ${linked.relInLink} -> ${linked.remotePath} (${formatBytes(r.bytes)})`);
        this.status.show('uploaded', name, link.connection, vscode.l10n.t('{0} uploaded to {1} at {2}', linked.relInLink, where, new Date().toLocaleTimeString()));
        return;
      }
      this.d.log.info(link.connection, `upload on save: ${linked.relInLink} not uploaded: ${linked.remotePath} changed on the server since the last upload or download`);
      this.status.show('conflict', name, link.connection, vscode.l10n.t('{0} changed on the server since your last upload or download: not uploaded.', where), uri);
      const detail =
        vscode.l10n.t('On {0} now: {1}, modified {2}.', link.connection, formatBytes(r.server.size), new Date(r.server.mtimeMs).toLocaleString()) +
        '\n' +
        (r.seen
          ? vscode.l10n.t('Last uploaded or downloaded: {0}, modified {1}.', formatBytes(r.seen.size), new Date(r.seen.mtimeMs).toLocaleString())
          : vscode.l10n.t('This file was never uploaded or downloaded from here.')) +
        '\n' +
        vscode.l10n.t('Overwrite replaces the server\'s version; Compare shows both side by side; Skip leaves it.');
      const compare = { title: vscode.l10n.t('Compare') };
      const overwrite = { title: vscode.l10n.t('Overwrite') };
      // Skip is the dialog's Cancel (Escape too): nothing is uploaded.
      const skip = { title: vscode.l10n.t('Skip'), isCloseAffordance: true };
      const pick = await vscode.window.showWarningMessage(
        vscode.l10n.t('"{0}" changed on {1} since your last upload or download. Upload your version over it?', name, link.connection),
        { modal: true, detail },
        compare,
        overwrite,
        skip,
      );
      if (pick === overwrite) return await this.upload(fsPath, true, true);
      if (pick === compare) {
        // The server's file as it is now, read for the comparison only (an open ftp: editor may hold an older copy).
        const remote = vscode.Uri.from({ scheme: SERVER_COPY, authority: link.connection, path: linked.remotePath, query: String(++this.compared) });
        await vscode.commands.executeCommand('vscode.diff', remote, uri, vscode.l10n.t('{0} ({1}) ↔ {0} (local)', name, link.connection));
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof FsError && err.kind === 'Cancelled') return;
      this.d.log.info(link.connection, `upload on save: ${linked.relInLink} failed: ${message}`);
      this.status.show('failed', name, link.connection, message, uri);
      // One notification at a time: a burst's failures (a server gone) would otherwise bury the window.
      if (this.failureShown) return;
      this.failureShown = true;
      const retry = vscode.l10n.t('Retry');
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(vscode.l10n.t('Upload of {0} to {1} failed: {2}', linked.relInLink, link.connection, message), retry, showLog).then((a) => {
        this.failureShown = false;
        if (a === retry) this.enqueue(fsPath, false, true);
        if (a === showLog) this.d.log.show();
      });
    }
  }

  dispose(): void {
    this.gate.dispose();
    for (const w of this.watchers) w.dispose();
    for (const s of this.subs) s.dispose();
  }
}
