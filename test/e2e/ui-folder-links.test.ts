// UI, as a user does it (issue 17): right-click a folder in VS Code's Explorer, Link Folder to Server... (pick the
// connection, type the remote folder); the link lands in the workspace's .vscode/settings.json. Then right-click
// a file of it, Compare with Server: the diff editor shows the server's copy (as on the server's disk) against the
// local file; Sync with Server... shows the plan to tick and uploads. With "uploadOnSave" in the link, Ctrl+S uploads
// (the server's disk and the status bar), and a save over a change made on the server asks (Compare / Overwrite). The packaged .vsix installed in code-server, against vsftpd.
// Screenshots: test-artifacts/e2e/ui-links-*.png.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type RunningServer, startServer } from '../servers';
import { BrowserSession, launchBrowser, openWorkbench, runCommand, screenshot, waitForEditorTab } from './browser';
import { freshVsix } from './build';
import { CodeServer, installVsix, startCodeServer, workbenchUrl } from './codeServer';
import { assertInstalled } from './env';
import { ownerOf, seedFolder } from './ftpFixture';
import { answerPrompts, confirmDialog, contextMenu, expandRow, scenarioSteps, treeRow, waitForDisk } from './ftpUi';
import { waitFor } from './processGroup';
import { tempDir, type TempDir } from './tempDir';

const SERVER_TEXT = '<h1>as on the server</h1>\n';
const LOCAL_TEXT = '<h1>edited here</h1>\n';

describe('UI: Link Folder to Server and Compare with Server (vsftpd, installed .vsix)', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let ftp: RunningServer;
  let server: CodeServer | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let workspace: string;
  const snap = (what: string) => screenshot(page, `ui-links-${what}`);
  const explorer = () => page.locator('.sidebar');

  before(async function () {
    this.timeout(180_000);
    assertInstalled();
    const vsix = await freshVsix();
    tmp = tempDir('vscode-e2e-ui-links-');
    ftp = await startServer('vsftpd');
    seedFolder(path.join(ftp.root, 'www'), ownerOf(ftp.root), { 'index.html': SERVER_TEXT });
    const extensionsDir = path.join(tmp.dir, 'extensions');
    await installVsix(vsix, extensionsDir);
    workspace = path.join(tmp.dir, 'project');
    fs.mkdirSync(path.join(workspace, 'site'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'site', 'index.html'), LOCAL_TEXT);
    // app/: a Git repository's committed files; the server's /app has another stale.txt (step 7).
    fs.mkdirSync(path.join(workspace, 'app'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'app', 'index.html'), 'app v1\n');
    fs.writeFileSync(path.join(workspace, 'app', 'stale.txt'), 'stale here\n');
    seedFolder(path.join(ftp.root, 'app'), ownerOf(ftp.root), { 'index.html': 'app v1\n', 'stale.txt': 'stale on the server\n' });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', ...args], { cwd: workspace, stdio: 'pipe' });
    git('init', '-q');
    git('add', 'app');
    git('commit', '-qm', 'app');
    const connections = [{ name: 'web', host: ftp.host, port: ftp.port, username: ftp.user }];
    server = await startCodeServer({
      folder: workspace,
      extensionsDir,
      userDataDir: path.join(tmp.dir, 'user-data'),
      settings: { 'files.autoSave': 'off', 'ftpExplorer.connections': connections, 'git.enabled': true },
    });
    session = await launchBrowser();
    page = session.page;
    await openWorkbench(page, workbenchUrl(server, workspace));
  });

  scenarioSteps(
    () => page,
    (step) => `ui-links-${step}`,
    async () => {
      await Promise.allSettled([session?.close(), server?.stop()]);
      await ftp?.stop();
      tmp?.remove();
    },
  );

  it('1. right-click a folder, Link Folder to Server...: the link is in .vscode/settings.json', async () => {
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    // The extension's menu entries come with its view container: a right-click before that shows VS Code's alone.
    await page.locator('.activitybar .action-item [aria-label^="FTP Explorer"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    await contextMenu(page, treeRow(page, 'site', explorer()), 'Link Folder to Server...');
    await answerPrompts(page, [
      { when: /Link site to a folder of which connection/, pick: 'web' },
      { when: /Link site to a folder on web/, type: '/www', before: () => snap('1-remote-folder') },
    ], async () => fs.existsSync(settingsFile) && fs.readFileSync(settingsFile, 'utf8').includes('/www'));
    const text = await waitForDisk(settingsFile, (t) => !!t?.includes('"remoteFolder": "/www"'));
    const links = (JSON.parse(text!) as { 'ftpExplorer.links': unknown })['ftpExplorer.links'];
    assert.deepStrictEqual(links, [{ connection: 'web', localFolder: 'site', remoteFolder: '/www' }]);
  });

  it('2. right-click a file of it, Compare with Server: the diff editor, the server copy against the local file', async () => {
    await expandRow(treeRow(page, 'site', explorer()));
    await contextMenu(page, treeRow(page, 'index.html', explorer()), 'Compare with Server');
    const title = 'index.html (web) ↔ index.html (local)';
    const answers = [
      { when: /Remember the password/, pick: 'This window only' },
      { when: /Password for/, type: ftp.password },
    ];
    const answered = await answerPrompts(page, answers, async () => page.locator('.tabs-container .tab', { hasText: title }).first().isVisible());
    // The question comes once the login worked, maybe after the diff shows: left open, the next command's
    // prompt would replace it halfway through an answer.
    // A click, not Enter: the diff editor opening may take the keyboard focus (Enter would go into the file).
    if (!answered.some((k) => /Remember the password/.test(k))) {
      const remember = page.locator('.quick-input-widget', { hasText: /Remember the password\?/ });
      await remember.waitFor({ state: 'visible', timeout: 20_000 });
      await remember.locator('.quick-input-list .monaco-list-row', { hasText: 'This window only' }).first().click({ timeout: 10_000 });
      await remember.waitFor({ state: 'hidden', timeout: 10_000 });
    }
    await waitForEditorTab(page, title, { timeoutMs: 20_000 });
    const diff = page.locator('.monaco-diff-editor').first();
    await diff.locator('.editor.original .view-lines', { hasText: 'as on the server' }).waitFor({ state: 'visible', timeout: 20_000 });
    await diff.locator('.editor.modified .view-lines', { hasText: 'edited here' }).waitFor({ state: 'visible', timeout: 20_000 });
    await snap('2-compare');
    // The left side is the server's disk as it is.
    assert.strictEqual(fs.readFileSync(path.join(ftp.root, 'www', 'index.html'), 'utf8'), SERVER_TEXT);
  });

  it('3. right-click the folder, Sync with Server..., Upload: the plan to tick; Enter uploads; the server disk has the local file', async () => {
    const onServer = path.join(ftp.root, 'www', 'index.html');
    await contextMenu(page, treeRow(page, 'site', explorer()), 'Sync with Server...');
    await answerPrompts(page, [
      { when: /^Logged in to .*Remember the password/, pick: 'This window only' },
      { when: /Sync which way/, pick: 'Upload' },
      { when: /Tick what to do/, type: '', before: async () => {
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'upload index.html' }).first().waitFor({ state: 'visible', timeout: 10_000 });
        await snap('3-plan');
      } },
    ], async () => fs.readFileSync(onServer, 'utf8') === LOCAL_TEXT);
    assert.strictEqual(await waitForDisk(onServer, (t) => t === LOCAL_TEXT), LOCAL_TEXT);
    await page.locator('.notifications-toasts .notification-toast', { hasText: /1 done, 0 failed, 0 conflicts/ }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await snap('3-done');
  });

  it('4. "uploadOnSave" in the link: edit, Ctrl+S, the server has it and the status bar says so', async () => {
    await runCommand(page, 'View: Close All Editors');
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { 'ftpExplorer.links': Record<string, unknown>[] };
    settings['ftpExplorer.links'][0].uploadOnSave = true;
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    // The item appears once VS Code has read the setting.
    await statusItem(/Upload on save/).waitFor({ state: 'visible', timeout: 20_000 });
    await editIndex('<p>saved</p>');
    await page.keyboard.press('Control+S');
    await waitForDisk(onServer(), (t) => t === `${LOCAL_TEXT}<p>saved</p>`);
    await statusItem(/index\.html uploaded to web/).waitFor({ state: 'visible', timeout: 20_000 });
    await snap('4-uploaded-on-save');
  });

  it('5. changed on the server since, then a save: asked; Compare shows theirs; the status bar click asks again, Overwrite uploads', async () => {
    const theirs = '<h1>changed on the server</h1>\n';
    fs.writeFileSync(onServer(), theirs);
    const asked = /"index\.html" changed on web since your last upload or download/;
    await editIndex(' again');
    await page.keyboard.press('Control+S');
    await page.locator('.monaco-dialog-box', { hasText: asked }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await snap('5a-asked');
    assert.strictEqual(fs.readFileSync(onServer(), 'utf8'), theirs, 'nothing uploaded while asking');
    await confirmDialog(page, asked, 'Compare');
    const diff = page.locator('.monaco-diff-editor').first();
    await diff.locator('.editor.original .view-lines', { hasText: 'changed on the server' }).waitFor({ state: 'visible', timeout: 20_000 });
    await statusItem(/index\.html not uploaded: changed on web/).waitFor({ state: 'visible', timeout: 10_000 });
    await snap('5b-compare');
    assert.strictEqual(fs.readFileSync(onServer(), 'utf8'), theirs, 'Compare uploads nothing');
    await statusItem(/index\.html not uploaded/).click();
    await confirmDialog(page, asked, 'Overwrite', 20_000);
    await waitForDisk(onServer(), (t) => t === `${LOCAL_TEXT}<p>saved</p> again`);
    await statusItem(/index\.html uploaded to web/).waitFor({ state: 'visible', timeout: 20_000 });
    await snap('5c-overwritten');
  });

  it('6. "uploadOutsideChanges": a file another program writes goes up; twelve at once (a build) are asked about, Upload All', async () => {
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { 'ftpExplorer.links': Record<string, unknown>[] };
    settings['ftpExplorer.links'][0].uploadOutsideChanges = true;
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    // Once VS Code has read the setting a file written now is uploaded: written again until it is (bounded).
    const one = path.join(workspace, 'site', 'built.js');
    const up = await waitFor(async () => {
      fs.writeFileSync(one, `// built ${Date.now()}\n`);
      return waitForDisk(path.join(ftp.root, 'www', 'built.js'), (t) => t === fs.readFileSync(one, 'utf8'), 3000).then(() => true, () => false);
    }, 30_000, 100);
    assert.ok(up, 'a file written outside VS Code was uploaded');
    await statusItem(/built\.js uploaded to web/).waitFor({ state: 'visible', timeout: 20_000 });
    const names = Array.from({ length: 12 }, (_, i) => `dist/chunk-${i}.js`);
    fs.mkdirSync(path.join(workspace, 'site', 'dist'), { recursive: true });
    for (const n of names) fs.writeFileSync(path.join(workspace, 'site', n), `// ${n}\n`);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /files of linked folders changed at once/ }).first();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await snap('6-burst');
    assert.match((await toast.textContent()) ?? '', /1[23] files of linked folders changed at once/);
    assert.ok(names.every((n) => !fs.existsSync(path.join(ftp.root, 'www', n))), 'nothing of the burst uploaded before the answer');
    await toast.locator('.monaco-button', { hasText: /^Upload All$/ }).first().click({ timeout: 10_000 });
    for (const n of names) await waitForDisk(path.join(ftp.root, 'www', n), (t) => t === `// ${n}\n`);
  });

  it('7. Upload Changed Files..., Changed in Git: only what git reports (not a committed file the server has another copy of), ticked; Enter uploads', async () => {
    await contextMenu(page, treeRow(page, 'app', explorer()), 'Link Folder to Server...');
    await answerPrompts(page, [
      { when: /Link app to a folder of which connection/, pick: 'web' },
      { when: /Link app to a folder on web/, type: '/app' },
    ], async () => fs.readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8').includes('"/app"'));
    fs.writeFileSync(path.join(workspace, 'app', 'index.html'), 'app v2\n');
    // The server's copy with the same size and time: only Git tells the change.
    const mtime = fs.statSync(path.join(workspace, 'app', 'index.html')).mtime;
    fs.utimesSync(path.join(ftp.root, 'app', 'index.html'), mtime, mtime);
    fs.mkdirSync(path.join(workspace, 'app', 'notes'));
    fs.writeFileSync(path.join(workspace, 'app', 'notes', 'new.txt'), 'new\n');
    const disk = (rel: string) => path.join(ftp.root, 'app', rel);
    const rows = page.locator('.quick-input-list .monaco-list-row');
    let shown: string[] = [];
    await contextMenu(page, treeRow(page, 'app', explorer()), 'Upload Changed Files...');
    await answerPrompts(page, [
      { when: /Upload which changes/, pick: 'Changed in Git' },
      { when: /Tick what to do/, type: '', before: async () => {
        await rows.filter({ hasText: 'upload notes/new.txt' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        shown = (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
        await snap('7-changed-in-git');
      } },
    ], async () => fs.existsSync(disk('notes/new.txt')) && fs.readFileSync(disk('index.html'), 'utf8') === 'app v2\n');
    assert.strictEqual(await waitForDisk(disk('notes/new.txt'), (t) => t === 'new\n'), 'new\n');
    const offered = ['upload index.htmlchanged in Git', 'mkdir notesonly here', 'upload notes/new.txtonly here'];
    assert.deepStrictEqual(offered.map((o) => shown.filter((t) => t.startsWith(o)).length), [1, 1, 1], JSON.stringify(shown));
    assert.strictEqual(shown.length, 3, JSON.stringify(shown));
    assert.strictEqual(fs.readFileSync(disk('stale.txt'), 'utf8'), 'stale on the server\n', 'a file git calls unchanged is not uploaded');
  });

  it('8. Upload Changed Files..., Changed since the last sync: what the last one did not do (stale.txt), Enter uploads it', async () => {
    const disk = path.join(ftp.root, 'app', 'stale.txt');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    let shown: string[] = [];
    await contextMenu(page, treeRow(page, 'app', explorer()), 'Upload Changed Files...');
    await answerPrompts(page, [
      { when: /Upload which changes/, pick: 'Changed since the last sync' },
      { when: /Tick what to do/, type: '', before: async () => {
        await rows.filter({ hasText: 'upload stale.txt' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        shown = await rows.allTextContents();
      } },
    ], async () => fs.readFileSync(disk, 'utf8') === 'stale here\n');
    assert.strictEqual(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0], /^upload stale\.txtsize differs/);
  });

  it('9. Compare with Server on a folder: the view lists what differs, ticks; untick one, tick a deletion, Upload: only the ticked copy moves, the deletion only if ticked again', async () => {
    const local = (rel: string) => path.join(workspace, 'app', rel);
    const disk = (rel: string) => path.join(ftp.root, 'app', rel);
    fs.writeFileSync(local('index.html'), 'app v3 here\n');
    fs.writeFileSync(local('local-only.txt'), 'local only\n');
    fs.writeFileSync(disk('stale.txt'), 'changed on the server\n');
    fs.writeFileSync(disk('remote-only.txt'), 'remote only\n');
    await contextMenu(page, treeRow(page, 'app', explorer()), 'Compare with Server');
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Compare/ }) }).first();
    const row = (name: string) => view.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) }).first();
    const expected: [string, RegExp, boolean][] = [
      ['index.html', /changed here/, true],
      ['local-only.txt', /only here/, true],
      ['remote-only.txt', /only on the server/, false],
      ['stale.txt', /changed on the server/, false],
    ];
    // The Explorer's folder pane collapsed: the comparison's pane has the height to show all its rows.
    const folders = page.locator('.pane-header', { hasText: /^project/i }).first();
    await view.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
    for (const [name, text] of expected) await row(name).filter({ hasText: text }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.strictEqual(await view.locator('.monaco-list-row').count(), expected.length);
    const isTicked = async (name: string) => (await row(name).locator('.custom-view-tree-node-item-checkbox').first().getAttribute('aria-checked')) === 'true' || (await row(name).locator('.custom-view-tree-node-item-checkbox.checked').count()) > 0;
    for (const [name, , ticked] of expected) assert.strictEqual(await isTicked(name), ticked, `${name} ticked: ${ticked}`);
    await snap('9a-comparison');
    await row('local-only.txt').locator('.custom-view-tree-node-item-checkbox').first().click();
    await row('remote-only.txt').locator('.custom-view-tree-node-item-checkbox').first().click();
    await view.hover();
    await page.locator('.pane-header .action-label[aria-label^="Upload Ticked"]').first().click({ timeout: 10_000 });
    const rows = page.locator('.quick-input-list .monaco-list-row');
    let shown: string[] = [];
    await answerPrompts(page, [
      { when: /Tick what to do/, type: '', before: async () => {
        await rows.filter({ hasText: 'upload index.html' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        shown = await rows.allTextContents();
        await snap('9b-upload-ticked');
      } },
    ], async () => fs.readFileSync(disk('index.html'), 'utf8') === 'app v3 here\n');
    assert.deepStrictEqual(['upload index.htmlsize differs', 'delete remote-only.txtonly on the server'].map((o) => shown.filter((t) => t.startsWith(o)).length), [1, 1], JSON.stringify(shown));
    assert.strictEqual(shown.length, 2, JSON.stringify(shown));
    assert.ok(!fs.existsSync(disk('local-only.txt')), 'an unticked row does not move');
    assert.strictEqual(fs.readFileSync(disk('remote-only.txt'), 'utf8'), 'remote only\n', 'a deletion happens only when ticked in the list');
    // The view compares again: index.html is alike now. The Explorer's badges on the files that still differ.
    await row('index.html').waitFor({ state: 'hidden', timeout: 20_000 });
    await folders.click();
    await expandRow(treeRow(page, 'app', explorer()));
    await snap('9c-after-upload');
    // A badge is a CSS ::after of the row's label (not text): read from the computed styles.
    const badges = (name: string) => treeRow(page, name, explorer()).evaluate((row) => {
      type El = { querySelectorAll(s: string): ArrayLike<unknown> };
      const style = (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }).getComputedStyle;
      return Array.from((row as El).querySelectorAll('*')).map((e) => style(e, '::after').content).join(' ');
    });
    assert.match(await badges('stale.txt'), /↓/);
    assert.match(await badges('local-only.txt'), /\+/);
  });

  const onServer = () => path.join(ftp.root, 'www', 'index.html');
  const statusItem = (text: RegExp) => page.locator('.statusbar-item', { hasText: text }).first();
  /** Opens site/index.html from the Explorer (once) and types `text` at its end: the editor is dirty. */
  const editIndex = async (text: string) => {
    const tab = page.locator('.tabs-container .tab', { hasText: /^index\.html/ }).filter({ hasNotText: '↔' }).first();
    if (!(await tab.isVisible())) {
      await treeRow(page, 'index.html', explorer()).dblclick();
      await waitForEditorTab(page, 'index.html', { timeoutMs: 20_000 });
    } else await tab.click();
    const lines = page.locator('.editor-group-container .monaco-editor:not(.original-in-monaco-diff-editor) .view-lines').first();
    await lines.filter({ hasText: 'edited here' }).waitFor({ state: 'visible', timeout: 20_000 });
    await lines.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(text);
    await page.locator('.tabs-container .tab.dirty', { hasText: 'index.html' }).first().waitFor({ state: 'visible', timeout: 10_000 });
  };
});
