/**
 * The FileSystemProvider of the `ftp:` scheme: a thin layer over Site (site.ts) that turns FsErrors into
 * vscode.FileSystemErrors, shows progress for slow transfers and fires onDidChangeFile for our own writes.
 *
 * Read-only connections: `isReadonly` of registerFileSystemProvider covers the whole scheme (in the 1.90 API it
 * takes a boolean or a MarkdownString, the message shown in read-only editors, but still for the whole scheme),
 * so it cannot mark one connection. Instead every FileStat of a read-only connection carries
 * `permissions: FilePermission.Readonly` (editors open read-only, the Explorer shows a lock) and every write
 * throws NoPermissions.
 */
import * as vscode from 'vscode';
import { maskUrlPassword } from '../ftp';
import { copyPath, moveBetween } from '../remote/copy';
import { FsError } from '../remote/fsErrors';
import type { FtpLog } from './output';
import { isProbe } from '../remote/probes';
import { withTransferProgress } from './progress';
import { runQueued } from './queuedTransfers';
import type { LargeFilePrompt } from './largeFilePrompt';
import type { TransferQueue } from '../remote/transferQueue';
import type { Change } from '../remote/changes';
import { SaveConflict, type Site, type Stat } from '../remote/site';
import type { SaveConflictPrompt } from './saveConflictPrompt';
import type { SiteRegistry } from '../remote/sites';
import { SCHEME, baseName, normalizePath } from '../remote/uri';
import type { Watchers } from '../remote/watcher';

export class FtpFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly sites: SiteRegistry,
    private readonly log: FtpLog,
    private readonly watchers?: Watchers,
    /** Whether a site can log in without asking the user for a password (anonymous, or a password known). */
    private readonly logsInUnasked?: (site: Site) => Promise<boolean>,
    private readonly conflicts?: SaveConflictPrompt,
    /** Copies and moves between connections are jobs of the Transfers view when given. */
    private readonly transfers?: TransferQueue,
    private readonly largeFiles?: LargeFilePrompt,
  ) {
    this.unsubscribe = sites.onDidChangeFiles((site, changes) => this.fire(site, changes));
  }

  /**
   * VS Code watches open editors' files, and folders (workspace folders recursively). The server cannot tell us of
   * changes, so the watchers poll them (src/remote/watcher.ts); our own changes are reported at once.
   */
  watch(uri: vscode.Uri, options: { readonly recursive: boolean }): vscode.Disposable {
    const stop = this.watchers?.watch(uri.authority, normalizePath(uri.path), { recursive: options.recursive });
    return new vscode.Disposable(() => stop?.());
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.call(uri, async (site, path) => toFileStat(await site.stat(path)));
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.call(uri, async (site, path) => {
      const entries = (await site.readDirectory(path)) as [string, vscode.FileType][];
      // A folder the Explorer shows: a recursive watch above it polls it.
      this.watchers?.listed(uri.authority, path);
      return entries;
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.call(uri, (site, path) => site.createDirectory(path));
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.call(uri, (site, path) => this.sayRefused(path, () =>
      // What VS Code reads on its own (.vscode/settings.json, launch.json, ... of a workspace folder) gets no
      // progress: right after a window reload the login alone takes over a second, and "Downloading launch.json"
      // toasts for files that are not there are noise.
      isProbe(path) ? site.readFile(path) : this.askFirst(uri, site, path).then(() =>
        withTransferProgress(vscode.l10n.t('Downloading {0} from {1}', baseName(path), site.name), undefined, (p) =>
          site.readFile(path, { signal: p.signal, onProgress: (n) => p.bytes(n) }),
        ),
      ),
    ));
  }

  /** A large file is asked about before any byte of it is downloaded (largeFilePrompt.ts). */
  private async askFirst(uri: vscode.Uri, site: Site, path: string): Promise<void> {
    await this.largeFiles?.check(uri, site, path);
  }

  /**
   * A file the server refuses to read: VS Code's editor says only "could not be opened due to an unexpected
   * error" for any error but "not found", so the server's reply is said in a notification as well.
   */
  private async sayRefused<T>(path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof FsError && err.kind === 'NoPermissions' && !isProbe(path)) {
        void vscode.window.showErrorMessage(err.message, vscode.l10n.t('Show Log')).then((c) => c && this.log.show());
      }
      throw err;
    }
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): Promise<void> {
    return this.call(uri, async (site, path) => {
      const save = (force: boolean) =>
        withTransferProgress(vscode.l10n.t('Uploading {0} to {1}', baseName(path), site.name), content.byteLength, (p) =>
          site.writeFile(path, content, { create: options.create, overwrite: options.overwrite }, {
            signal: p.signal,
            onProgress: (n) => p.bytes(n),
            force,
          }),
        );
      try {
        await save(false);
      } catch (err) {
        // Someone else changed the file since it was opened, and VS Code's own check did not see it: ask.
        if (!(err instanceof SaveConflict) || !this.conflicts) throw err;
        const answer = await this.conflicts.ask(uri, site, err);
        if (answer !== true) throw new FsError('Unknown', answer.message, true);
        await save(true);
      }
    });
  }

  delete(uri: vscode.Uri, options: { readonly recursive: boolean }): Promise<void> {
    return this.call(uri, (site, path) => site.delete(path, { recursive: options.recursive }));
  }

  /** A move between two connections is a copy, checked (size), then the original deleted (src/remote/copy.ts). */
  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return this.call(oldUri, async (site, path) => {
      const target = this.sites.resolve(newUri.authority);
      const to = normalizePath(newUri.path);
      if (target === site) return site.rename(path, to, { overwrite: options.overwrite });
      const title = vscode.l10n.t('Moving {0} to {1}', baseName(path), target.name);
      if (this.transfers) {
        await runQueued(this.transfers, title, [{ spec: { kind: 'move', site: site.name, from: path, toSite: target.name, to, overwrite: options.overwrite } }]);
        return;
      }
      await withTransferProgress(title, undefined, (p) =>
        moveBetween(site, path, target, to, { overwrite: options.overwrite, signal: p.signal, onBytes: (n) => p.bytes(n) }),
      );
    });
  }

  /**
   * VS Code's own copy of ftp: files and folders (the Explorer's copy and paste, workspace.fs.copy): FTP has no copy
   * on the server, so the bytes go down and up again through a local file (src/remote/copy.ts), within a connection
   * or between two.
   */
  copy(source: vscode.Uri, destination: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return this.call(source, async (site, path) => {
      const target = this.sites.resolve(destination.authority);
      const to = normalizePath(destination.path);
      const title = vscode.l10n.t('Copying {0} to {1}', baseName(path), target.name);
      if (this.transfers) {
        await runQueued(this.transfers, title, [{ spec: { kind: 'copy', site: site.name, from: path, toSite: target.name, to, overwrite: options.overwrite } }]);
        return;
      }
      await withTransferProgress(title, undefined, (p) =>
        copyPath(site, path, target, to, { overwrite: options.overwrite, signal: p.signal, onBytes: (n) => p.bytes(n) }),
      );
    });
  }

  /** Resolve the site of `uri`, run `fn`, and turn any error into the matching vscode.FileSystemError. */
  private async call<T>(uri: vscode.Uri, fn: (site: Site, path: string) => Promise<T>): Promise<T> {
    let site: Site | undefined;
    try {
      site = this.sites.resolve(uri.authority);
      const path = normalizePath(uri.path);
      if (isProbe(path) && !site.connected && !(await this.mayConnectFor(site))) {
        // What VS Code looks for by itself (.mcp.json, .vscode/settings.json, ...) never asks for a password nor
        // reconnects a connection the user disconnected: to VS Code it is not there.
        throw new FsError('FileNotFound', `${path}: not looked up (${site.name} is not connected)`, true);
      }
      return await fn(site, path);
    } catch (err) {
      throw this.toVscodeError(err, uri, site);
    }
  }

  private async mayConnectFor(site: Site): Promise<boolean> {
    if (site.disconnectedByUser) return false;
    return this.logsInUnasked ? this.logsInUnasked(site) : true;
  }

  private toVscodeError(err: unknown, uri: vscode.Uri, site?: Site): Error {
    const fe = err instanceof FsError ? err : new FsError('Unknown', `${uri.path}: ${err instanceof Error ? err.message : String(err)}`);
    const expected = fe.quiet || fe.kind === 'FileNotFound' || fe.kind === 'FileExists' || fe.kind === 'Cancelled';
    if (!expected) this.log.error(site?.name ?? maskUrlPassword(uri.authority), fe.message);
    return toFileSystemError(fe);
  }

  private fire(site: Site, changes: Change[]): void {
    const events: vscode.FileChangeEvent[] = [];
    for (const authority of site.authorities) {
      for (const c of changes) {
        events.push({ type: CHANGE_TYPE[c.type], uri: vscode.Uri.from({ scheme: SCHEME, authority, path: c.path }) });
      }
    }
    if (events.length) this.emitter.fire(events);
  }

  dispose(): void {
    this.unsubscribe();
    this.emitter.dispose();
  }
}

const CHANGE_TYPE: Record<Change['type'], vscode.FileChangeType> = {
  created: vscode.FileChangeType.Created,
  changed: vscode.FileChangeType.Changed,
  deleted: vscode.FileChangeType.Deleted,
};

export function toFileStat(s: Stat): vscode.FileStat {
  return {
    type: s.type as vscode.FileType,
    size: s.size,
    mtime: s.mtime,
    ctime: s.ctime,
    permissions: s.readonly ? vscode.FilePermission.Readonly : undefined,
  };
}

export function toFileSystemError(fe: FsError): vscode.FileSystemError {
  switch (fe.kind) {
    case 'FileNotFound':
      return vscode.FileSystemError.FileNotFound(fe.message);
    case 'FileExists':
      return vscode.FileSystemError.FileExists(fe.message);
    case 'FileNotADirectory':
      return vscode.FileSystemError.FileNotADirectory(fe.message);
    case 'FileIsADirectory':
      return vscode.FileSystemError.FileIsADirectory(fe.message);
    case 'NoPermissions':
      return vscode.FileSystemError.NoPermissions(fe.message);
    case 'Unavailable':
    case 'Cancelled':
      return vscode.FileSystemError.Unavailable(fe.message);
    default:
      return new vscode.FileSystemError(fe.message);
  }
}
