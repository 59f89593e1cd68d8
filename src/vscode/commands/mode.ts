/** `ftpExplorer.switchMode`: a connection's data connection mode, passive or active. */
import * as vscode from 'vscode';
import { modeWord } from '../words';
import type { DataMode } from '../../ftp';
import { SCHEME } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { isNode, pickConnection, siteOf, type Target } from './targets';

export async function switchMode(d: CommandDeps, arg?: Target | { name: string; mode?: DataMode }): Promise<DataMode | undefined> {
  let site = siteOf(d, arg as Target);
  if (!site && arg === undefined) {
    const active = vscode.window.activeTextEditor?.document.uri;
    site = active?.scheme === SCHEME ? d.sites.get(active.authority) : undefined;
    if (!site) site = await pickConnection(d, vscode.l10n.t('Switch the data connection mode of which connection?'));
  }
  if (!site) return undefined;
  let mode: DataMode | undefined =
    arg && typeof arg === 'object' && 'mode' in arg && (arg.mode === 'active' || arg.mode === 'passive') ? arg.mode : undefined;
  if (!mode) {
    if (isNode(arg)) mode = site.mode === 'passive' ? 'active' : 'passive';
    else {
      const pick = await vscode.window.showQuickPick(
        (['passive', 'active'] as const).map((m) => ({
          label: modeWord(m),
          description:
            m === site!.mode
              ? vscode.l10n.t('current')
              : m === 'passive'
                ? vscode.l10n.t('works through most firewalls and NAT')
                : vscode.l10n.t('the server connects back to this machine'),
          mode: m,
        })),
        { placeHolder: vscode.l10n.t('Data connection mode of "{0}" (now {1})', site.name, modeWord(site.mode)) },
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
  void vscode.window.setStatusBarMessage(vscode.l10n.t('FTP: "{0}" now uses {1} mode', site.name, modeWord(mode)), 3000);
  return mode;
}
