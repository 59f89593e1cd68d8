/**
 * Cases, candidates and targets, and the loop that measures them: a warm-up run of every candidate, then rounds in
 * which every candidate runs once, in an order rotated each round (A B C, B C A, C A B, ...).
 */
import { fmt, median, pairedRatio, rotation, summarize, type Summary } from './stats';

export interface Sample {
  /** The case's metric: throughput (higher is better) or seconds (lower is better). */
  value: number;
  seconds: number;
  cpuSeconds?: number;
  maxRssMiB?: number;
  /** Share of all the machine's vCPUs busy while it was measured (bench/machine.ts), 0-1. */
  machineBusy?: number;
  /** Control commands the candidate sent (where it can be counted). */
  commands?: number;
  detail?: Record<string, unknown>;
}

export interface RunContext {
  warmup: boolean;
  round: number;
}

export interface Candidate {
  id: string;
  label: string;
  role: 'ours' | 'reference';
  run(ctx: RunContext): Promise<Sample>;
}

export type Target =
  /**
   * ours / reference of the metric, paired per round, compared with min (throughput) or max (time). With `recorded`
   * nothing is judged: a ratio between two references that shows the limit a target is measured against (issue 21:
   * "where a target is above what the limit allows, the measurement that shows the limit").
   */
  | { kind: 'ratio'; ours: string; reference: string; min?: number; max?: number; text: string; recorded?: boolean }
  /** A value of one candidate's samples (their maximum: every round must meet it). */
  | { kind: 'max'; candidate: string; field: 'maxRssMiB'; max: number; text: string }
  /** Control commands per file after the first, exactly. */
  | { kind: 'commands'; candidate: string; equals: number; text: string }
  /** Nothing to meet: recorded each run. With summary, the targets table lists each candidate's median and commands. */
  | { kind: 'note'; text: string; summary?: boolean };

export interface Case {
  id: string;
  title: string;
  server: string;
  unit: string;
  higherIsBetter: boolean;
  rounds: number;
  warmup: number;
  candidates: Candidate[];
  targets: Target[];
  /** Said under the case in the table. */
  notes?: string[];
  /** A case through the network emulator: its round trip (the table shows time / RTT), and the protocol's minimum. */
  rttMs?: number;
  minimum?: string;
}

export interface CandidateResult {
  id: string;
  label: string;
  role: 'ours' | 'reference';
  samples: Sample[];
  errors: string[];
  value: Summary;
  cpuSeconds: Summary;
  machineBusy: Summary;
  maxRssMiB: Summary;
  warmupDetail?: Record<string, unknown>;
}

export interface TargetResult {
  text: string;
  /** undefined: could not be judged (a candidate failed or was not measured). */
  met: boolean | undefined;
  measured: string;
  /** A note (nothing to meet): the targets table says "recorded". */
  note?: boolean;
}

export interface CaseResult {
  id: string;
  title: string;
  server: string;
  unit: string;
  higherIsBetter: boolean;
  rounds: number;
  seconds: number;
  candidates: CandidateResult[];
  ratios: { ours: string; reference: string; ratio: Summary }[];
  targets: TargetResult[];
  notes: string[];
  todo?: string;
  rttMs?: number;
  minimum?: string;
}

export async function runCase(c: Case, progress: (text: string) => void): Promise<CaseResult> {
  const started = Date.now();
  const samples = new Map<string, (Sample | undefined)[]>(c.candidates.map((x) => [x.id, []]));
  const errors = new Map<string, string[]>(c.candidates.map((x) => [x.id, []]));
  const warmupDetail = new Map<string, Record<string, unknown> | undefined>();
  const attempt = async (cand: Candidate, ctx: RunContext): Promise<Sample | undefined> => {
    try {
      return await cand.run(ctx);
    } catch (err) {
      const message = (err as Error).message.split('\n').slice(0, 6).join('\n');
      errors.get(cand.id)!.push(`${ctx.warmup ? 'warm-up' : `round ${ctx.round + 1}`}: ${message}`);
      progress(`    ${cand.label} failed: ${message.split('\n')[0]}`);
      return undefined;
    }
  };
  for (let w = 0; w < c.warmup; w++) {
    for (const cand of c.candidates) {
      const s = await attempt(cand, { warmup: true, round: -1 });
      if (s?.detail) warmupDetail.set(cand.id, s.detail);
    }
  }
  for (let r = 0; r < c.rounds; r++) {
    const order = rotation(c.candidates, r);
    const line: string[] = [];
    for (const cand of order) {
      const s = await attempt(cand, { warmup: false, round: r });
      samples.get(cand.id)!.push(s);
      line.push(`${cand.id} ${s ? s.value.toFixed(s.value >= 100 ? 0 : 2) : 'failed'}`);
    }
    progress(`    round ${r + 1}/${c.rounds}: ${line.join(', ')}`);
  }
  const values = (id: string) => (samples.get(id) ?? []).map((s) => (s ? s.value : NaN));
  const candidates: CandidateResult[] = c.candidates.map((x) => {
    const ok = (samples.get(x.id) ?? []).filter((s): s is Sample => s !== undefined);
    return {
      id: x.id,
      label: x.label,
      role: x.role,
      samples: ok,
      errors: errors.get(x.id) ?? [],
      value: summarize(values(x.id)),
      cpuSeconds: summarize(ok.map((s) => s.cpuSeconds ?? NaN)),
      machineBusy: summarize(ok.map((s) => s.machineBusy ?? NaN)),
      maxRssMiB: summarize(ok.map((s) => s.maxRssMiB ?? NaN)),
      warmupDetail: warmupDetail.get(x.id),
    };
  });
  const ratios: CaseResult['ratios'] = [];
  for (const o of c.candidates.filter((x) => x.role === 'ours')) {
    for (const ref of c.candidates.filter((x) => x.id !== o.id)) {
      ratios.push({ ours: o.id, reference: ref.id, ratio: pairedRatio(values(o.id), values(ref.id)) });
    }
  }
  // A target may compare two references (a limit): their ratio too, shown on the first one's row.
  for (const t of c.targets) {
    if (t.kind !== 'ratio' || ratios.some((x) => x.ours === t.ours && x.reference === t.reference)) continue;
    ratios.push({ ours: t.ours, reference: t.reference, ratio: pairedRatio(values(t.ours), values(t.reference)) });
  }
  const targets = c.targets.map((t) => judge(t, candidates, ratios, c.unit));
  return {
    id: c.id,
    title: c.title,
    server: c.server,
    unit: c.unit,
    higherIsBetter: c.higherIsBetter,
    rounds: c.rounds,
    seconds: (Date.now() - started) / 1000,
    candidates,
    ratios,
    targets,
    notes: c.notes ?? [],
    ...(c.rttMs !== undefined ? { rttMs: c.rttMs, minimum: c.minimum } : {}),
  };
}

function judge(t: Target, candidates: CandidateResult[], ratios: CaseResult['ratios'], unit: string): TargetResult {
  switch (t.kind) {
    case 'ratio': {
      const r = ratios.find((x) => x.ours === t.ours && x.reference === t.reference)?.ratio;
      if (!r || !Number.isFinite(r.median)) return { text: t.text, met: undefined, measured: 'not measured' };
      const measured = `${r.median.toFixed(2)}x (rounds ${r.min.toFixed(2)}-${r.max.toFixed(2)})`;
      if (t.recorded) return { text: t.text, met: undefined, measured, note: true };
      const met = (t.min === undefined || r.median >= t.min) && (t.max === undefined || r.median <= t.max);
      return { text: t.text, met, measured };
    }
    case 'max': {
      const s = candidates.find((x) => x.id === t.candidate)?.[t.field];
      if (!s || !Number.isFinite(s.max)) return { text: t.text, met: undefined, measured: 'not measured' };
      return { text: t.text, met: s.max <= t.max, measured: `max ${s.max.toFixed(1)} (median ${s.median.toFixed(1)})` };
    }
    case 'commands': {
      const c = candidates.find((x) => x.id === t.candidate);
      const per = c?.samples.map((s) => s.detail?.perFile as { first: number; after: Record<string, number> } | undefined) ?? [];
      if (!per.length || per.some((p) => !p)) return { text: t.text, met: undefined, measured: 'not measured' };
      const seen = new Set<string>();
      for (const p of per) for (const k of Object.keys(p!.after)) seen.add(k);
      const met = seen.size === 1 && seen.has(String(t.equals));
      return { text: t.text, met, measured: `after the first file: ${[...seen].sort().join(' or ')} per file (first: ${per[0]!.first})` };
    }
    case 'note': {
      if (!t.summary) return { text: t.text, met: undefined, measured: '' };
      const measured = candidates.map((c) => {
        if (c.value.n === 0) return `${c.id} failed`;
        const commands = c.samples.map((s) => s.commands).filter((n): n is number => n !== undefined && Number.isFinite(n));
        return `${c.id} ${fmt(c.value.median)} ${unit} (${fmt(c.value.min)}-${fmt(c.value.max)})${commands.length ? `, ${fmt(median(commands))} commands` : ''}`;
      });
      return { text: t.text, met: undefined, measured: measured.join('; '), note: candidates.some((c) => c.value.n > 0) };
    }
  }
}
