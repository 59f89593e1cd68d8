// UI, as a user does it (issue 17): right-click a folder in VS Code's Explorer, Link Folder to Server... (pick the
// connection, type the remote folder); the link lands in the workspace's .vscode/settings.json. Then right-click
// a file of it, Compare with Server: the diff editor shows the server's copy (as on the server's disk) against the
// local file; Sync with Server... shows the plan to tick and uploads. The packaged .vsix installed in code-server, against vsftpd.
// Screenshots: test-artifacts/e2e/ui-links-*.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type RunningServer, startServer } from '../servers';
import { BrowserSession, launchBrowser, openWorkbench, screenshot, waitForEditorTab } from './browser';
import { freshVsix } from './build';
import { CodeServer, installVsix, startCodeServer, workbenchUrl } from './codeServer';
import { assertInstalled } from './env';
import { ownerOf, seedFolder } from './ftpFixture';
import { answerPrompts, answerRemember, contextMenu, expandRow, scenarioSteps, treeRow, waitForDisk } from './ftpUi';
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
    const connections = [{ name: 'web', host: ftp.host, port: ftp.port, username: ftp.user }];
    server = await startCodeServer({
      folder: workspace,
      extensionsDir,
      userDataDir: path.join(tmp.dir, 'user-data'),
      settings: { 'files.autoSave': 'off', 'ftpExplorer.connections': connections },
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
    const asked = await answerPrompts(page, answers, async () => page.locator('.tabs-container .tab', { hasText: title }).first().isVisible());
    // The login's "Remember the password?" may come after the diff is shown: answer it here, or step 3's first
    // prompt would replace it while it is being answered.
    if (asked.some((k) => /Password for/.test(k)) && !asked.some((k) => /Remember the password/.test(k))) await answerRemember(page, 'This window only');
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
});
