/**
 * What the commands, drag and drop and the provider run through the transfer queue: their jobs are added at once
 * (the pool decides how many move together) and listed in the Transfers view; the notification of progress.ts
 * stays for a transfer that takes more than a second, its Cancel cancelling the jobs. Questions about files that
 * exist come one at a time, whichever job asks.
 */
import type { AddOptions, TransferQueue, TransferSpec } from '../remote/transferQueue';
import { addResult, emptyResult, type ExistingFile, type OverwriteAnswer, type TransferResult } from '../remote/transfers';
import { FsError } from '../remote/fsErrors';
import { baseName } from '../remote/uri';
import { withTransferProgress } from './progress';

export interface QueuedJob {
  spec: TransferSpec;
  onExisting?: (file: ExistingFile) => Promise<OverwriteAnswer>;
  /** The first run's prepared work (AddOptions.run). */
  run?: AddOptions['run'];
}

/**
 * Add `jobs` to `queue` and wait for all of them, with a progress notification titled `title`. Returns their
 * results added up; when one failed, throws its error after the others ended (a failure rather than a cancel).
 */
export async function runQueued(queue: TransferQueue, title: string, jobs: QueuedJob[], total?: number): Promise<TransferResult> {
  const oneAtATime = serialQuestions();
  return withTransferProgress(title, total, async (p) => {
    const attempts = jobs.map((j) => queue.add(j.spec, { onExisting: j.onExisting && oneAtATime(j.onExisting), run: j.run }));
    const stop = queue.onDidChange(() => {
      p.bytes(attempts.reduce((n, a) => n + a.job.bytes, 0));
      const moving = attempts.find((a) => a.job.file)?.job.file;
      if (moving) p.detail(baseName(moving.replace(/\\/g, '/')));
    });
    const cancel = () => attempts.forEach((a) => queue.cancel(a.job.id));
    p.signal.addEventListener('abort', cancel);
    try {
      const settled = await Promise.allSettled(attempts.map((a) => a.done));
      const result = emptyResult();
      for (const s of settled) if (s.status === 'fulfilled') addResult(result, s.value);
      const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
      if (failures.length) throw failures.find((e) => !(e instanceof FsError && e.kind === 'Cancelled')) ?? failures[0];
      return result;
    } finally {
      stop();
      p.signal.removeEventListener('abort', cancel);
    }
  });
}

/** Wraps question functions so that, across every job of one call, a person sees one question at a time. */
function serialQuestions(): (ask: (f: ExistingFile) => Promise<OverwriteAnswer>) => (f: ExistingFile) => Promise<OverwriteAnswer> {
  let last: Promise<unknown> = Promise.resolve();
  return (ask) => (f) => {
    const next = last.then(() => ask(f));
    last = next.catch(() => undefined);
    return next;
  };
}
