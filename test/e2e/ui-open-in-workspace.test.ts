// UI: "Open in Workspace" from a single-folder window, twenty times (issue 19). VS Code turns the window into an
// untitled workspace and reloads it; once it came back with "No Folder Opened" until a manual reload. Each run
// starts from a fresh single-folder window, adds the remote folder from the FTP Explorer view's context menu and
// waits for the Explorer to list it, with no manual reload. The packaged .vsix, no smoke-test driver.
// E2E_OPEN_RUNS sets the number of runs (default 20). Screenshots: test-artifacts/e2e/ui-open-in-workspace-*.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type RunningServer, startServer } from '../servers';
import { BrowserSession, launchBrowser, openWorkbench, screenshot } from './browser';
import { freshVsix } from './build';
import { CodeServer, installVsix, startCodeServer, workbenchUrl } from './codeServer';
import { assertInstalled } from './env';
import { ownerOf, seedFolder, SAMPLE_FILES } from './ftpFixture';
import { answerPrompts, contextMenu, expandRow, ftpView, openFtpExplorer, treeRow } from './ftpUi';
import { waitFor } from './processGroup';
import { tempDir, type TempDir } from './tempDir';

const RUNS = Number(process.env.E2E_OPEN_RUNS ?? 20);
const NAME = 'site';

describe(`UI: Open in Workspace from a single-folder window, ${RUNS} runs (vsftpd, installed .vsix)`, function () {
  this.timeout(RUNS * 60_000 + 60_000);
  let tmp: TempDir;
  let ftp: RunningServer;
  let server: CodeServer | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let workspace: string;

  before(async function () {
    this.timeout(240_000);
    assertInstalled();
    const vsix = await freshVsix();
    tmp = tempDir('vscode-e2e-ui-open-');
    ftp = await startServer('vsftpd');
    seedFolder(ftp.root, ownerOf(ftp.root), SAMPLE_FILES);
    const extensionsDir = path.join(tmp.dir, 'extensions');
    await installVsix(vsix, extensionsDir);
    workspace = path.join(tmp.dir, 'project');
    fs.mkdirSync(workspace);
    server = await startCodeServer({
      folder: workspace,
      extensionsDir,
      userDataDir: path.join(tmp.dir, 'user-data'),
      settings: {
        'files.autoSave': 'off',
        'ftpExplorer.connections': [{ name: NAME, host: ftp.host, port: ftp.port, username: ftp.user }],
      },
    });
    session = await launchBrowser();
    page = session.page;
  });

  after(async () => {
    await Promise.allSettled([session?.close(), server?.stop()]);
    await ftp?.stop();
    tmp?.remove();
  });

  it(`shows the remote folder in the Explorer after each of ${RUNS} runs, without a manual reload`, async () => {
    const failures: string[] = [];
    for (let run = 1; run <= RUNS; run++) {
      await openWorkbench(page, workbenchUrl(server!, workspace));
      await openFtpExplorer(page);
      const row = treeRow(page, NAME, ftpView(page));
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
      // The first run asks for the password (remembered for the later ones, which must not ask).
      await answerPrompts(page, [
        { when: /remember/i, pick: 'Remember' },
        { when: /password/i, type: ftp.password },
      ], () => treeRow(page, 'docs', ftpView(page)).isVisible(), 30_000);
      await expandRow(row);
      await contextMenu(page, treeRow(page, 'docs', ftpView(page)), 'Open in Workspace');
      await page.waitForURL(/[?&]workspace=/, { timeout: 30_000 });
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
      await page.keyboard.press('Control+Shift+E');
      const explorer = page.locator('.sidebar .explorer-folders-view');
      const folder = treeRow(page, `${NAME}: /docs`, explorer);
      const shown = await waitFor(async () => {
        if ((await folder.isVisible()) && (await folder.getAttribute('aria-expanded')) !== 'true') await folder.click().catch(() => undefined);
        return treeRow(page, 'readme.md', explorer).isVisible();
      }, 30_000, 200);
      if (!shown) {
        failures.push(`run ${run}: ${await screenshot(page, `ui-open-in-workspace-FAILED-run-${run}`)}`);
      } else if (run === 1 || run === RUNS) {
        await screenshot(page, `ui-open-in-workspace-run-${run}`);
      }
      console.log(`      run ${run}: ${shown ? 'the Explorer lists the remote folder' : 'NOT listed'}`);
    }
    assert.deepStrictEqual(failures, [], `runs where the Explorer did not list the remote folder after the reload`);
  });
});
