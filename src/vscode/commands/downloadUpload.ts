/**
 * `ftpExplorer.download` and `ftpExplorer.upload`: files and whole folders, as jobs of the transfer queue (the
 * Transfers view; one per item), with progress and Cancel. A file
 * that exists where one would be written is replaced, kept or asked about by the `overwrite` option (see
 * overwritePrompt.ts): from the tree or the palette it is asked; with plain arguments it defaults to 'none'
 * (nothing is replaced unasked), and the result's `kept` lists what was left as it was.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../../remote/bytes';
import { localSize, type TransferResult } from '../../remote/transfers';
import { runQueued } from '../queuedTransfers';
import { baseName } from '../../remote/uri';
import { isOverwriteRule, onExisting, type OverwriteRule } from '../overwritePrompt';
import type { CommandDeps } from './deps';
import { folderOf, isNode, targetOf, uriOf, type Target } from './targets';

/** The last argument of both commands. */
export interface TransferOptions {
  overwrite?: OverwriteRule;
}

/** The overwrite rule of a command: given, or asked from the tree and the palette, or 'none' with plain arguments. */
function ruleOf(arg: Target, opts: unknown): OverwriteRule {
  const given = opts && typeof opts === 'object' ? (opts as TransferOptions).overwrite : undefined;
  if (given !== undefined && !isOverwriteRule(given)) throw new Error(vscode.l10n.t("overwrite must be 'all', 'none' or 'ask', not {0}", JSON.stringify(given)));
  return given ?? (arg === undefined || isNode(arg) ? 'ask' : 'none');
}

export async function download(d: CommandDeps, arg: Target, second?: unknown, opts?: unknown): Promise<TransferResult | undefined> {
  const rule = ruleOf(arg, opts);
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
      openLabel: vscode.l10n.t('Download Here'),
      title: vscode.l10n.t('Download {0} to', targets.length === 1 ? baseName(targets[0].path) || targets[0].site.name : vscode.l10n.t('{0} items', targets.length)),
    });
    local = picked?.[0]?.fsPath;
  }
  if (!local) return undefined;
  const folder = local;
  // One for all the items: an answer for all files holds for the items after this one too.
  const existing = onExisting(rule, uriOf, targets.length > 1);
  const total = await runQueued(
    d.transfers,
    vscode.l10n.t('Downloading to {0}', folder),
    targets.map((t) => ({ spec: { kind: 'download', site: t.site.name, remote: t.path, localDir: folder }, onExisting: (f) => existing(t.site, f) })),
  );
  const skipped =
    kept(total) +
    (total.skipped.length ? ` ${vscode.l10n.t('Skipped {0} name(s) that cannot be local files.', total.skipped.length)}` : '') +
    (total.links.length
      ? ` ${vscode.l10n.t('Did not follow {0} link(s) to folders ({1}).', total.links.length, `${total.links.slice(0, 3).join(', ')}${total.links.length > 3 ? ', ...' : ''}`)}`
      : '');
  void vscode.window
    .showInformationMessage(`${vscode.l10n.t('Downloaded {0} file(s), {1}, to {2}.', total.files, formatBytes(total.bytes), folder)}${skipped}`, vscode.l10n.t('Open Folder'))
    .then((c) => c && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder)));
  return total;
}

export async function upload(d: CommandDeps, arg: Target, files?: (vscode.Uri | string)[], opts?: unknown): Promise<TransferResult | undefined> {
  const rule = ruleOf(arg, opts);
  const dir = await folderOf(d, arg);
  let paths = files?.map((f) => (f instanceof vscode.Uri ? f.fsPath : f));
  if (!paths || paths.length === 0) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: process.platform === 'darwin',
      canSelectMany: true,
      openLabel: vscode.l10n.t('Upload'),
      title: vscode.l10n.t('Upload to {0}: {1}', dir.site.name, dir.path),
    });
    paths = picked?.map((u) => u.fsPath);
  }
  if (!paths || paths.length === 0) return undefined;
  const list = paths;
  const size = await localSize(list);
  const existing = onExisting(rule, uriOf, list.length > 1);
  const result = await runQueued(
    d.transfers,
    vscode.l10n.t('Uploading to {0}: {1}', dir.site.name, dir.path),
    [{ spec: { kind: 'upload', site: dir.site.name, locals: list, remoteDir: dir.path }, onExisting: (f) => existing(dir.site, f) }],
    size,
  );
  void vscode.window.setStatusBarMessage(`${vscode.l10n.t('FTP: uploaded {0} file(s), {1}.', result.files, formatBytes(result.bytes))}${kept(result)}`, 5000);
  return result;
}

function kept(r: TransferResult): string {
  return r.kept.length ? ` ${vscode.l10n.t('Kept {0} existing file(s) as they were.', r.kept.length)}` : '';
}
