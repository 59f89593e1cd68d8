/**
 * The VS Code case. In real VS Code it needs the real-VS-Code harness (test/e2e, still being built): until it can
 * run an in-host scenario against one of these servers, that row is a TODO and says so. What runs meanwhile is the
 * same work one layer down: src/vscode/site.ts, the vscode-free core the FileSystemProvider calls, with the
 * default pool of 2, timed and with the control commands each operation sent.
 */
import * as path from 'node:path';
import { clear, writableFolder } from '../fixtures';
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { runWorker } from '../tools';
import type { BenchEnv } from './env';

export const VSCODE_DIR_ENTRIES = 10_000;
export const VSCODE_FILE_MIB = 50;

export const VSCODE_TODO =
  'TODO: not measured in real VS Code yet. Needs the real-VS-Code harness (test/e2e, being built): an in-host ' +
  'scenario that configures a connection to the bench server and times vscode.workspace.fs.readDirectory ' +
  `(${VSCODE_DIR_ENTRIES} entries), readFile (${VSCODE_FILE_MIB} MiB) and a save of ${VSCODE_FILE_MIB} MiB through the ` +
  'provider, counting control commands from the output channel. The "extension core (Site)" rows are the vscode-free layer under the provider, measured meanwhile.';

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
