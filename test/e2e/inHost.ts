// Mocha inside a real extension host (what @vscode/test-electron does, on code-server): code-server
// with the smoke-test driver, a browser opening the workbench with an extensionDevelopmentPath and
// extensionTestsPath payload; the host requires the tests module, awaits its run(), and the page
// reports the exit code through window.codeAutomationExit.
import * as fs from 'fs';
import * as path from 'path';
import { format } from 'util';
import { launchBrowser, BrowserSession } from './browser';
import { CodeServer, remoteUri, startCodeServer, workbenchUrl } from './codeServer';
import { PROJECT_ROOT } from './env';
import { withTimeout } from './processGroup';

/** The compiled in-host mocha runner (test/e2e/host/index.ts). */
export const HOST_RUNNER = path.join(PROJECT_ROOT, 'out', 'test', 'e2e', 'host', 'index.js');

export interface InHostOptions {
  /** Folder with the extension's package.json; loaded from source (nothing installed). */
  extensionDevelopmentPath: string;
  /** Module whose run() the host awaits. Default: HOST_RUNNER. */
  extensionTestsPath?: string;
  /** Workspace folder to open, or a `.code-workspace` file (then E2E_WORKSPACE_FOLDER is that file). */
  folder?: string;
  /** Test files or folders (searched for *.test.js) for HOST_RUNNER; sets E2E_HOST_TESTS. */
  testFiles?: string[];
  /** User settings (over codeServer.ts QUIET_SETTINGS). */
  settings?: Record<string, unknown>;
  /** Environment of code-server and so of the extension host and the tests. */
  env?: NodeJS.ProcessEnv;
  /** Other extensions to have installed. */
  extensionsDir?: string;
  /** code-server's user data folder (User/settings.json, ...); default: one inside its run folder. */
  userDataDir?: string;
  /** Bound on the whole run, from code-server start to exit code. Default 120 s. */
  timeoutMs?: number;
  /** Print host log lines as they arrive (also when E2E_VERBOSE=1). */
  echo?: boolean;
}

export interface InHostResult {
  /** 0 when run() resolved, 1 when it rejected (failing tests) or the host could not load it. */
  exitCode: number;
  /** The extension host's console (mocha's reporter output among it), one entry a call. */
  logs: string[];
  /** Errors and warnings of the page (workbench) console. */
  pageErrors: string[];
  durationMs: number;
}

/** The host's console calls arrive as (level, [format, ...args]), printf style (mocha's reporter). */
function formatLog(args: unknown): string {
  return Array.isArray(args) ? format(...(args as unknown[])) : format(args);
}

/**
 * Runs the tests in a fresh code-server + Chromium and resolves with the exit code and the host's
 * logs. Rejects if no exit code arrives within timeoutMs. Always stops Chromium and code-server.
 */
export async function runInHostTests(opts: InHostOptions): Promise<InHostResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const echo = opts.echo ?? process.env.E2E_VERBOSE === '1';
  const logs: string[] = [];
  const pageErrors: string[] = [];
  let server: CodeServer | undefined;
  let session: BrowserSession | undefined;
  try {
    const env: NodeJS.ProcessEnv = { ...(opts.env ?? {}) };
    if (opts.testFiles) env.E2E_HOST_TESTS = opts.testFiles.map((f) => path.resolve(f)).join(path.delimiter);
    if (opts.folder) env.E2E_WORKSPACE_FOLDER = path.resolve(opts.folder);
    server = await startCodeServer({
      smokeTestDriver: true,
      settings: opts.settings,
      env,
      extensionsDir: opts.extensionsDir,
      userDataDir: opts.userDataDir,
      readyTimeoutMs: Math.min(timeoutMs, 30_000),
    });
    session = await launchBrowser();
    const { page } = session;

    let settle: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => { settle = resolve; });
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      const text = formatLog(args);
      const line = type === 'log' || type === 'info' || type === undefined ? text : `[${String(type)}] ${text}`;
      logs.push(line);
      if (echo) process.stdout.write(`    host ${((Date.now() - started) / 1000).toFixed(1)}s| ${line}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      settle(typeof code === 'number' ? code : Number(code));
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') pageErrors.push(`[${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => pageErrors.push(`[pageerror] ${e.message}`));

    const url = workbenchUrl(server, opts.folder ? path.resolve(opts.folder) : undefined, [
      ['extensionDevelopmentPath', remoteUri(server, opts.extensionDevelopmentPath)],
      ['extensionTestsPath', remoteUri(server, opts.extensionTestsPath ?? HOST_RUNNER)],
    ]);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    const remaining = Math.max(1000, timeoutMs - (Date.now() - started));
    let exitCode: number;
    try {
      exitCode = await withTimeout(exited, remaining, 'no exit code from the extension host tests');
    } catch (e) {
      const tail = [...logs.slice(-20), '--- page ---', ...pageErrors.slice(-10), '--- code-server ---',
        ...server.logs().split('\n').slice(-20)].join('\n');
      throw new Error(`${(e as Error).message}\n${tail}`);
    }
    return { exitCode, logs, pageErrors, durationMs: Date.now() - started };
  } finally {
    // In parallel: code-server's graceful stop waits ~2 s for the extension host either way.
    const stops = await Promise.allSettled([session?.close(), server?.stop()]);
    const failed = stops.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    // A failed stop is the run's error even when the tests passed: it would leave processes behind.
    // eslint-disable-next-line no-unsafe-finally
    if (failed) throw failed.reason;
  }
}

/**
 * The project's own in-host tests: this extension (package.json main, dist/extension.js, built by
 * `npm run build`) loaded from source, tests = every *.test.js under out/test/e2e/host/ (compiled by tsc).
 */
export function runProjectInHostTests(opts: Omit<InHostOptions, 'extensionDevelopmentPath'> = {}): Promise<InHostResult> {
  const main = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).main as string | undefined;
  if (main && !fs.existsSync(path.join(PROJECT_ROOT, main))) {
    return Promise.reject(new Error(`${main} missing: run \`npm run build\` first`));
  }
  if (!fs.existsSync(HOST_RUNNER)) return Promise.reject(new Error(`${HOST_RUNNER} missing: run \`npx tsc -p .\` first`));
  return runInHostTests({ ...opts, extensionDevelopmentPath: PROJECT_ROOT });
}
