/**
 * The page and log side of the vscode-ui bench case (vscode-ui.ts): what each timed step waits on in the workbench
 * (the editor, the view's DOM, the FTP Explorer view) and in the "FTP" channel's log file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { waitForEditorTab } from '../../test/e2e/browser';
import { ftpChannel, openFtpExplorer } from '../../test/e2e/ftpUi';
import { waitFor } from '../../test/e2e/processGroup';
import { channelCommands, type ChannelCommand } from '../channelLog';

/** No command for this long before a click: the connections are idle. */
const IDLE_MS = 1000;
/** Bound of every wait of a step. */
export const STEP_TIMEOUT_MS = 60_000;

/** Sets pollSeconds 0 on the connection `name` in code-server's user settings (Add Connection wrote it there). */
export function noPolling(userDataDir: string, name: string): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  let settings: Record<string, unknown>;
  try {
    settings = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${file} is not plain JSON (${(err as Error).message}): cannot turn watching off for the bench`);
  }
  const list = settings['ftpExplorer.connections'];
  const conn = Array.isArray(list) ? (list as Record<string, unknown>[]).find((c) => c.name === name) : undefined;
  if (!conn) throw new Error(`no connection "${name}" in ${file} after Add Connection`);
  conn.pollSeconds = 0;
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

/** Waits until the editor shows `text` in the active tab `name`; returns when both were seen (epoch ms). */
export async function editorShows(page: Page, name: string, text: string): Promise<number> {
  await Promise.all([
    waitForEditorTab(page, name, { timeoutMs: STEP_TIMEOUT_MS }),
    page.locator('.editor-group-container .monaco-editor .view-lines', { hasText: text }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS }),
  ]);
  return Date.now();
}

/** Records in the page the time (epoch ms) of the latest change to `view`'s DOM, from now on. */
export async function watchDom(view: Locator): Promise<void> {
  await view.evaluate((el) => {
    // Runs in the page; the harness compiles without the DOM lib.
    type Observer = { observe(node: unknown, opts: Record<string, boolean>): void; disconnect(): void };
    const g = globalThis as unknown as { MutationObserver: new (cb: () => void) => Observer; benchObserver?: Observer; benchLastChange?: number };
    g.benchObserver?.disconnect();
    g.benchLastChange = Date.now();
    g.benchObserver = new g.MutationObserver(() => {
      g.benchLastChange = Date.now();
    });
    g.benchObserver.observe(el, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

export async function lastDomChange(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { benchLastChange?: number }).benchLastChange ?? 0);
}

/** Waits (bounded) until the "FTP" channel's file has not grown for `quietMs`. */
async function channelQuiet(userDataDir: string, quietMs: number, timeoutMs: number): Promise<void> {
  let last = ftpChannel(userDataDir).length;
  let since = Date.now();
  await waitFor(() => {
    const n = ftpChannel(userDataDir).length;
    if (n !== last) {
      last = n;
      since = Date.now();
    }
    return Date.now() - since >= quietMs;
  }, timeoutMs, 100);
}

/**
 * Waits until the extension has sent nothing for IDLE_MS, bounded: every click starts with the connections idle,
 * not behind the tree's own listing after a save (bench/README.md).
 */
export function idle(userDataDir: string): Promise<void> {
  return channelQuiet(userDataDir, IDLE_MS, 30_000);
}

/** The channel's commands once its file stopped growing (VS Code writes it in the background; bounded). */
export async function settledChannel(userDataDir: string): Promise<ChannelCommand[]> {
  await channelQuiet(userDataDir, 1000, 15_000);
  return channelCommands(ftpChannel(userDataDir));
}

/**
 * The FTP Explorer view shown after the page loaded again: the workbench restores the side bar as it was, and a click
 * on the activity bar's item while it restores can close it again (openFtpExplorer's check comes too early). Clicked
 * until the view's title shows, bounded.
 */
export async function showFtpView(page: Page): Promise<void> {
  const title = page.locator('.sidebar .title-label', { hasText: /FTP Explorer/i }).first();
  for (let attempt = 1; ; attempt++) {
    if (await title.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) return;
    if (attempt === 4) throw new Error('the FTP Explorer view did not show after the page loaded again');
    await openFtpExplorer(page).catch(() => undefined);
  }
}

export function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
