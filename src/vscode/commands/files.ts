/** The commands on files and folders: Refresh, New File, New Folder, Rename, Delete, Copy URI, Open in Workspace. */
import * as vscode from 'vscode';
import { FsError } from '../../remote/fsErrors';
import { ConnectionNode, EntryNode, MessageNode } from '../tree';
import { baseName, joinPath, normalizePath, parentPath } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { isKeyboard, selectedItems, singleItem, type KEYBOARD } from './selection';
import { folderOf, isNode, siteOf, targetOf, uriOf, type Target } from './targets';
import { rememberOpening } from '../workspaceOpening';


export async function refresh(d: CommandDeps, arg?: Target): Promise<void> {
  // Refresh (and Retry on an error in the tree) is the user asking again: a declined certificate is asked about again.
  for (const s of arg === undefined ? d.sites.all() : [siteOf(d, arg)]) if (s) d.trust.allowAsking(s.config);
  if (arg === undefined) {
    for (const s of d.sites.all()) s.cache.clear();
    d.tree.refresh();
    return;
  }
  if (arg instanceof ConnectionNode) {
    const site = d.sites.resolve(arg.name);
    site.cache.clear();
    d.tree.refresh(arg);
    return;
  }
  const node = arg instanceof MessageNode ? arg.parent : arg;
  const t = await folderOf(d, node);
  t.site.cache.invalidate(t.path);
  if (node instanceof EntryNode) d.tree.refresh(node.isDir ? node : node.parent);
  else d.tree.refresh();
}

export async function newEntry(d: CommandDeps, arg: Target, name: string | undefined, folder: boolean): Promise<string | undefined> {
  const dir = await folderOf(d, arg);
  if (dir.site.readOnly) throw new Error(vscode.l10n.t('"{0}" is read-only. Set "readOnly": false in ftpExplorer.connections to change files.', dir.site.name));
  const n =
    name ??
    (await vscode.window.showInputBox({
      title: folder ? vscode.l10n.t('New Folder') : vscode.l10n.t('New File'),
      prompt: folder ? vscode.l10n.t('Name of the new folder in {0}', dir.path) : vscode.l10n.t('Name of the new file in {0}', dir.path),
      ignoreFocusOut: true,
      validateInput: validName,
    }));
  if (!n) return undefined;
  const bad = validName(n);
  if (bad) throw new Error(bad);
  const path = joinPath(dir.path, n.trim());
  if (folder) await dir.site.createDirectory(path);
  else await dir.site.writeFile(path, new Uint8Array(0), { create: true, overwrite: false });
  const uri = uriOf(dir.site, path);
  if (!folder && name === undefined) await vscode.commands.executeCommand('vscode.open', uri);
  return uri.toString();
}

function validName(v: string): string | undefined {
  const n = v.trim();
  if (!n) return vscode.l10n.t('Enter a name.');
  if (n === '.' || n === '..' || /[/\r\n\0]/.test(n)) return vscode.l10n.t('A name cannot be . or .. or contain / or line breaks.');
  return undefined;
}

export async function rename(d: CommandDeps, given: Target | typeof KEYBOARD, newName?: string): Promise<string | undefined> {
  const arg = await singleItem(d, given);
  const t = await targetOf(d, arg);
  if (t.path === '/') throw new Error(vscode.l10n.t('The root folder cannot be renamed.'));
  const old = baseName(t.path);
  const dot = old.lastIndexOf('.');
  const n =
    newName ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Rename'),
      prompt: vscode.l10n.t('New name for {0}', t.path),
      value: old,
      valueSelection: [0, dot > 0 && !t.isDir ? dot : old.length],
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().startsWith('/') ? undefined : validName(v)),
    }));
  if (!n || n === old) return undefined;
  const to = n.trim().startsWith('/') ? normalizePath(n.trim()) : joinPath(parentPath(t.path), n.trim());
  try {
    await t.site.rename(t.path, to, { overwrite: false });
  } catch (err) {
    if (!(err instanceof FsError && err.kind === 'FileExists' && isNode(arg))) throw err;
    const replace = vscode.l10n.t('Replace');
    const ok = await vscode.window.showWarningMessage(vscode.l10n.t('{0} exists already. Replace it?', to), { modal: true }, replace);
    if (ok !== replace) return undefined;
    await t.site.rename(t.path, to, { overwrite: true });
  }
  return uriOf(t.site, to).toString();
}

export async function remove(d: CommandDeps, given: Target | typeof KEYBOARD, selection?: unknown): Promise<number> {
  const items = await selectedItems(d, given, selection);
  const arg = isKeyboard(given) ? undefined : given;
  const targets = await Promise.all(items.map((i) => targetOf(d, i)));
  if (items.some((i) => i instanceof ConnectionNode) || targets.some((t) => t.path === '/')) {
    throw new Error(vscode.l10n.t('A connection\'s root folder cannot be deleted here. To forget the connection, use "FTP: Remove Connection".'));
  }
  if (targets.length === 0) return 0;
  if (isNode(arg) || arg === undefined) {
    const where = targets[0].site.name;
    const one = targets[0];
    const question =
      targets.length > 1
        ? vscode.l10n.t('Delete {0} items on "{1}"?', targets.length, where)
        : one.isDir
          ? vscode.l10n.t('Delete "{0}" and everything in it on "{1}"?', baseName(one.path), where)
          : vscode.l10n.t('Delete "{0}" on "{1}"?', baseName(one.path), where);
    const del = vscode.l10n.t('Delete');
    const ok = await vscode.window.showWarningMessage(
      question,
      // Several items: their names, so a selection that is not what the user meant is seen before it is too late.
      { modal: true, detail: `${targets.length > 1 ? `${listNames(targets.map((t) => baseName(t.path)))}\n\n` : ''}${vscode.l10n.t('This cannot be undone.')}` },
      del,
    );
    if (ok !== del) return 0;
  }
  let n = 0;
  for (const t of targets) {
    await t.site.delete(t.path, { recursive: true });
    n++;
  }
  return n;
}

export async function copyUri(d: CommandDeps, arg: Target): Promise<string> {
  const t = await targetOf(d, arg);
  const text = t.uri.toString();
  await vscode.env.clipboard.writeText(text);
  return text;
}

export async function openInWorkspace(d: CommandDeps, arg: Target): Promise<boolean> {
  const t = await folderOf(d, arg);
  const uri = t.uri;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.some((f) => f.uri.toString() === uri.toString())) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is in the workspace already.', uri.toString(true)));
    return false;
  }
  const name = t.path === '/' ? t.site.name : `${t.site.name}: ${t.path}`;
  // From a single-folder window VS Code reloads into a new workspace: what it should hold is kept for after.
  if (!vscode.workspace.workspaceFile && d.opening) await rememberOpening(d.opening, { uri, name });
  const ok = vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri, name });
  if (!ok) throw new Error(vscode.l10n.t('Could not add {0} to the workspace. Try again when the workspace has finished loading.', uri.toString(true)));
  return true;
}

/** Up to ten names, one per line, and how many more. */
function listNames(names: string[]): string {
  const shown = names.slice(0, 10).join('\n');
  return names.length > 10 ? `${shown}\n${vscode.l10n.t('... and {0} more', names.length - 10)}` : shown;
}
