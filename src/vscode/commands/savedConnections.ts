/** `ftpExplorer.editConnections` and `ftpExplorer.removeConnection`: the saved connections in the settings. */
import * as vscode from 'vscode';
import { accountId } from '../../remote/config';
import { ConnectionNode } from '../tree';
import { disconnect } from './connect';
import type { CommandDeps } from './deps';
import { pickConnection, type Target } from './targets';

export async function editConnections(): Promise<void> {
  try {
    // Reveal only: with `edit: true` VS Code inserts a line to type in, and closing the unchanged file asks to save.
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'ftpExplorer.connections' } });
  } catch {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson');
  }
}

export async function removeConnection(d: CommandDeps, arg?: Target): Promise<boolean> {
  let name: string | undefined;
  let confirm = false;
  if (arg instanceof ConnectionNode) {
    if (arg.oneOff) return disconnect(d, arg);
    name = arg.name;
    confirm = true;
  } else if (typeof arg === 'string') name = arg;
  else if (arg && typeof arg === 'object' && 'name' in arg && typeof arg.name === 'string') name = arg.name;
  else if (arg === undefined) {
    const site = await pickConnection(d, vscode.l10n.t('Remove which connection?'), { only: (c) => d.settings.connections().includes(c) });
    name = site?.name;
    confirm = true;
  }
  if (!name) return false;
  const config = d.settings.connections().find((c) => c.name.toLowerCase() === name!.toLowerCase());
  if (!config) throw new Error(vscode.l10n.t('No saved connection named "{0}".', name));
  if (confirm) {
    const ok = await vscode.window.showWarningMessage(
      vscode.l10n.t('Remove the connection "{0}"?', config.name),
      { modal: true, detail: vscode.l10n.t('Its saved password is deleted too. Files on the server are not touched.') },
      vscode.l10n.t('Remove'),
    );
    if (ok !== vscode.l10n.t('Remove')) return false;
  }
  await d.settings.removeConnection(config.name);
  const shared = d.settings.connections().some((c) => c.name !== config.name && accountId(c) === accountId(config));
  if (!shared) await d.passwords.forget(config);
  await d.sites.reconcile();
  d.tree.refresh();
  return true;
}
