/**
 * Download to a local folder and upload local files, recursively for folders (download.ts, upload.ts); what both
 * share is here. No vscode import: progress and cancel come in as callbacks and an AbortSignal. One pool operation
 * per file, so browsing stays responsive.
 *
 * Per folder: one listing (download: what to fetch, with sizes; upload: which names exist already, after its MKD),
 * and its files over every connection of the pool at once (small files are short operations, see
 * SHORT_TRANSFER_BYTES); the listings and the files of a whole tree share the connections (walkInParallel). Per file
 * nothing else is asked: a download costs EPSV + RETR, an upload of a new name EPSV + STOR + SIZE (a name that exists gets a safe save: temporary file, SIZE, rename). The cache and the
 * change events of an upload are updated in batches (Site.batch()), not per file.
 */
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { longRoundTrip } from '../ftp';
import { MAX_POOL_SIZE, parsePortRange } from './config';
import { FsError } from './fsErrors';
import type { Site } from './site';
import { t } from './l10n';

export interface TransferContext {
  signal?: AbortSignal;
  /** Running total of bytes moved by this whole transfer. */
  onBytes?: (total: number) => void;
  /** The file being moved now (remote path on download, local path on upload); several move at once. */
  onFile?: (path: string) => void;
  /**
   * Asked before a file that exists is replaced (download: a local file, upload: a remote one), one question at
   * a time. Absent: replaced. 'skip' keeps it (listed in the result's `kept`), 'cancel' stops the transfer.
   */
  onExisting?: (file: ExistingFile) => Promise<OverwriteAnswer>;
}

export type OverwriteAnswer = 'overwrite' | 'skip' | 'cancel';

/** What a person may answer: also for all the files still to come. */
export type OverwriteChoice = OverwriteAnswer | 'overwrite-all' | 'skip-all';

/** An onExisting that asks `ask` until it answers for all files, then gives that answer itself. */
export function answersForAll(ask: (file: ExistingFile) => Promise<OverwriteChoice>): (file: ExistingFile) => Promise<OverwriteAnswer> {
  let all: OverwriteAnswer | undefined;
  return async (file) => {
    if (all) return all;
    const a = await ask(file);
    if (a === 'overwrite-all') return (all = 'overwrite');
    if (a === 'skip-all') return (all = 'skip');
    return a;
  };
}

/** A file a transfer would replace. */
export interface ExistingFile {
  /** download: the local file is in the way; upload: the remote one. */
  direction: 'download' | 'upload';
  local: string;
  remote: string;
  /** Size and modification time (ms) of the file that would be replaced, when known. */
  size?: number;
  mtime?: number;
  /** Other files of this transfer may be asked about too (a folder, or several items): an answer for all helps. */
  oneOfMany: boolean;
}

export interface TransferResult {
  files: number;
  folders: number;
  bytes: number;
  /** Names skipped because they cannot be a local file name (e.g. contain a path separator). */
  skipped: string[];
  /**
   * Download: links to folders, not followed (what they lead to may be anywhere, or the folder itself). Upload: local
   * links back to a folder above them (a loop), not followed; other local links are followed.
   */
  links: string[];
  /** Files that existed and were kept as they were (onExisting answered 'skip'): local paths on download, remote on upload. */
  kept: string[];
}

export function emptyResult(): TransferResult {
  return { files: 0, folders: 0, bytes: 0, skipped: [], links: [], kept: [] };
}

/** What the files of one download or upload share: its context, its result, its byte count, its questions. */
export interface TransferRun {
  ctx: TransferContext;
  result: TransferResult;
  tally: Tally;
  questions: OverwriteQuestions;
  /** Gives back the connections the pool was widened by for this transfer's folders (folderConnections). */
  giveBack?: () => void;
}

export function newRun(ctx: TransferContext): TransferRun {
  const result = emptyResult();
  return { ctx, result, tally: new Tally(result, ctx), questions: new OverwriteQuestions(ctx, result) };
}

/** Add `r` to `total` (a command that transfers several items). */
export function addResult(total: TransferResult, r: TransferResult): void {
  total.files += r.files;
  total.folders += r.folders;
  total.bytes += r.bytes;
  total.skipped.push(...r.skipped);
  total.links.push(...r.links);
  total.kept.push(...r.kept);
}

/**
 * ctx.onExisting, asked one file at a time: files move several at once, and a person answers one question at a
 * time (an answer "for all" given to one then answers those waiting behind it).
 */
export class OverwriteQuestions {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: TransferContext,
    private readonly r: TransferResult,
  ) {}

  /** Whether to replace `file`; false when it is kept (then in the result's `kept`). Throws Cancelled on 'cancel'. */
  async replace(file: ExistingFile): Promise<boolean> {
    const ask = this.ctx.onExisting;
    if (!ask) return true;
    const answer = this.queue.then(() => {
      checkCancelled(this.ctx.signal);
      return ask(file);
    });
    this.queue = answer.catch(() => undefined);
    const a = await answer;
    if (a === 'overwrite') return true;
    if (a === 'skip') {
      this.r.kept.push(file.direction === 'download' ? file.local : file.remote);
      return false;
    }
    throw new FsError('Cancelled', t('Cancelled'));
  }
}

/** A remote name that is safe as one local path segment. */
export function isSafeLocalName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\u0000]/.test(name);
}

export function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FsError('Cancelled', t('Cancelled'));
}

/** The bytes of a transfer whose files move several at a time: done ones plus the progress of those moving. */
export class Tally {
  private moving = 0;

  constructor(
    private readonly r: TransferResult,
    private readonly ctx: TransferContext,
  ) {}

  /** One file starts: its progress callback, and done(n) when it has arrived / failed() when it has not. */
  start(): { progress: (n: number) => void; done: (n: number) => void; failed: () => void } {
    let last = 0;
    return {
      progress: (n) => {
        this.moving += n - last;
        last = n;
        this.ctx.onBytes?.(this.r.bytes + this.moving);
      },
      done: (n) => {
        this.moving -= last;
        last = 0;
        this.r.bytes += n;
        this.r.files++;
        this.ctx.onBytes?.(this.r.bytes + this.moving);
      },
      failed: () => {
        this.moving -= last;
        last = 0;
      },
    };
  }
}

/**
 * Run `task` for every item, `n` at a time. `more()`: whether the task's worker takes another item next; a yes
 * keeps that item for this worker (a download that asked the server for the next file's port must have a next
 * file on its connection: a port left unused stays open on the server, pyftpdlib's for 30 s and then a 421).
 * After the first failure no new item starts; the ones running finish, then that failure is thrown.
 */
export async function inParallel<T>(items: T[], n: number, signal: AbortSignal | undefined, task: (item: T, more: () => boolean) => Promise<void>): Promise<void> {
  let next = 0;
  /** Items kept for a worker by its more(): the others leave them. */
  let kept = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    let mine = false;
    const more = () => {
      if (!mine && !failure && !signal?.aborted && next + kept < items.length) {
        mine = true;
        kept++;
      }
      return mine;
    };
    while (!failure && (mine || next + kept < items.length)) {
      if (mine) {
        mine = false;
        kept--;
      }
      const item = items[next++];
      try {
        checkCancelled(signal);
        await task(item, more);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failure) throw failure.err;
}

/** What a folder's listing adds to a walk (walkInParallel): its files, and its subfolders to list in turn. */
export interface Found<F, D> {
  files: F[];
  dirs: D[];
}

/**
 * A folder tree, `n` workers at once, where listing a folder is work like moving a file: a worker that finds no file
 * waiting lists the next folder, so over a long round trip the connections stay busy while folders are listed, and
 * the last files of one folder move together with the first of the next (folder by folder, each folder's listing
 * and its last file left connections idle). Folders are listed before waiting files are taken (more work is known
 * sooner). `n()` is asked again after each listing: workers are added when it grows. `more()` as in inParallel: a
 * yes keeps the next file for this worker. `queued(n)`: n files and folders
 * wait after a listing (to widen the pool). After the first failure no new item starts; the running ones finish, then it is thrown.
 */
export async function walkInParallel<F, D>(
  start: D,
  n: () => number,
  signal: AbortSignal | undefined,
  list: (dir: D) => Promise<Found<F, D>>,
  move: (file: F, more: () => boolean) => Promise<void>,
  queued?: (files: number) => void,
): Promise<void> {
  const files: F[] = [];
  let taken = 0;
  const dirs: D[] = [start];
  /** Files kept for a worker by its more(): the others leave them. */
  let kept = 0;
  let running = 0;
  let failure: { err: unknown } | undefined;
  const sleeping: (() => void)[] = [];
  const waiting = () => files.length - taken;
  const take = (): F => {
    const f = files[taken++];
    // (What was taken is not kept alive by the queue.)
    if (taken > 1024 && taken * 2 > files.length) {
      files.splice(0, taken);
      taken = 0;
    }
    return f;
  };
  const worker = async () => {
    let mine = false;
    const more = () => {
      if (!mine && !failure && !signal?.aborted && waiting() > kept) {
        mine = true;
        kept++;
      }
      return mine;
    };
    while (!failure) {
      let job: { file: F } | { dir: D };
      if (mine) {
        mine = false;
        kept--;
        job = { file: take() };
      } else if (dirs.length > 0) {
        job = { dir: dirs.shift()! };
      } else if (waiting() > kept) {
        job = { file: take() };
      } else if (running > 0) {
        // Nothing to take until a running listing finds more, or the walk is over.
        await new Promise<void>((wake) => sleeping.push(wake));
        continue;
      } else {
        return;
      }
      running++;
      try {
        checkCancelled(signal);
        if ('dir' in job) {
          const found = await list(job.dir);
          for (const f of found.files) files.push(f); // (a loop: a spread of 100,000 arguments overflows the stack)
          for (const d of found.dirs) dirs.push(d);
          queued?.(waiting() + dirs.length);
          grow();
        } else {
          await move(job.file, more);
        }
      } catch (err) {
        failure ??= { err };
      } finally {
        running--;
        for (const wake of sleeping.splice(0)) wake();
      }
    }
  };
  // n() may grow once the walk has begun (the round trip is known after the first answers; the pool widened).
  const workers: Promise<void>[] = [];
  const grow = () => {
    while (workers.length < Math.max(1, n())) workers.push(worker());
  };
  grow();
  for (let i = 0; i < workers.length; i++) await workers[i];
  if (failure) throw failure.err;
}

/**
 * Files of one folder moved at once: one per connection of the site's pool, and over a long round trip more, sized
 * to it (wideConnections). There each file's connection mostly waits (its EPSV, its RETR or STOR and its 226 each
 * take a round trip), so files move about in proportion to the connections; on a short one the machines' CPUs
 * decide. Not where the pool's size was chosen (a connection's own poolSize, the CLI's --connections, the
 * ftpExplorer.poolSize setting set by the user), and never more than the server takes: the pool stops at the
 * connections it had when the server refused one (ClientPool.widen).
 */
export function folderConnections(site: Site): number {
  const size = Math.max(1, site.pool.size);
  if (site.config.poolSize !== undefined || site.poolSizeChosen) return size;
  const d = site.traits.data;
  if (!longRoundTrip(d)) return size;
  // In active mode every transfer at once listens on a port of its own: no more than the port range holds.
  const range = site.mode === 'active' ? parsePortRange(site.config.activePortRange) : undefined;
  const ports = range ? range[1] - range[0] + 1 : Infinity;
  return Math.max(size, Math.min(wideConnections(d.quickestReplyMs ?? 0), ports));
}

/** The fewest connections a folder transfer uses over a long round trip, when the pool is smaller (folderConnections). */
export const WIDE_FOLDER_CONNECTIONS = 4;

/** Small files a second that a folder transfer's connections are sized for over a long round trip. */
const FOLDER_FILES_PER_SECOND = 20;

/**
 * Connections for a folder's files at a round trip of `rttMs`: each moves a small file about every 3 round trips,
 * so enough for FOLDER_FILES_PER_SECOND of them, from WIDE_FOLDER_CONNECTIONS to the pool's most (MAX_POOL_SIZE):
 * 4 up to about 65 ms, 6 at 100 ms, 8 from about 120 ms.
 */
export function wideConnections(rttMs: number): number {
  const needed = Math.ceil((FOLDER_FILES_PER_SECOND * 3 * rttMs) / 1000);
  return Math.min(MAX_POOL_SIZE, Math.max(WIDE_FOLDER_CONNECTIONS, needed));
}

/**
 * Widen the pool to folderConnections for `files` files, where that is more than the pool has and they are more
 * than it has; the function that gives the connections back, or undefined when nothing widened.
 */
export function widenForFiles(site: Site, files: number): (() => void) | undefined {
  const n = folderConnections(site);
  return n > site.pool.size && files > site.pool.size ? site.pool.widen(n) : undefined;
}

/**
 * Work on `files` items `parallel` at a time, widened as a folder transfer is where that helps (widenForFiles): how
 * many at once, and the function that gives the widening back (undefined when nothing widened).
 */
export function widenedParallel(site: Site, files: number, parallel: number): { parallel: number; giveBack: (() => void) | undefined } {
  const giveBack = widenForFiles(site, files);
  return { parallel: giveBack ? Math.max(parallel, folderConnections(site)) : parallel, giveBack };
}

/** Where a walk keeps the widening it asked for (a TransferRun, or a sync's planning). */
export type Widened = Pick<TransferRun, 'giveBack'>;

/** How many of a folder's `files` move at once; the pool widened for the rest of the transfer where that is more. */
export function connectionsFor(site: Site, run: Widened, files: number): number {
  run.giveBack ??= widenForFiles(site, files);
  return folderConnections(site);
}

/** The transfer is over: the pool goes back to its size (the extra connections close once idle). */
export function endRun(run: Widened): void {
  run.giveBack?.();
  run.giveBack = undefined;
}

/** Total size of local files (for the progress total). */
export async function localSize(paths: string[]): Promise<number> {
  let total = 0;
  for (const p of paths) {
    const st = await fsp.stat(p);
    if (st.isDirectory()) total += await localSize((await fsp.readdir(p)).map((n) => nodePath.join(p, n)));
    else if (st.isFile()) total += st.size;
  }
  return total;
}
