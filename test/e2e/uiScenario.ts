// The FTP Explorer UI scenarios, as a user does them in a real VS Code (code-server + Chromium): the
// packaged .vsix installed the way a user installs it (no smoke-test driver, so toasts, prompts and
// dialogs are the real ones), one code-server and one real FTP server per data connection mode.
// ui-passive.test.ts and ui-active.test.ts run them; steps share the window and run in order, and a
// failed step skips the rest (they would only fail for the same reason). Screenshots of every step
// go to test-artifacts/e2e/ui-<mode>-<step><letter>-<what>.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type RunningServer, type ServerName, startServer } from '../servers';
import { notifications, runCommand, screenshot, waitForEditorTab } from './browser';
import { ARTIFACTS_DIR, assertInstalled } from './env';
import { SAMPLE_FILES, ownerOf, seedFolder } from './ftpFixture';
import {
  answerPrompts, answerRemember, confirmDialog, contextMenu, expandRow, ftpChannel, ftpView, outputPanelLines, scenarioSteps, treeRow, waitForDisk,
} from './ftpUi';
import { waitFor } from './processGroup';
import { startUiWorkbench, type UiWorkbench } from './uiWorkbench';

export interface UiScenarioOptions {
  /** The FTP server software to run. */
  server: ServerName;
  /** The data connection mode the connection is added with; step 4 switches to the other one. */
  mode: 'passive' | 'active';
}

const OTHER = { passive: 'active', active: 'passive' } as const;
/** The FTP commands that open data connections in each mode. */
const MODE_COMMANDS = { passive: /---> (EPSV|PASV)\b/, active: /---> (EPRT|PORT)\b/ } as const;

export function defineUiScenarios(opts: UiScenarioOptions): void {
  const { mode } = opts;
  const other = OTHER[mode];

  describe(`UI: FTP Explorer in code-server against ${opts.server}, ${mode} mode (installed .vsix, no smoke-test driver)`, function () {
    this.timeout(120_000);
    let ftp: RunningServer;
    let ui: UiWorkbench | undefined;
    let page: Page;
    let userDataDir: string;
    /** The connection's name: Add Connection names it after the host. */
    let name: string;
    const snap = (what: string) => screenshot(page, `ui-${mode}-${what}`);
    const disk = (rel: string) => path.join(ftp.root, rel);

    before(async function () {
      this.timeout(180_000);
      assertInstalled();
      const t0 = Date.now();
      // This run's screenshots only: drop the ones an earlier run of this mode left.
      if (fs.existsSync(ARTIFACTS_DIR)) {
        for (const f of fs.readdirSync(ARTIFACTS_DIR)) if (f.startsWith(`ui-${mode}-`)) fs.rmSync(path.join(ARTIFACTS_DIR, f), { force: true });
      }
      ftp = await startServer(opts.server);
      seedFolder(ftp.root, ownerOf(ftp.root));
      name = ftp.host;
      // Auto save off, as in desktop VS Code (the web workbench defaults to "afterDelay"): Ctrl+S is what saves.
      ui = await startUiWorkbench({ name: `ui-${mode}`, settings: { 'files.autoSave': 'off' }, localFiles: { 'local-notes.txt': 'a local file\n' } });
      ({ page, userDataDir } = ui);
      console.log(`      [time] ${mode}: package + servers + workbench: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    scenarioSteps(
      () => page,
      (step) => `ui-${mode}-${step}`,
      async () => {
        await ui?.close();
        await ftp?.stop();
      },
    );

    it('1. "FTP: Add Connection" from the command palette: host, port, user, password, mode; the connection shows in the FTP Explorer view', async () => {
      await runCommand(page, 'FTP: Add Connection');
      const answered = await answerPrompts(page, [
        { when: /host name/i, type: ftp.host, before: () => snap('1a-add-connection-host') },
        { when: /encryption|tls/i, pick: 'None' },
        { when: /\bport\b/i, type: String(ftp.port) },
        { when: /user name/i, type: ftp.user },
        { when: /password/i, type: ftp.password, before: () => snap('1b-add-connection-password') },
        { when: /data connection mode/i, pick: mode },
        { when: /connection name/i, type: ftp.host },
      ], () => treeRow(page, name, ftpView(page)).isVisible());
      for (const step of [/host name/i, /\bport\b/i, /user name/i, /password/i, /data connection mode/i]) {
        assert.ok(answered.some((k) => step.test(k)), `a prompt for ${step} in ${JSON.stringify(answered)}`);
      }
      const row = treeRow(page, name, ftpView(page));
      await row.locator('.label-description', { hasText: `${mode} ·` }).waitFor({ state: 'visible', timeout: 10_000 });
      await snap('1c-connection-added');
      const settings = fs.readFileSync(path.join(userDataDir, 'User', 'settings.json'), 'utf8');
      assert.match(settings, new RegExp(`"port": ${ftp.port}`));
      assert.match(settings, new RegExp(`"mode": "${mode}"`));
      assert.ok(!settings.includes(ftp.password), 'no password in settings.json');
    });

    it('2. expand folders, open a file, edit it, Ctrl+S: the file on the server has the new content', async () => {
      const view = ftpView(page);
      await expandRow(treeRow(page, name, view));
      // The password typed in Add Connection is offered for remembering once the login worked.
      await answerRemember(page);
      for (const n of ['docs', 'src', 'hello.txt', 'notes.md']) await treeRow(page, n, view).waitFor({ state: 'visible', timeout: 20_000 });
      await expandRow(treeRow(page, 'docs', view));
      await expandRow(treeRow(page, 'nested', view));
      await treeRow(page, 'deep.txt', view).click();
      await waitForEditorTab(page, 'deep.txt', { timeoutMs: 20_000 });
      const text = page.locator('.editor-group-container .monaco-editor .view-lines').first();
      await text.filter({ hasText: 'deep inside' }).waitFor({ state: 'visible', timeout: 20_000 });
      await text.click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('Edited in VS Code.');
      await page.locator('.tabs-container .tab.dirty', { hasText: 'deep.txt' }).waitFor({ state: 'visible', timeout: 10_000 });
      await snap('2a-file-edited');
      assert.strictEqual(fs.readFileSync(disk('docs/nested/deep.txt'), 'utf8'), SAMPLE_FILES['docs/nested/deep.txt'], 'not saved before Ctrl+S');
      await page.keyboard.press('Control+S');
      await waitForDisk(disk('docs/nested/deep.txt'), (t) => t === `${SAMPLE_FILES['docs/nested/deep.txt']}Edited in VS Code.`);
      await page.locator('.tabs-container .tab.dirty', { hasText: 'deep.txt' }).waitFor({ state: 'hidden', timeout: 10_000 });
      await snap('2b-file-saved');
    });

    it('3. New Folder, New File, Rename, Delete from the context menu: the server\'s disk follows each step', async () => {
      const view = ftpView(page);
      await contextMenu(page, treeRow(page, name, view), 'New Folder');
      await answerPrompts(page, [{ when: /new folder/i, type: 'made-in-ui' }], async () => fs.existsSync(disk('made-in-ui')));
      assert.ok(fs.statSync(disk('made-in-ui')).isDirectory(), 'a folder on disk');
      await treeRow(page, 'made-in-ui', view).waitFor({ state: 'visible', timeout: 15_000 });
      await snap('3a-new-folder');

      await contextMenu(page, treeRow(page, 'made-in-ui', view), 'New File');
      await answerPrompts(page, [{ when: /new file/i, type: 'todo.txt' }], async () => fs.existsSync(disk('made-in-ui/todo.txt')));
      assert.strictEqual(fs.readFileSync(disk('made-in-ui/todo.txt'), 'utf8'), '', 'an empty file on disk');
      await waitForEditorTab(page, 'todo.txt', { timeoutMs: 15_000 });
      await expandRow(treeRow(page, 'made-in-ui', view));
      await treeRow(page, 'todo.txt', view).waitFor({ state: 'visible', timeout: 15_000 });
      await snap('3b-new-file');

      await contextMenu(page, treeRow(page, 'todo.txt', view), 'Rename');
      await answerPrompts(page, [{ when: /new name/i, type: 'done.txt' }], async () => fs.existsSync(disk('made-in-ui/done.txt')));
      assert.ok(!fs.existsSync(disk('made-in-ui/todo.txt')), 'the old name is gone from disk');
      await treeRow(page, 'done.txt', view).waitFor({ state: 'visible', timeout: 15_000 });
      await treeRow(page, 'todo.txt', view).waitFor({ state: 'hidden', timeout: 15_000 });
      await snap('3c-renamed');

      await contextMenu(page, treeRow(page, 'done.txt', view), 'Delete');
      await confirmDialog(page, /Delete "done\.txt"/, 'Delete');
      await waitForDisk(disk('made-in-ui/done.txt'), (t) => t === undefined);
      await treeRow(page, 'done.txt', view).waitFor({ state: 'hidden', timeout: 15_000 });
      await snap('3d-file-deleted');

      await contextMenu(page, treeRow(page, 'made-in-ui', view), 'Delete');
      await confirmDialog(page, /Delete "made-in-ui" and everything in it/, 'Delete');
      await waitForDisk(disk('made-in-ui'), (t) => t === undefined);
      await treeRow(page, 'made-in-ui', view).waitFor({ state: 'hidden', timeout: 15_000 });
    });

    it(`4. "FTP: Switch Data Connection Mode" to ${other}, open another file: the "FTP" output shows ${other === 'active' ? 'EPRT/PORT instead of EPSV/PASV' : 'EPSV/PASV instead of EPRT/PORT'}, and PASS ****`, async () => {
      await runCommand(page, 'FTP: Show Log');
      const panel = page.locator('.part.panel');
      await panel.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 15_000 });
      const row = treeRow(page, name, ftpView(page));
      await runCommand(page, 'FTP: Switch Data Connection Mode');
      await answerPrompts(page, [
        { when: /which connection/i, pick: name },
        { when: /data connection mode of/i, pick: other },
      ], () => row.locator('.label-description', { hasText: `${other} ·` }).isVisible());
      // From an empty panel on, a fresh login (Disconnect collapses the connection; expanding it logs in again):
      // everything the panel shows now is in the new mode.
      await panel.locator('.action-label.codicon-clear-all').first().click();
      await runCommand(page, 'FTP: Disconnect');
      await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'false', 15_000, 100);
      await expandRow(row);
      // Seen twice in full runs under load: the row expanded after Disconnect stays empty and "disconnected"
      // (VS Code asked nothing of the extension). A person clicks it again; so does the test, and says so.
      const notes = treeRow(page, 'notes.md', ftpView(page));
      if (!(await notes.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false))) {
        console.log(`      (the expanded row showed nothing after Disconnect: collapsed and expanded again; the row said "${await row.textContent()}")`);
        await row.click();
        await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'false', 15_000, 100);
        await expandRow(row);
      }
      await notes.click({ timeout: 20_000 });
      await waitForEditorTab(page, 'notes.md', { timeoutMs: 20_000 });
      await page.locator('.editor-group-container .monaco-editor .view-lines', { hasText: 'Sample file' }).first().waitFor({ timeout: 20_000 });
      await panel.locator('.action-label.codicon-panel-maximize').first().click();
      const seen = new Set<string>();
      const output = panel.locator('.monaco-editor').first();
      const lines = await waitFor(async () => {
        // The editor renders only what is on screen: read the top and the bottom of the channel.
        await output.click();
        await page.keyboard.press('Control+Home');
        for (const l of await outputPanelLines(page)) seen.add(l);
        await page.keyboard.press('Control+End');
        for (const l of await outputPanelLines(page)) seen.add(l);
        const all = [...seen];
        return all.some((l) => /---> RETR \/notes\.md/.test(l)) && all.some((l) => /<--- 226/.test(l)) ? all : undefined;
      }, 20_000, 250);
      assert.ok(lines, `RETR /notes.md in the output panel; saw:\n${[...seen].join('\n')}`);
      await page.keyboard.press('Control+Home');
      await snap(`4-log-after-switch-to-${other}`);
      const text = lines.join('\n');
      assert.match(text, /---> USER /);
      assert.match(text, /---> PASS \*\*\*\*/);
      assert.match(text, MODE_COMMANDS[other], `${other} mode data connections in:\n${text}`);
      assert.doesNotMatch(text, MODE_COMMANDS[mode], `no ${mode} mode data connections after the switch:\n${text}`);
      assert.ok(!text.includes(ftp.password), 'the password is not in the output panel');
      // The whole channel as VS Code keeps it (every line since the window opened): never the password.
      const channel = ftpChannel(userDataDir);
      assert.match(channel, new RegExp(`--- data connection mode set to ${other}`), 'the FTP channel is in the logs folder');
      assert.match(channel, /---> PASS \*\*\*\*/);
      assert.ok(!channel.includes(ftp.password), 'no password in the FTP channel of the logs folder');
      await panel.locator('.action-label.codicon-panel-restore, .action-label.codicon-panel-maximize').first().click();
    });

    it('5. "Open in Workspace" on a folder: the window becomes a workspace and the Explorer lists the remote folder', async () => {
      // From a single-folder window VS Code makes an untitled workspace and reloads the window into it. A row the
      // tree redraws between the right-click and the click on the menu entry (step 4's reconnect refreshes the
      // connection) reaches the command as no row at all: the extension says to select one; a person tries again.
      const lost = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Select a file or folder in the FTP Explorer view first' }).first();
      for (let attempt = 1; ; attempt++) {
        await contextMenu(page, treeRow(page, 'docs', ftpView(page)), 'Open in Workspace');
        const reloading = page.waitForURL(/[?&]workspace=/, { timeout: 30_000 }).then(() => 'reloading' as const);
        reloading.catch(() => undefined);
        const seenLost = lost.waitFor({ state: 'visible', timeout: 30_000 }).then(() => 'lost' as const, () => 'none' as const);
        const outcome = await Promise.race([reloading, seenLost]);
        if (outcome === 'none') await reloading;
        if (outcome !== 'lost') break;
        if (attempt === 3) throw new Error('"Open in Workspace" reached the extension without its row 3 times');
        console.log('      (the right-clicked row was redrawn before the menu\'s click reached the extension: again)');
        await lost.locator('.codicon-notifications-clear').first().click().catch(() => undefined);
        await lost.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      }
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
      await page.keyboard.press('Control+Shift+E');
      const explorer = page.locator('.sidebar .explorer-folders-view');
      const noFolder = page.locator('.sidebar .pane-header', { hasText: /No Folder Opened/i });
      const shown = await waitFor(async () => ((await explorer.isVisible()) ? 'folders' : (await noFolder.isVisible()) ? 'none' : undefined), 30_000, 200);
      assert.ok(shown, 'the Explorer shows either the workspace folders or "No Folder Opened" after the reload');
      if (shown === 'none') {
        // A race in VS Code's own write-then-reload (not ours): the web workbench can reload into its new untitled
        // workspace before it has read the folders back. What the extension did is in that file: check
        // it, then reload as a user would (F5) and go on.
        const dir = path.join(userDataDir, 'User', 'Workspaces');
        const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.code-workspace')) : [];
        const text = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
        assert.match(text, /"uri": "ftp:\/\/[^"]*\/docs"/, `the untitled workspace file lists the remote folder:\n${text}`);
        console.log('      (the window came back with "No Folder Opened" although its workspace file lists both folders: reloading once)');
        await page.reload();
        await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
        await page.keyboard.press('Control+Shift+E');
      }
      await explorer.waitFor({ state: 'visible', timeout: 30_000 });
      const folder = treeRow(page, `${name}: /docs`, explorer);
      const toasts = new Set<string>();
      let askedForPassword = false;
      const listed = await waitFor(async () => {
        for (const t of await notifications(page)) toasts.add(t);
        if (await page.locator('.quick-input-widget', { hasText: /password/i }).isVisible()) askedForPassword = true;
        if ((await folder.isVisible()) && (await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
        return (await treeRow(page, 'readme.md', explorer).isVisible()) && (await treeRow(page, 'nested', explorer).isVisible());
      }, 60_000, 200);
      assert.ok(listed, 'the Explorer lists nested/ and readme.md of the remote folder');
      await treeRow(page, 'readme.md', explorer).click();
      await waitForEditorTab(page, 'readme.md', { timeoutMs: 20_000 });
      await page.locator('.editor-group-container .monaco-editor .view-lines', { hasText: 'A nested folder' }).first().waitFor({ timeout: 20_000 });
      await snap('5-explorer-lists-remote-folder');
      assert.ok(![...toasts].some((t) => /Downloading (launch|tasks|settings)\.json/.test(t)), `no progress toasts for VS Code's own probes: ${JSON.stringify([...toasts])}`);
      assert.ok(!askedForPassword, 'no password prompt after the reload (SecretStorage kept it)');
    });
  });
}
