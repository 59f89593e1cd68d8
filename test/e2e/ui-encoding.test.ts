// UI scenario, as a user sees it (the packaged .vsix in code-server): a vsftpd whose file names are GBK bytes on
// its disk. With the default settings the view shows the names right; the connection's tooltip says the encoding
// found, and its "change" link sets the connection's encoding in settings.json. Screenshots:
// test-artifacts/e2e/ui-encoding-*.png (CJK glyphs show as boxes where Chromium has no CJK font: the checks
// read the text, not the pixels).
// Needs: bash scripts/setup-vscode.sh, bash scripts/install-servers.sh, npm run build.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as iconv from 'iconv-lite';
import { startServer, type RunningServer } from '../servers';
import { launchBrowser, openWorkbench, runCommand, screenshot } from './browser';
import { installVsix, startCodeServer, workbenchUrl } from './codeServer';
import { assertInstalled, PROJECT_ROOT } from './env';
import { answerPrompts, expandRow, ftpView, openFtpExplorer, treeRow, waitForDisk } from './ftpUi';
import { tempDir, type TempDir } from './tempDir';
import { packageVsix } from './vsix';

describe('UI: file names in GBK, found by themselves (installed .vsix)', function () {
  this.timeout(300_000);
  let server: RunningServer | undefined;
  let tmp: TempDir;

  before(async function () {
    this.timeout(120_000);
    assertInstalled();
    tmp = tempDir('vscode-e2e-ui-encoding-');
    server = await startServer('vsftpd');
    const owner = fs.statSync(server.root);
    const dir = Buffer.concat([Buffer.from(`${server.root}/`), iconv.encode('中文目录', 'gbk')]);
    fs.mkdirSync(dir);
    fs.chownSync(dir, owner.uid, owner.gid);
    const file = Buffer.concat([dir, Buffer.from('/'), iconv.encode('会议纪要.txt', 'gbk')]);
    fs.writeFileSync(file, 'minutes\n');
    fs.chownSync(file, owner.uid, owner.gid);
  });

  after(async () => {
    await server?.stop();
    tmp?.remove();
  });

  it('shows GBK names right with the default settings; the tooltip says so, and its link sets the encoding', async () => {
    const srv = server!;
    const vsix = await packageVsix(PROJECT_ROOT, path.join(tmp.dir, 'ftp-explorer.vsix'));
    const extensionsDir = path.join(tmp.dir, 'extensions');
    await installVsix(vsix, extensionsDir);
    const folder = path.join(tmp.dir, 'workspace');
    fs.mkdirSync(folder);
    const code = await startCodeServer({ folder, extensionsDir });
    const session = await launchBrowser().catch(async (e) => {
      await code.stop();
      throw e;
    });
    const { page } = session;
    const name = srv.host;
    try {
      await openWorkbench(page, workbenchUrl(code, folder));
      await openFtpExplorer(page);
      await runCommand(page, 'FTP: Add Connection');
      await answerPrompts(page, [
        { when: /host name/i, type: srv.host },
        { when: /encryption|tls/i, pick: 'None' },
        { when: /\bport\b/i, type: String(srv.port) },
        { when: /user name/i, type: srv.user },
        { when: /password/i, type: srv.password },
        { when: /data connection mode/i, pick: 'passive' },
        { when: /connection name/i, type: srv.host },
      ], () => treeRow(page, name, ftpView(page)).isVisible());

      const conn = treeRow(page, name, ftpView(page));
      await expandRow(conn);
      const dir = treeRow(page, '中文目录', ftpView(page));
      // After the first login the extension offers to remember the password (typed in Add Connection).
      let remembered = false;
      await answerPrompts(page, [{ when: /remember/i, pick: 'Remember', before: async () => (remembered = true) }], async () => remembered && (await dir.isVisible()), 30_000);
      await expandRow(dir);
      await treeRow(page, '会议纪要.txt', ftpView(page)).waitFor({ state: 'visible', timeout: 30_000 });
      await screenshot(page, 'ui-encoding-1-names');

      // The connection's tooltip: the encoding found, and a link to change it.
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'file names:' }).first();
      for (let attempt = 1; !(await hover.isVisible()); attempt++) {
        await page.mouse.move(0, 0);
        await conn.locator('.label-name').first().hover();
        if (await hover.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) break;
        if (attempt === 3) throw new Error('no tooltip with "file names:" on the connection row');
      }
      const text = ((await hover.textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(text, /file names: gb18030 \(found from the names\)/);
      await screenshot(page, 'ui-encoding-2-tooltip');
      await hover.locator('a', { hasText: 'change' }).first().click();

      // The pick list of encodings: big5 (as if the guess were wrong); settings.json gets it.
      await answerPrompts(page, [{ when: /File names of/i, pick: 'big5' }], async () =>
        fs.readFileSync(path.join(code.userDataDir, 'User', 'settings.json'), 'utf8').includes('"encoding": "big5"'),
      );
      await waitForDisk(path.join(code.userDataDir, 'User', 'settings.json'), (t) => /"encoding": "big5"/.test(t ?? ''));
      await screenshot(page, 'ui-encoding-3-changed');
    } catch (e) {
      const shot = await screenshot(page, 'ui-encoding-failed').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}`);
    } finally {
      await Promise.all([session.close(), code.stop()]);
    }
  });
});
