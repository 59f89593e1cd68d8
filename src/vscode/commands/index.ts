/**
 * The `ftpExplorer.*` commands. Every command also takes plain arguments, so tests (and other extensions) can
 * run it without any prompt; prompts and confirmations are only shown for what is missing, and confirmations
 * only when the command comes from the tree (its argument is a tree node). Called with plain arguments, a
 * command rejects on failure instead of showing a notification.
 */
import * as vscode from 'vscode';
import { FtpDataConnectionError, FtpError, FtpReplyError, type DataMode } from '../../ftp';
import { FsError } from '../../remote/fsErrors';
import { REPORT_SCHEME, ReportDocuments } from '../reportDocuments';
import { addConnection, type AddConnectionArgs } from './addConnection';
import { trustCertificate, type CertificateArg } from './certificate';
import { connect, disconnect } from './connect';
import type { CommandDeps } from './deps';
import { diagnose, type DiagnoseArg } from './diagnose';
import { download, upload } from './downloadUpload';
import { copyItems, paste, type PasteOptions } from './clipboard';
import { copyUri, newEntry, openInWorkspace, refresh, remove, rename } from './files';
import { compareWithServer, linkFolder, type LinkFolderArgs } from './folderLinks';
import { syncFolder, type SyncFolderArgs } from './syncFolder';
import { uploadChangedFiles, type UploadChangedArgs } from './uploadChanged';
import { FolderComparison } from '../compareView';
import { switchMode } from './mode';
import { setEncoding } from './encoding';
import { changePermissions } from './permissions';
import { importFileZilla, type ImportFileZillaArgs } from './importFileZilla';
import { editConnections, removeConnection } from './savedConnections';
import { isKeyboard, type KEYBOARD } from './selection';
import { findFiles, searchInFiles, type FindArgs } from './search';
import { isNode, type Target } from './targets';

export type { AddConnectionArgs } from './addConnection';
export type { CommandDeps } from './deps';
export type { DiagnosisResult } from './diagnose';
export type { Target } from './targets';

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  /**
   * From the palette or the tree (no argument or a tree node) a failure is shown by `onUiError`; with plain
   * arguments the command rejects.
   */
  // Each command's own parameter types: VS Code calls commands with whatever arguments it was given.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const reg = (id: string, fn: (...args: any[]) => Promise<unknown>, onUiError: (err: unknown) => Promise<void> | void = (err) => void showError(d, err)) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const fromUi = args.length === 0 || args[0] === undefined || isNode(args[0]) || isKeyboard(args[0]);
        if (!fromUi) throw err;
        if (err instanceof FsError && err.kind === 'Cancelled') return undefined;
        await onUiError(err);
        return undefined;
      }
    });
  // The diagnosis and the certificate check wait for their error notification and offer only the log (the
  // diagnosis offers its own settings changes).
  const logOnly = (err: unknown) => showError(d, err, { switchMode: false });
  const docs = new ReportDocuments();
  const comparison = new FolderComparison(d);

  return [
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, docs),
    reg('ftpExplorer.addConnection', (arg?: AddConnectionArgs) => addConnection(d, arg)),
    reg('ftpExplorer.connect', (arg?: Target | { url?: string; name?: string; password?: string }) => connect(d, arg)),
    reg('ftpExplorer.disconnect', (arg?: Target) => disconnect(d, arg)),
    reg('ftpExplorer.editConnections', () => editConnections()),
    reg('ftpExplorer.removeConnection', (arg?: Target) => removeConnection(d, arg)),
    reg('ftpExplorer.switchMode', (arg?: Target | { name: string; mode?: DataMode }) => switchMode(d, arg)),
    reg('ftpExplorer.importFileZilla', (arg?: ImportFileZillaArgs) => importFileZilla(d, arg)),
    reg('ftpExplorer.setEncoding', (arg?: Target | { name: string; encoding?: string }) => setEncoding(d, arg)),
    reg('ftpExplorer.showLog', async () => d.log.show()),
    reg('ftpExplorer.diagnose', (arg?: DiagnoseArg) => diagnose(d, docs, arg), logOnly),
    reg('ftpExplorer.trustCertificate', (arg?: CertificateArg) => trustCertificate(d, arg), logOnly),
    reg('ftpExplorer.refresh', (arg?: Target) => refresh(d, arg)),
    reg('ftpExplorer.newFile', (arg?: Target, name?: string) => newEntry(d, arg, name, false)),
    reg('ftpExplorer.newFolder', (arg?: Target, name?: string) => newEntry(d, arg, name, true)),
    reg('ftpExplorer.rename', (arg?: Target | typeof KEYBOARD, newName?: string) => rename(d, arg, newName)),
    reg('ftpExplorer.delete', (arg?: Target | typeof KEYBOARD, selection?: unknown) => remove(d, arg, selection)),
    reg('ftpExplorer.download', (arg?: Target, second?: unknown, opts?: unknown) => download(d, arg, second, opts)),
    reg('ftpExplorer.upload', (arg?: Target, files?: (vscode.Uri | string)[], opts?: unknown) => upload(d, arg, files, opts)),
    reg('ftpExplorer.copyUri', (arg?: Target) => copyUri(d, arg)),
    reg('ftpExplorer.openInWorkspace', (arg?: Target) => openInWorkspace(d, arg)),
    reg('ftpExplorer.linkFolder', (folder?: vscode.Uri, args?: LinkFolderArgs | vscode.Uri[]) => linkFolder(d, folder, Array.isArray(args) ? {} : args)),
    comparison,
    reg('ftpExplorer.compareWithServer', async (file?: vscode.Uri, opts?: { byContent?: boolean } | vscode.Uri[]) =>
      file && (await isFolder(file)) ? comparison.open(file, !Array.isArray(opts) && opts?.byContent === true) : compareWithServer(d, file),
    ),
    reg('ftpExplorer.compare.upload', () => comparison.act('upload')),
    reg('ftpExplorer.compare.download', () => comparison.act('download')),
    reg('ftpExplorer.compare.sync', () => comparison.act('sync')),
    reg('ftpExplorer.compare.byContent', () => comparison.refresh(true)),
    reg('ftpExplorer.compare.refresh', () => comparison.refresh()),
    reg('ftpExplorer.compare.close', () => comparison.close()),
    reg('ftpExplorer.copy', (arg?: Target | typeof KEYBOARD, selection?: unknown) => copyItems(d, arg, selection, false)),
    reg('ftpExplorer.cut', (arg?: Target | typeof KEYBOARD, selection?: unknown) => copyItems(d, arg, selection, true)),
    reg('ftpExplorer.paste', (arg?: Target | typeof KEYBOARD, _selection?: unknown, opts?: PasteOptions) => paste(d, arg, opts)),
    reg('ftpExplorer.changePermissions', (arg?: Target, selection?: unknown, mode?: string | number, opts?: unknown) =>
      changePermissions(d, arg, selection, mode, opts as Parameters<typeof changePermissions>[4]),
    ),
    reg('ftpExplorer.findFiles', (arg?: Target | FindArgs) => findFiles(d, arg)),
    reg('ftpExplorer.searchInFiles', (arg?: Target | FindArgs) => searchInFiles(d, arg)),
    reg('ftpExplorer.syncFolder', (folder?: vscode.Uri, args?: SyncFolderArgs | vscode.Uri[]) => syncFolder(d, folder, Array.isArray(args) ? {} : args)),
    reg('ftpExplorer.uploadChangedFiles', (folder?: vscode.Uri, args?: UploadChangedArgs | vscode.Uri[]) => uploadChangedFiles(d, folder, Array.isArray(args) ? {} : args)),
  ];
}

async function showError(d: CommandDeps, err: unknown, opts: { switchMode?: boolean } = {}): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const dataProblem = opts.switchMode !== false && isDataConnectionError(err);
  const showLog = vscode.l10n.t('Show Log');
  const switchMode = vscode.l10n.t('Switch Mode');
  const actions = dataProblem ? [showLog, switchMode] : [showLog];
  const pick = await vscode.window.showErrorMessage(message, ...actions);
  if (pick === showLog) d.log.show();
  if (pick === switchMode) await vscode.commands.executeCommand('ftpExplorer.switchMode');
}

/** A data connection that could not be made (its kind, whatever the message's language), here or as a cause. */
function isDataConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof FtpDataConnectionError || (e instanceof FtpError && e.onDataConnection)) return true;
    if (e instanceof FtpReplyError && (e.code === 425 || e.code === 426)) return true;
  }
  return false;
}

async function isFolder(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return false;
  const st = await vscode.workspace.fs.stat(uri).then((x) => x, () => undefined);
  return st !== undefined && (st.type & vscode.FileType.Directory) !== 0;
}
