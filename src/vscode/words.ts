/** Words several messages of the UI share, in VS Code's display language. */
import * as vscode from 'vscode';

/** A data connection mode as the UI names it (the setting's value stays "passive" / "active"). */
export function modeWord(mode: 'passive' | 'active'): string {
  return mode === 'active' ? vscode.l10n.t('active') : vscode.l10n.t('passive');
}
