/**
 * Open in Workspace from a single-folder window: VS Code makes an untitled workspace of the folder and the remote
 * one and reloads the window into it. Now and then (VS Code 1.139's web workbench; about one reload in twenty in
 * the UI test) the window comes back as that workspace with no folders, "No Folder Opened", although the
 * workspace file lists both: it was read before it was written. The folders asked for are kept in globalState
 * before the reload; after it, a workspace that came back empty gets them once more (a workspace adds folders
 * without a reload). An hour-old record, or a window with folders, just drops it.
 */
import * as vscode from 'vscode';

const KEY = 'ftpExplorer.openingWorkspace';
/** Long enough for a slow reload, short enough not to touch a workspace opened much later. */
const MAX_AGE_MS = 2 * 60 * 1000;

interface Opening {
  at: number;
  folders: { uri: string; name?: string }[];
}

/** Before adding `added` to a single-folder window (which reloads it): remember what the workspace should hold. */
export async function rememberOpening(state: vscode.Memento, added: { uri: vscode.Uri; name?: string }): Promise<void> {
  const now = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
  const opening: Opening = { at: Date.now(), folders: [...now, { uri: added.uri.toString(), name: added.name }] };
  await state.update(KEY, opening);
}

/** At activation: put the folders back into a workspace that came back empty from the reload, once. */
export async function finishOpening(state: vscode.Memento, log: (text: string) => void): Promise<void> {
  const opening = state.get<Opening>(KEY);
  if (!opening) return;
  await state.update(KEY, undefined);
  const empty = (vscode.workspace.workspaceFolders ?? []).length === 0;
  const untitled = vscode.workspace.workspaceFile?.scheme === 'untitled';
  if (!empty || !untitled || Date.now() - opening.at > MAX_AGE_MS) return;
  log(`Open in Workspace: the window came back without its folders; adding ${opening.folders.map((f) => f.uri).join(', ')} again`);
  vscode.workspace.updateWorkspaceFolders(0, 0, ...opening.folders.map((f) => ({ uri: vscode.Uri.parse(f.uri), name: f.name })));
}
