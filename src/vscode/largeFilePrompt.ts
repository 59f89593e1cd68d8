/**
 * Asking before a large remote file is opened (ftpExplorer.askBeforeOpeningLargerThan, MiB): Open, Download to...
 * (a job of the Transfers view, the file not opened) or Cancel, before any byte is transferred.
 *
 * VS Code has a question of its own for files above workbench.editorLargeFileConfirmation: it reads the file
 * while it checks the size (the read and the check start together, so that read is not ours to stop) and then
 * asks "Open Anyway", whose second read is answered from the bytes just read (src/remote/recentReads.ts). A file
 * above that threshold is left to VS Code's question: asking ours as well would ask twice for the same thing.
 * After Open, VS Code's further reads of the same version of the file (its binary check, a reopen) are not asked
 * about again for RECENT_READ_MS.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../remote/bytes';
import { FsError } from '../remote/fsErrors';
import { RECENT_READ_MS } from '../remote/recentReads';
import { FileType, type Site } from '../remote/site';
import type { TransferQueue } from '../remote/transferQueue';
import { baseName } from '../remote/uri';
import { TRANSFERS_VIEW } from './transfersView';

const MIB = 1024 * 1024;

export class LargeFilePrompt {
  /** Versions of files the person chose to open, with when. */
  private readonly agreed = new Map<string, number>();
  /** Questions on screen, so reads of one file at once ask once. */
  private readonly asking = new Map<string, Promise<void>>();

  constructor(
    private readonly transfers: TransferQueue,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when `path` may be read; throws a quiet FsError (the editor says it) when not. */
  async check(uri: vscode.Uri, site: Site, path: string): Promise<void> {
    const limit = askLimit();
    if (limit === undefined) return;
    // The listing's entry gives a file's size. A stat would also ask a LIST server the file's time to the second
    // (MDTM, for VS Code's save), on a connection of its own and a round trip before the download, which asks it in
    // the same write as its data connection's request (src/remote/preciseTime.ts). A link is looked at as stat does.
    const entry = await site.lookup(path);
    const st = entry?.type === 'file' && entry.size !== undefined
      ? { type: FileType.File, size: entry.size, mtime: entry.mtimeMs ?? 0 }
      : await site.stat(path);
    if ((st.type & FileType.Directory) !== 0 || st.size <= limit || st.size > vscodeLimit(uri)) return;
    const key = `${site.name}\0${path}\0${st.size}\0${st.mtime}`;
    const at = this.agreed.get(key);
    if (at !== undefined && this.now() - at < RECENT_READ_MS) return;
    if (site.recentReads.get(path, await site.lookup(path))) return; // no byte to move
    let q = this.asking.get(key);
    if (!q) {
      q = this.ask(uri, site, path, st.size).finally(() => this.asking.delete(key));
      this.asking.set(key, q);
    }
    await q;
    this.agreed.set(key, this.now());
  }

  private async ask(uri: vscode.Uri, site: Site, path: string, size: number): Promise<void> {
    const name = baseName(path);
    const OPEN = vscode.l10n.t('Open');
    const SAVE = vscode.l10n.t('Download to...');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('"{0}" is {1}. Opening it downloads all of it first.', name, formatBytes(size)),
      { modal: true, detail: vscode.l10n.t('Download to... saves it in a local folder instead, in the Transfers view.') },
      OPEN,
      SAVE,
    );
    if (pick === OPEN) return;
    // Not opened: the editor that was opening it goes (rather than stay with "an unexpected error").
    await closeEditorsOf(uri);
    if (pick === SAVE) {
      const folder = (
        await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: vscode.l10n.t('Download Here') })
      )?.[0]?.fsPath;
      if (folder) {
        const { done } = this.transfers.add({ kind: 'download', site: site.name, remote: path, localDir: folder });
        done.then(undefined, () => undefined); // a failure stays listed in the view
        void vscode.commands.executeCommand(`${TRANSFERS_VIEW}.focus`);
        throw new FsError('Cancelled', vscode.l10n.t('Not opened: {0} is being downloaded to {1} (see the Transfers view).', name, folder), true);
      }
    }
    throw new FsError('Cancelled', vscode.l10n.t('Not opened: {0} is {1}.', name, formatBytes(size)), true);
  }
}

async function closeEditorsOf(uri: vscode.Uri): Promise<void> {
  const key = uri.toString();
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key);
  if (tabs.length) await vscode.window.tabGroups.close(tabs).then(undefined, () => undefined);
}

/** The setting in bytes; undefined when it is 0 (never ask). */
function askLimit(): number | undefined {
  const mib = vscode.workspace.getConfiguration('ftpExplorer').get<number>('askBeforeOpeningLargerThan', 50);
  return typeof mib === 'number' && mib > 0 ? mib * MIB : undefined;
}

/** Where VS Code asks on its own (workbench.editorLargeFileConfirmation, MB; its default is 50 in a browser, 1024 elsewhere). */
function vscodeLimit(uri: vscode.Uri): number {
  const mb = vscode.workspace.getConfiguration('workbench', uri).get<number>('editorLargeFileConfirmation');
  if (typeof mb === 'number' && mb > 0) return mb * MIB;
  return (vscode.env.uiKind === vscode.UIKind.Web ? 50 : 1024) * MIB;
}
