/**
 * One large file: the loopback ceiling, RETR to a file and STOR from a file, passive and active, by our CLI, curl,
 * lftp and basic-ftp (passive only: it has no active mode). Each run is a fresh process timed from spawn to exit,
 * so start-up counts for everyone, as it does for a user; CPU and peak RSS come from GNU time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clear } from '../fixtures';
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { CURL, LFTP, NODE, OUR_CLI, PROJECT, PYTHON, lftpScript, runProcess, worker } from '../tools';
import { MB, type BenchEnv } from './env';

export function ceilingCase(env: BenchEnv): Case {
  const candidate: Candidate = {
    id: 'ceiling',
    label: 'sendfile -> discard',
    role: 'reference',
    async run() {
      const r = await runProcess(PYTHON, [path.join(PROJECT, 'bench', 'ceiling.py'), env.largeFile]);
      const out = JSON.parse(r.stdout) as { seconds: number; bytes: number };
      if (out.bytes !== env.largeBytes) throw new Error(`ceiling moved ${out.bytes} bytes, not ${env.largeBytes}`);
      return { value: out.bytes / out.seconds / MB, seconds: out.seconds, cpuSeconds: r.cpuSeconds, maxRssMiB: r.maxRssMiB };
    },
  };
  return {
    id: 'ceiling',
    title: `physical ceiling: ${sizeText(env.largeBytes)} over loopback TCP`,
    server: '-',
    unit: 'MB/s',
    higherIsBetter: true,
    rounds: env.opts.rounds,
    warmup: env.opts.warmup,
    candidates: [candidate],
    targets: [],
  };
}

/**
 * `clientCpu`: run every candidate on that CPU only (taskset), for the case main.ts runs with the server pinned to
 * another one: a server of one process per session then never shares a CPU with the client, and the ratio is the
 * clients' own.
 */
export function bulkCase(env: BenchEnv, srv: BenchServerInfo, direction: 'RETR' | 'STOR', mode: 'passive' | 'active', rounds: number, clientCpu?: number): Case {
  const bytes = env.largeBytes;
  const outDir = path.join(env.dir, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const remoteUp = path.join(srv.root, 'up');
  const download = direction === 'RETR';
  const active = mode === 'active';

  /** A process candidate: run, check the bytes arrived, remove them. */
  const candidate = (id: string, label: string, role: 'ours' | 'reference', start: (local: string, remote: string) => Promise<{ wallSeconds: number; cpuSeconds: number; maxRssMiB: number; machineBusy: number }>): Candidate => ({
    id,
    label,
    role,
    async run(): Promise<Sample> {
      const local = download ? path.join(outDir, `${id}.bin`) : env.largeFile;
      const remote = download ? '/big.bin' : `/up/${id}.bin`;
      const landed = download ? local : path.join(remoteUp, `${id}.bin`);
      clear(landed);
      try {
        const r = await start(local, remote);
        const size = fs.statSync(landed).size;
        if (size !== bytes) throw new Error(`${label}: ${size} bytes arrived, not ${bytes}`);
        return { value: bytes / r.wallSeconds / MB, seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, maxRssMiB: r.maxRssMiB, machineBusy: r.machineBusy };
      } finally {
        clear(landed);
      }
    },
  });

  const candidates: Candidate[] = [
    candidate('ours', 'ours (CLI)', 'ours', (local, remote) =>
      runProcess(NODE, download
        ? [OUR_CLI, 'get', srv.url(remote), local, '--mode', mode]
        : [OUR_CLI, 'put', local, srv.url(remote), '--mode', mode], clientCpu)),
    candidate('curl', 'curl', 'reference', (local, remote) =>
      runProcess(CURL, [
        '-sS', '--fail',
        ...(active ? ['--ftp-port', srv.params.host] : []),
        ...(download ? ['-o', local, srv.url(remote)] : ['-T', local, srv.url(remote)]),
      ], clientCpu)),
    candidate('lftp', 'lftp', 'reference', (local, remote) => {
      const script = lftpScript(outDir, srv, mode, [download ? `get ${remote} -o ${local}` : `put ${local} -o ${remote}`]);
      return runProcess(LFTP, ['-f', script], clientCpu).finally(() => clear(script));
    }),
  ];
  if (!download) {
    // What a Node program gets at the least: the file piped into the data socket (no sendfile(2) in Node).
    candidates.push(candidate('bare-node', 'bare Node (file stream piped into the socket)', 'reference', (local, remote) =>
      runProcess(NODE, [worker('bare-cli'), 'put', local, srv.url(remote), ...(active ? ['--active'] : [])], clientCpu)));
  }
  const other = env.opts.compareCli;
  if (other) {
    candidates.push(candidate('compare', `ours (${path.basename(path.dirname(path.dirname(other)))}/dist/cli.js)`, 'reference', (local, remote) =>
      runProcess(NODE, download
        ? [other, 'get', srv.url(remote), local, '--mode', mode]
        : [other, 'put', local, srv.url(remote), '--mode', mode], clientCpu)));
  }
  if (!active && clientCpu === undefined) {
    candidates.push(candidate('basic-ftp', 'basic-ftp', 'reference', (local, remote) =>
      runProcess(NODE, download
        ? [worker('basic-ftp-cli'), 'get', srv.url(remote), local]
        : [worker('basic-ftp-cli'), 'put', local, srv.url(remote)])));
  }
  const targets: Case['targets'] = [
    { kind: 'ratio', ours: 'ours', reference: 'curl', min: download ? 0.9 : 0.95, text: `>= ${download ? '0.9' : '0.95'}x curl` },
  ];
  if (download && !active) targets.push({ kind: 'ratio', ours: 'ours', reference: 'basic-ftp', min: 1.5, text: '>= 1.5x basic-ftp' });
  if (!download) {
    // The limit of the STOR target: what any Node program gets against curl, and ours against that.
    targets.push(
      { kind: 'ratio', ours: 'bare-node', reference: 'curl', recorded: true, text: 'the limit: bare Node against curl' },
      { kind: 'ratio', ours: 'ours', reference: 'bare-node', min: 0.95, text: '>= 0.95x bare Node (at the limit)' },
    );
  }
  const pinned = clientCpu !== undefined;
  return {
    id: `${direction.toLowerCase()}-${mode}${pinned ? '-pinned' : ''}`,
    title: `${direction} ${sizeText(bytes)} ${download ? 'to' : 'from'} a file, ${mode}${pinned ? `, server and client each on its own CPU (taskset)` : ''}`,
    server: srv.name,
    unit: 'MB/s',
    higherIsBetter: true,
    rounds,
    // The active case runs right after the passive one with the same programs and file: that was its warm-up.
    warmup: active ? 0 : env.opts.warmup,
    candidates,
    targets,
    notes: [
      ...(active ? ['basic-ftp has no active mode'] : []),
      ...(pinned ? [`the server pinned to another CPU than the client's (CPU ${clientCpu}); basic-ftp left out (its target is on the unpinned case)`] : []),
    ],
  };
}

export function sizeText(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return mib >= 1024 ? `${+(mib / 1024).toFixed(2)} GiB` : `${+mib.toFixed(1)} MiB`;
}
