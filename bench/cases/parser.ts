/**
 * The listing parsers alone: bench/listing-parse.ts (written by the listing-parser work, not here) is run as it is,
 * and its own result file, bench/results/listing-parse.json, is read into the table. Nothing is measured twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CaseResult } from '../runner';
import { runOk } from '../process';
import { BUILD, NODE } from '../tools';

interface ParseSide {
  medianMs: number;
  minMs: number;
  maxMs: number;
}

interface ParseCase {
  lines: number;
  ours: ParseSide & { wall?: ParseSide; cpu?: ParseSide };
  basicFtp: ParseSide & { wall?: ParseSide; cpu?: ParseSide };
  ratio?: number;
  ratioWall?: number;
  ratioCpu?: number;
  perRoundCpuRatio?: { min: number; median: number; max: number };
}

export async function parserCases(rounds: number, progress: (t: string) => void): Promise<CaseResult[]> {
  const script = path.join(BUILD, 'bench', 'listing-parse.js');
  // Where that script writes its results: bench/results two levels above itself (the project, or the snapshot).
  const resultFile = path.join(path.dirname(script), '..', '..', 'bench', 'results', 'listing-parse.json');
  if (!fs.existsSync(script)) {
    return [todo('parse', 'listing parsers alone', 'bench/listing-parse.ts is not there (yet): no parser row')];
  }
  const started = Date.now();
  try {
    await runOk(NODE, ['--expose-gc', script, '--rounds', String(rounds), '--warmup', String(Math.min(3, rounds))], { timeoutMs: 600_000 });
  } catch (err) {
    return [todo('parse', 'listing parsers alone', `bench/listing-parse.js failed: ${(err as Error).message.split('\n')[0]}`)];
  }
  const seconds = (Date.now() - started) / 1000;
  progress(`    listing-parse.js: ${seconds.toFixed(0)} s`);
  const data = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { results: Record<string, ParseCase> };
  // Read both layouts the script has had: {ours: {medianMs...}, ratio} and {ours: {wall, cpu}, ratioWall, ratioCpu}.
  return Object.entries(data.results).map(([name, r]) => {
    const wall = (s: ParseSide & { wall?: ParseSide }) => s.wall ?? s;
    const cpu = (s: ParseSide & { cpu?: ParseSide }) => s.cpu;
    const side = (s: ParseSide | undefined) =>
      s ? { median: s.medianMs / 1000, min: s.minMs / 1000, max: s.maxMs / 1000, n: rounds } : nan();
    const ratioWall = r.ratioWall ?? r.ratio ?? NaN;
    const ratioCpu = r.perRoundCpuRatio?.median ?? r.ratioCpu;
    // CPU time is the fairer measure on a busy machine (another process's slice does not count); wall otherwise.
    const judged = ratioCpu ?? ratioWall;
    const spread = r.perRoundCpuRatio ? ` (rounds ${r.perRoundCpuRatio.min.toFixed(2)}-${r.perRoundCpuRatio.max.toFixed(2)})` : '';
    return {
      id: `parse-${name.toLowerCase().replace(/[^a-z]+/g, '-')}`,
      title: `parser alone: ${r.lines} lines, ${name} (bench/listing-parse.ts)`,
      server: '-',
      unit: 's',
      higherIsBetter: false,
      rounds,
      seconds,
      candidates: [
        { id: 'ours', label: 'ours (src/ftp/listing)', role: 'ours', samples: [], errors: [], value: side(wall(r.ours)), cpuSeconds: side(cpu(r.ours)), maxRssMiB: nan(), machineBusy: nan() },
        { id: 'basic-ftp', label: 'basic-ftp parseList', role: 'reference', samples: [], errors: [], value: side(wall(r.basicFtp)), cpuSeconds: side(cpu(r.basicFtp)), maxRssMiB: nan(), machineBusy: nan() },
      ],
      ratios: [{ ours: 'ours', reference: 'basic-ftp', ratio: { median: ratioWall, min: NaN, max: NaN, n: 1 } }],
      targets: [{
        text: "<= 0.5x basic-ftp's parser time",
        met: Number.isFinite(judged) ? judged <= 0.5 : undefined,
        measured: ratioCpu !== undefined ? `CPU ${ratioCpu.toFixed(2)}x${spread}, wall ${ratioWall.toFixed(2)}x` : `wall ${ratioWall.toFixed(2)}x (ratio of medians)`,
      }],
      notes: [],
    } satisfies CaseResult;
  });
}

function nan() {
  return { median: NaN, min: NaN, max: NaN, n: 0 };
}

export function todo(id: string, title: string, why: string): CaseResult {
  return {
    id, title, server: '-', unit: '', higherIsBetter: true, rounds: 0, seconds: 0,
    candidates: [], ratios: [], targets: [], notes: [], todo: why,
  };
}
