// Starting and stopping code-server (VS Code's web workbench + a Node extension host) on loopback.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CODE_SERVER_ENTRY, NODE24, assertInstalled, codeServerEnv } from './env';
import { groupAlive, spawnGroup, stopGroup, waitFor } from './processGroup';

export interface CodeServerOptions {
  /** Folder the workbench opens when the URL has no ?folder= (also passed as code-server's positional arg). */
  folder?: string;
  /** Defaults to `<runDir>/extensions` (empty: only the built-in extensions). */
  extensionsDir?: string;
  /** Defaults to `<runDir>/user-data`. */
  userDataDir?: string;
  /** Written to `<userDataDir>/User/settings.json` before start, over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: NodeJS.ProcessEnv;
  /**
   * Pass `--vscode-option enable-smoke-test-driver`. Needed whenever the URL carries a payload
   * (extensionDevelopmentPath, extensionTestsPath): the built workbench ignores the payload without
   * it. Side effects: notification toasts are not shown (only the notification center lists them).
   */
  smokeTestDriver?: boolean;
  /** More code-server arguments. */
  extraArgs?: string[];
  /** Bound on the wait for GET /healthz. Default 30 s. */
  readyTimeoutMs?: number;
  /** Keep the run folder (logs, user data) after stop(); also when E2E_KEEP=1. */
  keepRunDir?: boolean;
}

export interface CodeServer {
  /** http://127.0.0.1:<port> (no trailing slash). */
  url: string;
  port: number;
  pid: number;
  /** Temporary folder holding config, XDG folders, TMPDIR, the log and by default user data and extensions. */
  runDir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  /** Whether it runs with the smoke-test driver (payload URLs work only then). */
  smokeTestDriver: boolean;
  /** The code-server log so far (stdout + stderr). */
  logs(): string;
  /** Kills the whole process group (code-server, extension host, file watcher), bounded; idempotent. */
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and offline; `settings` passed to startCodeServer override them. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
};

/** A TCP port free on 127.0.0.1 at the time of the call. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function healthz(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function writeSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

async function startOnce(opts: CodeServerOptions, port: number): Promise<CodeServer> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-e2e-'));
  const userDataDir = opts.userDataDir ?? path.join(runDir, 'user-data');
  const extensionsDir = opts.extensionsDir ?? path.join(runDir, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, { ...QUIET_SETTINGS, ...(opts.settings ?? {}) });
  const configFile = path.join(runDir, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = path.join(runDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');

  const args = [
    CODE_SERVER_ENTRY,
    '--config', configFile,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--reconnection-grace-time', '10',
    ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(opts.extraArgs ?? []),
    ...(opts.folder ? [opts.folder] : []),
  ];
  const child = spawnGroup(NODE24, args, {
    cwd: runDir,
    env: codeServerEnv(runDir, opts.env),
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  const pid = child.pid as number;
  let exited: string | undefined;
  child.on('exit', (code, sig) => { exited = `code-server exited (${code ?? sig}) before it was ready`; });

  const url = `http://127.0.0.1:${port}`;
  const logs = () => { try { return fs.readFileSync(logFile, 'utf8'); } catch { return ''; } };
  let stopped: Promise<void> | undefined;
  const keep = opts.keepRunDir || process.env.E2E_KEEP === '1';
  const stop = () => (stopped ??= (async () => {
    if (groupAlive(pid)) await stopGroup(pid);
    if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
  })());

  const ready = await waitFor(async () => exited ?? (await healthz(url) ? 'ready' : undefined), opts.readyTimeoutMs ?? 30_000, 100);
  if (ready !== 'ready') {
    const tail = logs().split('\n').slice(-30).join('\n');
    await stop();
    const err = new Error(`${ready ?? `code-server not ready on ${url}/healthz within ${opts.readyTimeoutMs ?? 30_000} ms`}\n${tail}`);
    (err as Error & { addressInUse?: boolean }).addressInUse = /EADDRINUSE/.test(tail);
    throw err;
  }
  return { url, port, pid, runDir, userDataDir, extensionsDir, logFile, smokeTestDriver: !!opts.smokeTestDriver, logs, stop };
}

/**
 * Starts code-server on 127.0.0.1 with a port picked now, in its own process group, with its config,
 * XDG folders and TMPDIR in a fresh temporary run folder; resolves once GET /healthz answers.
 * Always call stop() (in a finally / after hook).
 */
export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  assertInstalled();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, await freePort());
    } catch (e) {
      // Another process may take the port between freePort() and code-server's listen(): try another.
      if (attempt < 3 && (e as { addressInUse?: boolean }).addressInUse) continue;
      throw e;
    }
  }
}

/**
 * The workbench URL for `folder` (or a `.code-workspace` file), optionally with a `payload`, e.g.
 * `[['extensionDevelopmentPath', remoteUri(server, dir)]]` to load an extension from source (the
 * server must run with `smokeTestDriver: true`, or the workbench ignores the payload silently).
 */
export function workbenchUrl(server: Pick<CodeServer, 'url' | 'port' | 'smokeTestDriver'>, folder?: string, payload?: [string, string][]): string {
  if (payload && payload.length && !server.smokeTestDriver) {
    throw new Error('a payload URL needs startCodeServer({ smokeTestDriver: true }): the built workbench ignores it otherwise');
  }
  const q: string[] = [];
  // A .code-workspace file opens as a (multi-root) workspace: adding folders then needs no window reload.
  if (folder) q.push(`${folder.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(folder)}`);
  if (payload && payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.url}/${q.length ? `?${q.join('&')}` : ''}`;
}

/** A path on this machine as the workbench's remote URI (vscode-remote://127.0.0.1:<port>/abs/path). */
export function remoteUri(server: Pick<CodeServer, 'port'>, absPath: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${path.resolve(absPath)}`;
}

/** `code-server --extensions-dir DIR --install-extension x.vsix` under Node 24 (bounded, about 1 s). */
export async function installVsix(vsixPath: string, extensionsDir: string, timeoutMs = 60_000): Promise<string> {
  assertInstalled();
  fs.mkdirSync(extensionsDir, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-e2e-install-'));
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(
        NODE24,
        [CODE_SERVER_ENTRY, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(runDir, 'user-data'),
          '--install-extension', path.resolve(vsixPath), '--force'],
        { cwd: runDir, env: codeServerEnv(runDir), timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 10 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const out = `${stdout}${stderr}`;
          if (err) reject(new Error(`installing ${vsixPath} failed: ${err.message}\n${out}`));
          else if (!/successfully installed/i.test(out)) reject(new Error(`installing ${vsixPath}: unexpected output\n${out}`));
          else resolve(out);
        },
      );
    });
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
