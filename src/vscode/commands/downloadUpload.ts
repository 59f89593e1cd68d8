/** `ftpExplorer.download` and `ftpExplorer.upload`: files and whole folders, with progress and Cancel. */
import * as vscode from 'vscode';
import { formatBytes } from '../../remote/bytes';
import { withTransferProgress } from '../progress';
import { downloadTo } from '../../remote/download';
import { localSize, type TransferResult } from '../../remote/transfers';
import { uploadTo } from '../../remote/upload';
import { baseName } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { folderOf, targetOf, type Target } from './targets';

export async function download(d: CommandDeps, arg: Target, second?: unknown): Promise<TransferResult | undefined> {
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
  const total: TransferResult = { files: 0, folders: 0, bytes: 0, skipped: [], links: [] };
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
      total.links.push(...r.links);
    }
  });
  const skipped =
    (total.skipped.length ? ` Skipped ${total.skipped.length} name(s) that cannot be local files.` : '') +
    (total.links.length ? ` Did not follow ${total.links.length} link(s) to folders (${total.links.slice(0, 3).join(', ')}${total.links.length > 3 ? ', ...' : ''}).` : '');
  void vscode.window
    .showInformationMessage(`Downloaded ${total.files} file(s), ${formatBytes(total.bytes)}, to ${folder}.${skipped}`, 'Open Folder')
    .then((c) => c && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder)));
  return total;
}

export async function upload(d: CommandDeps, arg: Target, files?: (vscode.Uri | string)[]): Promise<TransferResult | undefined> {
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
