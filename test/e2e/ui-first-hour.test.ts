// UI, the first hour of a new user (issue 19), in code-server with the packaged .vsix (no smoke-test driver: the
// prompts, toasts and dialogs are the real ones). Two servers on one host: vsftpd (A) and pyftpdlib (B), the same
// user name on both. Steps, in one window:
//   1. Add Connection asks for a name, default "user on host", with the port for the second connection to the host;
//   2. both connections need a password at once: one prompt at a time, each named with host:port; a wrong password
//      is asked again and never offered for remembering; "Remember?" comes after the login worked;
//   3. the log of a session whose password is also a folder's name shows that name; PASS ****;
//   4. a file the server refuses to read: "The server refused to read ...: 550 ...";
//   5. after Disconnect, 30 s of idle with a file of it open: no login in the log, the row says disconnected;
//   6. Diagnose Connection: a Markdown preview, the verdict first, 127.0.0.1 "loopback";
//   7. Edit Connections, then close the tab: nothing to save, no question;
//   8. FTP: Find Files and FTP: Search in Files find a file by name and by content, and open it.
// Every step checks what it can on the server's side (the FTP log, the disk). Screenshots:
// test-artifacts/e2e/ui-first-hour-*.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type RunningServer, startServer } from '../servers';
import { notifications, runCommand, screenshot, waitForEditorTab } from './browser';
import { assertInstalled } from './env';
import { ownerOf, seedFolder } from './ftpFixture';
import { answerPrompts, contextMenu, ftpChannel, ftpView, openFtpExplorer, treeRow } from './ftpUi';
import { waitFor } from './processGroup';
import { startUiWorkbench, type UiWorkbench } from './uiWorkbench';

describe('UI: the first hour (issue 19): names, password prompts, the log, Disconnect, errors, reports (vsftpd + pyftpdlib)', function () {
  this.timeout(180_000);
  let a: RunningServer;
  let b: RunningServer;
  let ui: UiWorkbench | undefined;
  let page: Page;
  let userDataDir: string;
  let nameA = '';
  let nameB = '';
  const snap = (what: string) => screenshot(page, `ui-first-hour-${what}`);
  const channel = () => ftpChannel(userDataDir);

  before(async function () {
    this.timeout(240_000);
    assertInstalled();
    [a, b] = await Promise.all([startServer('vsftpd'), startServer('pyftpdlib')]);
    const owner = ownerOf(a.root);
    // A folder named like the password: the log must show its name as it is.
    seedFolder(a.root, owner, { [`${a.password}/ok.txt`]: 'ok\n', 'findme/deeper/needle-file.txt': 'a haystack\nwith the needle-42 in it\n', 'hello.txt': 'hello\n' });
    // A file the FTP user may not read (root's, 0600): vsftpd answers "550 Failed to open file."
    fs.writeFileSync(path.join(a.root, 'locked.txt'), 'secret\n', { mode: 0o600 });
    seedFolder(b.root, ownerOf(b.root), { 'b-file.txt': 'on b\n' });
    ui = await startUiWorkbench({ name: 'ui-first-hour', settings: { 'files.autoSave': 'off' } });
    ({ page, userDataDir } = ui);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    const file = await snap(`FAILED-${this.currentTest.title.slice(0, 12)}`).catch(() => 'none');
    console.log(`      screenshot of the failure: ${file}; notifications: ${JSON.stringify(await notifications(page).catch(() => []))}`);
  });

  after(async () => {
    await ui?.close();
    await Promise.allSettled([a?.stop(), b?.stop()]);
  });

  /** Runs Add Connection for `ftp` (no password: asked when connecting); returns the name prompt's default. */
  const addConnection = async (ftp: RunningServer): Promise<string | undefined> => {
    let defaultName: string | undefined;
    const before = settingsNames(userDataDir).length;
    await runCommand(page, 'FTP: Add Connection');
    await answerPrompts(page, [
      { when: /host name/i, type: ftp.host },
      { when: /encryption|tls/i, pick: 'None' },
      { when: /\bport\b/i, type: String(ftp.port) },
      { when: /user name/i, type: ftp.user },
      { when: /password/i, type: '' },
      { when: /data connection mode/i, pick: 'passive' },
      {
        when: /connection name/i,
        keep: true,
        before: async () => {
          defaultName = await page.locator('.quick-input-widget .quick-input-box input').inputValue();
          await snap(`1-name-prompt-${ftp.name}`);
        },
      },
    ], async () => settingsNames(userDataDir).length > before);
    // Add Connection ends by revealing the new row in the view (which takes the focus): wait for that, so that the
    // next command's palette is not closed by it.
    const added = settingsNames(userDataDir).slice(-1)[0];
    const row = treeRow(page, added, ftpView(page));
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor(async () => (await row.getAttribute('aria-selected')) === 'true', 5000, 100);
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    return defaultName;
  };

  it('1. Add Connection asks for the name: "user on host", with the port for a second connection to the same host', async () => {
    await openFtpExplorer(page);
    const defA = await addConnection(a);
    const defB = await addConnection(b);
    [nameA, nameB] = settingsNames(userDataDir);
    await treeRow(page, nameB, ftpView(page)).waitFor({ state: 'visible', timeout: 15_000 });
    await snap('1-two-connections');
    // Not user@host:port: a name is the authority of its ftp: URIs, where "@" and ":" mean user and port.
    assert.strictEqual(defA, `${a.user} on ${a.host}`, 'the first connection to the host: user on host');
    assert.strictEqual(defB, `${b.user} on ${b.host} port ${b.port}`, 'the second one to the same host and user: with its port');
    assert.deepStrictEqual([nameA, nameB], [defA, defB]);
  });

  it('2. both need a password at once: one prompt at a time, named with host:port; a wrong one is asked again, never offered for remembering', async () => {
    const view = ftpView(page);
    const rowA = treeRow(page, nameA, view);
    const rowB = treeRow(page, nameB, view);
    await rowA.click();
    await rowB.click();
    const seen: string[] = [];
    const answered = await answerPrompts(page, [
      { when: /remember/i, pick: 'This window only', before: async () => { seen.push('remember'); await snap('2-remember-after-login'); } },
      { when: new RegExp(`refused[\\s\\S]*:${a.port}\\b`, 'i'), type: a.password, before: async () => { seen.push('A again'); await snap('2-wrong-password-asked-again'); } },
      { when: new RegExp(`password[\\s\\S]*:${a.port}\\b`, 'i'), type: 'wrong-password', before: async () => { seen.push('A'); await snap('2-prompt-a'); } },
      { when: new RegExp(`password[\\s\\S]*:${b.port}\\b`, 'i'), type: b.password, before: async () => { seen.push('B'); await snap('2-prompt-b'); } },
      // Both listed and no prompt left (the listing does not wait for "Remember?").
    ], async () => (await treeRow(page, 'hello.txt', view).isVisible()) && (await treeRow(page, 'b-file.txt', view).isVisible()) && !(await page.locator('.quick-input-widget').isVisible()), 90_000);
    await snap('2-both-listed');
    // A before B or B before A, but each alone, and "remember" only right after a login that worked.
    const order = seen.join(', ');
    assert.ok(order === 'A, A again, remember, B, remember' || order === 'B, remember, A, A again, remember', `prompts one connection at a time: ${order}\n${answered.join('\n')}`);
    assert.ok(!(await notifications(page)).some((n) => /No password given/i.test(n)), 'no connection gave up for want of a password');
  });

  it('3. the log of a session whose password is also a folder name shows the folder by its name, and PASS ****', async () => {
    const view = ftpView(page);
    await treeRow(page, a.password, view).click();
    await treeRow(page, 'ok.txt', view).click();
    await waitForEditorTab(page, 'ok.txt', { timeoutMs: 20_000 });
    const want = `RETR /${a.password}/ok.txt`;
    const log = await waitFor(() => (channel().includes(want) ? channel() : undefined), 15_000, 200);
    await runCommand(page, 'FTP: Show Log');
    await snap('3-log');
    assert.ok(log, `"${want}" in the FTP log:\n${channel().slice(-2000)}`);
    assert.match(log, /---> PASS \*\*\*\*$/m);
    assert.ok(!/---> PASS (?!\*\*\*\*$)/m.test(log), 'every PASS masked');
    assert.ok(!log.includes('/****/'), 'no folder name masked');
  });

  it('4. a file the server refuses to read: "The server refused to read" with its reply', async () => {
    await treeRow(page, 'locked.txt', ftpView(page)).click();
    const text = await waitFor(async () => (await notifications(page)).find((n) => /refused to read/i.test(n)), 20_000, 200);
    await snap('4-refused-to-read');
    assert.ok(text, `a notification saying the server refused; notifications: ${JSON.stringify(await notifications(page))}`);
    assert.match(text, /The server refused to read '\/locked\.txt': 550 /);
  });

  it('5. after Disconnect, 30 s of idle with a file of it open: no new login, the row says disconnected', async () => {
    // A file of the connection open in an editor (VS Code reads it again by itself).
    await treeRow(page, 'ok.txt', ftpView(page)).dblclick();
    await waitForEditorTab(page, 'ok.txt', { timeoutMs: 20_000 });
    const row = treeRow(page, nameA, ftpView(page));
    const rowSays = async () => (await row.locator('.label-description').textContent()) ?? '';
    // From the row's context menu (both names start alike: a typed pick could take the other one).
    await contextMenu(page, row, 'Disconnect');
    if (!(await waitFor(async () => /disconnected/.test(await rowSays()), 20_000, 200))) {
      const lines = channel().split('\n').filter((l) => l.includes(`[${nameA}#`));
      throw new Error(`the row says "${await rowSays()}"; the log of ${nameA}:\n${lines.slice(-40).join('\n')}`);
    }
    const mark = channel().length;
    // Idle, as a user reading something else: the window loses and regains focus, the open editor is shown again.
    await page.evaluate(() => (globalThis as unknown as { dispatchEvent(e: unknown): void; Event: new (t: string) => unknown }).dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('blur')));
    await page.locator('.tabs-container .tab', { hasText: 'ok.txt' }).first().click();
    await page.evaluate(() => (globalThis as unknown as { dispatchEvent(e: unknown): void; Event: new (t: string) => unknown }).dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('focus')));
    const until = Date.now() + 30_000;
    await waitFor(() => Date.now() >= until, 32_000, 500);
    const after = channel().slice(mark);
    await snap('5-disconnected-after-30s');
    assert.ok(!new RegExp(`\\[${escapeRe(nameA)}#\\d+\\] ---> (USER|PASS)`).test(after), `no login to ${nameA} after Disconnect:\n${after}`);
    assert.match(await rowSays(), /disconnected/);
  });

  it('6. Diagnose Connection: a Markdown preview, the verdict first, 127.0.0.1 called loopback', async () => {
    await runCommand(page, 'FTP: Diagnose Connection');
    await answerPrompts(page, [{ when: /diagnose which/i, pick: nameB }], async () => page.locator('.tabs-container .tab', { hasText: /Preview/ }).first().isVisible(), 60_000);
    const text = await waitFor(async () => {
      for (const f of page.frames()) {
        const t = await f.locator('body').textContent({ timeout: 500 }).catch(() => '');
        if (t && /diagnosis of/i.test(t)) return t;
      }
      return undefined;
    }, 30_000, 300);
    await snap('6-diagnosis-preview');
    assert.ok(text, 'the report in a Markdown preview');
    assert.match(text, /127\.0\.0\.1 is a loopback address/);
    assert.doesNotMatch(text, /127\.0\.0\.1[^\n]{0,40}private/i);
    const verdict = text.search(/Verdict/i);
    assert.ok(verdict >= 0 && verdict < text.search(/EPSV/), `the verdict before the details:\n${text.slice(0, 800)}`);
    // Close the preview: a webview keeps the keyboard (F1) to itself.
    await page.locator('.tabs-container .tab', { hasText: /Preview/ }).first().locator('.tab-actions .action-label').first().click();
  });

  it('7. Edit Connections opens settings.json unchanged: closing it asks nothing', async () => {
    const before = fs.readFileSync(path.join(userDataDir, 'User', 'settings.json'), 'utf8');
    await runCommand(page, 'FTP: Edit Connections');
    // VS Code 1.139 shows settings.json in a tab or, from a command, in a modal editor over the others.
    const text = page.locator('.monaco-editor .view-lines', { hasText: 'ftpExplorer.connections' }).first();
    await text.waitFor({ timeout: 20_000 });
    await snap('7-settings-open');
    const dirty = await page.locator('.tab.dirty, .modal-editor-part .dirty, [class*="modal"] .dirty').first().isVisible();
    await text.click();
    await page.keyboard.press('Control+W');
    const dialog = await page.locator('.monaco-dialog-box').first().waitFor({ state: 'visible', timeout: 2000 }).then(() => true, () => false);
    if (dialog) {
      await snap('7-asked-to-save');
      await page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don't Save/ }).first().click();
    }
    if (await text.isVisible()) await page.keyboard.press('Escape');
    await text.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.ok(!dirty, 'settings.json not modified by Edit Connections');
    assert.ok(!dialog, 'closing it asks nothing');
    assert.strictEqual(fs.readFileSync(path.join(userDataDir, 'User', 'settings.json'), 'utf8'), before, 'settings.json on disk unchanged');
  });

  it('8. FTP: Find Files and FTP: Search in Files find on the server by name and by content, and open the file', async () => {
    const tab = page.locator('.tabs-container .tab', { hasText: 'needle-file.txt' }).first();
    await runCommand(page, 'FTP: Find Files');
    await answerPrompts(page, [
      { when: /which connection/i, pick: nameA },
      { when: /file name/i, type: 'needle', before: () => snap('8a-find-files-pattern') },
      // The results: a list that opens the file picked.
      { when: /named like "needle"/, pick: 'needle-file.txt', before: () => snap('8b-find-files-results') },
    ], () => tab.isVisible(), 60_000);
    await page.keyboard.press('Control+W');
    await tab.waitFor({ state: 'hidden', timeout: 10_000 });

    await runCommand(page, 'FTP: Search in Files');
    await answerPrompts(page, [
      { when: /which connection/i, pick: nameA },
      { when: /search for/i, type: 'needle-42' },
      { when: /lines? with "needle-42"/, pick: 'needle-42', before: () => snap('8c-search-results') },
    ], () => tab.isVisible(), 60_000);
    // The match is selected: line 2 of the file.
    await page.locator('.editor-group-container .monaco-editor .view-lines', { hasText: 'needle-42' }).first().waitFor({ timeout: 10_000 });
    await snap('8d-search-opened-at-match');
    const status = (await page.locator('.statusbar').textContent()) ?? '';
    // "with the needle-42": the match (9 characters) selected, on line 2.
    assert.match(status, /Ln 2, Col 19 \(9 selected\)/, status);
  });
});

/** The connection names in settings.json, in order. */
function settingsNames(userDataDir: string): string[] {
  const file = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(file)) return [];
  try {
    const list = (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)['ftpExplorer.connections'];
    return Array.isArray(list) ? list.map((c) => String((c as { name?: unknown }).name)) : [];
  } catch {
    return [];
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

