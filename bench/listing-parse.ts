/**
 * Benchmark: our listing parsers against basic-ftp's on a 100,000-line Unix LIST and a 100,000-line MLSD
 * listing. Both sides get the whole listing as one string and return entries, which is what a client does.
 *
 *   npx tsc -p bench && node --expose-gc out/bench/listing-parse.js [--lines N] [--rounds N]
 *
 * Warm-up first (so both are optimised by the JIT), then interleaved rounds, alternating which parser goes
 * first, with a GC between runs when --expose-gc is given. Prints lines/second, median and min-max per
 * parser, wall-clock and CPU time, and the ratio of medians (ours / basic-ftp; the target is <= 0.5), and
 * writes the same as JSON to bench/results/listing-parse.json.
 *
 * Note that basic-ftp does less work on Unix lines: it keeps the date as raw text, while we compute the time (epoch ms).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// basic-ftp's own parseList: splits lines, picks a parser by testing a line, maps parseLine, transformList.
import { parseList as basicParseList } from 'basic-ftp/dist/parseList';
import { parseList, parseMlsd } from '../src/ftp/listing';
import { prng } from '../test/prng';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const LINES = argValue('--lines', 100_000);
const WARMUP = argValue('--warmup', 5);
const ROUNDS = argValue('--rounds', 15);
const NOW = new Date('2026-11-21T01:25:00Z');


const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WORDS = ['report', 'final', 'data', 'backup', 'photo', 'IMG_2041', 'notes', 'v2', 'draft copy', '中文', 'readme'];
const EXTS = ['.txt', '.jpg', '.tar.gz', '.bin', '.json', '', '.log'];

function pad(s: string | number, width: number, left = true): string {
  const str = String(s);
  return str.length >= width ? str : left ? ' '.repeat(width - str.length) + str : str + ' '.repeat(width - str.length);
}

function name(rnd: () => number, i: number): string {
  const w = WORDS[Math.floor(rnd() * WORDS.length)];
  return `${w}-${i}${EXTS[Math.floor(rnd() * EXTS.length)]}`;
}

/** A Unix listing in the styles of the recorded servers (vsftpd, proftpd, pure-ftpd layouts). */
export function generateUnix(lines: number, seed = 1): string {
  const rnd = prng(seed);
  const out: string[] = ['total ' + lines * 4];
  for (let i = 0; i < lines; i++) {
    const kind = rnd();
    const isDir = kind < 0.15;
    const isLink = !isDir && kind < 0.2;
    const perms = isDir ? 'drwxr-xr-x' : isLink ? 'lrwxrwxrwx' : rnd() < 0.5 ? '-rw-r--r--' : '-rwxr-x---';
    const size = isDir ? 4096 : isLink ? 10 : Math.floor(rnd() * (rnd() < 0.05 ? 5e9 : 1e6));
    const month = MONTHS[Math.floor(rnd() * 12)];
    const day = 1 + Math.floor(rnd() * 28);
    const recent = rnd() < 0.3;
    const when = recent
      ? `${pad(Math.floor(rnd() * 24), 2, true).replace(' ', '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}`
      : ` ${2000 + Math.floor(rnd() * 26)}`;
    const n = name(rnd, i) + (isLink ? ' -> ' + name(rnd, i + 1) : '');
    const style = i % 3;
    if (style === 0) { // vsftpd: numeric owner/group, zero-padded day
      out.push(`${perms}    1 1001     1001     ${pad(size, 8)} ${month} ${String(day).padStart(2, '0')} ${when} ${n}`);
    } else if (style === 1) { // proftpd: named owner/group, space-padded day
      out.push(`${perms}   1 tester   tester   ${pad(size, 8)} ${month} ${pad(day, 2)} ${when} ${n}`);
    } else { // pure-ftpd: wide columns
      out.push(`${perms}    1 1001       tester     ${pad(size, 10)} ${month} ${pad(day, 2)} ${when} ${n}`);
    }
  }
  return out.join('\r\n') + '\r\n';
}

function timeVal(rnd: () => number): string {
  const y = 2000 + Math.floor(rnd() * 27);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${y}${two(1 + Math.floor(rnd() * 12))}${two(1 + Math.floor(rnd() * 28))}` +
    `${two(Math.floor(rnd() * 24))}${two(Math.floor(rnd() * 60))}${two(Math.floor(rnd() * 60))}`;
}

/** An MLSD listing in the styles of proftpd and pure-ftpd (long fact lists, UNIX.* facts). */
export function generateMlsd(lines: number, seed = 2): string {
  const rnd = prng(seed);
  const out: string[] = [
    'modify=20240305060708;perm=flcdmpe;type=cdir;unique=FE00U23A201;UNIX.mode=0755; .',
    'modify=20240305060708;perm=flcdmpe;type=pdir;unique=FE00U23A1F2;UNIX.mode=0755; ..',
  ];
  for (let i = 0; i < lines; i++) {
    const kind = rnd();
    const isDir = kind < 0.15;
    const n = name(rnd, i);
    const uniq = 'FE00U' + (0x23a000 + i).toString(16).toUpperCase();
    if (i % 2 === 0) { // proftpd
      const type = isDir ? 'type=dir' : kind < 0.2 ? 'type=OS.unix=symlink' : 'type=file';
      const size = isDir ? '' : `size=${Math.floor(rnd() * 1e7)};`;
      out.push(`modify=${timeVal(rnd)};perm=${isDir ? 'flcdmpe' : 'adfrw'};${size}${type};unique=${uniq};` +
        `UNIX.group=1001;UNIX.groupname=tester;UNIX.mode=${isDir ? '0755' : '0644'};UNIX.owner=1001;UNIX.ownername=tester; ${n}`);
    } else { // pure-ftpd
      const type = isDir ? 'type=dir;sizd=4096' : kind < 0.2 ? 'type=OS.unix=slink:target-' + i : `type=file;size=${Math.floor(rnd() * 1e7)}`;
      out.push(`${type};modify=${timeVal(rnd)};UNIX.mode=${isDir ? '0755' : '0644'};UNIX.uid=1001;UNIX.gid=1001;unique=${uniq.toLowerCase()}; ${n}`);
    }
  }
  return out.join('\r\n') + '\r\n';
}

interface Stats { medianMs: number; minMs: number; maxMs: number; linesPerSecond: number; samplesMs: number[] }

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function stats(samples: number[], lines: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const medianMs = median(sorted);
  return {
    medianMs,
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
    linesPerSecond: Math.round(lines / (medianMs / 1000)),
    samplesMs: samples.map(s => Math.round(s * 1000) / 1000),
  };
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

interface Sample { wallMs: number; cpuMs: number; count: number }

/**
 * One timed run. Wall-clock time is what a user waits; CPU time (user + system of this process, GC threads
 * included) is reported too because on a shared machine the wall clock also counts time spent waiting for a
 * core, which has nothing to do with either parser.
 */
function time(fn: () => unknown): Sample {
  gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, count: countOf(result) };
}

function countOf(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  return (result as { entries: unknown[] }).entries.length;
}

interface Case { name: string; text: string; lines: number; ours: () => unknown; theirs: () => unknown }

function runCase(c: Case): Record<string, unknown> {
  for (let i = 0; i < WARMUP; i++) {
    c.ours();
    c.theirs();
  }
  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so that neither parser always runs right after the other's garbage.
    if (r % 2 === 0) {
      ours.push(time(c.ours));
      theirs.push(time(c.theirs));
    } else {
      theirs.push(time(c.theirs));
      ours.push(time(c.ours));
    }
  }
  const oursCount = ours[0].count;
  const theirsCount = theirs[0].count;
  const ow = stats(ours.map(s => s.wallMs), c.lines);
  const tw = stats(theirs.map(s => s.wallMs), c.lines);
  const oc = stats(ours.map(s => s.cpuMs), c.lines);
  const tc = stats(theirs.map(s => s.cpuMs), c.lines);
  const ratioWall = ow.medianMs / tw.medianMs;
  const ratioCpu = oc.medianMs / tc.medianMs;
  // Per round, ours over theirs: the spread shows how much the machine's noise moves the ratio.
  const perRound = ours.map((s, i) => s.cpuMs / theirs[i].cpuMs).sort((a, b) => a - b);
  const fmt = (label: string, s: Stats) =>
    `  ${label.padEnd(15)} median ${s.medianMs.toFixed(1).padStart(7)} ms  (min ${s.minMs.toFixed(1).padStart(6)}, max ${s.maxMs.toFixed(1).padStart(6)})` +
    `  ${(s.linesPerSecond / 1e6).toFixed(2)} M lines/s`;
  const verdict = (r: number) => `${r.toFixed(3)} (${r <= 0.5 ? 'meets' : 'MISSES'} the <= 0.5 target)`;
  console.log(`${c.name}: ${c.lines} lines, ${(c.text.length / 1e6).toFixed(1)} M chars; entries: ours ${oursCount}, basic-ftp ${theirsCount}`);
  console.log(fmt('ours wall', ow));
  console.log(fmt('basic-ftp wall', tw));
  console.log(fmt('ours cpu', oc));
  console.log(fmt('basic-ftp cpu', tc));
  console.log(`  ratio of medians ours/basic-ftp: wall ${verdict(ratioWall)}, cpu ${verdict(ratioCpu)}`);
  console.log(`  per-round cpu ratio: min ${perRound[0].toFixed(3)}, median ${median(perRound).toFixed(3)}, max ${perRound[perRound.length - 1].toFixed(3)}\n`);
  return {
    lines: c.lines, chars: c.text.length,
    ours: { entries: oursCount, wall: ow, cpu: oc },
    basicFtp: { entries: theirsCount, wall: tw, cpu: tc },
    ratioWall, ratioCpu,
    perRoundCpuRatio: { min: perRound[0], median: median(perRound), max: perRound[perRound.length - 1] },
  };
}

function main(): void {
  const unix = generateUnix(LINES);
  const mlsd = generateMlsd(LINES);
  const cases: Case[] = [
    { name: 'unix LIST', text: unix, lines: LINES, ours: () => parseList(unix, { now: NOW }), theirs: () => basicParseList(unix) },
    { name: 'MLSD', text: mlsd, lines: LINES, ours: () => parseMlsd(mlsd), theirs: () => basicParseList(mlsd) },
  ];
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'} x${os.cpus().length}, ` +
    `load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')}, warm-up ${WARMUP}, rounds ${ROUNDS}` +
    `${gc ? ', gc between runs' : ' (run with --expose-gc for a GC between runs)'}\n`);
  const results: Record<string, unknown> = {};
  for (const c of cases) results[c.name] = runCase(c);
  const outDir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'listing-parse.json');
  fs.writeFileSync(file, JSON.stringify({
    date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length,
    loadAverage: os.loadavg(), warmup: WARMUP, rounds: ROUNDS, gcBetweenRuns: !!gc, results,
  }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

if (require.main === module) main();
