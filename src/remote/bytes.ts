/** Byte counts for people. No vscode import. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** "1.2 MB of 10 MB" or "1.2 MB" when the total is unknown. */
export function progressText(done: number, total?: number): string {
  return total !== undefined && total > 0 ? `${formatBytes(done)} of ${formatBytes(total)}` : formatBytes(done);
}
