/**
 * Command-line options of the benchmark (`bash bench/run [options]`, or `node out/bench/main.js [options]`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

export const CASE_IDS = ['ceiling', 'retr', 'stor', 'small', 'folder', 'sync', 'list', 'login', 'parse', 'vscode', 'wan', 'vscode-ui'] as const;
export type CaseId = (typeof CASE_IDS)[number];
export const BENCH_SERVERS = ['vsftpd', 'pyftpdlib'] as const;
export type BenchServer = (typeof BENCH_SERVERS)[number];

export interface BenchOptions {
  /** Measured rounds on the first server (vsftpd). */
  rounds: number;
  /** Measured rounds on the second server (pyftpdlib), which is slower. */
  secondRounds: number;
  /** Unmeasured runs of every candidate before the rounds. */
  warmup: number;
  /** Size of the large file, MiB. */
  sizeMiB: number;
  files: number;
  fileKiB: number;
  entries: number;
  logins: number;
  /** Control connections of the pool in the folder case. */
  pool: number;
  /** ftpExplorer.poolSize for the extension's own folder transfer (its default is 2). */
  extensionPool: number;
  servers: BenchServer[];
  cases: CaseId[];
  /** Where the servers' roots and the fixtures go (tmpfs when it has room, so the disk adds no noise). */
  tmp: string;
  /** Rounds of the parser micro-benchmark (bench/listing-parse.ts). */
  parseRounds: number;
  /** Another build of our CLI (e.g. of an older commit) measured next to the current one in the RETR/STOR cases. */
  compareCli?: string;
  /**
   * The extension host's Node, for a second run of the small-file and folder cases ('auto': the Node 24 that
   * scripts/setup-vscode.sh installs for code-server, when it is there; 'none': skip those cases).
   */
  hostNode: string;
  /** Round trip of the network emulator for the 'wan' cases, ms. */
  rttMs: number;
  /** Rate of the emulated link, Mbit/s each way (none: unlimited). */
  rateMbit?: number;
  /** Rounds of the single operations through the emulator, and of its folder transfers (long: 1,000 files). */
  wanRounds: number;
  wanFolderRounds: number;
  /** Untimed moves of the whole folder before the folder case's JIT-warm rounds (0: no such case). */
  steadyRounds: number;
}

export const USAGE = `usage: bash bench/run [options]     (as root: it starts FTP servers through test/servers)
  --rounds N            measured rounds on vsftpd (default 5)
  --second-rounds N     measured rounds on pyftpdlib (default 3)
  --warmup N            unmeasured runs of each candidate first (default 1)
  --size MiB            size of the large file (default 1024)
  --files N             small files (default 1000), --file-kib N their size (default 4)
  --entries N           entries of the large folder (default 100000)
  --logins N            logins in the login case (default 20)
  --pool N              connections of our pool in the folder case (default 4)
  --steady-rounds N     untimed moves of the files before the JIT-warm small-file and folder cases (first server, default 4; 0: skip)
  --extension-pool N    poolSize of the extension's own folder transfer (default 2)
  --servers a,b         of: ${BENCH_SERVERS.join(', ')} (default both)
  --cases a,b           of: ${CASE_IDS.join(', ')} (default all but wan, which takes
                        about 25 minutes at 50 ms: bash bench/run --cases wan, and vscode-ui: clicks in
                        real VS Code on loopback and through the emulator at --rtt, about 6 minutes)
  --tmp DIR             fixtures and server roots (default /dev/shm when it has room, else the temp folder)
  --parse-rounds N      rounds of bench/listing-parse.ts (default 9)
  --compare-cli FILE    also run this cli.js (e.g. built from an older commit) in the RETR and STOR cases
  --host-node PATH      the small-file and folder cases once more on this Node (default auto: the extension
                        host's Node 24 from scripts/setup-vscode.sh when installed; none: skip)
  --rtt MS              round trip of the network emulator for the wan cases (default 50)
  --rate MBIT           its rate each way, Mbit/s, shared by all connections (default: unlimited)
  --wan-rounds N        rounds of the single operations through it (default 3), --wan-folder-rounds N of the
                        folder transfers (default 1)
  --quick               a smoke run: 2 rounds, 1 on pyftpdlib, 128 MiB, 200 files, 10000 entries`;

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const o: BenchOptions = {
    rounds: 5,
    secondRounds: 3,
    warmup: 1,
    sizeMiB: 1024,
    files: 1000,
    fileKiB: 4,
    entries: 100_000,
    logins: 20,
    pool: 4,
    extensionPool: 2,
    servers: [...BENCH_SERVERS],
    cases: CASE_IDS.filter((c) => c !== 'wan' && c !== 'vscode-ui'),
    tmp: '',
    parseRounds: 9,
    hostNode: 'auto',
    rttMs: 50,
    wanRounds: 3,
    wanFolderRounds: 1,
    steadyRounds: 4,
  };
  const ints: Record<string, keyof BenchOptions> = {
    '--rounds': 'rounds',
    '--second-rounds': 'secondRounds',
    '--warmup': 'warmup',
    '--size': 'sizeMiB',
    '--files': 'files',
    '--file-kib': 'fileKiB',
    '--entries': 'entries',
    '--logins': 'logins',
    '--pool': 'pool',
    '--extension-pool': 'extensionPool',
    '--parse-rounds': 'parseRounds',
    '--wan-rounds': 'wanRounds',
    '--wan-folder-rounds': 'wanFolderRounds',
    '--steady-rounds': 'steadyRounds',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--quick') {
      Object.assign(o, { rounds: 2, secondRounds: 1, sizeMiB: 128, files: 200, entries: 10_000, logins: 5, parseRounds: 3, steadyRounds: 1 });
    } else if (a in ints) {
      const n = Number(value());
      const min = a === '--warmup' || a === '--steady-rounds' ? 0 : 1;
      if (!Number.isInteger(n) || n < min) throw new Error(`${a} needs a whole number of at least ${min}`);
      (o as unknown as Record<string, number>)[ints[a]] = n;
    } else if (a === '--servers') {
      o.servers = list(value(), BENCH_SERVERS, a);
    } else if (a === '--cases') {
      o.cases = list(value(), CASE_IDS, a);
    } else if (a === '--rtt' || a === '--rate') {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} needs a number above 0 (${a === '--rtt' ? 'milliseconds' : 'Mbit/s'})`);
      if (a === '--rtt') o.rttMs = n;
      else o.rateMbit = n;
    } else if (a === '--tmp') {
      o.tmp = value();
    } else if (a === '--host-node') {
      o.hostNode = value();
      if (o.hostNode !== 'auto' && o.hostNode !== 'none' && !fs.existsSync(o.hostNode)) throw new Error(`--host-node: no file ${o.hostNode}`);
    } else if (a === '--compare-cli') {
      o.compareCli = value();
      if (!fs.existsSync(o.compareCli)) throw new Error(`--compare-cli: no file ${o.compareCli}`);
    } else {
      throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (!o.tmp) o.tmp = defaultTmp(o.sizeMiB);
  return o;
}

function list<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of items) if (!allowed.includes(s as T)) throw new Error(`${flag}: "${s}" is not one of ${allowed.join(', ')}`);
  return items as T[];
}

/** /dev/shm when it is a tmpfs with room for three copies of the large file and some, else os.tmpdir(). */
function defaultTmp(sizeMiB: number): string {
  try {
    const st = fs.statfsSync('/dev/shm');
    const free = st.bavail * st.bsize;
    if (free > (3 * sizeMiB + 2048) * 1024 * 1024) return '/dev/shm';
  } catch {
    /* no /dev/shm */
  }
  return os.tmpdir();
}
