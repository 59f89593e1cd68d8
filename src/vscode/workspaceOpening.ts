/**
 * Open in Workspace from a single-folder window: VS Code makes an untitled workspace of the folder and the remote
 * one and reloads the window into it. Now and then (VS Code 1.139's web workbench; one reload in ten to twenty in
 * the UI test) the window comes back as that workspace with no folders, "No Folder Opened", although the
 * workspace file lists both: it was read before it was written. The folders asked for are written to a file in
 * the extension's global storage (flushed to disk before the folders are added, so the reload cannot lose it)
 * and to globalState; after the reload, a workspace that came back empty gets them once more (a workspace adds
 * folders without a reload). A record older than MAX_AGE_MS, or a window with folders, just drops it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const KEY = 'ftpExplorer.openingWorkspace';
const FILE = 'opening-workspace.json';
/** Long enough for a slow reload, short enough not to touch a workspace opened much later. */
const MAX_AGE_MS = 2 * 60 * 1000;

interface Opening {
  at: number;
  folders: { uri: string; name?: string }[];
}

export interface OpeningStore {
  state: vscode.Memento;
  /** The extension's global storage folder on this machine, when it is a local path. */
  dir?: string;
}

export function openingStore(context: vscode.ExtensionContext): OpeningStore {
  return { state: context.globalState, dir: context.globalStorageUri.scheme === 'file' ? context.globalStorageUri.fsPath : undefined };
}

/** Before adding `added` to a single-folder window (which reloads it): remember what the workspace should hold. */
export async function rememberOpening(store: OpeningStore, added: { uri: vscode.Uri; name?: string }): Promise<void> {
  const now = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
  const opening: Opening = { at: Date.now(), folders: [...now, { uri: added.uri.toString(), name: added.name }] };
  if (store.dir) {
    try {
      fs.mkdirSync(store.dir, { recursive: true });
      const fd = fs.openSync(path.join(store.dir, FILE), 'w');
      try {
        fs.writeSync(fd, JSON.stringify(opening));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // globalState below is the other record.
    }
  }
  await store.state.update(KEY, opening);
}

/** At activation: put the folders back into a workspace that came back empty from the reload, once. */
export async function finishOpening(store: OpeningStore, log: (text: string) => void): Promise<void> {
  let opening = store.state.get<Opening>(KEY);
  const file = store.dir && path.join(store.dir, FILE);
  if (file && fs.existsSync(file)) {
    try {
      const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as Opening;
      if (!opening || onDisk.at > opening.at) opening = onDisk;
    } catch {
      // A broken record is no record.
    }
    fs.rmSync(file, { force: true });
  }
  if (!opening) return;
  await store.state.update(KEY, undefined);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const untitled = vscode.workspace.workspaceFile?.scheme === 'untitled';
  const age = Date.now() - opening.at;
  if (folders.length > 0 || !untitled || age > MAX_AGE_MS) {
    log(`Open in Workspace: after the reload ${folders.length} folders, ${untitled ? 'untitled workspace' : `workspace ${vscode.workspace.workspaceFile?.toString() ?? 'none'}`}, ${Math.round(age / 1000)} s later: nothing to do`);
    return;
  }
  log(`Open in Workspace: the window came back without its folders; adding ${opening.folders.map((f) => f.uri).join(', ')} again`);
  const ok = vscode.workspace.updateWorkspaceFolders(0, 0, ...opening.folders.map((f) => ({ uri: vscode.Uri.parse(f.uri), name: f.name })));
  if (!ok) log('Open in Workspace: VS Code refused to add the folders again; reload the window (F5) to see them');
}
