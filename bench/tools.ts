/**
 * How each candidate is started: our CLI (dist/cli.js), curl, lftp, the basic-ftp command line and the Node workers
 * (out/bench/workers), and the sendfile ceiling (bench/ceiling.py). Paths are relative to the project.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runOk, type ProcessResult } from './process';
import type { BenchServerInfo } from './servers';

/**
 * The compiled tree the bench runs from: out/, or the snapshot of it that bench/run makes (.cache/bench/<pid>/out), so a
 * rebuild or clean of out/ by someone else during a 15-minute run cannot pull files from under the workers.
 */
export const BUILD = path.resolve(__dirname, '..');
/** The project (bench/results, bench/ceiling.py); bench/run says where when it runs a snapshot. */
export const PROJECT = process.env.FTPX_BENCH_PROJECT ?? path.resolve(__dirname, '..', '..');
export const OUR_CLI = process.env.FTPX_BENCH_CLI ?? path.join(PROJECT, 'dist', 'cli.js');
export const NODE = process.execPath;
export const PYTHON = '/usr/bin/python3';
export const CURL = '/usr/bin/curl';
export const LFTP = '/usr/bin/lftp';
export const TASKSET = '/usr/bin/taskset';

const TIMEOUT_MS = 180_000;

export function worker(name: string): string {
  return path.join(BUILD, 'bench', 'workers', `${name}.js`);
}

/**
 * Run a worker (in `node`: this Node, or the extension host's, see Runtime) and parse the JSON line it prints. Its
 * parameters go in the environment (they hold a password).
 */
export async function runWorker(name: string, params: unknown, node = NODE): Promise<{ result: Record<string, unknown>; process: ProcessResult }> {
  const env = { ...process.env, FTPX_BENCH_PARAMS: JSON.stringify(params) };
  // FTPX_BENCH_WORKER_ARGS: Node options for every worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where a
  // candidate's CPU goes (Node refuses --cpu-prof in NODE_OPTIONS).
  const extra = (process.env.FTPX_BENCH_WORKER_ARGS ?? '').split(' ').filter(Boolean);
  const r = await runOk(node, [...extra, worker(name)], { timeoutMs: TIMEOUT_MS, env });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { result: JSON.parse(line) as Record<string, unknown>, process: r };
}

export function runProcess(command: string, args: string[], cpu?: number): Promise<ProcessResult> {
  // taskset(1) sets the affinity and execs the program: GNU time still measures the program itself.
  return cpu === undefined
    ? runOk(command, args, { timeoutMs: TIMEOUT_MS })
    : runOk(TASKSET, ['-c', String(cpu), command, ...args], { timeoutMs: TIMEOUT_MS });
}

/**
 * Pin a running server to one CPU for the time of `work`: every thread of its main process (`taskset -a -p`); the
 * processes it forks meanwhile (vsftpd's one per session) inherit the affinity. Put back to every CPU afterwards.
 */
export async function withServerPinned<T>(pid: number, cpu: number, work: () => Promise<T>): Promise<T> {
  await runOk(TASKSET, ['-a', '-p', '-c', String(cpu), String(pid)], { timeoutMs: TIMEOUT_MS });
  try {
    return await work();
  } finally {
    await runOk(TASKSET, ['-a', '-p', '-c', `0-${os.cpus().length - 1}`, String(pid)], { timeoutMs: TIMEOUT_MS });
  }
}

/**
 * An lftp script: no TLS attempt (the servers have none; lftp would otherwise send AUTH TLS first), one try, no
 * retries, overwrite local files, then the commands. Written to a file (it can be long: 1,000 names).
 */
export function lftpScript(dir: string, srv: BenchServerInfo, mode: 'passive' | 'active', commands: string[], debugFile?: string): string {
  const p = srv.params;
  const lines = [
    ...(debugFile ? [`debug -o ${debugFile} 5`] : []),
    'set cmd:fail-exit yes',
    'set net:max-retries 1',
    'set net:timeout 60',
    'set ftp:ssl-allow no',
    'set xfer:clobber on',
    `set ftp:passive-mode ${mode === 'passive' ? 'on' : 'off'}`,
    `open -u "${p.user},${p.password}" -p ${p.port} ${p.host}`,
    ...commands,
  ];
  const file = path.join(dir, `lftp-${process.pid}-${Math.random().toString(36).slice(2)}.lftp`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

/** Commands lftp sent, from its debug log ("---> CMD"). */
export function lftpCommands(debugFile: string): number {
  try {
    return fs.readFileSync(debugFile, 'utf8').split('\n').filter((l) => /---> /.test(l)).length;
  } catch {
    return NaN;
  }
}

/**
 * A second Node for the library cases: the one VS Code's extension host runs our client in (code-server's Node 24,
 * installed by scripts/setup-vscode.sh; VS Code desktop's Electron brings Node 22). Its JIT has a mid tier (Maglev)
 * that Node 20 lacks, and a per-file loop runs mostly in the JIT's lower tiers (see bench/README.md).
 */
export interface Runtime {
  node: string;
  /** "Node 24.21.0" */
  name: string;
}

/** The Node at `file`, or why it cannot run (a sentence naming the file). */
export function runtimeAt(file: string): Runtime | string {
  try {
    const v = execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return { node: file, name: `Node ${v.replace(/^v/, '')}` };
  } catch (err) {
    return `${file} does not run (${(err as Error).message.split('\n')[0]})`;
  }
}

/** Versions of the tools, for the results file. */
export function versions(host?: Runtime): Record<string, string> {
  const first = (file: string, args: string[]): string => {
    try {
      const out = execFileSync(file, args, { encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'pipe'] });
      return out.split('\n')[0].trim();
    } catch {
      return 'unknown';
    }
  };
  const pkg = (name: string): string => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(PROJECT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.version,
    ...(host ? { 'extension host node': host.name } : {}),
    curl: first(CURL, ['--version']),
    lftp: first(LFTP, ['--version']),
    'basic-ftp': pkg('basic-ftp'),
    vsftpd: 'Debian vsftpd ' + first('/usr/bin/dpkg-query', ['-W', '-f=${Version}', 'vsftpd']),
    pyftpdlib: first(PYTHON, ['-c', 'import pyftpdlib; print(pyftpdlib.__ver__)']),
  };
}
