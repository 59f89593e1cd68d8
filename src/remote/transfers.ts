/**
 * Download to a local folder and upload local files, recursively for folders (download.ts, upload.ts); what both
 * share is here. No vscode import: progress and cancel come in as callbacks and an AbortSignal. One pool operation
 * per file, so browsing stays responsive.
 *
 * Per folder: one listing (download: what to fetch, with sizes; upload: which names exist already), then its
 * files over every connection of the pool at once (small files are short operations, see SHORT_TRANSFER_BYTES),
 * then its subfolders. Per file nothing else is asked: a download costs EPSV + RETR, an upload of a new name
 * EPSV + STOR + SIZE (a name that exists gets a safe save: temporary file, SIZE, rename). The cache and the
 * change events of an upload are updated in batches (Site.batch()), not per file.
 */
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { FsError } from './fsErrors';
import type { Site } from './site';

export interface TransferContext {
  signal?: AbortSignal;
  /** Running total of bytes moved by this whole transfer. */
  onBytes?: (total: number) => void;
  /** The file being moved now (remote path on download, local path on upload); several move at once. */
  onFile?: (path: string) => void;
}

export interface TransferResult {
  files: number;
  folders: number;
  bytes: number;
  /** Names skipped because they cannot be a local file name (e.g. contain a path separator). */
  skipped: string[];
  /** Download: links to folders, not followed (what they lead to may be anywhere, or the folder itself). */
  links: string[];
}

/** A remote name that is safe as one local path segment. */
export function isSafeLocalName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\u0000]/.test(name);
}

export function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FsError('Cancelled', 'Cancelled');
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
 * Run `task` for every item, `n` at a time. After the first failure no new item starts; the ones running finish,
 * then that failure is thrown.
 */
export async function inParallel<T>(items: T[], n: number, signal: AbortSignal | undefined, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        checkCancelled(signal);
        await task(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failure) throw failure.err;
}

/** Files of one folder moved at once: one per connection of the site's pool. */
export function parallel(site: Site): number {
  return Math.max(1, site.pool.size);
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
