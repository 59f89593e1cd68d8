/**
 * What a user feels in real VS Code (`--cases vscode-ui`): clicks and keys in the FTP Explorer view of code-server,
 * driven by headless Chromium through test/e2e's UI helpers, timed with the clock of this process from the
 * Playwright click or key press to what the screen (or the server's disk) shows. The packaged extension is installed
 * as a user installs it (no smoke-test driver), a connection added through "FTP: Add Connection" (passive), and the
 * same steps run twice, each in its own code-server: on loopback (the reference) and through the network emulator at
 * `--rtt` ms (code-server's extension host -> emulator -> server). Commands per step come from the "FTP" output
 * channel's file in code-server's logs folder (bench/channelLog.ts), by their time stamps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand, screenshot } from '../../test/e2e/browser';
import { CODE_SERVER_VERSION, missingPieces } from '../../test/e2e/env';
import { addConnection, answerRemember, expandRow, ftpChannel, ftpView, openFtpExplorer, treeRow } from '../../test/e2e/ftpUi';
import { waitFor } from '../../test/e2e/processGroup';
import { startUiWorkbench, type UiWorkbench } from '../../test/e2e/uiWorkbench';
import { packageVsix } from '../../test/e2e/vsix';
import { channelCommands, commandEpoch, commandsBetween, type ChannelCommand } from '../channelLog';
import { makeManyEntries } from '../fixtures';
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { PROJECT } from '../tools';
import type { BenchEnv } from './env';
import { editorShows, idle, lastDomChange, noPolling, pause, settledChannel, showFtpView, STEP_TIMEOUT_MS, watchDom } from './vscode-ui-page';

/** Files in each small folder clicked open. */
const FOLDER_FILES = 20;
/** Entries of each large folder clicked open. */
export const UI_BIG_ENTRIES = 10_000;
/** The listing cache's freshness (src/remote/dirCache.ts DEFAULT_TTL_MS) and a margin: waited out to make it cold. */
const STALE_AFTER_MS = 5000 + 500;
/** A command sent this long after the step's result still counts as the step's (VS Code's own follow-up calls). */
const SETTLE_MS = 1500;
/** The view is "settled" after this long without a change to its DOM. */
const QUIET_MS = 1000;

export const UI_STEPS = ['folder', 'open', 'open-stale', 'save', 'big-first', 'big-settled'] as const;
export type UiStep = (typeof UI_STEPS)[number];

const LABELS: Record<UiStep, string> = {
  folder: `click a folder of ${FOLDER_FILES} files: its rows shown`,
  open: 'click a small file in the folder just listed: the editor shows its text',
  'open-stale': 'click a small file in a folder listed more than 5 s before (the listing cache stale): the editor shows its text',
  save: 'Ctrl+S after an edit (the listing stale): the server\'s disk has the new text and the tab\'s dirty mark is gone',
  'big-first': `click a folder of ${UI_BIG_ENTRIES.toLocaleString('en')} entries: its first rows shown`,
  'big-settled': `click a folder of ${UI_BIG_ENTRIES.toLocaleString('en')} entries: the view settled (its DOM unchanged for ${QUIET_MS / 1000} s; time of its last change)`,
};

/** The protocol's minimum on vsftpd (its 226 after the client's close: 4 per transfer), bench/README.md. */
const MINIMUM: Record<UiStep, string> = {
  folder: '4 (CWD+EPSV, LIST)',
  open: '4 (MDTM+EPSV, RETR)',
  'open-stale': '4, + 1 (SIZE/MDTM) or 4 (a listing) for VS Code\'s stat',
  save: 'safe save 7 pipelined + the look before it (1 MDTM, or 4 a listing)',
  'big-first': '4 (the listing fits in the link\'s window)',
  'big-settled': '4',
};

interface StepRecord {
  step: UiStep;
  round: number;
  /** Epoch ms: before the click or key press; the result seen; the window in which commands count as the step's. */
  from: number;
  result: number;
  windowEnd: number;
  seconds?: number;
  /** Save: the seconds until the server's disk had the new text (the dirty mark may go a moment later). */
  diskSeconds?: number;
  error?: string;
  commands?: number;
  verbs?: string;
  /** Each command with its time after the click (ms) and its connection, for reading where the time went. */
  log?: string[];
}

interface SessionResult {
  records: StepRecord[];
  /** Commands in the measured part of the session that fell in no step's window (should be none), with the step before. */
  background: string[];
  failure?: Error;
}

/**
 * The UI case: on loopback, then through the emulator (`via`, bench/cases/wan.ts startVia) when given. Returns one
 * case per step and session, whose candidate replays the session's samples round by round.
 */
export async function vscodeUiCases(
  env: BenchEnv,
  srv: BenchServerInfo,
  progress: (t: string) => void,
  via?: { srv: BenchServerInfo; rttMs: number },
): Promise<Case[]> {
  const o = env.opts;
  const rounds = o.rounds;
  // One warm-up round at most: the session runs it first (fresh folders, as every round).
  const warmup = Math.min(o.warmup, 1);
  const cases: Case[] = [];
  let vsix: string | undefined;
  let packError: Error | undefined;
  try {
    const missing = missingPieces();
    if (missing) throw new Error(missing);
    // The project's build as a user installs it (bench/run has bundled dist/ when a source was newer).
    progress(`    packaging the extension (vsce) from ${PROJECT}`);
    vsix = await packageVsix(PROJECT, path.join(env.dir, 'vscode-ui', 'ftp-explorer.vsix'));
  } catch (err) {
    packError = err as Error;
  }
  const sessions: { name: string; server: BenchServerInfo; rttMs?: number; tag: string }[] = [
    { name: 'loopback', server: srv, tag: 'loopback, no emulator' },
    ...(via ? [{ name: `rtt${via.rttMs}`, server: via.srv, rttMs: via.rttMs, tag: `${via.rttMs} ms RTT` }] : []),
  ];
  for (const s of sessions) {
    const started = Date.now();
    progress(`    ${s.tag}: code-server ${CODE_SERVER_VERSION} + Chromium, the .vsix installed; warm-up ${warmup}, ${rounds} rounds`);
    const result: SessionResult = packError || !vsix
      ? { records: [], background: [], failure: packError ?? new Error('no .vsix') }
      : await uiSession({ vsix, srv: s.server, diskRoot: srv.root, uid: srv.uid, gid: srv.gid, name: s.name, rounds: warmup + rounds, progress });
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    progress(`    ${s.tag}: ${result.failure ? `failed: ${result.failure.message.split('\n')[0]}` : 'done'} in ${secs} s${result.background.length ? `; ${result.background.length} commands outside the steps` : ''}`);
    for (const step of UI_STEPS) cases.push(stepCase(step, s, srv.name, result, warmup, rounds));
  }
  return cases;
}

function stepCase(step: UiStep, s: { name: string; rttMs?: number; tag: string }, server: string, result: SessionResult, warmup: number, rounds: number): Case {
  const mine = result.records.filter((r) => r.step === step);
  const toSample = (r: StepRecord | undefined): Sample => {
    if (!r) throw result.failure ?? new Error('no sample from the UI session');
    if (r.error !== undefined || r.seconds === undefined) throw new Error(r.error ?? 'no time');
    return {
      value: r.seconds, seconds: r.seconds, commands: r.commands,
      detail: { verbs: r.verbs, log: r.log, ...(r.diskSeconds !== undefined ? { diskSeconds: r.diskSeconds } : {}), ...(s.rttMs ? { rtts: (r.seconds * 1000) / s.rttMs } : {}) },
    };
  };
  const failed = !!result.failure && mine.length === 0;
  const candidate: Candidate = {
    id: 'ours',
    label: 'ours (installed .vsix, pool 2)',
    role: 'ours',
    async run(ctx): Promise<Sample> {
      return toSample(mine.find((r) => r.round === (ctx.warmup ? 0 : warmup + ctx.round)));
    },
  };
  return {
    id: `vscode-ui-${step}-${s.name}`,
    title: `in real VS Code (code-server ${CODE_SERVER_VERSION}), ${LABELS[step]}, ${s.tag}`,
    ...(s.rttMs ? { rttMs: s.rttMs, minimum: server === 'vsftpd' ? MINIMUM[step] : `on vsftpd: ${MINIMUM[step]}` } : {}),
    server,
    unit: 's',
    higherIsBetter: false,
    rounds: failed ? 1 : rounds,
    warmup: failed ? 0 : warmup,
    candidates: [candidate],
    targets: [{ kind: 'note', text: 'recorded each run, with the commands of each step', summary: true }],
    notes: [
      'timed in the bench process from the Playwright click or key press to the result on screen (Playwright polls it: a few ms of its own); commands from the "FTP" output channel by time, from the click to the result + 1.5 s',
      ...(result.background.length ? [`${result.background.length} commands outside any step: ${result.background.join('; ')}`] : []),
    ],
  };
}

interface SessionOptions {
  vsix: string;
  /** The server as the extension reaches it (the emulator's address through it). */
  srv: BenchServerInfo;
  /** The server's root on this machine's disk, its owner. */
  diskRoot: string;
  uid: number;
  gid: number;
  /** The connection's name and its fixture folder's suffix. */
  name: string;
  /** Rounds in all, the warm-up's included (round 0 .. rounds-1). */
  rounds: number;
  progress: (t: string) => void;
}

const fileText = (name: string, k: number, j: number) => `${name} round ${k} file ${j}: a small text file\n`;
const two = (j: number) => String(j).padStart(2, '0');

/**
 * One code-server with the .vsix and one Chromium; the connection added through the palette; then per round a fresh
 * small folder (r<k>) and a fresh large one (b<k>), so no listing comes from a cache (the extension's, or VS Code's
 * tree): the folder clicked open, a file in it opened at once, another after the listing cache went stale, edited
 * and saved once it went stale again, then the large folder clicked open.
 */
async function uiSession(o: SessionOptions): Promise<SessionResult> {
  const folder = `ui-${o.name}`;
  const diskDir = path.join(o.diskRoot, folder);
  const records: StepRecord[] = [];
  let ui: UiWorkbench | undefined;
  let failure: Error | undefined;
  let commands: ChannelCommand[] = [];
  try {
    makeFixtures(diskDir, o);
    ui = await startUiWorkbench({ name: `bench-ui-${o.name}`, vsix: o.vsix, settings: { 'files.autoSave': 'off' } });
    const page = ui.page;
    const snap = (what: string) => screenshot(page, `bench-ui-${o.name}-${what}`);
    await openFtpExplorer(page);
    await addConnection(page, o.srv.params, { mode: 'passive', name: o.name });
    const view = ftpView(page);
    await expandRow(treeRow(page, o.name, view), STEP_TIMEOUT_MS);
    await answerRemember(page);
    // No watching for changes (its listings of the expanded folders and the open file every 10 s would run into the
    // steps), then the page loaded again: a new extension host reads the settings as they are now on disk.
    noPolling(ui.userDataDir, o.name);
    await page.reload({ timeout: STEP_TIMEOUT_MS, waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: STEP_TIMEOUT_MS });
    await showFtpView(page);
    await expandRow(treeRow(page, o.name, view), STEP_TIMEOUT_MS);
    await expandRow(treeRow(page, folder, view), STEP_TIMEOUT_MS);
    await treeRow(page, 'r0', view).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await snap('0-ready');
    // The mouse leaves the clicked row at once, so no hover asks for a tooltip (resolveTreeItem) during a step.
    const away = () => page.mouse.move(700, 880);

    for (let k = 0; k < o.rounds; k++) {
      o.progress(`      ${o.name} round ${k + 1}/${o.rounds}${k === 0 ? ' (warm-up)' : ''}`);
      const r = `r${k}`;
      const rec = (step: UiStep, from: number, result: number, extra: Partial<StepRecord> = {}) => {
        const x: StepRecord = { step, round: k, from, result, windowEnd: result + SETTLE_MS, seconds: (result - from) / 1000, ...extra };
        records.push(x);
        return x;
      };

      // 1. A folder: click -> its first row shown (the tree draws all 20 at once).
      const folderRow = treeRow(page, r, view);
      await folderRow.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await idle(ui.userDataDir);
      let t0 = Date.now();
      await folderRow.click({ timeout: STEP_TIMEOUT_MS });
      await away();
      await treeRow(page, `${r}-00.txt`, view).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      const listed = Date.now();
      rec('folder', t0, listed);
      await snap('1-folder');

      // 2. A file of that folder at once (its listing fresh): click -> the editor shows its text.
      await idle(ui.userDataDir);
      t0 = Date.now();
      await treeRow(page, `${r}-00.txt`, view).click({ timeout: STEP_TIMEOUT_MS });
      await away();
      rec('open', t0, await editorShows(page, `${r}-00.txt`, fileText(o.name, k, 0).trim()));
      await snap('2-open');

      // 3. Another file once the folder's listing is stale.
      await pause(listed + STALE_AFTER_MS - Date.now());
      await idle(ui.userDataDir);
      t0 = Date.now();
      await treeRow(page, `${r}-01.txt`, view).click({ timeout: STEP_TIMEOUT_MS });
      await away();
      const opened = await editorShows(page, `${r}-01.txt`, fileText(o.name, k, 1).trim());
      rec('open-stale', t0, opened);
      await snap('3-open-stale');

      // 4. Edit it, wait until what the open listed is stale again (people take that long to type), Ctrl+S.
      const name = `${r}-01.txt`;
      const added = `edited in round ${k}`;
      await page.locator('.editor-group-container .monaco-editor .view-lines').first().click({ timeout: STEP_TIMEOUT_MS });
      await page.keyboard.press('Control+End');
      await page.keyboard.type(added);
      const dirty = page.locator('.tabs-container .tab.dirty', { hasText: name });
      await dirty.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      const onDisk = path.join(diskDir, r, name);
      const want = `${fileText(o.name, k, 1)}${added}`;
      if (fs.readFileSync(onDisk, 'utf8') === want) throw new Error(`${onDisk} had the edit before Ctrl+S`);
      await pause(opened + STALE_AFTER_MS - Date.now());
      await idle(ui.userDataDir);
      t0 = Date.now();
      await page.keyboard.press('Control+S');
      let diskAt = 0;
      const saved = await waitFor(async () => {
        if (!diskAt && fs.readFileSync(onDisk, 'utf8') === want) diskAt = Date.now();
        return diskAt && (await dirty.count()) === 0 ? Date.now() : undefined;
      }, STEP_TIMEOUT_MS, 10);
      if (!saved) throw new Error(`Ctrl+S: ${diskAt ? 'the tab stayed dirty' : `${onDisk} did not get the new text`} within ${STEP_TIMEOUT_MS} ms`);
      rec('save', t0, saved, { diskSeconds: (diskAt - t0) / 1000 });
      await snap('4-saved');

      // Untimed: the editors closed, the folder collapsed (its rows out of the way of the large folder's).
      await runCommand(page, 'View: Close All Editors');
      await folderRow.click({ timeout: STEP_TIMEOUT_MS });
      await waitFor(async () => (await folderRow.getAttribute('aria-expanded')) === 'false', STEP_TIMEOUT_MS, 50);

      // 5. The large folder: click -> its first row shown; then until the view's DOM stays unchanged for QUIET_MS.
      const bigRow = treeRow(page, `b${k}`, view);
      await bigRow.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      const level = Number(await bigRow.getAttribute('aria-level'));
      await idle(ui.userDataDir);
      await watchDom(view);
      t0 = Date.now();
      await bigRow.click({ timeout: STEP_TIMEOUT_MS });
      await away();
      const first = view.locator(`.monaco-list-row[aria-level="${level + 1}"][aria-posinset="1"]`).first();
      await first.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      const shown = Date.now();
      const size = await first.getAttribute('aria-setsize');
      if (size !== String(UI_BIG_ENTRIES)) throw new Error(`the large folder shows ${size} entries, not ${UI_BIG_ENTRIES}`);
      const quiet = await waitFor(async () => {
        const last = await lastDomChange(page);
        return Date.now() - last >= QUIET_MS ? last : undefined;
      }, STEP_TIMEOUT_MS, 50);
      if (!quiet) throw new Error(`the view kept changing for ${STEP_TIMEOUT_MS} ms after the large folder's click`);
      rec('big-first', t0, shown, { windowEnd: quiet + SETTLE_MS });
      rec('big-settled', t0, Math.max(quiet, shown), { windowEnd: quiet + SETTLE_MS });
      await snap('5-large-folder');
      await bigRow.click({ timeout: STEP_TIMEOUT_MS });
      await waitFor(async () => (await bigRow.getAttribute('aria-expanded')) === 'false', STEP_TIMEOUT_MS, 50);
    }
    commands = await settledChannel(ui.userDataDir);
    if (process.env.FTPX_BENCH_UI_CHANNEL) fs.writeFileSync(path.join(process.env.FTPX_BENCH_UI_CHANNEL, `channel-${o.name}.log`), ftpChannel(ui.userDataDir));
  } catch (err) {
    failure = err as Error;
    if (ui) {
      await screenshot(ui.page, `bench-ui-${o.name}-FAILED`).catch(() => undefined);
      commands = channelCommands(ftpChannel(ui.userDataDir));
    }
  } finally {
    await ui?.close();
    fs.rmSync(diskDir, { recursive: true, force: true });
  }
  // Each step's commands: from its click to its result + SETTLE_MS, cut at the next step's click.
  const sorted = [...records].sort((a, b) => a.from - b.from);
  const windows = sorted.map((x) => {
    const next = sorted.find((y) => y.from > x.from);
    return { x, from: x.from, to: Math.min(x.windowEnd, next?.from ?? Infinity) };
  });
  for (const w of windows) {
    const cmds = commandsBetween(commands, w.from, w.to);
    w.x.commands = cmds.length;
    w.x.verbs = cmds.map((c) => c.verb).join(' ');
    w.x.log = cmds.map((c) => `+${commandEpoch(c, w.from) - w.from} ms [${c.connection}] ${c.text}`);
  }
  const background = windows.length === 0 ? [] : commandsBetween(commands, windows[0].from, Math.max(...windows.map((w) => w.to)))
    .filter((c) => !windows.some((w) => commandsBetween([c], w.from, w.to).length > 0))
    .map((c) => {
      const t = commandEpoch(c, windows[0].from);
      const before = [...windows].reverse().find((w) => w.from <= t);
      return `${before ? `${before.x.step} of round ${before.x.round} +${t - before.from} ms` : '?'}: [${c.connection}] ${c.text}`;
    });
  return { records, background, failure };
}

/** The fixtures in the server's root: r<k> (small text files) and b<k> (UI_BIG_ENTRIES empty files) per round. */
function makeFixtures(dir: string, o: SessionOptions): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (let k = 0; k < o.rounds; k++) {
    const r = path.join(dir, `r${k}`);
    fs.mkdirSync(r, { recursive: true });
    for (let j = 0; j < FOLDER_FILES; j++) fs.writeFileSync(path.join(r, `r${k}-${two(j)}.txt`), fileText(o.name, k, j));
    makeManyEntries(path.join(dir, `b${k}`), UI_BIG_ENTRIES);
  }
  // The FTP user saves into the small folders' files.
  const own = (p: string) => {
    fs.chownSync(p, o.uid, o.gid);
    if (fs.statSync(p).isDirectory() && !path.basename(p).startsWith('b')) for (const n of fs.readdirSync(p)) own(path.join(p, n));
  };
  own(dir);
}
