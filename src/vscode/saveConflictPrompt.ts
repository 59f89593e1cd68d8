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
    const message = `"${name}" changed on the server since you opened it. Replace it with your version?`;
    const detail =
      `On ${site.name} now: ${formatBytes(conflict.server.size)}, modified ${when(conflict.server.mtimeMs)}.\n` +
      `Your version was opened from: ${formatBytes(conflict.seen.size)}, modified ${when(conflict.seen.mtimeMs)}.\n` +
      'Overwrite replaces the server\'s version; Compare shows both side by side.';
    const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Compare', 'Overwrite');
    if (pick === 'Overwrite') return true;
    if (pick === 'Compare') {
      // A new URI each time: VS Code keeps a content provider's document while it is open.
      const left = uri.with({ scheme: SERVER_COPY, query: String(++this.compared) });
      await vscode.commands.executeCommand('vscode.diff', left, uri, `${name} (on the server) ↔ ${name} (yours)`, { preview: true });
      return new Error(`Not saved: "${name}" changed on the server. Compare the two, then save again and choose Overwrite to replace it.`);
    }
    return new Error(`Not saved: "${name}" changed on the server since you opened it. Save again to compare or overwrite, or revert the file to load the server's version.`);
  }

  dispose(): void {
    this.registration.dispose();
  }
}
