/** `ftpExplorer.switchMode`: a connection's data connection mode, passive or active. */
import * as vscode from 'vscode';
import type { DataMode } from '../../ftp';
import { SCHEME } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { isNode, pickConnection, siteOf, type Target } from './targets';

export async function switchMode(d: CommandDeps, arg?: Target | { name: string; mode?: DataMode }): Promise<DataMode | undefined> {
  let site = siteOf(d, arg as Target);
  if (!site && arg === undefined) {
    const active = vscode.window.activeTextEditor?.document.uri;
    site = active?.scheme === SCHEME ? d.sites.get(active.authority) : undefined;
    if (!site) site = await pickConnection(d, 'Switch the data connection mode of which connection?');
  }
  if (!site) return undefined;
  let mode: DataMode | undefined =
    arg && typeof arg === 'object' && 'mode' in arg && (arg.mode === 'active' || arg.mode === 'passive') ? arg.mode : undefined;
  if (!mode) {
    if (isNode(arg)) mode = site.mode === 'passive' ? 'active' : 'passive';
    else {
      const pick = await vscode.window.showQuickPick(
        (['passive', 'active'] as const).map((m) => ({
          label: m,
          description: m === site!.mode ? 'current' : m === 'passive' ? 'works through most firewalls and NAT' : 'the server connects back to this machine',
          mode: m,
        })),
        { placeHolder: `Data connection mode of "${site.name}" (now ${site.mode})` },
      );
      mode = pick?.mode;
    }
  }
  if (!mode) return undefined;
  site.setMode(mode);
  if (!d.sites.isOneOff(site)) await d.settings.updateConnection(site.name, { mode });
  d.log.info(site.name, `data connection mode set to ${mode} (from the next transfer)`);
  d.status.update();
  d.tree.refresh(d.tree.connectionNode(site.name));
  void vscode.window.setStatusBarMessage(`FTP: "${site.name}" now uses ${mode} mode`, 3000);
  return mode;
}
