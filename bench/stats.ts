/**
 * Statistics of a benchmark run: medians, spreads, paired ratios, and the interleaving order.
 */

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarize(values: number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    median: median(finite),
    min: finite.length ? Math.min(...finite) : NaN,
    max: finite.length ? Math.max(...finite) : NaN,
    n: finite.length,
  };
}

/**
 * Ratio of two candidates measured in the same rounds: the median of the per-round ratios a[i] / b[i]. Rounds run
 * the candidates one right after the other, so a per-round ratio cancels most of the machine's slow drift (other
 * processes, thermal state, page cache) that a ratio of two medians would keep.
 */
export function pairedRatio(a: number[], b: number[]): Summary {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] !== 0) ratios.push(a[i] / b[i]);
  }
  return summarize(ratios);
}

/**
 * The order of the candidates in a round: a rotation by the round number (A B C, B C A, C A B, ...), so each one
 * runs first, in the middle and last equally often and none always follows the same neighbour's leftovers.
 */
export function rotation<T>(items: T[], round: number): T[] {
  if (items.length === 0) return [];
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** 1234.5 -> "1235", 12.345 -> "12.3", 0.01234 -> "0.0123": three significant digits, never exponent form. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(3);
}
