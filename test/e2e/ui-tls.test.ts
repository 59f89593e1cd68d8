// UI scenario, as a user sees it: the packaged .vsix installed in code-server (no smoke-test driver, so the
// modal dialog is the real one), "FTP: Add Connection" with Explicit TLS to a self-signed vsftpd on loopback,
// expand it, the trust prompt (subject, issuer, validity, SHA-256 fingerprint), "Trust This Certificate", a file
// of the server listed in the FTP Explorer view and opened; then "Diagnose Connection" from the context menu.
// Screenshots: test-artifacts/e2e/ui-tls-*.png.
// Needs: bash scripts/setup-vscode.sh, bash scripts/install-servers.sh, npx tsc -p . && node scripts/bundle.mjs.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { startServer, type RunningServer } from '../servers';
import type { Page } from 'playwright-core';
import { runCommand, screenshot, waitForEditorTab } from './browser';
import { assertInstalled } from './env';
import { answerRemember } from './ftpUi';
import { waitFor } from './processGroup';
import { SECURE_FILE, SECURE_TEXT } from './tlsFixture';
import { startUiWorkbench } from './uiWorkbench';

/**
 * Answers step `step` of the guided "Add FTP Connection" input (its title says "(step/6)"): types `text`, waits for
 * the row `pick` in a quick pick, Enter, and waits until that step is gone (the widget stays open for the next).
 */
async function addConnectionStep(page: Page, step: number, text: string, pick?: string): Promise<void> {
  const box = page.locator(`.quick-input-widget .quick-input-box input[aria-label*="Add FTP Connection (${step}/7)"]`);
  await box.waitFor({ state: 'visible', timeout: 15_000 });
  await box.fill(text, { timeout: 15_000 });
  if (pick !== undefined) {
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: pick }).first().waitFor({ state: 'visible', timeout: 15_000 });
  }
  await page.keyboard.press('Enter');
  await box.waitFor({ state: 'hidden', timeout: 15_000 });
}

/**
 * Starts a palette command that opens an input of its own (so the quick input widget does not close in between,
 * which the harness's runCommand waits for): F1, type the title, wait until it is the first row, Enter.
 */
async function startCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const box = page.locator('.quick-input-widget .quick-input-box input');
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = Math.max(1000, deadline - Date.now());
    if (!(await box.isVisible())) {
      await page.keyboard.press('F1');
      await box.waitFor({ state: 'visible', timeout: left });
    }
    await box.fill(`>${title}`, { timeout: left });
    const found = await first.filter({ hasText: title }).waitFor({ state: 'visible', timeout: Math.min(3000, left) }).then(() => true, () => false);
    if (found) break;
    if (Date.now() >= deadline) throw new Error(`command "${title}" not found in the palette within ${timeoutMs} ms`);
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden', timeout: left });
  }
  await page.keyboard.press('Enter');
}

describe('UI: FTPS with a self-signed certificate (installed .vsix)', function () {
  this.timeout(300_000);
  let server: RunningServer | undefined;

  before(async function () {
    this.timeout(120_000);
    assertInstalled();
    server = await startServer('vsftpd', { tls: 'explicit' });
    const owner = fs.statSync(server.root);
    const file = path.join(server.root, SECURE_FILE);
    fs.writeFileSync(file, SECURE_TEXT, { mode: 0o644 });
    fs.chownSync(file, owner.uid, owner.gid);
  });

  after(async () => {
    await server?.stop();
  });

  it('Add Connection with Explicit TLS, the trust prompt, Trust This Certificate, browse; Diagnose Connection', async () => {
    const srv = server!;
    const t0 = Date.now();
    const step = (label: string) => console.log(`      [time] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${label}`);
    const fp = new crypto.X509Certificate(srv.tls!.certPem).fingerprint256.toUpperCase();
    const ui = await startUiWorkbench({ name: 'ui-tls' });
    step('packaged and installed the .vsix');
    const { page } = ui;
    try {
      await page.locator('.activitybar [aria-label^="FTP Explorer"]').first().click({ timeout: 30_000 });
      step('workbench open');

      // The guided input, with its TLS step.
      await startCommand(page, 'FTP: Add Connection');
      await addConnectionStep(page, 1, srv.host);
      await addConnectionStep(page, 2, 'Explicit', 'Explicit TLS');
      await addConnectionStep(page, 3, String(srv.port));
      await addConnectionStep(page, 4, srv.user);
      await addConnectionStep(page, 5, srv.password);
      await addConnectionStep(page, 6, 'passive', 'passive');
      await addConnectionStep(page, 7, srv.host);

      const row = page.locator('.monaco-list-row', { hasText: srv.host }).first();
      await row.waitFor({ timeout: 30_000 });
      assert.match((await row.textContent()) ?? '', /FTPS · passive/);
      await screenshot(page, 'ui-tls-1-connection-added');
      step('connection added');

      // Expanding connects: the certificate is refused, and the real modal shows it.
      await row.click();
      const dialog = page.locator('.monaco-dialog-box').first();
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      const text = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
      const shot = await screenshot(page, 'ui-tls-2-trust-prompt');
      step('trust prompt shown');
      console.log(`      trust prompt: ${shot}\n      text: ${text}`);
      assert.match(text, /is not trusted/);
      assert.match(text, /Subject: CN=localhost/);
      assert.match(text, /Issuer: CN=localhost \(self-signed\)/);
      assert.match(text, /Valid: .* UTC to .* UTC/);
      assert.ok(text.includes(fp), `the fingerprint ${fp} is shown`);
      assert.ok(!text.includes(srv.password), 'no password in the dialog');

      await dialog.locator('.monaco-button', { hasText: 'Trust This Certificate' }).first().click();
      await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
      // The password typed in Add Connection is offered for remembering once the login worked.
      await answerRemember(page, 'This window only');

      // Browsing works: the server's file is listed, and opens.
      const fileRow = page.locator('.monaco-list-row', { hasText: SECURE_FILE }).first();
      await fileRow.waitFor({ timeout: 30_000 });
      await fileRow.click();
      await waitForEditorTab(page, SECURE_FILE, { timeoutMs: 30_000 });
      await page.locator('.monaco-editor .view-lines', { hasText: SECURE_TEXT.trim() }).first().waitFor({ timeout: 15_000 });
      await screenshot(page, 'ui-tls-3-browsing');
      step('file listed and opened');

      // The diagnosis from the connection's context menu: a read-only report in an editor.
      await row.click({ button: 'right' });
      const item = page.locator('.context-view .action-label', { hasText: 'Diagnose Connection' }).first();
      await item.waitFor({ state: 'visible', timeout: 15_000 });
      await item.hover();
      await item.click();
      // A click that lands while the menu is still settling only highlights the item: Enter runs the highlighted one.
      const menu = page.locator('.context-view .monaco-menu').first();
      if (!(await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false))) await page.keyboard.press('Enter');
      // A Markdown preview (a webview: its text is in a frame of the page).
      await page.locator('.tabs-container .tab', { hasText: /Preview/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
      const reportText = (
        (await waitFor(async () => {
          for (const f of page.frames()) {
            const t = await f.locator('body').textContent({ timeout: 500 }).catch(() => '');
            if (t && /Settings: tls explicit/.test(t)) return t;
          }
          return undefined;
        }, 30_000, 300)) ?? ''
      ).replace(/\s+/g, ' ');
      await screenshot(page, 'ui-tls-4-diagnosis');
      step('diagnosis report shown');
      assert.ok(!reportText.includes(srv.password), 'no password in the report');
      assert.match(reportText, /Settings: tls explicit/);
    } catch (e) {
      const shot = await screenshot(page, 'ui-tls-failed').catch(() => 'none');
      // The "FTP" output channel (the extension's dialogue log) for the failure report.
      const log = await (async () => {
        await page.keyboard.press('Escape');
        await runCommand(page, 'FTP: Show Log', 10_000);
        const lines = page.locator('.part.panel .monaco-editor .view-lines');
        await lines.first().waitFor({ timeout: 10_000 });
        await screenshot(page, 'ui-tls-failed-log');
        return (await lines.first().innerText()).slice(-4000);
      })().catch((x: unknown) => `(no log: ${(x as Error).message})`);
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\nFTP log:\n${log}`);
    } finally {
      await ui.close();
    }
  });
});
