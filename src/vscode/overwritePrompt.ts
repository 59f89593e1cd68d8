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
      if (pick !== 'Compare') return ANSWERS.get(pick) ?? 'cancel';
      await compare(f, remoteUri(siteOf.get(f)!, f.remote));
    }
  });
  return (site, f) => {
    siteOf.set(f, site);
    return asked(f);
  };
}

const OVERWRITE_ALL = 'Overwrite All';
const SKIP_ALL = 'Skip All';
/** The buttons; Cancel (the dialog's own, or Escape) answers undefined. */
const ANSWERS = new Map<string | undefined, OverwriteChoice>([
  ['Overwrite', 'overwrite'],
  ['Skip', 'skip'],
  [OVERWRITE_ALL, 'overwrite-all'],
  [SKIP_ALL, 'skip-all'],
]);

function ask(f: ExistingFile, offerAll: boolean): Thenable<string | undefined> {
  const down = f.direction === 'download';
  const name = down ? nodePath.basename(f.local) : baseName(f.remote);
  const where = down ? nodePath.dirname(f.local) : `the server's ${parentPath(f.remote)}`;
  const what = [f.size !== undefined ? formatBytes(f.size) : undefined, f.mtime ? `modified ${new Date(f.mtime).toLocaleString()}` : undefined].filter(Boolean).join(', ');
  const message = `"${name}" exists in ${where}. Replace it with the ${down ? 'file from the server' : 'local file'}?`;
  const detail = `${down ? 'The local file' : 'The file on the server'}${what ? ` (${what})` : ''} would be replaced. Compare opens both side by side; Skip keeps it.`;
  const buttons = ['Overwrite', 'Skip', 'Compare', ...(offerAll ? [OVERWRITE_ALL, SKIP_ALL] : [])];
  return vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
}

/** The file that would be replaced on the left, the one that would replace it on the right. */
async function compare(f: ExistingFile, remote: vscode.Uri): Promise<void> {
  const local = vscode.Uri.file(f.local);
  const [left, right] = f.direction === 'download' ? [local, remote] : [remote, local];
  const name = nodePath.basename(f.local);
  const title = f.direction === 'download' ? `${name} (local) ↔ ${name} (server)` : `${name} (server) ↔ ${name} (local)`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}
