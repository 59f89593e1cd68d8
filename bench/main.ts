/**
 * The benchmark driver (`bash bench/run`): starts its own FTP servers through the test harness, makes the fixtures
 * in a temp folder, runs every case with its candidates interleaved after a warm-up, prints the tables and writes
 * the results as JSON to bench/results/. See bench/README.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NODE24 } from '../test/e2e/env';
import { stopAllServers } from '../test/servers';
import { bulkCase, ceilingCase } from './cases/transfer';
import { withServerPinned } from './tools';
import type { BenchEnv } from './cases/env';
import { folderCase } from './cases/folder';
import { syncCase } from './cases/sync';
import { linkCheck, startVia, wanCases } from './cases/wan';
import { listingCase, manyDir } from './cases/listing';
import { loginCase } from './cases/login';
import { parserCases } from './cases/parser';
import { WARMUP_FILES, smallFilesCase } from './cases/small-files';
import { VSCODE_DIR_ENTRIES, VSCODE_FILE_MIB, siteCase, vscodeCase } from './cases/vscode';
import { vscodeUiCases } from './cases/vscode-ui';
import { copyFolder, linkOrCopy, makeLargeFile, makeManyEntries, makeSmallFiles } from './fixtures';
import { USAGE, parseOptions, type BenchOptions, type CaseId } from './options';
import { runCase, type Case, type CaseResult } from './runner';
import { startBenchServer, type BenchServerInfo } from './servers';
import { summarize } from './stats';
import { resultTable, targetTable, wanTable } from './table';
import { PROJECT, runtimeAt, versions, type Runtime } from './tools';

const started = Date.now();

function progress(text: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${t}s] ${text}\n`);
}

let runDir: string | undefined;
let linkChecked: Awaited<ReturnType<typeof linkCheck>> | undefined;

async function cleanup(): Promise<void> {
  await stopAllServers().catch(() => undefined);
  if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  runDir = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    progress(`${signal}: stopping the servers and removing the fixtures`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const opts: BenchOptions = parsed;
  if (process.getuid?.() !== 0) throw new Error('run as root: the FTP servers need a system user and to switch to it');
  const want = (id: CaseId) => opts.cases.includes(id);

  // The servers' temp folders go where the fixtures are (test/servers makes them under os.tmpdir()).
  process.env.TMPDIR = opts.tmp;
  // A machine-wide NODE_EXTRA_CA_CERTS makes every Node process parse those certificates at start, which nobody uses
  // on loopback and curl and lftp do not pay for. Measured processes go without.
  const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.NODE_EXTRA_CA_CERTS;
  if (extraCaCerts) progress(`NODE_EXTRA_CA_CERTS=${extraCaCerts} is unset for the measured processes`);
  runDir = fs.mkdtempSync(path.join(opts.tmp, 'ftpx-bench-'));
  fs.chmodSync(runDir, 0o755);
  progress(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  progress(`fixtures in ${runDir}`);
  const host = extensionHostNode(opts, want('small') || want('folder'));

  const largeBytes = opts.sizeMiB * 1024 * 1024;
  const env: BenchEnv = {
    opts,
    dir: runDir,
    largeFile: path.join(runDir, 'large.bin'),
    largeBytes,
    smallDir: path.join(runDir, 'fixtures', 'small'),
    warmDir: path.join(runDir, 'fixtures', 'warm'),
    smallBytes: opts.files * opts.fileKiB * 1024,
  };
  const needLarge = want('ceiling') || want('retr') || want('stor');
  const needSmall = want('small') || want('folder') || want('sync') || want('wan');
  if (needLarge) makeLargeFile(env.largeFile, largeBytes);
  if (needSmall) {
    makeSmallFiles(env.smallDir, opts.files, opts.fileKiB * 1024);
    fs.mkdirSync(env.warmDir);
    for (const n of fs.readdirSync(env.smallDir).sort().slice(0, WARMUP_FILES)) linkOrCopy(path.join(env.smallDir, n), path.join(env.warmDir, n));
  }
  const fifty = path.join(runDir, 'fifty.bin');
  if (want('vscode')) makeLargeFile(fifty, VSCODE_FILE_MIB * 1024 * 1024);
  progress('fixtures made');

  const results: CaseResult[] = [];
  const run = async (c: Case) => {
    progress(`${c.title} on ${c.server}: ${c.candidates.map((x) => x.id).join(', ')}; warm-up ${c.warmup}, ${c.rounds} rounds`);
    const r = await runCase(c, progress);
    results.push(r);
    if (c.id === 'retr-passive') results.push(memoryResult(r));
  };

  if (want('ceiling')) await run(ceilingCase(env));
  if (want('wan') || want('vscode-ui')) {
    progress(`network emulator check: TCP ping-pong at ${opts.rttMs} ms${opts.rateMbit ? `, bulk at ${opts.rateMbit} Mbit/s` : ''}`);
    linkChecked = await linkCheck(opts.rttMs, opts.rateMbit);
    progress(`  ping-pong median ${linkChecked.rtt.median.toFixed(2)} ms${linkChecked.rate ? `, bulk ${linkChecked.rate.toFixed(2)} Mbit/s` : ''}`);
  }

  for (const name of opts.servers) {
    const rounds = name === 'vsftpd' ? opts.rounds : opts.secondRounds;
    progress(`starting ${name}`);
    const srv = await startBenchServer(name);
    try {
      populate(srv, env, fifty);
      progress(`${name} on ${srv.params.host}:${srv.params.port}, root ${srv.root}`);
      for (const mode of ['passive', 'active'] as const) if (want('retr')) await run(bulkCase(env, srv, 'RETR', mode, rounds));
      for (const mode of ['passive', 'active'] as const) if (want('stor')) await run(bulkCase(env, srv, 'STOR', mode, rounds));
      // Issue 21: the STOR target restated with the server and the client each on its own CPU, so that the server's
      // single process competing with the client for a CPU does not decide the ratio.
      if (want('stor') && os.cpus().length >= 2) await withServerPinned(srv.server.pid, 0, () => run(bulkCase(env, srv, 'STOR', 'passive', rounds, 1)));
      fs.rmSync(path.join(srv.root, 'big.bin'), { force: true });
      for (const dir of ['download', 'upload'] as const) if (want('small')) await run(smallFilesCase(env, srv, dir, rounds));
      for (const dir of ['download', 'upload'] as const) if (want('folder')) await run(folderCase(env, srv, dir, rounds));
      // The same after the JIT has settled (first server only: time), where the small-file and folder targets are judged too.
      if (opts.steadyRounds > 0 && name === opts.servers[0]) {
        for (const dir of ['download', 'upload'] as const) if (want('small')) await run(smallFilesCase(env, srv, dir, rounds, undefined, opts.steadyRounds));
        for (const dir of ['download', 'upload'] as const) if (want('folder')) await run(folderCase(env, srv, dir, rounds, false, undefined, opts.steadyRounds));
      }
      if (want('sync')) await run(syncCase(env, srv, rounds));
      // Once more in the extension host's Node, where the library runs inside VS Code (first server only: time).
      if (host && name === opts.servers[0]) {
        for (const dir of ['download', 'upload'] as const) if (want('small')) await run(smallFilesCase(env, srv, dir, rounds, host));
        for (const dir of ['download', 'upload'] as const) if (want('folder')) await run(folderCase(env, srv, dir, rounds, false, host));
        if (opts.steadyRounds > 0) {
          for (const dir of ['download', 'upload'] as const) if (want('small')) await run(smallFilesCase(env, srv, dir, rounds, host, opts.steadyRounds));
          for (const dir of ['download', 'upload'] as const) if (want('folder')) await run(folderCase(env, srv, dir, rounds, false, host, opts.steadyRounds));
        }
      }
      if (want('list')) {
        await run(listingCase(env, srv, 'LIST', rounds));
        if (srv.server.capabilities.mlsd) await run(listingCase(env, srv, 'MLSD', rounds));
      }
      if (want('login')) await run(loginCase(env, srv, rounds));
      if (want('wan') && name === opts.servers[0]) {
        const via = await startVia(srv, opts.rttMs, opts.rateMbit);
        try {
          for (const c of wanCases(env, via)) await run(c);
          if (want('vscode')) {
            // code-server's extension host -> emulator -> server: the real-VS-Code operations at the round trip.
            const tag = `${opts.rttMs} ms RTT${opts.rateMbit ? `, ${opts.rateMbit} Mbit/s` : ''}`;
            progress(`in real VS Code on ${name} through the emulator (${tag})`);
            await run(await vscodeCase(env, via.srv, rounds, progress, { rttMs: opts.rttMs, tag }));
          }
        } finally {
          await via.proxy.close();
        }
      }
      if (want('vscode-ui') && name === opts.servers[0]) {
        // Clicks in real VS Code: on loopback, then code-server's extension host -> emulator -> server.
        const via = await startVia(srv, opts.rttMs, opts.rateMbit);
        try {
          progress(`clicks in real VS Code on ${name}: loopback, then through the emulator (${opts.rttMs} ms RTT)`);
          for (const c of await vscodeUiCases(env, srv, progress, { srv: via.srv, rttMs: opts.rttMs })) await run(c);
        } finally {
          await via.proxy.close();
        }
      }
      if (want('vscode')) {
        await run(siteCase(env, srv, rounds));
        progress(`in real VS Code on ${name}: readDirectory ${VSCODE_DIR_ENTRIES} entries, readFile and save ${VSCODE_FILE_MIB} MiB`);
        await run(await vscodeCase(env, srv, rounds, progress));
      }
    } finally {
      await srv.server.stop();
    }
  }
  if (want('parse')) {
    progress(`parsers alone: bench/listing-parse.ts, ${opts.parseRounds} rounds`);
    results.push(...(await parserCases(opts.parseRounds, progress)));
  }

  const date = new Date().toISOString();
  const machine = {
    cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), loadAfter: os.loadavg(), tmp: opts.tmp,
    unsetForMeasuredProcesses: extraCaCerts ? { NODE_EXTRA_CA_CERTS: extraCaCerts } : {},
  };
  const wan = results.some((r) => r.rttMs !== undefined) ? `\n\nThrough the network emulator:\n\n${wanTable(results, linkChecked, opts)}` : '';
  const tables = `${resultTable(results)}${wan}\n\nTargets:\n\n${targetTable(results)}\n`;
  process.stdout.write(`\n${tables}`);
  const dir = path.join(PROJECT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({ date, seconds: (Date.now() - started) / 1000, machine, versions: versions(host), options: opts, linkCheck: linkChecked, results }, null, 1);
  const file = path.join(dir, `bench-${date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${json}\n`);
  fs.writeFileSync(path.join(dir, 'latest.json'), `${json}\n`);
  fs.writeFileSync(path.join(dir, 'latest.md'), tables);
  progress(`wrote ${path.relative(PROJECT, file)} (and latest.json, latest.md); ${((Date.now() - started) / 60000).toFixed(1)} min in all`);
  return 0;
}

/**
 * The Node of VS Code's extension host for the second run of the small-file and folder cases (--host-node), or
 * undefined when there is none to use, or it is this very Node.
 */
function extensionHostNode(opts: BenchOptions, needed: boolean): Runtime | undefined {
  if (!needed || opts.hostNode === 'none') return undefined;
  const file = opts.hostNode === 'auto' ? NODE24 : opts.hostNode;
  if (opts.hostNode === 'auto' && !fs.existsSync(file)) {
    progress(`no extension-host Node at ${file} (scripts/setup-vscode.sh installs it): the small-file and folder cases run once`);
    return undefined;
  }
  const r = runtimeAt(file);
  if (typeof r === 'string') {
    progress(`${r}: the small-file and folder cases run once`);
    return undefined;
  }
  if (r.name === `Node ${process.version.slice(1)}`) return undefined;
  progress(`extension-host Node: ${r.name} (${file}), for a second run of the small-file and folder cases on ${opts.servers[0]}`);
  return r;
}

/** Put the fixtures into a server's root: the large file, the small files, the big folders. */
function populate(srv: BenchServerInfo, env: BenchEnv, fifty: string): void {
  const o = env.opts;
  if (fs.existsSync(env.largeFile)) linkOrCopy(env.largeFile, path.join(srv.root, 'big.bin'));
  fs.mkdirSync(path.join(srv.root, 'up'), { recursive: true });
  fs.chownSync(path.join(srv.root, 'up'), srv.uid, srv.gid);
  if (fs.existsSync(env.smallDir)) copyFolder(env.smallDir, path.join(srv.root, 'small'));
  if (fs.existsSync(env.warmDir)) copyFolder(env.warmDir, path.join(srv.root, 'warm'));
  if (o.cases.includes('list')) makeManyEntries(manyDir(srv), o.entries);
  if (o.cases.includes('vscode')) {
    makeManyEntries(path.join(srv.root, 'tenk'), VSCODE_DIR_ENTRIES);
    linkOrCopy(fifty, path.join(srv.root, 'fifty.bin'));
  }
}

/** Peak RSS while downloading the large file, from the RETR passive rounds (GNU time's maximum resident set). */
function memoryResult(retr: CaseResult): CaseResult {
  const candidates = retr.candidates.map((c) => ({ ...c, value: summarize(c.samples.map((s) => s.maxRssMiB ?? NaN)), cpuSeconds: summarize([]), machineBusy: summarize([]) }));
  const ours = candidates.find((c) => c.id === 'ours')?.value;
  const met = ours && Number.isFinite(ours.max) ? ours.max <= 80 : undefined;
  return {
    ...retr,
    id: 'memory',
    title: `peak RSS while downloading ${retr.title.split(' ').slice(1, 3).join(' ')} (RETR passive rounds)`,
    unit: 'MiB',
    higherIsBetter: false,
    candidates,
    ratios: [],
    targets: [{ text: 'ours <= 80 MiB RSS (every round)', met, measured: ours ? `max ${ours.max.toFixed(1)} MiB, median ${ours.median.toFixed(1)}` : 'not measured' }],
    notes: [],
  };
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (err: Error) => {
    progress(`failed: ${err.stack ?? err.message}`);
    await cleanup();
    process.exit(1);
  });
