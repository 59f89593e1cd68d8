/**
 * How busy the whole machine was (every process, every vCPU) over a measured stretch, from the first line of
 * /proc/stat. On a small machine the client, the server and the kernel's loopback work share the same
 * cores: a run that keeps them near 100% busy is bounded by the machine, and there any CPU a client spends beyond
 * another's shows up one for one in its time.
 */
import * as fs from 'node:fs';

export interface MachineTicks {
  busy: number;
  total: number;
}

/** The machine's CPU ticks so far (busy: everything but idle and iowait); undefined where /proc/stat is missing. */
export function machineTicks(): MachineTicks | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'latin1').split('\n', 1)[0];
    // cpu user nice system idle iowait irq softirq steal ... (proc(5)); guest time is already in user.
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

/** The share of all vCPUs that was busy between two readings (0-1), or NaN. */
export function busyShare(from: MachineTicks | undefined, to: MachineTicks | undefined): number {
  if (!from || !to || to.total <= from.total) return NaN;
  return (to.busy - from.busy) / (to.total - from.total);
}
