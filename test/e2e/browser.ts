// Debian's Chromium driven by playwright-core, kept off the network, and helpers for the workbench UI.
// The selectors are VS Code internals of the pinned code-server (env.ts CODE_SERVER_VERSION).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { ARTIFACTS_DIR, CHROMIUM } from './env';
import { stopGroup, groupAlive, waitFor, withTimeout } from './processGroup';

/**
 * All of them, or Chromium talks to the outside network; the host-resolver rule stops DNS queries
 * leaving the machine. Playwright adds a fresh `--user-data-dir` (a new temporary profile per launch,
 * removed on close) itself: it refuses one in `args`.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Closes Chromium (bounded) and kills its process group if it is still there; idempotent. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** Bound on the launch. Default 30 s. */
  timeoutMs?: number;
}

/** Our direct children that lead their own process group (what Playwright's detached spawn makes). */
function childGroupLeaders(): Set<number> {
  const found = new Set<number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === process.pid && Number(f[2]) === Number(name)) found.add(Number(name));
    } catch { /* gone */ }
  }
  return found;
}

function isChromium(pid: number): boolean {
  try {
    return /chrom/i.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

export async function launchBrowser(opts: LaunchOptions = {}): Promise<BrowserSession> {
  // Chromium's own files (crashpad database, caches) go into a temp folder, not ~/.config/chromium.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-e2e-chromium-'));
  const before = childGroupLeaders();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: opts.timeoutMs ?? 30_000,
    env: {
      ...process.env,
      TZ: process.env.TZ ?? 'UTC',
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
      XDG_DATA_HOME: path.join(home, 'data'),
    },
  }).catch((e) => { fs.rmSync(home, { recursive: true, force: true }); throw e; });
  // Chromium's process group, for the kill fallback (Playwright's Browser does not expose its pid).
  const pgids = [...childGroupLeaders()].filter((p) => !before.has(p) && isChromium(p));
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= (async () => {
    try {
      await withTimeout(browser.close(), 10_000, 'closing chromium');
    } catch { /* fall through to the kill */ }
    // Playwright starts Chromium detached (its own process group) and kills the group on close;
    // this is the fallback when close() hung.
    for (const pgid of pgids) if (groupAlive(pgid)) await stopGroup(pgid, 1000);
    fs.rmSync(home, { recursive: true, force: true });
  })());
  try {
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    return { browser, context, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Opens the workbench at `url` and waits (bounded) until it is there and the explorer/status bar is drawn. */
export async function openWorkbench(page: Page, url: string, timeoutMs = 60_000): Promise<void> {
  await page.goto(url, { timeout: timeoutMs, waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const PALETTE_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
/** The command palette input's aria-label (a command's own prompt has another). */
const PALETTE_LABEL = 'Type the name of a command to run.';

export interface QuickInputOptions {
  /** For a quick pick: wait until the focused (first) row's label contains this before Enter. */
  pick?: string;
  timeoutMs?: number;
}

/**
 * Answers the open quick input (input box, quick pick, quick open): waits for it, types `text`,
 * optionally waits for the row to pick, presses Enter, waits until it closes.
 */
export async function quickInput(page: Page, text: string, opts: QuickInputOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const box = page.locator(QUICK_INPUT_BOX);
  await box.waitFor({ state: 'visible', timeout: timeoutMs });
  await box.fill(text, { timeout: timeoutMs });
  if (opts.pick !== undefined) {
    await page.locator(`${PALETTE_ROWS}.focused`, { hasText: opts.pick }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  }
  await page.keyboard.press('Enter');
  await box.waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Whether the palette's first row is labelled exactly `title` (runs in the page). */
async function firstRowIs(page: Page, title: string, timeoutMs: number): Promise<boolean> {
  return page.waitForFunction(
    ({ sel, want }) => {
      // Runs in the page; the harness compiles without the DOM lib.
      type El = { textContent: string | null; getAttribute(n: string): string | null; querySelector(s: string): El | null };
      const row = (globalThis as unknown as { document: El }).document.querySelector(sel);
      const label = row?.querySelector('.label-name')?.textContent ?? row?.getAttribute('aria-label') ?? '';
      return label.replace(/\s+/g, ' ').trim() === want;
    },
    { sel: PALETTE_ROWS, want: title },
    { timeout: timeoutMs },
  ).then(() => true, () => false);
}

/**
 * Runs a command from the palette as a user does: F1, type its title, wait until the first row of
 * the list is that command, Enter. `title` is what the palette shows, e.g. "FTP: Connect".
 * Right after the workbench appears, extensions' commands may not be registered yet and the open
 * palette does not refresh its list: then it closes the palette and types again, until `timeoutMs`.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const box = page.locator(QUICK_INPUT_BOX);
  for (let attempt = 1; ; attempt++) {
    const left = () => Math.max(1000, deadline - Date.now());
    // A quick input that is not the palette (the last command's quick pick, perhaps still fading out after its
    // pick: then it is inert, and hidden a moment later) is waited out, or closed, before F1.
    if ((await box.isVisible()) && (await box.getAttribute('aria-label').catch(() => null)) !== PALETTE_LABEL) {
      if (!(await box.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false))) {
        await page.keyboard.press('Escape');
        await box.waitFor({ state: 'hidden', timeout: left() });
      }
    }
    if (!(await box.isVisible())) {
      await page.keyboard.press('F1');
      await box.waitFor({ state: 'visible', timeout: left() });
    }
    // Bounded per try: a box that closes under the fill is opened again by the next try.
    if (!(await box.fill(`>${title}`, { timeout: Math.min(5000, left()) }).then(() => true, () => false))) {
      if (Date.now() >= deadline) throw new Error(`could not type "${title}" into the command palette within ${timeoutMs} ms`);
      continue;
    }
    if (await firstRowIs(page, title, Math.min(3000, left()))) break;
    if (Date.now() >= deadline) {
      const rows = await page.locator(PALETTE_ROWS).allTextContents();
      await page.keyboard.press('Escape');
      throw new Error(`command "${title}" not first in the palette after ${attempt} tries in ${timeoutMs} ms (rows: ${JSON.stringify(rows.slice(0, 5))})`);
    }
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden', timeout: left() });
  }
  await page.keyboard.press('Enter');
  // The palette is done when it closes, or when the command shows its own prompt in the same widget
  // (an input box or quick pick: then the input is no longer the palette's).
  const closed = await waitFor(async () => {
    if (!(await box.isVisible())) return true;
    const label = await box.getAttribute('aria-label').catch(() => null);
    return label !== null && label !== PALETTE_LABEL && !(await box.inputValue().catch(() => '')).startsWith('>');
  }, Math.max(1000, deadline - Date.now()), 50);
  if (!closed) throw new Error(`the command palette did not close after running "${title}"`);
}

const NOTIFICATION_MESSAGES = '.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message';

/** The texts of the notifications now shown (toasts, and the notification center if it is open). */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator(NOTIFICATION_MESSAGES).allTextContents();
}

/**
 * Waits (bounded) for a notification containing `text`; returns its text. With the smoke-test
 * driver (payload URLs, in-host runs) VS Code shows no toasts, only the notification center: if no
 * toast appears within a second it opens the center (notifications.showList) and looks there.
 */
export async function waitForNotification(page: Page, text: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const match = page.locator(NOTIFICATION_MESSAGES, { hasText: text }).first();
  const toast = await match.waitFor({ state: 'visible', timeout: Math.min(1000, timeoutMs) }).then(() => true, () => false);
  if (!toast) {
    if (!(await page.locator('.notifications-center.visible').isVisible())) {
      await page.locator('[id="status.notifications"]').first().click({ timeout: Math.max(1000, deadline - Date.now()) });
    }
    await match.waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
  }
  return (await match.textContent()) ?? '';
}

/** Waits (bounded) for an editor tab whose label contains `name`, active by default. */
export async function waitForEditorTab(page: Page, name: string, opts: { active?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const sel = `.monaco-workbench .tabs-container .tab${opts.active === false ? '' : '.active'}`;
  await page.locator(sel, { hasText: name }).first().waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 15_000 });
}

/** Saves a PNG of the page (the viewport) into test-artifacts/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, timeout: 15_000 });
  return file;
}
