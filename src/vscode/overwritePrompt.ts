/**
 * What a download or upload does with a file that exists where it would write: the `overwrite` rule of the
 * commands, and for 'ask' the question: Overwrite, Skip, Compare (VS Code's diff editor, then the question again),
 * with answers for all files when several are involved. Cancel is the dialog's own button (and Escape).
 */
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../remote/bytes';
import { answersForAll, type ExistingFile, type OverwriteAnswer, type OverwriteChoice } from '../remote/transfers';
import { baseName, parentPath } from '../remote/uri';

/** 'all': replace every file that exists; 'none': keep them all; 'ask': ask for each (or once for all). */
export type OverwriteRule = 'all' | 'none' | 'ask';

export function isOverwriteRule(x: unknown): x is OverwriteRule {
  return x === 'all' || x === 'none' || x === 'ask';
}

/**
 * TransferContext.onExisting for `rule`, for all the items of one command (an answer for all holds for each):
 * called with the item's site `S`, whose ftp: URIs `remoteUri` makes (for Compare). `many`: the command moves
 * several items, so an answer for all is offered even for single files.
 */
export function onExisting<S>(rule: OverwriteRule, remoteUri: (site: S, path: string) => vscode.Uri, many: boolean): (site: S, f: ExistingFile) => Promise<OverwriteAnswer> {
  if (rule === 'all') return async () => 'overwrite';
  if (rule === 'none') return async () => 'skip';
  const siteOf = new WeakMap<ExistingFile, S>();
  const asked = answersForAll(async (f) => {
    for (;;) {
      const pick = await ask(f, many || f.oneOfMany);
      if (pick !== vscode.l10n.t('Compare')) return answers().get(pick) ?? 'cancel';
      await compare(f, remoteUri(siteOf.get(f)!, f.remote));
    }
  });
  return (site, f) => {
    siteOf.set(f, site);
    return asked(f);
  };
}

/** The buttons, by their text in the display language; Cancel (the dialog's own, or Escape) answers undefined. */
function answers(): Map<string | undefined, OverwriteChoice> {
  return new Map<string | undefined, OverwriteChoice>([
    [vscode.l10n.t('Overwrite'), 'overwrite'],
    [vscode.l10n.t('Skip'), 'skip'],
    [vscode.l10n.t('Overwrite All'), 'overwrite-all'],
    [vscode.l10n.t('Skip All'), 'skip-all'],
  ]);
}

function ask(f: ExistingFile, offerAll: boolean): Thenable<string | undefined> {
  const down = f.direction === 'download';
  const name = down ? nodePath.basename(f.local) : baseName(f.remote);
  const what = [f.size !== undefined ? formatBytes(f.size) : undefined, f.mtime ? vscode.l10n.t('modified {0}', new Date(f.mtime).toLocaleString()) : undefined]
    .filter(Boolean)
    .join(', ');
  const message = down
    ? vscode.l10n.t('"{0}" exists in {1}. Replace it with the file from the server?', name, nodePath.dirname(f.local))
    : vscode.l10n.t('"{0}" exists in the server\'s {1}. Replace it with the local file?', name, parentPath(f.remote));
  const detail = down
    ? what
      ? vscode.l10n.t('The local file ({0}) would be replaced. Compare opens both side by side; Skip keeps it.', what)
      : vscode.l10n.t('The local file would be replaced. Compare opens both side by side; Skip keeps it.')
    : what
      ? vscode.l10n.t('The file on the server ({0}) would be replaced. Compare opens both side by side; Skip keeps it.', what)
      : vscode.l10n.t('The file on the server would be replaced. Compare opens both side by side; Skip keeps it.');
  const buttons = [
    vscode.l10n.t('Overwrite'),
    vscode.l10n.t('Skip'),
    vscode.l10n.t('Compare'),
    ...(offerAll ? [vscode.l10n.t('Overwrite All'), vscode.l10n.t('Skip All')] : []),
  ];
  return vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
}

/** The file that would be replaced on the left, the one that would replace it on the right. */
async function compare(f: ExistingFile, remote: vscode.Uri): Promise<void> {
  const local = vscode.Uri.file(f.local);
  const [left, right] = f.direction === 'download' ? [local, remote] : [remote, local];
  const name = nodePath.basename(f.local);
  const title = f.direction === 'download' ? vscode.l10n.t('{0} (local) ↔ {0} (server)', name) : vscode.l10n.t('{0} (server) ↔ {0} (local)', name);
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}
