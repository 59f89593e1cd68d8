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
import { screenshot } from './browser';
import { assertInstalled } from './env';
import { addConnection, answerPrompts, expandRow, ftpView, openFtpExplorer, treeRow, waitForDisk } from './ftpUi';
import { startUiWorkbench } from './uiWorkbench';

describe('UI: file names in GBK, found by themselves (installed .vsix)', function () {
  this.timeout(300_000);
  let server: RunningServer | undefined;

  before(async function () {
    this.timeout(120_000);
    assertInstalled();
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
  });

  it('shows GBK names right with the default settings; the tooltip says so, and its link sets the encoding', async () => {
    const srv = server!;
    const ui = await startUiWorkbench({ name: 'ui-encoding' });
    const { page } = ui;
    const name = srv.host;
    try {
      await openFtpExplorer(page);
      await addConnection(page, srv);

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
        fs.readFileSync(path.join(ui.userDataDir, 'User', 'settings.json'), 'utf8').includes('"encoding": "big5"'),
      );
      await waitForDisk(path.join(ui.userDataDir, 'User', 'settings.json'), (t) => /"encoding": "big5"/.test(t ?? ''));
      await screenshot(page, 'ui-encoding-3-changed');
    } catch (e) {
      const shot = await screenshot(page, 'ui-encoding-failed').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}`);
    } finally {
      await ui.close();
    }
  });
});
