/**
 * Byte counts for people, in binary units (1 KiB = 1024 bytes, IEC 80000-13): "512 B", "1.5 KiB", "4 MiB",
 * "12 GiB". One decimal below 10 of a unit (none when it is .0), whole numbers above.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? +v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
