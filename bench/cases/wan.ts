/**
 * What users feel over a real network: every candidate through the fault proxy with a link (test/faults/link.ts:
 * a one-way delay per direction on every chunk, an optional rate shared by all connections, the TCP handshake
 * delayed as on a wire), at `--rtt` ms round trip. Operations: connect + log in, a first listing (cold), a listing
 * again on the logged-in connection, opening and saving a small file (warm, and as whole programs), a folder of
 * small files both ways. Time is reported in round trips too (time / RTT), next to the protocol's minimum
 * (bench/README.md derives each); commands from our logger, basic-ftp's log hook, or the proxy (programs).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Link } from '../../test/faults/link';
import { FaultProxy } from '../../test/faults/proxy';
import { runOk } from '../process';
import type { Candidate, Case, Sample } from '../runner';
import type { BenchServerInfo } from '../servers';
import { CURL, LFTP, NODE, OUR_CLI, lftpScript, worker } from '../tools';
import type { WanOp } from '../workers/wan';
import type { BenchEnv } from './env';

const TIMEOUT_MS = 900_000;
/** The large file of the cases at a rate (`--rate`): long enough that the line, not the round trips, decides. */
export const WAN_BIG_MIB = 100;
/** The small file opened and saved (4 KiB, one of the folder's). */
const SMALL_FILE = 'f00000.bin';

/**
 * The protocol's minimum in round trips for an operation, on one connection unless said (derived in bench/README.md,
 * "Protocol minimum"): TCP handshake + 220 = 2, USER and PASS 1 each, a passive transfer 3 (EPSV, then the data
 * connection's handshake with the command sent alongside, then the data and the 226), an upload that waits for
 * the 150 before sending 4; vsftpd sends its 226 only after the client closed the data connection: +1 per transfer.
 */
export function minimumRtts(op: string, files: number, pool: number, server: string): string {
  const linger = server === 'vsftpd' ? 1 : 0;
  const xfer = 3 + linger;
  const perConn = Math.ceil(files / pool);
  switch (op) {
    case 'login': return '4 (3 with USER and PASS pipelined)';
    case 'first-list': return `${4 + xfer}`;
    case 'list': return `${xfer}`;
    case 'open': return `${xfer}`;
    case 'save': return `plain STOR 4; safe save 8 (MDTM, STOR, SIZE, RNFR, RNTO), 5 pipelined`;
    case 'open-cold': return `${4 + xfer}`;
    case 'save-cold': return '8 plain STOR; 11 safe save';
    case 'big-down': case 'big-up': return 'the line: size / rate, + 8 (whole program)';
    case 'folder-down': return `${4 + xfer * (1 + perConn)} with ${pool} connections; ${4 + xfer + (xfer - 1) * perConn} with each next EPSV pipelined`;
    case 'folder-up': return `${5 + 4 * perConn} with ${pool} connections; ${5 + 3 * perConn} with the data before the 150`;
    default: return '-';
  }
}

interface Via {
  proxy: FaultProxy;
  /** the server as the candidates see it: the proxy's address */
  srv: BenchServerInfo;
}

export async function startVia(srv: BenchServerInfo, rttMs: number, rateMbit: number | undefined): Promise<Via> {
  const proxy = await FaultProxy.start({ host: srv.params.host, port: srv.params.port }, { link: { rttMs, rateMbit } });
  const params = { ...srv.params, host: proxy.host, port: proxy.port };
  const url = (p: string) =>
    `ftp://${encodeURIComponent(params.user)}:${encodeURIComponent(params.password)}@${params.host}:${params.port}${path.posix.join('/', p)}`;
  return { proxy, srv: { ...srv, params, url } };
}

/** Commands the proxy relayed in the sessions that began after `from` (every connection of a program). */
function proxyCommands(proxy: FaultProxy, from: number): number {
  return proxy.sessions.slice(from).reduce((n, s) => n + s.commands.length, 0);
}

export function wanCases(env: BenchEnv, via: Via): Case[] {
  const o = env.opts;
  const rtt = o.rttMs;
  const { proxy, srv } = via;
  const pool = o.pool;
  const tag = `${rtt} ms RTT${o.rateMbit ? `, ${o.rateMbit} Mbit/s` : ''}`;
  const work = path.join(env.dir, 'wan');
  fs.mkdirSync(work, { recursive: true });
  const bytes = o.fileKiB * 1024;
  const upRoot = path.join(srv.root, 'up');
  let serial = 0;

  const lib = (op: WanOp, impl: 'ours' | 'basic-ftp', extra: Record<string, unknown> = {}): Candidate => ({
    id: impl === 'ours' ? 'ours' : 'basic-ftp',
    label: impl === 'ours' ? `ours (library, Site, pool ${op.startsWith('folder') ? pool : 2})` : 'basic-ftp',
    role: impl === 'ours' ? 'ours' : 'reference',
    async run(): Promise<Sample> {
      const id = ++serial;
      const local = op === 'folder-down' ? path.join(work, `down-${id}`) : op === 'folder-up' ? env.smallDir : undefined;
      const dir = op === 'folder-up' ? `/up/lib-${id}` : op === 'save' ? '/up' : '/small';
      if (op === 'folder-up') mkdirOwned(path.join(upRoot, `lib-${id}`), srv);
      try {
        const p = { server: srv.params, impl, op, dir, file: op === 'save' ? `save-${impl}.bin` : SMALL_FILE, bytes, local, poolSize: op.startsWith('folder') ? pool : 2, ...extra };
        const r = await runOk(NODE, [worker('wan')], { timeoutMs: TIMEOUT_MS, env: { ...process.env, FTPX_BENCH_PARAMS: JSON.stringify(p) } });
        const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { seconds: number; commands: number; files?: number };
        if (op.startsWith('folder')) checkFolder(op, id, local, srv, o.files);
        return { value: out.seconds, seconds: out.seconds, cpuSeconds: r.cpuSeconds, maxRssMiB: r.maxRssMiB, commands: out.commands, detail: { rtts: (out.seconds * 1000) / rtt } };
      } finally {
        if (local && op === 'folder-down') fs.rmSync(local, { recursive: true, force: true });
        if (op === 'folder-up') fs.rmSync(path.join(upRoot, `lib-${id}`), { recursive: true, force: true });
      }
    },
  });

  /** A program timed from spawn to exit (its start-up counts, as for a user); commands from the proxy. */
  const program = (id: string, label: string, role: 'ours' | 'reference', op: string, start: (n: number) => { cmd: string; args: string[]; check?: () => void; clean?: () => void }): Candidate => ({
    id,
    label,
    role,
    async run(): Promise<Sample> {
      const n = ++serial;
      const from = proxy.sessions.length;
      const { cmd, args, check, clean } = start(n);
      try {
        const r = await runOk(cmd, args, { timeoutMs: TIMEOUT_MS });
        check?.();
        return {
          value: r.wallSeconds, seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, maxRssMiB: r.maxRssMiB, machineBusy: r.machineBusy,
          commands: proxyCommands(proxy, from), detail: { rtts: (r.wallSeconds * 1000) / rtt, op },
        };
      } finally {
        clean?.();
      }
    },
  });
  const lftp = (commands: string[]) => ({ cmd: LFTP, args: ['-f', lftpScript(work, srv, 'passive', commands)] });
  const sink = (n: number) => path.join(work, `got-${n}.bin`);
  const gotSmall = (n: number) => () => {
    const size = fs.statSync(sink(n)).size;
    if (size !== bytes) throw new Error(`${size} bytes arrived, not ${bytes}`);
  };
  const rm = (p: string) => () => fs.rmSync(p, { recursive: true, force: true });
  const localSmall = path.join(env.smallDir, SMALL_FILE);

  const one = (id: string, title: string, candidates: Candidate[], rounds = o.wanRounds, warmup = 1, targets: Case['targets'] = []): Case => ({
    id: `wan-${id}`,
    title: `${title}, ${tag}`,
    server: srv.name,
    unit: 's',
    higherIsBetter: false,
    rounds,
    warmup,
    candidates,
    targets,
    rttMs: rtt,
    minimum: minimumRtts(id, o.files, pool, srv.name),
  });

  const folderRounds = o.wanFolderRounds;
  const big = o.rateMbit ? bigFileCases(o.rateMbit) : [];
  return [
    ...big,
    one('login', 'connect and log in', [lib('login', 'ours'), lib('login', 'basic-ftp')]),
    one('first-list', `connect, log in, list a folder of ${o.files} entries`, [
      lib('first-list', 'ours'),
      program('ours-cli', 'ours (CLI ls)', 'ours', 'first-list', () => ({ cmd: NODE, args: [OUR_CLI, 'ls', srv.url('/small/')] })),
      lib('first-list', 'basic-ftp'),
      program('lftp', 'lftp ls', 'reference', 'first-list', () => lftp(['ls /small > /dev/null'])),
      program('curl', 'curl (LIST)', 'reference', 'first-list', () => ({ cmd: CURL, args: ['-sS', '--fail', '-o', '/dev/null', srv.url('/small/')] })),
    ], o.wanRounds, 1, [{ kind: 'ratio', ours: 'ours-cli', reference: 'lftp', max: 1.1, text: `<= 1.1x lftp's time (${tag})` }]),
    one('list', 'list the folder again, logged in', [lib('list', 'ours'), lib('list', 'basic-ftp')]),
    one('open', `open a file of ${o.fileKiB} KiB, logged in, folder listed`, [lib('open', 'ours'), lib('open', 'basic-ftp')]),
    one('save', `save a file of ${o.fileKiB} KiB, logged in, folder listed`, [lib('save', 'ours'), lib('save', 'basic-ftp')]),
    one('open-cold', `download a file of ${o.fileKiB} KiB, whole program`, [
      program('ours-cli', 'ours (CLI get)', 'ours', 'open-cold', (n) => ({ cmd: NODE, args: [OUR_CLI, 'get', srv.url(`/small/${SMALL_FILE}`), sink(n)], check: gotSmall(n), clean: rm(sink(n)) })),
      program('curl', 'curl', 'reference', 'open-cold', (n) => ({ cmd: CURL, args: ['-sS', '--fail', '-o', sink(n), srv.url(`/small/${SMALL_FILE}`)], check: gotSmall(n), clean: rm(sink(n)) })),
      program('lftp', 'lftp get', 'reference', 'open-cold', (n) => ({ ...lftp([`get /small/${SMALL_FILE} -o ${sink(n)}`]), check: gotSmall(n), clean: rm(sink(n)) })),
    ]),
    one('save-cold', `upload a file of ${o.fileKiB} KiB, whole program`, [
      program('ours-cli', 'ours (CLI put, safe save)', 'ours', 'save-cold', () => ({ cmd: NODE, args: [OUR_CLI, 'put', localSmall, srv.url('/up/put-cli.bin')] })),
      program('curl', 'curl -T', 'reference', 'save-cold', () => ({ cmd: CURL, args: ['-sS', '--fail', '-T', localSmall, srv.url('/up/put-curl.bin')] })),
      program('lftp', 'lftp put', 'reference', 'save-cold', () => lftp([`put ${localSmall} -o /up/put-lftp.bin`])),
    ]),
    one('folder-down', `download a folder of ${o.files} files of ${o.fileKiB} KiB`, [
      lib('folder-down', 'ours'),
      program('ours-cli', `ours (CLI get -r --connections ${pool})`, 'ours', 'folder-down', (n) => ({
        cmd: NODE, args: [OUR_CLI, 'get', '-r', srv.url('/small'), path.join(work, `cli-${n}`), '--connections', String(pool)],
        check: () => countLocal(path.join(work, `cli-${n}`, 'small'), o.files), clean: rm(path.join(work, `cli-${n}`)),
      })),
      lib('folder-down', 'basic-ftp'),
      program('lftp', `lftp mirror -P ${pool}`, 'reference', 'folder-down', (n) => ({
        ...lftp([`mirror -P ${pool} /small ${path.join(work, `lftp-${n}`)}`]),
        check: () => countLocal(path.join(work, `lftp-${n}`), o.files), clean: rm(path.join(work, `lftp-${n}`)),
      })),
    ], folderRounds, 0, folderTargets(tag)),
    one('folder-up', `upload a folder of ${o.files} files of ${o.fileKiB} KiB`, [
      lib('folder-up', 'ours'),
      program('ours-cli', `ours (CLI put -r --connections ${pool})`, 'ours', 'folder-up', (n) => {
        mkdirOwned(path.join(upRoot, `cli-${n}`), srv);
        return {
          cmd: NODE, args: [OUR_CLI, 'put', '-r', env.smallDir, srv.url(`/up/cli-${n}`), '--connections', String(pool)],
          check: () => countLocal(path.join(upRoot, `cli-${n}`, 'small'), o.files), clean: rm(path.join(upRoot, `cli-${n}`)),
        };
      }),
      lib('folder-up', 'basic-ftp'),
      program('lftp', `lftp mirror -R -P ${pool}`, 'reference', 'folder-up', (n) => ({
        ...lftp([`mirror -R -P ${pool} ${env.smallDir} /up/lftp-${n}`]),
        check: () => countLocal(path.join(upRoot, `lftp-${n}`), o.files), clean: rm(path.join(upRoot, `lftp-${n}`)),
      })),
    ], folderRounds, 0, folderTargets(tag)),
  ];

  /**
   * One file of WAN_BIG_MIB MiB each way, whole programs (ours, curl, lftp), at the rate: what the bandwidth-delay
   * product does to a client's windows and buffers. The file is made here (random bytes) and removed at the end.
   */
  function bigFileCases(rate: number): Case[] {
    const bigBytes = WAN_BIG_MIB * 1024 * 1024;
    const local = path.join(work, 'big.bin');
    if (!fs.existsSync(local)) {
      const fd = fs.openSync(local, 'w');
      const block = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < WAN_BIG_MIB; i++) fs.writeSync(fd, crypto.randomFillSync(block));
      fs.closeSync(fd);
    }
    const remote = path.join(srv.root, 'wan-big.bin');
    if (!fs.existsSync(remote)) fs.copyFileSync(local, remote);
    const gotBig = (n: number) => () => {
      const size = fs.statSync(sink(n)).size;
      if (size !== bigBytes) throw new Error(`${size} bytes arrived, not ${bigBytes}`);
    };
    const upBig = (name: string) => ({
      check: () => {
        const size = fs.statSync(path.join(upRoot, name)).size;
        if (size !== bigBytes) throw new Error(`${size} bytes stored, not ${bigBytes}`);
      },
      clean: rm(path.join(upRoot, name)),
    });
    const target = (id: string): Case['targets'] => [{ kind: 'ratio', ours: 'ours-cli', reference: 'curl', max: 1 / 0.95, text: `>= 0.95x curl's speed (${id}, ${tag})` }];
    const title = `${WAN_BIG_MIB} MiB file, whole program (the line alone: ${((bigBytes * 8) / (rate * 1e6)).toFixed(1)} s)`;
    return [
      one('big-down', `download a ${title}`, [
        program('ours-cli', 'ours (CLI get)', 'ours', 'big-down', (n) => ({ cmd: NODE, args: [OUR_CLI, 'get', srv.url('/wan-big.bin'), sink(n)], check: gotBig(n), clean: rm(sink(n)) })),
        program('curl', 'curl', 'reference', 'big-down', (n) => ({ cmd: CURL, args: ['-sS', '--fail', '-o', sink(n), srv.url('/wan-big.bin')], check: gotBig(n), clean: rm(sink(n)) })),
        program('lftp', 'lftp get', 'reference', 'big-down', (n) => ({ ...lftp([`get /wan-big.bin -o ${sink(n)}`]), check: gotBig(n), clean: rm(sink(n)) })),
      ], o.wanRounds, 1, target('download')),
      one('big-up', `upload a ${title}`, [
        program('ours-cli', 'ours (CLI put)', 'ours', 'big-up', (n) => ({ cmd: NODE, args: [OUR_CLI, 'put', local, srv.url(`/up/big-cli-${n}.bin`)], ...upBig(`big-cli-${n}.bin`) })),
        program('curl', 'curl -T', 'reference', 'big-up', (n) => ({ cmd: CURL, args: ['-sS', '--fail', '-T', local, srv.url(`/up/big-curl-${n}.bin`)], ...upBig(`big-curl-${n}.bin`) })),
        program('lftp', 'lftp put', 'reference', 'big-up', (n) => ({ ...lftp([`put ${local} -o /up/big-lftp-${n}.bin`]), ...upBig(`big-lftp-${n}.bin`) })),
      ], o.wanRounds, 1, target('upload')),
    ];
  }
}

/** The issue's targets for a folder at a real round trip: time at most 1/4 of basic-ftp's, 1/1.2 of lftp mirror's. */
function folderTargets(tag: string): Case['targets'] {
  return [
    { kind: 'ratio', ours: 'ours', reference: 'basic-ftp', max: 0.25, text: `>= 4x basic-ftp's speed (${tag})` },
    { kind: 'ratio', ours: 'ours', reference: 'lftp', max: 1 / 1.2, text: `>= 1.2x lftp mirror's speed, same connections (${tag})` },
  ];
}

function mkdirOwned(dir: string, srv: BenchServerInfo): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.chownSync(dir, srv.uid, srv.gid);
}

function countLocal(dir: string, files: number): void {
  const n = fs.readdirSync(dir).length;
  if (n !== files) throw new Error(`${n} files in ${dir}, not ${files}`);
}

function checkFolder(op: WanOp, id: number, local: string | undefined, srv: BenchServerInfo, files: number): void {
  if (op === 'folder-down') countLocal(path.join(local!, 'small'), files);
  else countLocal(path.join(srv.root, 'up', `lib-${id}`, 'small'), files);
}

/**
 * The emulator checked in the same run: the round trip of a bare TCP ping-pong through a link like the bench's,
 * and, with a rate, a bulk transfer's rate (bytes from first to last arrival at the receiver).
 */
export async function linkCheck(rttMs: number, rateMbit: number | undefined): Promise<{ rtt: { median: number; min: number; max: number }; rate?: number }> {
  const link = new Link({ rttMs, rateMbit });
  let bytesIn = 0;
  let first = 0;
  let last = 0;
  let firstBytes = 0;
  let lastBytes = 0;
  const servers: net.Server[] = [];
  const listen = async (onConn: (s: net.Socket) => void) => {
    const s = net.createServer(onConn);
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
    return (s.address() as net.AddressInfo).port;
  };
  try {
    const echo = await listen((s) => s.pipe(s));
    const front = await link.front({ host: '127.0.0.1', port: echo });
    const c = net.connect({ host: '127.0.0.1', port: (front.address() as net.AddressInfo).port });
    const pings: number[] = [];
    for (let i = 0; i < 22; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('link check: no echo within 5 s')), 5000);
        c.once('data', () => (clearTimeout(timer), resolve()));
        c.write('x');
      });
      if (i > 0) pings.push(performance.now() - t0);
    }
    c.destroy();
    pings.sort((a, b) => a - b);
    const rtt = { median: pings[pings.length >> 1], min: pings[0], max: pings[pings.length - 1] };
    if (!rateMbit) return { rtt };
    const total = Math.min(16 * 1024 * 1024, Math.ceil((rateMbit * 1e6) / 8) * 2);
    // The rate between the arrival of 10% and of 90% of the bytes: a start delayed by the scheduler does not count.
    const sinkPort = await listen((s) =>
      s.on('data', (d: Buffer) => {
        bytesIn += d.length;
        if (!first && bytesIn >= total * 0.1) {
          first = performance.now();
          firstBytes = bytesIn;
        }
        if (!last && bytesIn >= total * 0.9) {
          last = performance.now();
          lastBytes = bytesIn;
        }
      }),
    );
    const bulkFront = await link.front({ host: '127.0.0.1', port: sinkPort });
    const b = net.connect({ host: '127.0.0.1', port: (bulkFront.address() as net.AddressInfo).port });
    b.end(Buffer.alloc(total, 1));
    const deadline = Date.now() + 120_000;
    while (bytesIn < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    b.destroy();
    return { rtt, rate: ((lastBytes - firstBytes) * 8) / 1e6 / ((last - first) / 1000) };
  } finally {
    await link.close();
    for (const s of servers) s.close();
  }
}
