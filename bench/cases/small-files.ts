/**
 * 1,000 files of 4 KiB over one connection, download then upload, names known (no listing): our client, basic-ftp
 * and the bare-socket loop as Node workers (timed inside, from the first file to the last, login excluded), lftp as
 * a process given all the names in one get/put (timed from spawn to exit, so its start and login are included).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clear, folderStats, writableFolder } from '../fixtures';
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { LFTP, NODE, lftpCommands, lftpScript, runProcess, runWorker, type Runtime } from '../tools';
import { smallName } from '../workers/common';
import type { BenchEnv } from './env';

/** Files each worker moves untimed before the clock starts (JIT warm-up), the same for every Node candidate. */
export const WARMUP_FILES = 150;

/**
 * `runtime`: the case once more in another Node (the extension host's), with only our client and the bare loops, the
 * candidates the targets compare.
 */
export function smallFilesCase(
  env: BenchEnv,
  srv: BenchServerInfo,
  direction: 'download' | 'upload',
  rounds: number,
  runtime?: Runtime,
  /**
   * The JIT's steady state: every worker first moves all the files this many times more, untimed (as the folder
   * case's), and only our client and the two bare loops run.
   */
  steadyRounds = 0,
): Case {
  const count = env.opts.files;
  const steady = steadyRounds > 0;
  const node = runtime?.node ?? NODE;
  const download = direction === 'download';
  const work = path.join(env.dir, 'small-work');
  fs.mkdirSync(work, { recursive: true });

  /** Where a candidate's files land, made empty (and writable for the FTP user when remote) before each run. */
  const prepare = (id: string): { local: string; remoteDir: string; landed: string } => {
    if (download) {
      const local = path.join(work, id);
      clear(local);
      fs.mkdirSync(local, { recursive: true });
      return { local, remoteDir: '/small', landed: local };
    }
    const landed = path.join(srv.root, 'up-small', id);
    writableFolder(landed, srv.uid, srv.gid);
    return { local: env.smallDir, remoteDir: `/up-small/${id}`, landed };
  };
  const check = (landed: string, label: string) => {
    const s = folderStats(landed);
    if (s.files !== count || s.bytes !== env.smallBytes) throw new Error(`${label}: ${s.files} files, ${s.bytes} bytes arrived`);
  };

  const workerCandidate = (id: string, label: string, role: 'ours' | 'reference', impl: string): Candidate => ({
    id,
    label,
    role,
    async run(): Promise<Sample> {
      const where = prepare(id);
      try {
        const { result, process } = await runWorker('small-files', {
          server: srv.params, impl, direction, remoteDir: where.remoteDir, localDir: where.local, count, warmup: WARMUP_FILES + steadyRounds * count,
        }, node);
        check(where.landed, label);
        const s = result.seconds as number;
        return {
          value: count / s,
          seconds: s,
          cpuSeconds: result.cpuSeconds as number,
          machineBusy: result.machineBusy as number,
          maxRssMiB: process.maxRssMiB,
          commands: result.commands as number,
          detail: { perFile: result.perFile },
        };
      } finally {
        clear(where.landed);
      }
    },
  });

  const lftp: Candidate = {
    id: 'lftp',
    label: 'lftp',
    role: 'reference',
    async run(ctx): Promise<Sample> {
      const where = prepare('lftp');
      const names = Array.from({ length: count }, (_, i) => smallName(i));
      const debugFile = ctx.warmup ? path.join(work, 'lftp-debug.log') : undefined;
      const command = download
        ? `get -O ${where.local} ${names.map((n) => `${where.remoteDir}/${n}`).join(' ')}`
        : `put -O ${where.remoteDir} ${names.map((n) => path.join(where.local, n)).join(' ')}`;
      const script = lftpScript(work, srv, 'passive', [command], debugFile);
      try {
        const r = await runProcess(LFTP, ['-f', script]);
        check(where.landed, 'lftp');
        const commands = debugFile ? lftpCommands(debugFile) : undefined;
        return {
          value: count / r.wallSeconds,
          seconds: r.wallSeconds,
          cpuSeconds: r.cpuSeconds,
          machineBusy: r.machineBusy,
          maxRssMiB: r.maxRssMiB,
          commands,
          detail: commands !== undefined ? { commandsPerFileApprox: commands / count } : undefined,
        };
      } finally {
        clear(script);
        if (debugFile) clear(debugFile);
        clear(where.landed);
      }
    },
  };

  const workers = [
    workerCandidate('ours', 'ours (library)', 'ours', 'ours'),
    workerCandidate('bare', `bare socket EPSV+${download ? 'RETR' : 'STOR'}`, 'reference', 'bare'),
    workerCandidate('bare-rules', `the same with the rules`, 'reference', 'bare-rules'),
  ];
  return {
    id: `small-${direction}${steady ? '-steady' : ''}${runtime ? '-host' : ''}`,
    title: `${count} files of ${env.opts.fileKiB} KiB, ${direction}, one connection${steady ? `, JIT warm (after ${steadyRounds} untimed ${steadyRounds === 1 ? 'move' : 'moves'} of them)` : ''}${runtime ? `, ${runtime.name} (extension host)` : ''}`,
    server: srv.name,
    unit: 'files/s',
    higherIsBetter: true,
    rounds,
    warmup: env.opts.warmup,
    candidates: runtime || steady ? workers : [...workers, workerCandidate('basic-ftp', 'basic-ftp', 'reference', 'basic-ftp'), lftp],
    targets: [
      { kind: 'ratio', ours: 'ours', reference: 'bare', min: 0.95, text: '>= 0.95x the bare-socket loop' },
      // The limit for a client that may ship: the loop doing what the project's rules require (bare-ftp.ts).
      { kind: 'ratio', ours: 'bare-rules', reference: 'bare', recorded: true, text: 'the limit: the loop with the rules against the bare loop' },
      { kind: 'ratio', ours: 'ours', reference: 'bare-rules', min: 0.95, text: '>= 0.95x the loop with the rules (at the limit)' },
      { kind: 'commands', candidate: 'ours', equals: 2, text: 'exactly 2 control commands per file after the first' },
    ],
    notes: [
      ...(runtime
        ? [`both in ${runtime.name}, the Node VS Code's extension host runs our client in here (code-server)`]
        : steady
          ? []
          : ['lftp is timed from spawn to exit (start and login included, about one login of the login case)']),
      ...(steady ? [`each worker moved the files ${steadyRounds} times untimed first: CPU per file still falls over a process's first few thousand files (the JIT)`] : []),
    ],
  };
}
