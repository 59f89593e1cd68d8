// Workbench UI helpers for the FTP Explorer scenarios (ui-*.test.ts): answering a chain of prompts,
// the FTP Explorer view's rows, context menus, modal dialogs, the output panel. Selectors are VS Code
// internals of the pinned code-server (env.ts CODE_SERVER_VERSION), like those in browser.ts.
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './processGroup';
import { notifications, runCommand, screenshot } from './browser';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const FOCUSED_ROW = `${QUICK_INPUT} .quick-input-list .monaco-list-row.focused`;

/** One answer for `answerPrompts`: the first whose `when` matches the prompt's title, placeholder and message. */
export interface PromptAnswer {
  when: RegExp;
  /** Text to type into an input box (replacing what is there). */
  type?: string;
  /** For a quick pick: type this and wait until the focused row contains it. */
  pick?: string;
  /** Accept what the prompt shows (its default value) as it is. */
  keep?: boolean;
  /** Called with the prompt filled in, before Enter (e.g. to take a screenshot of it). */
  before?: () => Promise<unknown>;
}

interface PromptState {
  visible: boolean;
  /** Title, placeholder and message of the prompt, for matching and for telling one step from the next. */
  key: string;
}

async function promptState(page: Page): Promise<PromptState> {
  return page.evaluate((sel) => {
    // Runs in the page; the harness compiles without the DOM lib.
    type El = { textContent: string | null; getAttribute(n: string): string | null; querySelector(s: string): El | null; offsetParent: unknown; value?: string };
    const doc = (globalThis as unknown as { document: El }).document;
    const w = doc.querySelector(sel.widget);
    const input = doc.querySelector(sel.box);
    const visible = !!w && !!input && input.offsetParent !== null && w.getAttribute('style')?.includes('display: none') !== true;
    const title = w?.querySelector('.quick-input-title')?.textContent ?? '';
    const message = w?.querySelector('.quick-input-message')?.textContent ?? '';
    const placeholder = input?.getAttribute('placeholder') ?? '';
    const aria = input?.getAttribute('aria-label') ?? '';
    return { visible, key: [title, placeholder, message, aria].map((s) => s.replace(/\s+/g, ' ').trim()).join(' | ') };
  }, { widget: QUICK_INPUT, box: QUICK_INPUT_BOX });
}

/**
 * Answers a chain of prompts (input boxes and quick picks, as a command shows them one after the other)
 * until `done()` is true: each new prompt is matched against `answers` by its title/placeholder/message.
 * Driven by what the workbench shows, not by a fixed number of steps. Returns the prompts answered.
 */
export async function answerPrompts(page: Page, answers: PromptAnswer[], done: () => Promise<boolean>, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const answered: string[] = [];
  let last = '';
  for (;;) {
    if (Date.now() > deadline) throw new Error(`prompts not finished within ${timeoutMs} ms; answered: ${JSON.stringify(answered)}`);
    const next = await waitFor(async () => {
      if (await done()) return { done: true as const };
      const st = await promptState(page);
      return st.visible && st.key !== last ? { done: false as const, key: st.key } : undefined;
    }, Math.max(1000, deadline - Date.now()), 100);
    if (!next) continue;
    if (next.done) return answered;
    const answer = answers.find((a) => a.when.test(next.key));
    if (!answer) throw new Error(`no answer for the prompt "${next.key}" (answered so far: ${JSON.stringify(answered)})`);
    const box = page.locator(QUICK_INPUT_BOX);
    const text = answer.pick ?? answer.type ?? '';
    if (!answer.keep) await box.fill(text, { timeout: 10_000 });
    if (answer.pick !== undefined) {
      await page.locator(FOCUSED_ROW, { hasText: answer.pick }).first().waitFor({ state: 'visible', timeout: 10_000 });
    }
    await answer.before?.();
    await page.keyboard.press('Enter');
    answered.push(next.key);
    last = next.key;
  }
}

/**
 * Answers "Remember the password?", which FTP Explorer asks once the first login with a password typed in Add
 * Connection (or a prompt) worked: picks `choice` when the question comes within `timeoutMs`.
 */
export async function answerRemember(page: Page, choice: 'Remember' | 'This window only' = 'Remember', timeoutMs = 20_000): Promise<void> {
  const widget = page.locator(QUICK_INPUT, { hasText: /Remember the password\?/ });
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator(QUICK_INPUT_BOX).fill(choice, { timeout: 10_000 });
  await page.locator(FOCUSED_ROW, { hasText: choice }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The FTP Explorer view (its pane body). */
export function ftpView(page: Page): Locator {
  return page.locator('.pane-body', { has: page.locator('.monaco-list[aria-label*="Connections"], .monaco-list[aria-label*="FTP"]') }).first();
}

/** Opens the FTP Explorer view from the activity bar (idempotent: does not toggle it closed). */
export async function openFtpExplorer(page: Page, timeoutMs = 30_000): Promise<void> {
  const item = page.locator('.activitybar .action-item', { has: page.locator('[aria-label^="FTP Explorer"]') }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  if (!(await item.evaluate((e) => (e as unknown as { classList: { contains(c: string): boolean } }).classList.contains('checked')))) {
    await item.click({ timeout: timeoutMs });
  }
  await page.locator('.sidebar .title-label', { hasText: /FTP Explorer/i }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** A row of a tree in the side bar whose label is exactly `label`. */
export function treeRow(page: Page, label: string, scope?: Locator): Locator {
  const root = scope ?? page.locator('.sidebar');
  return root.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) }).first();
}

/** Expands a collapsed tree row (no-op when it is expanded) and waits until it says so. */
export async function expandRow(row: Locator, timeoutMs = 30_000): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click({ timeout: timeoutMs });
  await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', timeoutMs, 100);
}

/** Right-clicks `row` and runs the context menu entry `item`. */
export async function contextMenu(page: Page, row: Locator, item: string, timeoutMs = 15_000): Promise<void> {
  const entry = page.locator('.context-view .monaco-menu .action-item', { has: page.locator('.action-label', { hasText: new RegExp(`^${escapeRe(item)}$`) }) }).first();
  // A right-click on a row the tree redraws at that moment opens the menu of nothing (VS Code's own entries
  // only): close it and right-click again, as a person would.
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right', timeout: timeoutMs });
    if (await entry.waitFor({ state: 'visible', timeout: timeoutMs / 3 }).then(() => true, () => false)) break;
    const shown = await page.locator('.context-view .monaco-menu').first().textContent().catch(() => '');
    if (attempt === 3) throw new Error(`no "${item}" in the context menu after ${attempt} right-clicks; it showed: ${shown}`);
    await page.keyboard.press('Escape');
  }
  // A click while the menu is still being laid out can be lost (the menu stays open): click until it closes.
  const menu = page.locator('.context-view .monaco-menu').first();
  for (let attempt = 1; ; attempt++) {
    await entry.click({ timeout: timeoutMs });
    if (await menu.waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false)) return;
    if (attempt === 3) throw new Error(`the context menu stayed open after clicking "${item}" ${attempt} times`);
  }
}

/** Clicks `button` in the modal dialog whose message contains `text`. */
export async function confirmDialog(page: Page, text: string | RegExp, button: string, timeoutMs = 15_000): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box', { hasText: text }).first();
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${escapeRe(button)}$`) }).first().click({ timeout: timeoutMs });
  await dialog.waitFor({ state: 'hidden', timeout: timeoutMs });
}

/**
 * The text of the lines the output panel shows now, top to bottom (its editor renders only what is on
 * screen, and reuses line elements in any DOM order: they are sorted by their position).
 */
export async function outputPanelLines(page: Page): Promise<string[]> {
  const lines = await page.locator('.part.panel .monaco-editor .view-lines .view-line').evaluateAll((els) =>
    els.map((e) => {
      const el = e as unknown as { textContent: string | null; style: { top: string } };
      return { top: parseFloat(el.style.top) || 0, text: el.textContent ?? '' };
    }),
  );
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' '));
}

/** Polls the file until `check` accepts its text (bounded); returns the text. Throws with the last text seen. */
export async function waitForDisk(file: string, check: (text: string | undefined) => boolean, timeoutMs = 20_000): Promise<string | undefined> {
  let last: string | undefined;
  const ok = await waitFor(() => {
    last = fs.existsSync(file) ? (fs.statSync(file).isDirectory() ? '<dir>' : fs.readFileSync(file, 'utf8')) : undefined;
    return check(last);
  }, timeoutMs, 100);
  if (!ok) throw new Error(`${file} on the server's disk did not become as expected within ${timeoutMs} ms; now: ${JSON.stringify(last)}`);
  return last;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * For a describe() whose tests are the steps of one scenario, each building on the last: after a failed step,
 * a screenshot and the notifications go to the log and the later steps are skipped; after all, `cleanup`.
 */
export function scenarioSteps(page: () => Page | undefined, name: (step: string) => string, cleanup: () => Promise<void>): void {
  let failed = false;
  beforeEach(function () {
    if (failed) this.skip();
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    const p = page();
    if (p) {
      const file = await screenshot(p, name(`FAILED-${this.currentTest.title.slice(0, 40)}`)).catch(() => 'none');
      console.log(`      screenshot of the failure: ${file}; notifications: ${JSON.stringify(await notifications(p).catch(() => []))}`);
    }
  });
  after(cleanup);
}

/** The server a connection is added for (a RunningServer of test/servers). */
export interface ServerLogin {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * "FTP: Add Connection" answered step by step (plain FTP), named after the host unless `name` is given; returns once
 * its row is in the FTP Explorer view. `password: ''` leaves it to be asked when connecting.
 */
export async function addConnection(
  page: Page,
  ftp: ServerLogin,
  opts: { mode?: 'passive' | 'active'; name?: string; password?: string } = {},
): Promise<void> {
  const name = opts.name ?? ftp.host;
  await runCommand(page, 'FTP: Add Connection');
  await answerPrompts(page, [
    { when: /host name/i, type: ftp.host },
    { when: /encryption|tls/i, pick: 'None' },
    { when: /\bport\b/i, type: String(ftp.port) },
    { when: /user name/i, type: ftp.user },
    { when: /password/i, type: opts.password ?? ftp.password },
    { when: /data connection mode/i, pick: opts.mode ?? 'passive' },
    { when: /connection name/i, type: name },
  ], () => treeRow(page, name, ftpView(page)).isVisible());
}

/** The "FTP" output channel as VS Code keeps it in the logs folder of `userDataDir` (every window of the run). */
export function ftpChannel(userDataDir: string): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/-FTP\.log$/.test(e.name)) found.push(p);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

/**
 * Answers VS Code's own folder picker (in a browser, the simple file dialog: a quick input holding a path) whose
 * title matches `title` with `dir`: typed into its box (again if the picker put its own starting folder there after
 * the typing, which it does while it is still loading), then its `button`, until the picker has closed.
 */
export async function pickFolder(page: Page, title: RegExp, dir: string, button: string, attempts = 4): Promise<void> {
  const picker = page.locator(QUICK_INPUT, { has: page.locator('.quick-input-title', { hasText: title }) }).first();
  const input = picker.locator('.quick-input-box input');
  const want = `${dir}/`;
  for (let attempt = 1; ; attempt++) {
    await picker.waitFor({ state: 'visible', timeout: 15_000 });
    const typed = await waitFor(async () => {
      if ((await input.inputValue()) !== want) await input.fill(want);
      return (await input.inputValue()) === want;
    }, 10_000, 250);
    if (!typed) throw new Error(`the folder picker does not keep ${want}: it shows ${await input.inputValue()}`);
    await picker.locator('.monaco-button', { hasText: new RegExp(`^${button}$`) }).first().click();
    if (await picker.waitFor({ state: 'hidden', timeout: 5000 }).then(() => true, () => false)) return;
    if (attempt === attempts) throw new Error(`the folder picker stayed open after ${attempt} tries, showing ${await input.inputValue()}`);
  }
}
