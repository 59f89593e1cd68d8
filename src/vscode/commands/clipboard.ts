/**
 * Copy, Cut and Paste in the FTP Explorer view (Ctrl+C / Ctrl+X / Ctrl+V while the view has focus, and the context
 * menu), as in VS Code's Explorer: pasting into the folder an item came from makes "name copy.ext"; onto a name
 * that exists elsewhere asks first. Within a connection a cut is a rename; between connections a copy, checked
 * (size) before the original is deleted (src/remote/copy.ts). The system clipboard gets the items' ftp: URIs.
 */
import * as vscode from 'vscode';
import { copyName, copyPath, moveBetween } from '../../remote/copy';
import { FsError } from '../../remote/fsErrors';
import type { Site } from '../../remote/site';
import { baseName, isUnder, joinPath } from '../../remote/uri';
import { withTransferProgress } from '../progress';
import type { CommandDeps } from './deps';
import { isKeyboard, selectedTargets, singleItem, type KEYBOARD } from './selection';
import { folderOf, isNode, uriOf, type Target } from './targets';

interface Clip {
  items: { site: Site; path: string }[];
  cut: boolean;
}

let clip: Clip | undefined;

/**
 * The copy or cut still finding its items. From the keyboard that takes a round trip to the workbench (the focused
 * row, selection.ts): a Ctrl+V pressed right after Ctrl+C waits for it instead of finding nothing to paste.
 */
let copying: Promise<unknown> = Promise.resolve();

/** Copy (or with `cut`, Cut) the item or the selection; returns their ftp: URIs. */
export function copyItems(d: CommandDeps, arg: Target | typeof KEYBOARD, selection: unknown, cut: boolean): Promise<string[]> {
  const done = copying.then(() => copyNow(d, arg, selection, cut));
  copying = done.catch(() => undefined);
  return done;
}

async function copyNow(d: CommandDeps, arg: Target | typeof KEYBOARD, selection: unknown, cut: boolean): Promise<string[]> {
  const targets = await selectedTargets(d, arg, selection);
  if (targets.length === 0) throw new Error(vscode.l10n.t('Select a file or folder in the FTP Explorer view first.'));
  if (targets.some((t) => t.path === '/')) throw new Error(vscode.l10n.t("A connection's root folder cannot be copied here: copy the folders in it."));
  if (cut) for (const t of targets) t.site.assertWritable(t.path);
  clip = { items: targets.map((t) => ({ site: t.site, path: t.path })), cut };
  await vscode.commands.executeCommand('setContext', 'ftpExplorer.canPaste', true);
  const uris = targets.map((t) => t.uri.toString());
  await vscode.env.clipboard.writeText(uris.join('\n'));
  // The Explorer shows nothing on a copy; here the keyboard finds the focused row itself, so say which it took.
  const what = targets.length === 1 ? `"${baseName(targets[0].path) || targets[0].site.name}"` : vscode.l10n.t('{0} items', targets.length);
  void vscode.window.setStatusBarMessage(cut ? vscode.l10n.t('FTP: cut {0}: paste it with Ctrl+V on a folder', what) : vscode.l10n.t('FTP: copied {0}: paste it with Ctrl+V on a folder', what), 5000);
  return uris;
}

export interface PasteOptions {
  /** What to do with a name that exists: replace it, or keep it (the item is skipped). Default from the UI: ask. */
  overwrite?: boolean;
}

/** Paste what was copied or cut into the folder of `arg` (a file: its folder). Returns the new items' ftp: URIs. */
export async function paste(d: CommandDeps, given: Target | typeof KEYBOARD, opts: PasteOptions = {}): Promise<string[]> {
  await copying;
  if (!clip) throw new Error(vscode.l10n.t('Nothing to paste: copy or cut files in the FTP Explorer view first (Ctrl+C, Ctrl+X).'));
  const arg = await singleItem(d, given);
  const dest = await folderOf(d, arg);
  dest.site.assertWritable(dest.path);
  const { items, cut } = clip;
  const fromUi = isNode(arg) || arg === undefined || isKeyboard(given);
  dest.site.cache.invalidate(dest.path);
  const taken = new Set((await dest.site.entries(dest.path)).map((e) => e.name));
  const done: string[] = [];
  const what = items.length === 1 ? baseName(items[0].path) : vscode.l10n.t('{0} items', items.length);
  const title = cut ? vscode.l10n.t('Moving {0} to {1}', what, dest.site.name) : vscode.l10n.t('Copying {0} to {1}', what, dest.site.name);
  await withTransferProgress(title, undefined, async (p) => {
    for (const item of items) {
      const same = item.site === dest.site;
      if (same && (isUnder(dest.path, item.path) || dest.path === item.path)) {
        throw new FsError('NoPermissions', vscode.l10n.t('Cannot paste {0} into itself', item.path));
      }
      let to = joinPath(dest.path, baseName(item.path));
      let overwrite = false;
      if (same && to === item.path) {
        if (cut) continue; // moved onto itself: nothing to do
        to = joinPath(dest.path, copyName(baseName(item.path), taken));
      } else if (taken.has(baseName(to))) {
        overwrite = opts.overwrite ?? (fromUi ? await askReplace(to, dest.site.name) : false);
        if (!overwrite) continue;
      }
      p.detail(baseName(item.path));
      const o = { overwrite, signal: p.signal, onBytes: (n: number) => p.bytes(n) };
      if (cut && same) await item.site.rename(item.path, to, { overwrite });
      else if (cut) await moveBetween(item.site, item.path, dest.site, to, o);
      else await copyPath(item.site, item.path, dest.site, to, o);
      taken.add(baseName(to));
      done.push(uriOf(dest.site, to).toString());
    }
  });
  if (cut) {
    clip = undefined;
    await vscode.commands.executeCommand('setContext', 'ftpExplorer.canPaste', false);
  }
  return done;
}

async function askReplace(to: string, site: string): Promise<boolean> {
  const replace = vscode.l10n.t('Replace');
  const pick = await vscode.window.showWarningMessage(vscode.l10n.t('{0} exists already on "{1}". Replace it?', to, site), { modal: true }, replace);
  return pick === replace;
}
