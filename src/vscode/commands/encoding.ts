/** `ftpExplorer.setEncoding`: the encoding of a connection's file names, when the one found is wrong. */
import * as vscode from 'vscode';
import { SCHEME } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { pickConnection, siteOf, type Target } from './targets';

/** The choices offered, with what they are for. Any other iconv-lite name can be typed into the settings. */
export function encodingChoices(): readonly { encoding: string; description: string }[] {
  return [
    { encoding: 'auto', description: vscode.l10n.t('UTF-8, or the code page found from the names') },
    { encoding: 'utf8', description: 'UTF-8' },
    { encoding: 'gb18030', description: vscode.l10n.t('Simplified Chinese (GBK, GB 2312)') },
    { encoding: 'big5', description: vscode.l10n.t('Traditional Chinese') },
    { encoding: 'shift_jis', description: vscode.l10n.t('Japanese') },
    { encoding: 'euc-kr', description: vscode.l10n.t('Korean') },
    { encoding: 'windows-1251', description: vscode.l10n.t('Cyrillic') },
    { encoding: 'windows-1252', description: vscode.l10n.t('Western European') },
    { encoding: 'latin1', description: 'ISO 8859-1' },
  ];
}

export async function setEncoding(d: CommandDeps, arg?: Target | { name: string; encoding?: string }): Promise<string | undefined> {
  let site = siteOf(d, arg as Target);
  if (!site && arg === undefined) {
    const active = vscode.window.activeTextEditor?.document.uri;
    site = active?.scheme === SCHEME ? d.sites.get(active.authority) : undefined;
    if (!site) site = await pickConnection(d, vscode.l10n.t('Set the file-name encoding of which connection?'));
  }
  if (!site) return undefined;
  if (d.sites.isOneOff(site)) {
    throw new Error(vscode.l10n.t('"{0}" is not saved: save it (FTP: Add Connection) to set its encoding', site.name));
  }
  const named = arg && typeof arg === 'object' && 'encoding' in arg && typeof arg.encoding === 'string' ? arg.encoding : undefined;
  let encoding = named;
  if (!encoding) {
    const now = site.config.encoding;
    const found = site.traits.names.codePage;
    const pick = await vscode.window.showQuickPick(
      encodingChoices().map((c) => ({
        label: c.encoding,
        description: c.encoding === 'auto' && found ? vscode.l10n.t('{0} (found: {1})', c.description, found) : c.description,
        detail: c.encoding === now ? vscode.l10n.t('current') : undefined,
        encoding: c.encoding,
      })),
      { placeHolder: vscode.l10n.t('File names of "{0}" are in (now {1})', site.name, now === 'auto' && found ? `${now}: ${found}` : now) },
    );
    encoding = pick?.encoding;
  }
  if (!encoding) return undefined;
  await d.settings.updateConnection(site.name, { encoding });
  d.log.info(site.name, `file-name encoding set to ${encoding} (the connection reconnects)`);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('FTP: "{0}" reads file names as {1}', site.name, encoding), 3000);
  return encoding;
}
