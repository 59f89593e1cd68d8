/**
 * The VS Code case, at two layers:
 * - siteCase: src/remote/site.ts, the vscode-free core the FileSystemProvider calls, with the default pool of 2, in
 *   a fresh Node process per operation (bench/workers/site-ops.ts), timed and with the control commands it sent;
 * - vscodeCase: the same operations through vscode.workspace.fs in a real VS Code (code-server, the extension loaded
 *   from source as in the in-host tests): one code-server per server, whose extension host runs
 *   bench/vscode-host/run.ts (warm-up and rounds, results as JSON in a file); its samples are then replayed through
 *   the usual runner, so the rows read like every other row.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER_VERSION, missingPieces } from '../../test/e2e/env';
import { runInHostTests } from '../../test/e2e/inHost';
import { clear, writableFolder } from '../fixtures';
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { BUILD, PROJECT, runWorker } from '../tools';
import { HOST_OPS, HOST_PARAMS_ENV, type HostOp, type HostParams, type HostResult, type HostSample } from '../vscode-host/protocol';
import type { BenchEnv } from './env';

export const VSCODE_DIR_ENTRIES = 10_000;
export const VSCODE_FILE_MIB = 50;

const LABELS: Record<HostOp, string> = {
  readDirectory: `readDirectory, ${VSCODE_DIR_ENTRIES} entries`,
  readFile: `readFile, ${VSCODE_FILE_MIB} MiB`,
  save: `writeFile (save), ${VSCODE_FILE_MIB} MiB`,
};

export function siteCase(env: BenchEnv, srv: BenchServerInfo, rounds: number): Case {
  const bytes = VSCODE_FILE_MIB * 1024 * 1024;
  const candidate = (id: 'readDirectory' | 'readFile' | 'save', label: string, p: string, check: (r: Record<string, unknown>) => boolean): Candidate => ({
    id,
    label,
    role: 'reference',
    async run(): Promise<Sample> {
      if (id === 'save') writableFolder(path.join(srv.root, 'up-save'), srv.uid, srv.gid);
      try {
        const { result, process } = await runWorker('site-ops', { server: srv.params, op: id, path: p, bytes, poolSize: 2 });
        if (!check(result)) throw new Error(`${label}: unexpected result ${JSON.stringify(result)}`);
        const s = result.seconds as number;
        return { value: s, seconds: s, cpuSeconds: process.cpuSeconds, maxRssMiB: process.maxRssMiB, commands: result.commands as number };
      } finally {
        if (id === 'save') clear(path.join(srv.root, 'up-save'));
      }
    },
  });
  return {
    id: 'site-ops',
    title: `extension core (Site, pool 2) without VS Code`,
    server: srv.name,
    unit: 's',
    higherIsBetter: false,
    rounds,
    warmup: env.opts.warmup,
    candidates: [
      candidate('readDirectory', `readDirectory, ${VSCODE_DIR_ENTRIES} entries`, '/tenk', (r) => r.entries === VSCODE_DIR_ENTRIES),
      candidate('readFile', `readFile, ${VSCODE_FILE_MIB} MiB`, '/fifty.bin', (r) => r.bytes === bytes),
      candidate('save', `writeFile (save), ${VSCODE_FILE_MIB} MiB`, '/up-save/fifty.bin', (r) => r.bytes === bytes),
    ],
    targets: [{ kind: 'note', text: 'recorded each run, with the control commands of each operation' }],
  };
}

/** Bound on one workspace.fs call in the extension host. */
const OP_TIMEOUT_MS = 120_000;

/**
 * Runs the in-host session against `srv` (one code-server and Chromium, started and stopped here), then returns a
 * case whose candidates hand back the session's samples, warm-up and round by round, for runCase to summarize. When
 * the session failed, every candidate fails once with its error (and the row says so).
 */
/**
 * `wan`: the same through the network emulator (`srv` is then the proxy's view of the server, bench/cases/wan.ts
 * startVia): code-server's extension host -> emulator -> server, the case in the round-trip table.
 */
export async function vscodeCase(
  env: BenchEnv,
  srv: BenchServerInfo,
  rounds: number,
  progress: (t: string) => void,
  wan?: { rttMs: number; tag: string },
): Promise<Case> {
  const bytes = VSCODE_FILE_MIB * 1024 * 1024;
  const saveDir = path.join(srv.root, 'up-vscode');
  // bench/run snapshots the extension (package.json, dist/extension.js, media/) with the build; else the project.
  const extension = process.env.FTPX_BENCH_EXTENSION ?? PROJECT;
  const hostModule = path.join(BUILD, 'bench', 'vscode-host', 'run.js');
  const work = fs.mkdtempSync(path.join(env.dir, 'vscode-'));
  const resultFile = path.join(work, 'result.json');
  const warmup = env.opts.warmup;
  const started = Date.now();
  let result: HostResult | undefined;
  let failure: Error | undefined;
  try {
    const missing = missingPieces();
    if (missing) throw new Error(missing);
    if (!fs.existsSync(path.join(extension, 'dist', 'extension.js'))) throw new Error(`${extension}/dist/extension.js missing: build first`);
    if (!fs.existsSync(hostModule)) throw new Error(`${hostModule} missing: npx tsc -p bench`);
    writableFolder(saveDir, srv.uid, srv.gid);
    fs.mkdirSync(path.join(work, 'workspace'));
    const params: HostParams = {
      server: srv.name, host: srv.params.host, port: srv.params.port, user: srv.params.user, password: srv.params.password,
      root: srv.root, dir: '/tenk', entries: VSCODE_DIR_ENTRIES, file: '/fifty.bin', bytes, saveTo: '/up-vscode/fifty.bin',
      warmup, rounds, opTimeoutMs: OP_TIMEOUT_MS, resultFile,
    };
    progress(`    starting code-server ${CODE_SERVER_VERSION} + Chromium; the extension host runs ${path.relative(BUILD, hostModule)}: warm-up ${warmup}, ${rounds} rounds`);
    const r = await runInHostTests({
      extensionDevelopmentPath: extension,
      extensionTestsPath: hostModule,
      folder: path.join(work, 'workspace'),
      settings: { 'files.autoSave': 'off', 'ftpExplorer.poolSize': 2 },
      env: { [HOST_PARAMS_ENV]: JSON.stringify(params) },
      timeoutMs: 90_000 + (warmup + rounds) * HOST_OPS.length * 20_000,
    });
    const tail = () => r.logs.slice(-15).join('\n');
    if (!fs.existsSync(resultFile)) throw new Error(`no results from the extension host (exit ${r.exitCode})\n${tail()}`);
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as HostResult;
    if (!result.ok || r.exitCode !== 0) throw new Error(`the in-host module failed (exit ${r.exitCode}): ${result.error ?? ''}\n${tail()}`);
  } catch (err) {
    failure = err as Error;
  } finally {
    clear(saveDir);
    fs.rmSync(work, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  progress(`    in-host session ${failure ? `failed: ${failure.message.split('\n')[0]}` : 'done'} in ${seconds} s${result ? ` (VS Code ${result.vscodeVersion}, FTP Explorer ${result.extensionVersion})` : ''}`);

  const toSample = (s: HostSample | undefined): Sample => {
    if (!s) throw new Error('no sample from the in-host session');
    if (s.error !== undefined || s.seconds === undefined) throw new Error(s.error ?? 'no time');
    return { value: s.seconds, seconds: s.seconds, cpuSeconds: s.cpuSeconds, commands: s.commands, detail: { verbs: s.verbs } };
  };
  const candidate = (op: HostOp): Candidate => {
    let warm = 0;
    return {
      id: op,
      label: LABELS[op],
      role: 'reference',
      async run(ctx): Promise<Sample> {
        if (failure || !result) throw failure ?? new Error('no in-host session');
        if (ctx.warmup) return toSample(result.warmup.filter((s) => s.op === op)[warm++]);
        return toSample(result.rounds[ctx.round]?.find((s) => s.op === op));
      },
    };
  };
  return {
    id: wan ? 'wan-vscode-fs' : 'vscode-fs',
    title: `in real VS Code (code-server ${CODE_SERVER_VERSION}), workspace.fs on ftp:, pool 2${wan ? `, ${wan.tag}` : ''}`,
    ...(wan ? { rttMs: wan.rttMs, minimum: 'readDirectory and readFile 4 (vsftpd), the save 7 + a listing of / (4) for VS Code\'s stat of the parent' } : {}),
    server: srv.name,
    unit: 's',
    higherIsBetter: false,
    rounds: failure ? 1 : rounds,
    warmup: failure ? 0 : warmup,
    candidates: HOST_OPS.map(candidate),
    targets: [{ kind: 'note', text: 'recorded each run, with the control commands of each operation', summary: true }],
    notes: [
      'workspace.fs calls the provider inside the extension host (no round trip through the workbench); each call after FTP: Disconnect and a fresh login (untimed), so nothing comes from a cache',
      'CPU s: the whole extension host process during the call; commands: counted from the "FTP" output channel (the extension API onDidLog)',
      ...(result ? [`VS Code ${result.vscodeVersion}, FTP Explorer ${result.extensionVersion}`] : []),
    ],
  };
}
