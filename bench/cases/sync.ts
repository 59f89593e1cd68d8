/**
 * A deploy: the small-file folder (1,000 files of 4 KiB by default) is on the server already, and a tenth of its
 * files changed here (another size); make the server like the local folder. Our CLI's `sync LOCAL URL
 * --no-state` against `lftp mirror -R`, both with the same number of connections, both comparing by size and time
 * (the server's copies have the local files' times, so only the changed files move). Each run is a fresh process,
 * timed from spawn to exit; commands are counted from our `--log` and lftp's debug log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clear, folderStats } from '../fixtures';
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { LFTP, NODE, OUR_CLI, lftpCommands, lftpScript, runProcess } from '../tools';
import type { BenchEnv } from './env';

/** One file in CHANGE_EVERY is changed locally. */
const CHANGE_EVERY = 10;

export function syncCase(env: BenchEnv, srv: BenchServerInfo, rounds: number): Case {
  const work = path.join(env.dir, 'sync-work');
  const local = path.join(work, 'small');
  fs.mkdirSync(work, { recursive: true });
  // The local side: the fixture with every tenth file another size and a newer time.
  clear(local);
  fs.cpSync(env.smallDir, local, { recursive: true, preserveTimestamps: true });
  const names = fs.readdirSync(local).sort();
  const changed = names.filter((_, i) => i % CHANGE_EVERY === 0);
  for (const n of changed) fs.appendFileSync(path.join(local, n), 'changed\n');
  const parallel = env.opts.pool;

  const candidate = (id: string, label: string, role: 'ours' | 'reference', start: (remoteDir: string) => Promise<{ wallSeconds: number; cpuSeconds: number; maxRssMiB: number; machineBusy: number; commands: number }>): Candidate => ({
    id,
    label,
    role,
    async run(): Promise<Sample> {
      // The server's side before each run: the fixture as it was, with the local files' times, owned by the FTP user.
      const parent = path.join(srv.root, 'sync-up');
      const target = path.join(parent, id);
      clear(target);
      fs.mkdirSync(target, { recursive: true });
      fs.cpSync(env.smallDir, target, { recursive: true, preserveTimestamps: true });
      for (const p of [parent, target, ...fs.readdirSync(target).map((n) => path.join(target, n))]) fs.chownSync(p, srv.uid, srv.gid);
      try {
        const r = await start(`/sync-up/${id}`);
        const s = folderStats(target);
        const wrong = changed.filter((n) => fs.statSync(path.join(target, n)).size !== fs.statSync(path.join(local, n)).size);
        if (s.files !== names.length || wrong.length) throw new Error(`${label}: ${s.files} files on the server, ${wrong.length} changed files not uploaded`);
        return { value: r.wallSeconds, seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, maxRssMiB: r.maxRssMiB, machineBusy: r.machineBusy, commands: r.commands };
      } finally {
        clear(target);
      }
    },
  });

  return {
    id: 'sync-upload',
    title: `sync: ${names.length} files of ${env.opts.fileKiB} KiB on the server, ${changed.length} changed here, ${parallel} connections`,
    server: srv.name,
    unit: 's',
    higherIsBetter: false,
    rounds,
    warmup: env.opts.warmup,
    candidates: [
      candidate('ours', `ours (CLI sync --parallel ${parallel})`, 'ours', async (remote) => {
        const r = await runProcess(NODE, [OUR_CLI, 'sync', local, srv.url(remote), '--no-state', '--parallel', String(parallel), '--log']);
        // Connection 1's lines start with the arrow, the others' with [#N].
        return { ...r, commands: r.stderr.split('\n').filter((l) => /(^|\s)---> /.test(l)).length };
      }),
      candidate('lftp', `lftp mirror -R --parallel=${parallel}`, 'reference', async (remote) => {
        const debug = path.join(work, `lftp-debug-${process.pid}.log`);
        clear(debug);
        const script = lftpScript(work, srv, 'passive', [`mirror -R --parallel=${parallel} ${local} ${remote}`], debug);
        try {
          const r = await runProcess(LFTP, ['-f', script]);
          return { ...r, commands: lftpCommands(debug) };
        } finally {
          clear(script);
          clear(debug);
        }
      }),
    ],
    targets: [{ kind: 'note', text: 'side by side with lftp mirror -R (issue 17)', summary: true }],
    notes: [`a tenth of the files changed here (another size); the rest have the same size and time on both sides`],
  };
}
