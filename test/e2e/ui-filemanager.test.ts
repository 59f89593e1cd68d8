// UI, as a user sees it (issue 18, "a file manager people already know"): a file's tooltip with its size, owner
// and mode; Change Permissions... from the context menu, a mode typed into its picker; F2 and Delete after moving
// with the arrow keys act on the focused row, not on the row clicked before; copy and paste with Ctrl+C / Ctrl+V
// in the view. Each step checks vsftpd's disk. The packaged .vsix installed in code-server (no smoke-test driver).
// Screenshots: test-artifacts/e2e/ui-filemanager-*.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type RunningServer, startServer } from '../servers';
import { notifications, screenshot } from './browser';
import { assertInstalled } from './env';
import { ownerOf, seedFolder } from './ftpFixture';
import { addConnection, answerRemember, confirmDialog, contextMenu, expandRow, ftpChannel, ftpView, scenarioSteps, treeRow } from './ftpUi';
import { waitFor } from './processGroup';
import { startUiWorkbench, type UiWorkbench } from './uiWorkbench';

/** 30 MB of text: above the 20 MB large-file threshold set for this run. */
const LARGE_LINES = 300_000;

const FILES: Record<string, string> = {
  'a.txt': 'a\n',
  'b.txt': 'b\n',
  'c.txt': 'c\n',
  'perm.txt': 'permissions\n',
  'drag.txt': 'dragged\n',
  'dir/inside.txt': 'inside\n',
};

describe('UI: the FTP Explorer view as a file manager (vsftpd, installed .vsix)', function () {
  this.timeout(120_000);
  let ftp: RunningServer;
  let ui: UiWorkbench | undefined;
  let page: Page;
  let userDataDir: string;
  const snap = (what: string) => screenshot(page, `ui-filemanager-${what}`);
  const disk = (rel: string) => path.join(ftp.root, rel);
  const row = (name: string) => treeRow(page, name, ftpView(page));
  /** A row of the connection's own folder (not of a subfolder shown expanded above it). */
  const top = (name: string) =>
    ftpView(page)
      .locator('.monaco-list-row[aria-level="2"]', { has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
      .first();
  const QUICK_TITLE = '.quick-input-widget .quick-input-title';

  /**
   * Waits (bounded) until the connection's own rows are the server's disk (its top folder): the tree has redrawn
   * after a change. A drag aimed at a row of a tree that then redraws lands on whatever row takes its place.
   */
  const treeShowsDisk = async (what: string) => {
    const want = () => JSON.stringify(fs.readdirSync(ftp.root).sort());
    const shown = async () => JSON.stringify((await ftpView(page).locator('.monaco-list-row[aria-level="2"] .label-name').allTextContents()).sort());
    assert.ok(await waitFor(async () => (await shown()) === want(), 20_000, 100), `${what}: the tree shows ${await shown()}, the disk holds ${want()}`);
  };

  /** Waits (bounded) until `check` holds for the server's disk. */
  const onDisk = async (what: string, check: () => boolean, timeoutMs = 20_000) => {
    assert.ok(await waitFor(() => check(), timeoutMs, 100), `${what}: the server's disk holds ${JSON.stringify(fs.readdirSync(ftp.root))}`);
  };

  before(async function () {
    this.timeout(180_000);
    assertInstalled();
    ftp = await startServer('vsftpd');
    seedFolder(ftp.root, ownerOf(ftp.root), FILES);
    // Above VS Code's large-file threshold (workbench.editorLargeFileConfirmation, set to 20 MB below).
    fs.writeFileSync(disk('large.txt'), `${'x'.repeat(99)}\n`.repeat(LARGE_LINES));
    fs.chownSync(disk('large.txt'), ownerOf(ftp.root).uid, ownerOf(ftp.root).gid);
    ui = await startUiWorkbench({ name: 'ui-filemanager', settings: { 'workbench.hover.delay': 200, 'workbench.editorLargeFileConfirmation': 20 } });
    ({ page, userDataDir } = ui);
  });

  scenarioSteps(
    () => page,
    (step) => `ui-filemanager-${step}`,
    async () => {
      await ui?.close();
      await ftp?.stop();
    },
  );

  it('1. add the connection and expand it', async () => {
    await addConnection(page, ftp);
    await expandRow(row(ftp.host));
    await answerRemember(page, 'This window only');
    for (const f of ['a.txt', 'perm.txt', 'dir']) await row(f).waitFor({ state: 'visible', timeout: 20_000 });
  });

  it("2. a file's tooltip shows its size, owner and mode", async () => {
    await row('perm.txt').hover();
    const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Mode:' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await hover.textContent()) ?? '';
    await snap('2-tooltip');
    assert.match(text, /Size: 12 B/);
    assert.match(text, /Owner: \S+/);
    assert.match(text, /Mode: rw-r--r-- \(644\)/);
    await page.mouse.move(0, 0);
  });

  it('3. Change Permissions... from the context menu: 600 typed into the picker is the mode on the disk', async () => {
    assert.strictEqual(fs.statSync(disk('perm.txt')).mode & 0o777, 0o644);
    await contextMenu(page, row('perm.txt'), 'Change Permissions...');
    await page.locator(QUICK_TITLE, { hasText: /rw-r--r-- \(644\)/ }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.quick-input-widget .quick-input-box input').fill('600');
    await page.locator(QUICK_TITLE, { hasText: /rw------- \(600\)/ }).waitFor({ state: 'visible', timeout: 10_000 });
    await snap('3-change-permissions');
    await page.keyboard.press('Enter');
    await onDisk('perm.txt is 600', () => (fs.statSync(disk('perm.txt')).mode & 0o777) === 0o600);
  });

  it('4. F2 after moving with the arrow keys renames the focused row, not the one clicked before', async () => {
    await row('a.txt').click();
    await page.keyboard.press('ArrowDown'); // b.txt
    await page.keyboard.press('ArrowDown'); // c.txt
    await row('c.txt').and(page.locator('.focused')).waitFor({ state: 'visible', timeout: 5000 });
    await page.keyboard.press('F2');
    const prompt = page.locator('.quick-input-widget .quick-input-message', { hasText: /New name for/ }).first();
    await prompt.waitFor({ state: 'visible', timeout: 15_000 });
    const asked = (await prompt.textContent()) ?? '';
    await snap('4-rename-focused');
    assert.match(asked, /New name for \/c\.txt/, `the prompt: ${asked}`);
    await page.locator('.quick-input-widget .quick-input-box input').fill('c-renamed.txt');
    await page.keyboard.press('Enter');
    await onDisk('c.txt renamed', () => fs.existsSync(disk('c-renamed.txt')) && !fs.existsSync(disk('c.txt')));
    assert.ok(fs.existsSync(disk('a.txt')) && fs.existsSync(disk('b.txt')), 'another file was renamed');
  });

  it('5. Delete after moving with the arrow keys deletes the focused row (asked first)', async () => {
    await row('c-renamed.txt').waitFor({ state: 'visible', timeout: 20_000 });
    await row('a.txt').click();
    await page.keyboard.press('ArrowDown'); // b.txt
    await page.keyboard.press('Delete');
    await confirmDialog(page, /Delete "b\.txt"/, 'Delete');
    await onDisk('b.txt deleted', () => !fs.existsSync(disk('b.txt')));
    assert.ok(fs.existsSync(disk('a.txt')), 'a.txt was deleted');
    await snap('5-deleted-focused');
    assert.deepStrictEqual(await notifications(page).then((n) => n.filter((t) => /error|failed/i.test(t))), []);
  });

  it('6. Enter opens the focused file', async () => {
    await row('a.txt').click();
    await page.keyboard.press('ArrowDown'); // c-renamed.txt
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'c-renamed.txt' }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await snap('6-enter-opens-focused');
  });

  it('7. Ctrl+C on a file, Ctrl+V on a folder: copied into it; Ctrl+V in its own folder: "a copy.txt"', async () => {
    // A click opens the file's preview: once it is shown, a second click leaves the keyboard in the view for sure.
    const select = async (r: ReturnType<typeof row>) => {
      await r.click();
      await page.locator('.tabs-container .tab', { hasText: 'a.txt' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      await r.click();
    };
    // The status bar names what Ctrl+C took (the focused row, found through the workbench): a click before that
    // would move the focus under it, as it would under a user's hand.
    const copied = (name: string) =>
      page.locator('.statusbar-item', { hasText: `copied "${name}"` }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await select(row('a.txt'));
    await page.keyboard.press('Control+C');
    await copied('a.txt');
    await row('dir').click();
    await page.keyboard.press('Control+V');
    await onDisk('dir/a.txt', () => fs.existsSync(disk('dir/a.txt')) && fs.readFileSync(disk('dir/a.txt'), 'utf8') === FILES['a.txt']);
    await select(top('a.txt'));
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Control+V'); // at once: the paste waits for the copy
    await onDisk('a copy.txt', () => fs.existsSync(disk('a copy.txt')) && fs.readFileSync(disk('a copy.txt'), 'utf8') === FILES['a.txt']);
    await top('a copy.txt').waitFor({ state: 'visible', timeout: 20_000 });
    // A paste is a job of the Transfers view, as every copy is.
    const transfers = page.locator('.pane-body', { has: page.locator('.monaco-list[aria-label*="Transfers"]') }).first();
    const jobs = transfers.locator('.monaco-list-row', { hasText: 'a.txt' });
    assert.ok(await waitFor(async () => (await jobs.count()) === 2, 10_000, 100), `two copy jobs of a.txt in the Transfers view: ${await transfers.textContent()}`);
    await snap('7-copied');
  });

  it('8. Cut and Paste from the context menu moves a file into a folder', async () => {
    await contextMenu(page, row('perm.txt'), 'Cut');
    await contextMenu(page, row('dir'), 'Paste');
    await onDisk('perm.txt moved', () => fs.existsSync(disk('dir/perm.txt')) && !fs.existsSync(disk('perm.txt')));
    assert.strictEqual(fs.statSync(disk('dir/perm.txt')).mode & 0o777, 0o600, 'the move kept the mode');
  });

  it('9. two rows selected with Ctrl+click, then Delete: both deleted, after one question', async () => {
    // The tree may still be redrawing after step 8's move (a click on a row that moves is lost): click until the
    // row is selected. A click opens the file's preview: once it is shown, a second click leaves the keyboard here.
    const selected = (name: string) => top(name).getAttribute('aria-selected').then((v) => v === 'true');
    const clickUntilSelected = async (name: string, modifiers: ('Control')[] = []) => {
      for (let i = 0; i < 5 && !(await selected(name)); i++) {
        await top(name).click({ modifiers });
        await waitFor(() => selected(name), 2000, 100);
      }
      assert.ok(await selected(name), `${name} selected`);
    };
    // A late redraw after the move can still take the selection between the two clicks (VS Code revealing the moved
    // file's open editor selects its row): as a user would, select both again, until both are.
    for (let attempt = 0; attempt < 3; attempt++) {
      await clickUntilSelected('a copy.txt');
      await page.locator('.tabs-container .tab', { hasText: 'a copy.txt' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      await top('a copy.txt').click();
      await clickUntilSelected('c-renamed.txt', ['Control']);
      if (await selected('a copy.txt')) break;
    }
    assert.ok(await selected('a copy.txt'), 'a copy.txt still selected');
    await page.keyboard.press('Delete');
    const question = page.locator('.monaco-dialog-box', { hasText: /Delete 2 items/ }).first();
    await question.waitFor({ state: 'visible', timeout: 15_000 });
    // The question names what it deletes.
    const asked = (await question.textContent()) ?? '';
    assert.ok(asked.includes('a copy.txt') && asked.includes('c-renamed.txt'), asked);
    await confirmDialog(page, /Delete 2 items/, 'Delete');
    await onDisk('both deleted', () => !fs.existsSync(disk('a copy.txt')) && !fs.existsSync(disk('c-renamed.txt')));
    assert.ok(fs.existsSync(disk('a.txt')), 'a.txt was deleted');
    await snap('9-multi-delete');
  });

  it('10. a row dragged onto a folder moves there', async () => {
    await treeShowsDisk('before the drag');
    // Chromium sometimes does not start an HTML5 drag from one synthetic mouse gesture (seen once in five CI runs:
    // no RNFR sent, nothing on screen). A person whose drag did not take drags again; so does this test, but only
    // while the extension has not been asked to move anything (no RNFR in its log), so a slow move is never retried.
    const asked = () => ftpChannel(userDataDir).includes('---> RNFR /drag.txt');
    for (let attempt = 1; ; attempt++) {
      await top('drag.txt').hover();
      await page.mouse.down();
      // Two moves over the target: the first starts the drag, the second is the dragover the list answers.
      const box = await row('dir').boundingBox();
      assert.ok(box, 'the dir row is on screen');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 2, { steps: 4 });
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
      await page.mouse.up();
      if (await waitFor(() => asked(), 5_000, 100)) break;
      await snap(`10-drag-not-taken-${attempt}`);
      assert.ok(attempt < 3, 'three drags of drag.txt onto dir were not taken (no RNFR in the log)');
    }
    await onDisk('drag.txt moved into dir', () => fs.existsSync(disk('dir/drag.txt')) && !fs.existsSync(disk('drag.txt')));
    assert.strictEqual(fs.readFileSync(disk('dir/drag.txt'), 'utf8'), FILES['drag.txt']);
    assert.ok(fs.existsSync(disk('large.txt')), 'large.txt stayed where it was');
  });

  it("11. a file dropped from the operating system onto a folder is uploaded into it (the workbench's drop events)", async () => {
    const target = row('dir');
    const dt = await page.evaluateHandle(() => {
      // Runs in the page; the harness compiles without the DOM lib.
      const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: string[], name: string, o: object) => unknown };
      const t = new g.DataTransfer();
      t.items.add(new g.File(['from the operating system\n'], 'dropped.txt', { type: 'text/plain' }));
      return t;
    });
    for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer: dt });
    await onDisk('dir/dropped.txt', () => fs.existsSync(disk('dir/dropped.txt')) && fs.readFileSync(disk('dir/dropped.txt'), 'utf8') === 'from the operating system\n');
    await expandRow(row('dir'));
    await row('dropped.txt').waitFor({ state: 'visible', timeout: 20_000 });
    await snap('11-dropped-from-os');
  });

  it('12. a file above the large-file threshold: VS Code asks (after reading it once); Open Anyway opens it without a second download', async () => {
    await top('large.txt').click();
    const ask = page.locator('.editor-group-container', { hasText: /very large|Open Anyway/i }).first();
    await ask.waitFor({ state: 'visible', timeout: 30_000 });
    await snap('12a-large-file-asks');
    const before = retrCount(userDataDir, '/large.txt');
    await page.locator('.editor-group-container .monaco-button, .editor-group-container a', { hasText: /Open Anyway/i }).first().click({ timeout: 10_000 });
    const text = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await text.filter({ hasText: 'xxxxxxxxxx' }).waitFor({ state: 'visible', timeout: 60_000 });
    await snap('12b-large-file-open');
    const after = await waitFor(() => {
      const n = retrCount(userDataDir, '/large.txt');
      return n > 0 ? n : undefined;
    }, 15_000, 200);
    // VS Code 1.139 reads the file before it asks (one RETR), and again after "Open Anyway": that read is answered
    // from the bytes just downloaded (src/remote/recentReads.ts).
    assert.strictEqual(before, 1, `RETR /large.txt ${before} times before Open Anyway`);
    assert.strictEqual(after, 1, `RETR /large.txt ${after} times in all`);
  });
});

/** How often the FTP log (the "FTP" output channel as VS Code keeps it in the logs folder) has RETR of `file`. */
function retrCount(userDataDir: string, file: string): number {
  return ftpChannel(userDataDir).split('\n').filter((l) => l.includes(`---> RETR ${file}`)).length;
}
