/**
 * The results as Markdown tables (readable in a terminal, pasted as is into bench/README.md): one row per candidate
 * with median, min-max over the rounds, CPU, peak RSS, commands and its ratios to the references of the same
 * rounds; then one row per target, met or missed.
 */
import { fmt } from './stats';
import type { CandidateResult, CaseResult } from './runner';

export function resultTable(results: CaseResult[]): string {
  const rows: string[][] = [];
  for (const c of results) {
    if (c.rttMs !== undefined) continue; // in wanTable
    if (c.todo) {
      rows.push([c.title, c.server, '**TODO**', '-', '-', '-', '-', '-', '-', c.todo]);
      continue;
    }
    c.candidates.forEach((x, i) => {
      const failed = x.value.n === 0;
      const ratios = c.ratios
        .filter((r) => r.ours === x.id && Number.isFinite(r.ratio.median))
        .map((r) => `${r.ratio.median.toFixed(2)}x ${r.reference}`)
        .join(', ');
      rows.push([
        i === 0 ? c.title : '',
        i === 0 ? c.server : '',
        x.label,
        failed ? 'failed' : `${fmt(x.value.median)} ${c.unit}`,
        failed ? '-' : `${fmt(x.value.min)}-${fmt(x.value.max)}`,
        fmt(x.cpuSeconds.median),
        Number.isFinite(x.machineBusy.median) ? `${Math.round(x.machineBusy.median * 100)}%` : '-',
        fmt(x.maxRssMiB.max),
        commandText(x),
        failed ? (x.errors[0]?.split('\n')[0] ?? '') : ratios,
      ]);
    });
  }
  return markdown(['case', 'server', 'candidate', 'median', 'min-max', 'CPU s', 'machine busy', 'peak RSS MiB', 'commands', 'ours / reference (paired, median)'], rows);
}

export function targetTable(results: CaseResult[]): string {
  const rows: string[][] = [];
  for (const c of results) {
    for (const t of c.targets) {
      if (t.met === undefined && !t.measured) continue;
      rows.push([c.title, c.server, t.text, t.measured, t.met === undefined ? (t.note ? 'recorded' : '?') : t.met ? 'met' : '**MISSED**']);
    }
    if (c.todo) rows.push([c.title, c.server, '-', c.todo.split(':')[0], 'TODO']);
  }
  return markdown(['case', 'server', 'target', 'measured', ''], rows);
}

/** Commands: per file (first file, then the others) where counted per file, else the median total per run. */
function commandText(x: CandidateResult): string {
  const per = x.samples
    .map((s) => s.detail?.perFile as { first: number; after: Record<string, number> } | undefined)
    .filter((p): p is { first: number; after: Record<string, number> } => p !== undefined);
  if (per.length) {
    const after = new Set<string>();
    for (const p of per) for (const k of Object.keys(p.after)) after.add(k);
    return `${per[0].first}, then ${[...after].join('/')} per file`;
  }
  const totals = x.samples.map((s) => s.commands).filter((n): n is number => n !== undefined && Number.isFinite(n));
  if (totals.length) return fmt(median(totals));
  const approx = x.warmupDetail?.commandsPerFileApprox;
  return typeof approx === 'number' ? `~${approx.toFixed(1)} per file (warm-up)` : '-';
}

/**
 * The cases through the network emulator: time and round trips (time / RTT) per candidate, the protocol's minimum
 * for the operation, commands sent; first the emulator's own check of the same run.
 */
export function wanTable(
  results: CaseResult[],
  check: { rtt: { median: number; min: number; max: number }; rate?: number } | undefined,
  opts: { rttMs: number; rateMbit?: number },
): string {
  const rows: string[][] = [];
  if (check) {
    rows.push(['emulator check: bare TCP ping-pong (21)', '-', `${fmt(check.rtt.median)} ms`, `${(check.rtt.median / opts.rttMs).toFixed(3)}`, `${fmt(check.rtt.min)}-${fmt(check.rtt.max)} ms`, '-', '-', `configured ${opts.rttMs} ms`]);
    if (check.rate !== undefined) rows.push(['emulator check: bulk transfer', '-', `${fmt(check.rate)} Mbit/s`, '-', '-', '-', '-', `configured ${opts.rateMbit} Mbit/s`]);
  }
  for (const c of results) {
    if (c.rttMs === undefined) continue;
    c.candidates.forEach((x, i) => {
      const failed = x.value.n === 0;
      const ratios = c.ratios
        .filter((r) => r.ours === x.id && Number.isFinite(r.ratio.median))
        .map((r) => `${r.ratio.median.toFixed(2)}x ${r.reference}`)
        .join(', ');
      rows.push([
        i === 0 ? c.title : '',
        x.label,
        failed ? 'failed' : `${fmt(x.value.median)} s`,
        failed ? '-' : ((x.value.median * 1000) / c.rttMs!).toFixed(1),
        failed ? '-' : `${fmt(x.value.min)}-${fmt(x.value.max)} s`,
        commandText(x),
        i === 0 ? (c.minimum ?? '-') : '',
        failed ? (x.errors[0]?.split('\n')[0] ?? '') : ratios,
      ]);
    });
  }
  return markdown(['operation', 'candidate', 'median time', 'round trips (time / RTT)', 'min-max', 'commands', 'protocol minimum, round trips', 'time ours / reference (paired, median)'], rows);
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function markdown(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
