import { strict as assert } from 'node:assert';
import { FsError } from '../../src/remote/fsErrors';
import { TransferQueue, type Executor, type JobContext, type PersistedJob, type QueueStore, type TransferSpec } from '../../src/remote/transferQueue';
import { emptyResult, type TransferResult } from '../../src/remote/transfers';

/**
 * The queue's states, speed, time left and what it keeps across a reload, with an executor the test drives (the
 * transfers themselves against real servers: test/integration/transfer-queue.test.ts).
 */
const spec: TransferSpec = { kind: 'download', site: 'one', remote: '/big.bin', localDir: '/tmp/x' };

/** An executor whose runs the test ends by hand. */
function driven() {
  const runs: { spec: TransferSpec; ctx: JobContext; finish: (r: TransferResult) => void; fail: (e: unknown) => void }[] = [];
  const execute: Executor = (s, ctx) =>
    new Promise<TransferResult>((finish, fail) => {
      runs.push({ spec: s, ctx, finish, fail });
      ctx.signal?.addEventListener('abort', () => fail(new FsError('Cancelled', 'Cancelled')));
    });
  return { runs, execute };
}

function memoryStore(initial: PersistedJob[] = []): QueueStore & { saved: PersistedJob[] } {
  const s = { saved: initial, load: () => s.saved, save: (jobs: PersistedJob[]) => void (s.saved = jobs) };
  return s;
}

describe('TransferQueue', () => {
  it('starts a job at once: queued until bytes move, then running, with speed and time left, then done', async () => {
    let t = 0;
    const { runs, execute } = driven();
    const q = new TransferQueue(execute, undefined, () => t);
    const { job, done } = q.add(spec);
    assert.equal(runs.length, 1);
    assert.equal(job.state, 'queued');
    assert.equal(job.name, 'big.bin');
    runs[0].ctx.onSize?.(10_000);
    runs[0].ctx.onBytes?.(0);
    assert.equal(job.state, 'running');
    t = 1000;
    runs[0].ctx.onBytes?.(1000);
    assert.equal(job.speed, 1000);
    assert.equal(job.secondsLeft, 9);
    runs[0].finish({ ...emptyResult(), files: 1, bytes: 10_000 });
    assert.equal((await done).bytes, 10_000);
    assert.equal(job.state, 'done');
    assert.equal(job.speed, undefined);
  });

  it('cancel aborts the run: cancelled, no error; retry runs the same spec again', async () => {
    const { runs, execute } = driven();
    const q = new TransferQueue(execute);
    const first = q.add(spec);
    assert.ok(q.cancel(first.job.id));
    assert.equal(first.job.cancelling, true);
    await assert.rejects(first.done, (e: unknown) => e instanceof FsError && e.kind === 'Cancelled');
    assert.equal(first.job.state, 'cancelled');
    assert.equal(first.job.cancelling, undefined);
    assert.equal(first.job.error, undefined);
    const again = q.retry(first.job.id);
    assert.ok(again);
    assert.equal(runs.length, 2);
    assert.deepEqual(runs[1].spec, spec);
    runs[1].finish(emptyResult());
    await again.done;
    assert.equal(first.job.state, 'done');
  });

  it('a failure stays listed with its message; Clear Finished keeps it, removes done and cancelled', async () => {
    const { runs, execute } = driven();
    const q = new TransferQueue(execute);
    const a = q.add(spec);
    const b = q.add({ ...spec, remote: '/b' });
    const c = q.add({ ...spec, remote: '/c' });
    runs[0].fail(new FsError('FileNotFound', '/big.bin: 550 No such file'));
    runs[1].finish(emptyResult());
    q.cancel(c.job.id);
    await Promise.allSettled([a.done, b.done, c.done]);
    assert.equal(a.job.state, 'failed');
    assert.equal(a.job.error, '/big.bin: 550 No such file');
    assert.equal(q.clearFinished(), 2);
    assert.deepEqual(q.jobs.map((j) => j.id), [a.job.id]);
    assert.equal(q.retry(b.job.id), undefined, 'a removed job cannot be retried');
  });

  it('keeps unfinished jobs in its store; a new queue lists them as interrupted, and resume runs them', async () => {
    const store = memoryStore();
    const { runs, execute } = driven();
    const q = new TransferQueue(execute, store);
    const a = q.add(spec);
    const b = q.add({ ...spec, remote: '/done' });
    runs[1].finish(emptyResult());
    await b.done;
    runs[0].ctx.onSize?.(100);
    runs[0].ctx.onBytes?.(40);
    q.suspend();
    // What happens after the window went away is not kept.
    runs[0].fail(new Error('connection closed'));
    await assert.rejects(a.done);
    assert.deepEqual(store.saved.map((p) => [p.spec, p.bytes, p.size]), [[spec, 40, 100]]);

    const next = driven();
    const q2 = new TransferQueue(next.execute, store);
    assert.deepEqual(q2.jobs.map((j) => [j.state, j.bytes]), [['interrupted', 40]]);
    const resumed = q2.retry(q2.jobs[0].id);
    assert.ok(resumed);
    assert.deepEqual(next.runs[0].spec, spec);
    next.runs[0].finish(emptyResult());
    await resumed.done;
    assert.deepEqual(store.saved, [], 'a finished job is no longer kept');
    // A new job takes an id after the ones loaded.
    assert.ok(q2.add(spec).job.id > a.job.id);
  });

  it('drops stored jobs that are not a transfer it knows', () => {
    const store = memoryStore([{ id: 1, spec: { kind: 'format-disk' } as unknown as TransferSpec, name: 'x', bytes: 0 }]);
    assert.equal(new TransferQueue(driven().execute, store).jobs.length, 0);
  });

  it('cancel all and retry all act on every job that can', async () => {
    const { runs, execute } = driven();
    const q = new TransferQueue(execute);
    const jobs = [q.add(spec), q.add(spec)];
    assert.equal(q.cancelAll(), 2);
    await Promise.allSettled(jobs.map((j) => j.done));
    assert.equal(q.retryAll().length, 2);
    assert.equal(runs.length, 4);
    for (const r of runs.slice(2)) r.finish(emptyResult());
  });

  it('keeps at most 200 jobs listed, dropping the oldest done ones first', async () => {
    const { runs, execute } = driven();
    const q = new TransferQueue(execute);
    const failed = q.add(spec);
    runs[0].fail(new Error('550'));
    await assert.rejects(failed.done);
    for (let i = 0; i < 250; i++) {
      const a = q.add({ ...spec, remote: `/f${i}` });
      runs[runs.length - 1].finish(emptyResult());
      await a.done;
    }
    assert.equal(q.jobs.length, 200);
    assert.equal(q.jobs[0].id, failed.job.id, 'the failed job stays');
    assert.equal(q.jobs[q.jobs.length - 1].name, 'f249');
  });
});
