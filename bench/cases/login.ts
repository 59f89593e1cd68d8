/**
 * Connect and log in 20 times in a row (each connection closed outside the clock): our client and basic-ftp, as
 * workers. The server dominates: vsftpd checks every password through PAM.
 */
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { runWorker } from '../tools';
import type { BenchEnv } from './env';

export function loginCase(env: BenchEnv, srv: BenchServerInfo, rounds: number): Case {
  const times = env.opts.logins;
  const candidate = (id: 'ours' | 'basic-ftp', label: string): Candidate => ({
    id,
    label,
    role: id === 'ours' ? 'ours' : 'reference',
    async run(): Promise<Sample> {
      const { result, process } = await runWorker('login', { server: srv.params, impl: id, times });
      const s = result.seconds as number;
      return { value: s, seconds: s, cpuSeconds: process.cpuSeconds, maxRssMiB: process.maxRssMiB, commands: result.commands as number };
    },
  });
  return {
    id: 'login',
    title: `connect and log in, ${times} times`,
    server: srv.name,
    unit: 's',
    higherIsBetter: false,
    rounds,
    warmup: env.opts.warmup,
    candidates: [candidate('ours', 'ours (library)'), candidate('basic-ftp', 'basic-ftp')],
    targets: [{ kind: 'ratio', ours: 'ours', reference: 'basic-ftp', max: 1, text: "<= basic-ftp's time" }],
  };
}
