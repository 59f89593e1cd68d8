/**
 * Link Folder to Server (a local folder of the workspace to a remote folder of a saved connection, kept in the
 * workspace folder's `ftpExplorer.links` setting) and Compare with Server (a linked file against its copy on
 * the server, in VS Code's diff editor). The mapping is src/remote/sync/folderLinks.ts.
 */
import * as vscode from 'vscode';
import { readFolderLinks, remotePathOf, withLink, localFolderOf, type FolderLink } from '../../remote/sync/folderLinks';
import { normalizePath, SCHEME } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { pickConnection } from './targets';

const SETTING = 'links';

export interface LinkFolderArgs {
  connection?: string;
  remoteFolder?: string;
}

/** Link `folder` (a local folder of the workspace; asked for when missing). Returns the link kept, or undefined when cancelled. */
export async function linkFolder(d: CommandDeps, folder?: vscode.Uri, args: LinkFolderArgs = {}): Promise<FolderLink | undefined> {
  const uri = folder ?? (await pickLocalFolder());
  if (!uri) return undefined;
  const ws = vscode.workspace.getWorkspaceFolder(uri);
  if (uri.scheme !== 'file' || !ws) throw new Error(vscode.l10n.t('{0} is not in a folder of this workspace: open its folder first, then link it', uri.fsPath));
  const localFolder = localFolderOf(relativeTo(ws.uri, uri));
  if (localFolder === undefined) throw new Error(vscode.l10n.t('{0} is not inside {1}', uri.fsPath, ws.uri.fsPath));
  let connection = args.connection;
  if (!connection) {
    const saved = new Set(d.settings.connections().map((c) => c.name));
    const site = await pickConnection(d, vscode.l10n.t('Link {0} to a folder of which connection?', localFolder || ws.name), { only: (c) => saved.has(c.name) });
    if (!site) return undefined;
    connection = site.name;
  }
  if (!d.settings.connections().some((c) => c.name.toLowerCase() === connection!.toLowerCase())) {
    throw new Error(vscode.l10n.t('No saved connection named "{0}": add it with "FTP: Add Connection" first', connection));
  }
  let remoteFolder = args.remoteFolder;
  if (remoteFolder === undefined) {
    remoteFolder = await vscode.window.showInputBox({
      title: vscode.l10n.t('Link {0} to a folder on {1}', localFolder || ws.name, connection),
      prompt: vscode.l10n.t('The folder on the server, from its root'),
      value: '/',
      validateInput: (v) => (v.startsWith('/') ? undefined : vscode.l10n.t('Start with / (the server root)')),
    });
    if (remoteFolder === undefined) return undefined;
  }
  if (!remoteFolder.startsWith('/')) throw new Error(vscode.l10n.t('The remote folder must start with / (the server root), not "{0}"', remoteFolder));
  const config = vscode.workspace.getConfiguration('ftpExplorer', ws.uri);
  const link = { connection, localFolder, remoteFolder: normalizePath(remoteFolder) };
  await config.update(SETTING, withLink(config.inspect(SETTING)?.workspaceFolderValue, link), vscode.ConfigurationTarget.WorkspaceFolder);
  d.log.info(connection, `Linked ${localFolder || '.'} of ${ws.name} to ${link.remoteFolder} on ${connection}`);
  return { ...link, exclude: [], uploadOnSave: false, uploadOutsideChanges: false };
}

/** Compare a linked local file with its copy on the server (the active editor's file when none is given). */
export async function compareWithServer(d: CommandDeps, file?: vscode.Uri): Promise<{ remote: string } | 'not-linked' | 'missing' | undefined> {
  const uri = file ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) throw new Error(vscode.l10n.t('Open a file of a linked folder first, or right-click one in the Explorer'));
  const ws = vscode.workspace.getWorkspaceFolder(uri);
  const { links, problems } = readFolderLinks(ws ? vscode.workspace.getConfiguration('ftpExplorer', ws.uri).get(SETTING) : undefined);
  const where = ws && uri.scheme === 'file' ? remotePathOf(links, relativeTo(ws.uri, uri)) : undefined;
  if (!where) {
    const more = problems.length ? ` (${problems.join('; ')})` : '';
    void vscode.window.showInformationMessage(`${vscode.l10n.t('{0} is not in a linked folder: link its folder with "FTP: Link Folder to Server..." first', uri.fsPath)}${more}`);
    return 'not-linked';
  }
  const remote = vscode.Uri.from({ scheme: SCHEME, authority: where.link.connection, path: where.remotePath });
  try {
    await vscode.workspace.fs.stat(remote);
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} is not on {1} ({2}): nothing to compare with', where.relInLink, where.link.connection, where.remotePath));
      return 'missing';
    }
    throw err;
  }
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  await vscode.commands.executeCommand('vscode.diff', remote, uri, vscode.l10n.t('{0} ({1}) ↔ {0} (local)', name, where.link.connection));
  return { remote: remote.toString() };
}

/** `uri` relative to the folder `base`, '/'-separated. */
function relativeTo(base: vscode.Uri, uri: vscode.Uri): string {
  const b = base.path.replace(/\/+$/, '');
  return uri.path === b ? '' : uri.path.startsWith(`${b}/`) ? uri.path.slice(b.length + 1) : uri.path;
}

async function pickLocalFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: vscode.l10n.t('Link to Server'),
  });
  return picked?.[0];
}
