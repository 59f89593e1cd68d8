// UI in Simplified Chinese (issue 20), as a Chinese user sees it: code-server started with `--locale zh-cn` and
// the packaged .vsix installed, against vsftpd.
//
// The display language: code-server's workbench switches to zh-cn only when a language pack for it is installed
// (without one, its page gets no _VSCODE_NLS_LANGUAGE and vscode.env.language stays "en", so VS Code would not
// load l10n/bundle.l10n.zh-cn.json nor package.nls.zh-cn.json). The test makes a language pack of its own, with
// no translations of VS Code itself: VS Code's own menus stay English, FTP Explorer's texts are Chinese.
// Installed from the command line, a language pack is not entered in the user data's languagepacks.json (the
// server does that only for packs installed from the UI), which is where the server looks for the locale's pack
// when it serves the page: the test writes that entry, as the UI's install would.
//
//   1. the command palette shows "FTP: 添加连接"; Add Connection's prompts are Chinese; the connection is saved;
//   2. the view: the row says 被动 · 未连接, then the listing; "记住密码" is asked in Chinese;
//   3. 新建文件夹 from the row's context menu: the prompt in Chinese, the folder on the server's disk;
//   4. an error in Chinese: a file the server refuses to read ("服务器拒绝读取", with the server's 550 as sent);
//   5. 诊断连接: the Markdown preview in Chinese (headings, verdict, findings), 127.0.0.1 called 环回地址.
// Screenshots: test-artifacts/e2e/ui-chinese-*.png (Chinese glyphs need a CJK font: setup-vscode.sh installs one).
// Needs: bash scripts/setup-vscode.sh, bash scripts/install-servers.sh, npm run build.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type RunningServer, startServer } from '../servers';
import { notifications, runCommand, screenshot } from './browser';
import { installVsix } from './codeServer';
import { assertInstalled } from './env';
import { ownerOf, seedFolder } from './ftpFixture';
import { answerPrompts, contextMenu, expandRow, openFtpExplorer, treeRow, waitForDisk } from './ftpUi';
import { waitFor } from './processGroup';
import { startUiWorkbench, type UiWorkbench } from './uiWorkbench';
import { packageVsix } from './vsix';

/** A language pack for zh-cn with no translations of VS Code's own: enough to set the display language. */
async function languagePack(dir: string): Promise<string> {
  fs.mkdirSync(path.join(dir, 'translations'), { recursive: true });
  const manifest = {
    name: 'test-language-pack-zh-cn',
    displayName: 'zh-cn display language for the tests',
    description: 'Sets the display language to zh-cn; translates nothing of VS Code itself.',
    publisher: 'ftp-explorer-tests',
    version: '0.0.1',
    license: 'MIT',
    repository: { type: 'git', url: 'https://example.invalid/test-language-pack.git' },
    engines: { vscode: '^1.90.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [
        {
          languageId: 'zh-cn',
          languageName: 'Chinese Simplified',
          localizedLanguageName: '中文(简体)',
          translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
        },
      ],
    },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(dir, 'README.md'), '# zh-cn display language for the tests\n');
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
  fs.writeFileSync(path.join(dir, '.vscodeignore'), '');
  return packageVsix(dir, path.join(path.dirname(dir), 'language-pack-zh-cn.vsix'));
}

/** The installed pack in `userDataDir`/languagepacks.json, as VS Code's own install from the UI enters it. */
function registerLanguagePack(userDataDir: string, extensionsDir: string): void {
  const id = 'ftp-explorer-tests.test-language-pack-zh-cn';
  const folder = fs.readdirSync(extensionsDir).find((n) => n.startsWith(`${id}-`));
  if (!folder) throw new Error(`the language pack is not in ${extensionsDir}: ${fs.readdirSync(extensionsDir).join(', ')}`);
  const entry = {
    hash: 'ftp-explorer-tests-zh-cn',
    extensions: [{ extensionIdentifier: { id }, version: '0.0.1' }],
    translations: { vscode: path.join(extensionsDir, folder, 'translations', 'main.i18n.json') },
    label: '中文(简体)',
  };
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({ 'zh-cn': entry }));
}

/** The FTP Explorer view's pane (its tree is labelled with the view's name, 连接 in Chinese). */
function view(page: Page) {
  return page.locator('.pane-body', { has: page.locator('.monaco-list[aria-label*="连接"]') }).first();
}

describe('UI in Simplified Chinese (issue 20): --locale zh-cn, the packaged .vsix, vsftpd', function () {
  this.timeout(180_000);
  let ftp: RunningServer;
  let ui: UiWorkbench | undefined;
  let page: Page;
  let userDataDir: string;
  const name = '中文站点';
  const snap = (what: string) => screenshot(page, `ui-chinese-${what}`);

  before(async function () {
    this.timeout(240_000);
    assertInstalled();
    ftp = await startServer('vsftpd');
    seedFolder(ftp.root, ownerOf(ftp.root), { 'hello.txt': 'hello\n' });
    // A file the FTP user may not read (root's, 0600): vsftpd answers "550 Failed to open file."
    fs.writeFileSync(path.join(ftp.root, 'locked.txt'), 'secret\n', { mode: 0o600 });
    ui = await startUiWorkbench({
      name: 'ui-chinese',
      settings: { 'files.autoSave': 'off' },
      extraArgs: ['--locale', 'zh-cn'],
      prepare: async ({ tmp, extensionsDir, userDataDir }) => {
        await installVsix(await languagePack(path.join(tmp.dir, 'language-pack')), extensionsDir);
        registerLanguagePack(userDataDir, extensionsDir);
      },
    });
    page = ui.page;
    userDataDir = ui.userDataDir;
  });

  // Each step builds on the one before: after a failure the rest are skipped.
  let failed = false;
  beforeEach(function () {
    if (failed) this.skip();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    failed = true;
    const file = await snap(`FAILED-${this.currentTest.title.slice(0, 12)}`).catch(() => 'none');
    console.log(`      screenshot of the failure: ${file}; notifications: ${JSON.stringify(await notifications(page).catch(() => []))}`);
  });

  after(async () => {
    await ui?.close();
    await ftp?.stop();
  });

  it('1. the palette shows "FTP: 添加连接"; its prompts are Chinese; the connection is saved', async () => {
    await openFtpExplorer(page);
    // runCommand waits until the first row of the palette is exactly this title.
    await runCommand(page, 'FTP: 添加连接');
    const prompts = await answerPrompts(
      page,
      [
        { when: /添加 FTP 连接（1\/7）.*主机名或地址/, type: ftp.host, before: () => snap('1-add-connection-host') },
        { when: /加密（TLS）/, pick: '无' },
        { when: /添加 FTP 连接（3\/7）.*端口/, type: String(ftp.port) },
        { when: /用户名/, type: ftp.user },
        { when: /密码（保存在 VS Code 的机密存储中/, type: ftp.password },
        { when: /数据连接模式/, pick: '被动', before: () => snap('1-add-connection-mode') },
        { when: /连接名称/, type: name },
      ],
      () => treeRow(page, name, view(page)).isVisible(),
    );
    assert.equal(prompts.length, 7, JSON.stringify(prompts));
    const settings = fs.readFileSync(path.join(userDataDir, 'User', 'settings.json'), 'utf8');
    assert.match(settings, new RegExp(`"name": "${name}"[^}]*"mode": "passive"`));
  });

  it('2. the view: the row says 被动 · 未连接, then lists the folder; "记住密码" asked in Chinese', async () => {
    const row = treeRow(page, name, view(page));
    assert.equal(await row.locator('.label-description').textContent(), '被动 · 未连接');
    await expandRow(row);
    let remembered = false;
    await answerPrompts(
      page,
      [{ when: /已登录到“中文站点”.*要记住密码吗？/, pick: '记住', before: async () => (remembered = true) }],
      async () => remembered && (await treeRow(page, 'hello.txt', view(page)).isVisible()),
      30_000,
    );
    await waitFor(async () => (await row.locator('.label-description').textContent()) === '被动 · 已连接', 10_000, 100);
    await snap('2-view');
    assert.equal(await row.locator('.label-description').textContent(), '被动 · 已连接');
  });

  it('3. 新建文件夹 from the context menu: a Chinese prompt, the folder on the server\'s disk', async () => {
    await contextMenu(page, treeRow(page, name, view(page)), '新建文件夹');
    await answerPrompts(page, [{ when: /新建文件夹.*新文件夹的名称/, type: '报告', before: () => snap('3-new-folder') }], async () =>
      treeRow(page, '报告', view(page)).isVisible(),
    );
    await waitForDisk(path.join(ftp.root, '报告'), (t) => t === '<dir>');
  });

  it('4. an error in Chinese: the server refuses to read a file (its reply as sent)', async () => {
    await treeRow(page, 'locked.txt', view(page)).click();
    const text = await waitFor(async () => (await notifications(page)).find((n) => /服务器拒绝/.test(n)), 20_000, 200);
    await snap('4-error');
    assert.ok(text, `a notification in Chinese; notifications: ${JSON.stringify(await notifications(page))}`);
    assert.match(text, /服务器拒绝读取“\/locked\.txt”：550 /);
  });

  it('5. 诊断连接: the report in Chinese (headings, verdict, findings), 127.0.0.1 called 环回地址', async () => {
    await runCommand(page, 'FTP: 诊断连接');
    await answerPrompts(page, [{ when: /诊断哪个连接？/, pick: name }], async () => page.locator('.tabs-container .tab', { hasText: /Preview/ }).first().isVisible(), 60_000);
    const text = await waitFor(async () => {
      for (const f of page.frames()) {
        const t = await f.locator('body').textContent({ timeout: 500 }).catch(() => '');
        if (t && /的诊断/.test(t)) return t;
      }
      return undefined;
    }, 30_000, 300);
    await snap('5-diagnosis');
    assert.ok(text, 'the report in a Markdown preview');
    for (const heading of ['“中文站点”的诊断', '结论：', '在 FTP Explorer 中该怎么做', '检查项', '详细信息']) assert.ok(text.includes(heading), `"${heading}" in:\n${text.slice(0, 1500)}`);
    assert.match(text, /服务器地址 127\.0\.0\.1 是环回地址/);
    // The verdict and the findings (made in src/ftp/probe) too: vsftpd on loopback works in both modes.
    assert.match(text, /结论：\s*两种模式都可用；当前设置（被动模式）没有问题。/);
    assert.match(text, /可通过 EPSV 和 PASV 工作/);
  });
});
