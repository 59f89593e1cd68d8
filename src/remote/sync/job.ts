/**
 * A sync as a job of the transfer queue (transferQueue.ts): the rows a person ticked in a plan, carried out with
 * applyPlan, and what both sides hold saved for the next sync. A job run again (Retry, or Resume after a window
 * reload) plans again first: it acts on the server as it is now, on the ticked paths that still need it.
 */
import * as nodePath from 'node:path';
import { FsError } from '../fsErrors';
import type { Site } from '../site';
import type { JobContext } from '../transferQueue';
import type { TransferResult } from '../transfers';
import { applyPlan, type ApplyResult, type RowOutcome } from './apply';
import { planSync } from './index';
import type { Direction, Plan, PlanRow } from './plan';
import { loadSeen, saveSeen } from './state';
import { STATE_FILE } from './trees';
import { t } from '../l10n';

/** What a sync job keeps (plain data, stored across a reload). */
export interface SyncSpec {
  kind: 'sync';
  site: string;
  direction: Direction;
  localRoot: string;
  remoteRoot: string;
  /** The key of this remote folder in the local folder's state file. */
  stateKey: string;
  exclude?: string[];
  /** The rows ticked: 'all' (every row with work but the conflicts) or their paths. */
  picked: 'all' | string[];
}

/** A ticked conflict is resolved toward the target (copied); an unticked row with work is skipped. */
export function chosenRow(r: PlanRow, picked: 'all' | string[]): PlanRow {
  const yes = picked === 'all' ? r.action !== 'conflict' : picked.includes(r.path);
  if (r.action === 'conflict') return yes ? { ...r, action: 'copy' } : r;
  if (r.action === 'copy' || r.action === 'mkdir' || r.action === 'delete') return yes ? r : { ...r, action: 'skip' };
  return r;
}

export interface SyncJobOptions {
  parallel: number;
  /** The plan the rows were ticked in (the first run); without it the job plans again. */
  plan?: Plan;
  onRow?: (row: PlanRow, outcome: RowOutcome) => void;
  /** The whole outcome, also when rows failed (the job then fails with the first one's error). */
  onResult?: (r: ApplyResult) => void;
}

export async function runSyncJob(site: Site, spec: SyncSpec, ctx: JobContext, o: SyncJobOptions): Promise<TransferResult> {
  const stateFile = nodePath.join(spec.localRoot, STATE_FILE);
  const seen = await loadSeen(stateFile, spec.stateKey);
  const plan =
    o.plan ??
    (
      await planSync(site, {
        direction: spec.direction,
        localRoot: spec.localRoot,
        remoteRoot: spec.remoteRoot,
        seen,
        delete: true,
        exclude: spec.exclude,
        parallel: o.parallel,
        signal: ctx.signal,
      })
    ).plan;
  const rows = plan.rows.map((r) => chosenRow(r, spec.picked));
  const result = await applyPlan(site, { direction: spec.direction, rows }, {
    localRoot: spec.localRoot,
    remoteRoot: spec.remoteRoot,
    parallel: o.parallel,
    seen,
    signal: ctx.signal,
    onProgress: (p) => ctx.onBytes?.(p.bytes),
    onRow: (row, outcome) => {
      ctx.onFile?.(row.path);
      o.onRow?.(row, outcome);
    },
  });
  // What was done is recorded even when the rest was cancelled or failed: the next sync does not redo it.
  await saveSeen(stateFile, spec.stateKey, result.seen);
  o.onResult?.(result);
  if (result.cancelled) throw new FsError('Cancelled', t('Sync of {0} cancelled', spec.localRoot));
  const failed = result.failed[0];
  if (failed) throw new Error(`${failed.row.path}: ${failed.error.message}${result.failed.length > 1 ? ` (+${result.failed.length - 1})` : ''}`);
  return {
    files: result.done.filter((r) => r.action === 'copy').length,
    folders: result.done.filter((r) => r.action === 'mkdir').length,
    bytes: result.bytes,
    skipped: [],
    links: [],
    kept: result.conflicts.map((r) => r.path),
  };
}
