/**
 * The question when a save would replace a change someone else made on the server that VS Code's own check did
 * not catch (same size, or a stat a few seconds old: src/remote/versions.ts): Compare, Overwrite, or Cancel (the
 * dialog's own button, and Escape). Compare comes first, so Enter does not replace anyone's work. It opens VS
 * Code's diff editor: the server's file now on the left (read for the comparison only: it does not become the
 * editor's copy), the editor's unsaved text on the right; the save then stops, and saving again asks again.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../remote/bytes';
import type { SaveConflict, Site } from '../remote/site';
import type { SiteRegistry } from '../remote/sites';
import { baseName } from '../remote/uri';

/** The scheme of the server's copy in a comparison (read-only; upload on save's Compare uses it too). */
export const SERVER_COPY = 'ftp-server-copy';

export class SaveConflictPrompt implements vscode.Disposable {
  private readonly registration: vscode.Disposable;
  private compared = 0;

  constructor(private readonly sites: SiteRegistry) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(SERVER_COPY, {
      provideTextDocumentContent: async (uri) => {
        const bytes = await this.sites.resolve(uri.authority).readFile(uri.path, { peek: true });
        return new TextDecoder().decode(bytes);
      },
    });
  }

  /** Asks about `conflict` on `uri` of `site`: true to overwrite; otherwise the save stops with the error to throw. */
  async ask(uri: vscode.Uri, site: Site, conflict: SaveConflict): Promise<true | Error> {
    const name = baseName(conflict.path);
    const when = (ms: number) => new Date(ms).toLocaleString();
    const message = vscode.l10n.t('"{0}" changed on the server since you opened it. Replace it with your version?', name);
    const detail = [
      vscode.l10n.t('On {0} now: {1}, modified {2}.', site.name, formatBytes(conflict.server.size), when(conflict.server.mtimeMs)),
      vscode.l10n.t('Your version was opened from: {0}, modified {1}.', formatBytes(conflict.seen.size), when(conflict.seen.mtimeMs)),
      vscode.l10n.t("Overwrite replaces the server's version; Compare shows both side by side."),
    ].join('\n');
    const compare = vscode.l10n.t('Compare');
    const overwrite = vscode.l10n.t('Overwrite');
    const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, compare, overwrite);
    if (pick === overwrite) return true;
    if (pick === compare) {
      // A new URI each time: VS Code keeps a content provider's document while it is open.
      const left = uri.with({ scheme: SERVER_COPY, query: String(++this.compared) });
      await vscode.commands.executeCommand('vscode.diff', left, uri, vscode.l10n.t('{0} (on the server) ↔ {0} (yours)', name), { preview: true });
      return new Error(vscode.l10n.t('Not saved: "{0}" changed on the server. Compare the two, then save again and choose Overwrite to replace it.', name));
    }
    return new Error(vscode.l10n.t('Not saved: "{0}" changed on the server since you opened it. Save again to compare or overwrite, or revert the file to load the server\'s version.', name));
  }

  dispose(): void {
    this.registration.dispose();
  }
}
