/**
 * One folder of 100,000 entries listed with LIST (and MLSD where the server has it): our client and basic-ftp as
 * workers (timed from the list call to the parsed entries, login excluded), lftp's `cls` as a process (timed from
 * spawn to exit: start and login included).
 */
import * as path from 'node:path';
import { clear } from '../fixtures';
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { LFTP, lftpScript, runProcess, runWorker } from '../tools';
import type { BenchEnv } from './env';

export function listingCase(env: BenchEnv, srv: BenchServerInfo, format: 'LIST' | 'MLSD', rounds: number): Case {
  const entries = env.opts.entries;
  const workerCandidate = (id: string, label: string, role: 'ours' | 'reference'): Candidate => ({
    id,
    label,
    role,
    async run(): Promise<Sample> {
      const { result, process } = await runWorker('listing', { server: srv.params, impl: id, format, dir: '/many' });
      if (result.entries !== entries) throw new Error(`${label}: ${String(result.entries)} entries, not ${entries}`);
      const s = result.seconds as number;
      return { value: s, seconds: s, cpuSeconds: process.cpuSeconds, maxRssMiB: process.maxRssMiB };
    },
  });
  const lftp: Candidate = {
    id: 'lftp',
    label: 'lftp cls (with login)',
    role: 'reference',
    async run(): Promise<Sample> {
      const script = lftpScript(env.dir, srv, 'passive', [`set ftp:use-mlsd ${format === 'MLSD' ? 'on' : 'off'}`, 'cls -1 /many > /dev/null']);
      try {
        const r = await runProcess(LFTP, ['-f', script]);
        return { value: r.wallSeconds, seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, maxRssMiB: r.maxRssMiB };
      } finally {
        clear(script);
      }
    },
  };
  return {
    id: `list-${format.toLowerCase()}`,
    title: `list a folder of ${entries} entries, ${format}`,
    server: srv.name,
    unit: 's',
    higherIsBetter: false,
    rounds,
    warmup: env.opts.warmup,
    candidates: [workerCandidate('ours', 'ours (library)', 'ours'), workerCandidate('basic-ftp', 'basic-ftp', 'reference'), lftp],
    targets: [{ kind: 'ratio', ours: 'ours', reference: 'basic-ftp', max: 1, text: "<= basic-ftp's time" }],
  };
}

export const MANY_DIR = 'many';
export function manyDir(srv: BenchServerInfo): string {
  return path.join(srv.root, MANY_DIR);
}
