/**
 * Warnings about the saved connections (an entry left out, a "password" that is ignored), each shown once per
 * window with a way to the settings.
 */
import * as vscode from 'vscode';
import type { Settings } from './settings';

export class SettingsWarnings {
  private readonly warned = new Set<string>();

  constructor(private readonly settings: Settings) {}

  /** Show the problems of the settings as they are now that were not shown before. */
  check(): void {
    const problems = [...this.settings.problems()];
    const withPw = this.settings.withPassword();
    if (withPw.length) {
      problems.push(
        vscode.l10n.t('Remove "password" from ftpExplorer.connections ({0}): it is ignored. FTP Explorer asks for passwords and keeps them in VS Code\'s secret storage.', withPw.join(', ')),
      );
    }
    for (const p of problems) {
      if (this.warned.has(p)) continue;
      this.warned.add(p);
      void vscode.window.showWarningMessage(p, vscode.l10n.t('Edit Connections')).then((c) => c && vscode.commands.executeCommand('ftpExplorer.editConnections'));
    }
  }
}
