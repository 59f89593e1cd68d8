/**
 * The transfer queue: every download, upload, copy and move a person starts is a job here, with its name, size,
 * progress, speed, time left and state, so one place shows what is moving and lets each be cancelled or tried
 * again. No vscode import (the Transfers view, src/vscode/transfersView.ts, shows it).
 *
 * No limit of its own: a job starts as soon as it is added and waits, like every operation, for a connection of
 * its site's pool (pool.ts). It is "queued" until its first file starts moving, "running" after.
 *
 * Jobs are described by a TransferSpec, plain data: what is unfinished is kept in a store (VS Code's
 * workspaceState) and, after the window was reloaded or closed, listed again as "interrupted". Resuming runs the
 * same spec again, which continues where the files stopped: a large download from its part file with REST, a large
 * upload into the safe save's temporary file with REST+STOR or APPE (resume.ts).
 */
import { FsError } from './fsErrors';
import type { SyncSpec } from './sync/job';
import type { ExistingFile, OverwriteAnswer, TransferContext, TransferResult } from './transfers';

export type TransferSpec =
  | { kind: 'download'; site: string; remote: string; localDir: string }
  | { kind: 'upload'; site: string; locals: string[]; remoteDir: string }
  | { kind: 'copy' | 'move'; site: string; from: string; toSite: string; to: string; overwrite?: boolean }
  | SyncSpec;

export type TransferState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** What a job's run is given: TransferContext plus the job's total size, once known. */
export interface JobContext extends TransferContext {
  onSize?: (bytes: number) => void;
}

/** Runs one spec (transferJobs.ts has the one for sites; the extension adds its questions). */
export type Executor = (spec: TransferSpec, ctx: JobContext) => Promise<TransferResult>;

/** A job as the view shows it. */
export interface TransferJob {
  readonly id: number;
  readonly spec: TransferSpec;
  readonly name: string;
  readonly state: TransferState;
  /** Total bytes, when known. */
  readonly size?: number;
  readonly bytes: number;
  /** Bytes per second over the last seconds, while running. */
  readonly speed?: number;
  /** Seconds left at that speed, when the size is known. */
  readonly secondsLeft?: number;
  /** The file moving now (a folder's job moves many). */
  readonly file?: string;
  /** Why it failed: the server's reply where there was one. */
  readonly error?: string;
  readonly result?: TransferResult;
  /** Cancel was asked for and the run has not ended yet (the server may take a moment to answer the abort). */
  readonly cancelling?: boolean;
}

/** What is kept of an unfinished job across a reload. */
export interface PersistedJob {
  id: number;
  spec: TransferSpec;
  name: string;
  size?: number;
  bytes: number;
}

export interface QueueStore {
  load(): PersistedJob[];
  save(jobs: PersistedJob[]): void | PromiseLike<void>;
}

export interface AddOptions {
  /** The job's line in the view; default from the spec. */
  name?: string;
  /** Asked before a file that exists is replaced, for this job (not kept across a reload). */
  onExisting?: (file: ExistingFile) => Promise<OverwriteAnswer>;
  /**
   * This first run's work, prepared by the caller (a sync's plan as the person ticked it). A Retry, or a Resume
   * after a reload, runs the spec through the queue's executor instead (a sync plans again).
   */
  run?: (ctx: JobContext) => Promise<TransferResult>;
}

/** One run of a job; its promise settles when the job ends (done, failed or cancelled). */
export interface Attempt {
  job: TransferJob;
  done: Promise<TransferResult>;
}

/** How far back the speed looks. */
const SPEED_WINDOW_MS = 5000;
/** Jobs listed at most; beyond, done ones are dropped, oldest first. */
const MAX_LISTED = 200;
/** Progress is saved at most this often (state changes at once). */
const SAVE_EVERY_MS = 2000;

class Job implements TransferJob {
  state: TransferState = 'queued';
  size?: number;
  bytes = 0;
  file?: string;
  error?: string;
  result?: TransferResult;
  cancelling?: boolean;
  abort?: AbortController;
  samples: { at: number; bytes: number }[] = [];
  onExisting?: AddOptions['onExisting'];
  run?: AddOptions['run'];

  constructor(
    readonly id: number,
    readonly spec: TransferSpec,
    readonly name: string,
    private readonly now: () => number,
  ) {}

  get speed(): number | undefined {
    if (this.state !== 'running' || this.samples.length < 2) return undefined;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    const ms = Math.max(this.now(), b.at) - a.at;
    return ms >= 500 ? ((b.bytes - a.bytes) * 1000) / ms : undefined;
  }

  get secondsLeft(): number | undefined {
    const s = this.speed;
    if (!s || this.size === undefined) return undefined;
    return Math.max(0, (this.size - this.bytes) / s);
  }

  sample(bytes: number): void {
    const at = this.now();
    this.bytes = bytes;
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0].at > SPEED_WINDOW_MS) this.samples.shift();
  }
}

export function specName(spec: TransferSpec): string {
  const base = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;
  switch (spec.kind) {
    case 'download':
      return base(spec.remote) || spec.site;
    case 'upload':
      return spec.locals.length === 1 ? base(spec.locals[0]) : `${spec.locals.length} items`;
    case 'sync':
      return base(spec.localRoot) || spec.site;
    default:
      return base(spec.from) || spec.site;
  }
}

const UNFINISHED: TransferState[] = ['queued', 'running', 'interrupted'];

export class TransferQueue {
  private readonly list: Job[] = [];
  private readonly listeners = new Set<(job: TransferJob | undefined) => void>();
  private nextId = 1;
  private suspended = false;
  private lastSave = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly execute: Executor,
    private readonly store?: QueueStore,
    private readonly now: () => number = Date.now,
  ) {
    // What a window that was reloaded or closed left unfinished: listed, to be resumed.
    for (const p of store?.load() ?? []) {
      if (!isSpec(p.spec)) continue;
      const job = new Job(p.id, p.spec, p.name, now);
      job.state = 'interrupted';
      job.size = p.size;
      job.bytes = p.bytes;
      this.list.push(job);
      this.nextId = Math.max(this.nextId, p.id + 1);
    }
  }

  get jobs(): readonly TransferJob[] {
    return this.list;
  }

  get(id: number): TransferJob | undefined {
    return this.list.find((j) => j.id === id);
  }

  /** `listener(job)` after a job changed; `listener(undefined)` after jobs were added or removed. */
  onDidChange(listener: (job: TransferJob | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Add a job and start it. */
  add(spec: TransferSpec, opts: AddOptions = {}): Attempt {
    const job = new Job(this.nextId++, spec, opts.name ?? specName(spec), this.now);
    job.onExisting = opts.onExisting;
    job.run = opts.run;
    this.list.push(job);
    // A long session's list stays short: the oldest done jobs go first.
    for (let i = 0; this.list.length > MAX_LISTED && i < this.list.length; ) {
      if (this.list[i].state === 'done') this.list.splice(i, 1);
      else i++;
    }
    this.emit(undefined);
    return { job, done: this.start(job) };
  }

  /** Cancel a queued or running job: its files are left as they were (a partial one is deleted). */
  cancel(id: number): boolean {
    const job = this.list.find((j) => j.id === id);
    if (!job) return false;
    if (job.state === 'interrupted') {
      job.state = 'cancelled';
      this.changed(job, true);
      return true;
    }
    if (job.state !== 'queued' && job.state !== 'running') return false;
    job.cancelling = true;
    this.emit(job);
    job.abort?.abort();
    return true;
  }

  cancelAll(): number {
    return this.list.filter((j) => this.cancel(j.id)).length;
  }

  /** Run a failed, cancelled or interrupted job again (an interrupted one continues where it stopped). */
  retry(id: number): Attempt | undefined {
    const job = this.list.find((j) => j.id === id);
    if (!job || !['failed', 'cancelled', 'interrupted'].includes(job.state)) return undefined;
    return { job, done: this.start(job) };
  }

  retryAll(): Attempt[] {
    return this.list.map((j) => this.retry(j.id)).filter((a): a is Attempt => a !== undefined);
  }

  /** Take a job that is not moving off the list. */
  remove(id: number): boolean {
    const i = this.list.findIndex((j) => j.id === id);
    if (i < 0 || this.list[i].state === 'queued' || this.list[i].state === 'running') return false;
    this.list.splice(i, 1);
    this.emit(undefined);
    this.save(true);
    return true;
  }

  /** Take the jobs that are done or cancelled off the list (failed and interrupted ones stay). */
  clearFinished(): number {
    const before = this.list.length;
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i].state === 'done' || this.list[i].state === 'cancelled') this.list.splice(i, 1);
    if (this.list.length !== before) this.emit(undefined);
    return before - this.list.length;
  }

  /**
   * The window is going away: what is unfinished now is what the store keeps, whatever happens to the jobs after
   * (their connections are closed, so they fail; the next window lists them as interrupted).
   */
  suspend(): void {
    this.save(true);
    this.suspended = true;
  }

  private async start(job: Job): Promise<TransferResult> {
    const abort = new AbortController();
    job.abort = abort;
    job.state = 'queued';
    job.error = undefined;
    job.result = undefined;
    job.cancelling = undefined;
    job.file = undefined;
    job.samples = [];
    job.bytes = 0;
    this.changed(job, true);
    const running = () => {
      if (job.state === 'queued' && job.abort === abort) {
        job.state = 'running';
        this.changed(job, true);
      }
    };
    try {
      const run = job.run ?? ((ctx: JobContext) => this.execute(job.spec, ctx));
      job.run = undefined; // once: a retry starts from the spec
      const result = await run({
        signal: abort.signal,
        onSize: (n) => {
          job.size = n;
          this.changed(job, false);
        },
        onFile: (f) => {
          job.file = f;
          running();
          this.changed(job, false);
        },
        onBytes: (n) => {
          job.sample(n);
          running();
          this.changed(job, false);
        },
        onExisting: job.onExisting,
      });
      job.result = result;
      job.state = 'done';
      if (job.size === undefined || job.bytes < result.bytes) job.bytes = result.bytes;
      job.size ??= result.bytes;
      return result;
    } catch (err) {
      const cancelled = abort.signal.aborted || (err instanceof FsError && err.kind === 'Cancelled');
      job.state = cancelled ? 'cancelled' : 'failed';
      job.error = cancelled ? undefined : err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      job.cancelling = undefined;
      job.abort = undefined;
      job.file = undefined;
      job.samples = [];
      this.changed(job, true);
    }
  }

  private changed(job: Job, stateChanged: boolean): void {
    this.emit(job);
    this.save(stateChanged);
  }

  private emit(job: TransferJob | undefined): void {
    for (const l of this.listeners) l(job);
  }

  private save(now: boolean): void {
    if (!this.store || this.suspended) return;
    const t = this.now();
    if (!now && t - this.lastSave < SAVE_EVERY_MS) {
      // The last progress is saved too, a little later: a window closed without deactivating keeps it.
      this.saveTimer ??= setTimeout(() => {
        this.saveTimer = undefined;
        this.save(true);
      }, SAVE_EVERY_MS - (t - this.lastSave));
      this.saveTimer.unref?.();
      return;
    }
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.lastSave = t;
    const keep = this.list
      .filter((j) => UNFINISHED.includes(j.state))
      .map((j): PersistedJob => ({ id: j.id, spec: j.spec, name: j.name, size: j.size, bytes: j.bytes }));
    void Promise.resolve(this.store.save(keep)).then(undefined, () => undefined);
  }
}

/** A stored spec from an older or damaged store is dropped, not run. */
function isSpec(x: unknown): x is TransferSpec {
  if (!x || typeof x !== 'object') return false;
  const s = x as Record<string, unknown>;
  if (typeof s.site !== 'string') return false;
  if (s.kind === 'download') return typeof s.remote === 'string' && typeof s.localDir === 'string';
  if (s.kind === 'upload') return Array.isArray(s.locals) && s.locals.every((l) => typeof l === 'string') && typeof s.remoteDir === 'string';
  if (s.kind === 'copy' || s.kind === 'move') return typeof s.from === 'string' && typeof s.toSite === 'string' && typeof s.to === 'string';
  if (s.kind === 'sync') {
    return (
      (s.direction === 'upload' || s.direction === 'download') &&
      typeof s.localRoot === 'string' &&
      typeof s.remoteRoot === 'string' &&
      typeof s.stateKey === 'string' &&
      (s.picked === 'all' || (Array.isArray(s.picked) && s.picked.every((p) => typeof p === 'string')))
    );
  }
  return false;
}
