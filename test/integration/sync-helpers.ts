import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Site } from '../../src/remote/site';
import { applyPlan, planSync, type ApplyResult, type Direction, type Seen, type SyncOptions } from '../../src/remote/sync';

/** A folder as { relative path: 'dir' | 'link' | content }, byte for byte, leaving out `skip` (relative paths). */
export function snapshot(root: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const st = fs.lstatSync(path.join(root, r));
      if (st.isSymbolicLink()) out[r] = 'link';
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(r);
      } else out[r] = fs.readFileSync(path.join(root, r)).toString('base64');
    }
  };
  walk('');
  return out;
}

/** The plan's rows that are not 'same', as { path: 'action reason' }. */
export function rowsOf(rows: { path: string; action: string; reason: string }[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.action !== 'same').map((r) => [r.path, `${r.action} ${r.reason}`]));
}

/** Plan and apply a sync with the engine, as the CLI does; the plan's rows and the result. */
export async function syncOnce(site: Site, o: Omit<SyncOptions, 'parallel'> & { parallel?: number }): Promise<{ rows: Record<string, string>; result: ApplyResult }> {
  const { plan } = await planSync(site, { parallel: 2, ...o });
  const result = await applyPlan(site, plan, { localRoot: o.localRoot, remoteRoot: o.remoteRoot, parallel: o.parallel ?? 2, seen: o.seen });
  return { rows: rowsOf(plan.rows), result };
}

/** A sync's plan only. */
export async function planOnly(site: Site, direction: Direction, localRoot: string, remoteRoot: string, seen: Seen, extra: Partial<SyncOptions> = {}): Promise<Record<string, string>> {
  site.cache.clear();
  const { plan } = await planSync(site, { direction, localRoot, remoteRoot, seen, parallel: 2, ...extra });
  return rowsOf(plan.rows);
}

/** The result had no failure (with the errors in the message). */
export function noFailures(r: ApplyResult): void {
  assert.deepEqual(
    r.failed.map((f) => `${f.row.path}: ${f.error.message}`),
    [],
  );
}

/** Set a file's modification time (seconds since the epoch are what every listing can show). */
export function touch(file: string, ms: number): void {
  fs.utimesSync(file, new Date(ms), new Date(ms));
}
