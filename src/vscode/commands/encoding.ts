/** `ftpExplorer.setEncoding`: the encoding of a connection's file names, when the one found is wrong. */
import * as vscode from 'vscode';
import { SCHEME } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { pickConnection, siteOf, type Target } from './targets';

/** The choices offered, with what they are for. Any other iconv-lite name can be typed into the settings. */
export const ENCODING_CHOICES: readonly { encoding: string; description: string }[] = [
  { encoding: 'auto', description: 'UTF-8, or the code page found from the names' },
  { encoding: 'utf8', description: 'UTF-8' },
  { encoding: 'gb18030', description: 'Simplified Chinese (GBK, GB 2312)' },
  { encoding: 'big5', description: 'Traditional Chinese' },
  { encoding: 'shift_jis', description: 'Japanese' },
  { encoding: 'euc-kr', description: 'Korean' },
  { encoding: 'windows-1251', description: 'Cyrillic' },
  { encoding: 'windows-1252', description: 'Western European' },
  { encoding: 'latin1', description: 'ISO 8859-1' },
];

export async function setEncoding(d: CommandDeps, arg?: Target | { name: string; encoding?: string }): Promise<string | undefined> {
  let site = siteOf(d, arg as Target);
  if (!site && arg === undefined) {
    const active = vscode.window.activeTextEditor?.document.uri;
    site = active?.scheme === SCHEME ? d.sites.get(active.authority) : undefined;
    if (!site) site = await pickConnection(d, 'Set the file-name encoding of which connection?');
  }
  if (!site) return undefined;
  if (d.sites.isOneOff(site)) {
    throw new Error(`"${site.name}" is not saved: save it (FTP: Add Connection) to set its encoding`);
  }
  const named = arg && typeof arg === 'object' && 'encoding' in arg && typeof arg.encoding === 'string' ? arg.encoding : undefined;
  let encoding = named;
  if (!encoding) {
    const now = site.config.encoding;
    const found = site.traits.names.codePage;
    const pick = await vscode.window.showQuickPick(
      ENCODING_CHOICES.map((c) => ({
        label: c.encoding,
        description:
          c.encoding === 'auto' && found ? `${c.description} (found: ${found})` : c.description,
        detail: c.encoding === now ? 'current' : undefined,
        encoding: c.encoding,
      })),
      { placeHolder: `File names of "${site.name}" are in (now ${now}${now === 'auto' && found ? `: ${found}` : ''})` },
    );
    encoding = pick?.encoding;
  }
  if (!encoding) return undefined;
  await d.settings.updateConnection(site.name, { encoding });
  d.log.info(site.name, `file-name encoding set to ${encoding} (the connection reconnects)`);
  void vscode.window.setStatusBarMessage(`FTP: "${site.name}" reads file names as ${encoding}`, 3000);
  return encoding;
}
