/**
 * Download to a local folder and upload local files, recursively for folders. No vscode import: progress and
 * cancel come in as callbacks and an AbortSignal. One pool operation per file, so browsing stays responsive.
 *
 * Per folder: one listing (download: what to fetch, with sizes; upload: which names exist already), then its
 * files over every connection of the pool at once (small files are short operations, see SHORT_TRANSFER_BYTES),
 * then its subfolders. Per file nothing else is asked: a download costs EPSV + RETR, an upload of a new name
 * EPSV + STOR + SIZE (a name that exists gets a safe save: temporary file, SIZE, rename). The cache and the
 * change events of an upload are updated in batches (Site.batch()), not per file.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { FtpError, type FileEntry } from '../ftp';
import { BufferSink } from './bufferSink';
import { FsError } from './fsErrors';
import type { ChangeBatch } from './changes';
import { FileType, SHORT_TRANSFER_BYTES, type Site } from './site';
import { baseName, joinPath, normalizePath } from './uri';

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

function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FsError('Cancelled', 'Cancelled');
}

/** The bytes of a transfer whose files move several at a time: done ones plus the progress of those moving. */
class Tally {
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
async function inParallel<T>(items: T[], n: number, signal: AbortSignal | undefined, task: (item: T) => Promise<void>): Promise<void> {
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
function parallel(site: Site): number {
  return Math.max(1, site.pool.size);
}

// ---------------------------------------------------------------------------------------------------- download

interface GetJob {
  remote: string;
  local: string;
  /** From the listing, for plain files (a symlink's listed size is its target's name). */
  bytes?: number;
}

/** Download `remotePath` (file or folder) into the local folder `localDir`. */
export async function downloadTo(site: Site, remotePath: string, localDir: string, ctx: TransferContext = {}): Promise<TransferResult> {
  const result: TransferResult = { files: 0, folders: 0, bytes: 0, skipped: [], links: [] };
  const tally = new Tally(result, ctx);
  const p = normalizePath(remotePath);
  const stat = await site.stat(p);
  const name = p === '/' ? site.name : baseName(p);
  if (!isSafeLocalName(name)) throw new FsError('NoPermissions', `"${name}" cannot be a local file name`);
  const local = nodePath.join(localDir, name);
  if ((stat.type & FileType.Directory) !== 0) {
    await getDir(site, p, local, ctx, result, tally);
  } else {
    const bytes = stat.type === FileType.File ? stat.size : undefined;
    await inParallel([{ remote: p, local, bytes }], 1, ctx.signal, (job) => getFile(site, job, ctx, tally));
  }
  return result;
}

async function getDir(site: Site, remote: string, local: string, ctx: TransferContext, r: TransferResult, tally: Tally): Promise<void> {
  checkCancelled(ctx.signal);
  await fsp.mkdir(local, { recursive: true });
  r.folders++;
  // One listing: entries() has the sizes, readDirectory() (from the same cached listing) the types of symlinks.
  const sizes = new Map<string, number>();
  for (const e of await site.entries(remote)) if (e.type === 'file' && e.size !== undefined) sizes.set(e.name, e.size);
  const files: GetJob[] = [];
  const dirs: string[] = [];
  for (const [name, type] of await site.readDirectory(remote)) {
    if (!isSafeLocalName(name)) {
      r.skipped.push(joinPath(remote, name));
      continue;
    }
    if (type === (FileType.SymbolicLink | FileType.Directory)) r.links.push(joinPath(remote, name));
    else if ((type & FileType.Directory) !== 0) dirs.push(name);
    else files.push({ remote: joinPath(remote, name), local: nodePath.join(local, name), bytes: type === FileType.File ? sizes.get(name) : undefined });
  }
  await inParallel(files, parallel(site), ctx.signal, (job) => getFile(site, job, ctx, tally));
  for (const name of dirs) await getDir(site, joinPath(remote, name), nodePath.join(local, name), ctx, r, tally);
}

async function getFile(site: Site, job: GetJob, ctx: TransferContext, tally: Tally): Promise<void> {
  ctx.onFile?.(job.remote);
  const t = tally.start();
  // Into a temporary file next to the target, renamed over it once complete: a failed or cancelled download
  // leaves a local file of that name exactly as it was.
  const part = partName(job.local);
  let stream: fs.WriteStream | undefined;
  try {
    let n = job.bytes !== undefined && job.bytes <= SHORT_TRANSFER_BYTES ? await getSmall(site, job, part, ctx, t.progress) : undefined;
    n ??= await site.download(job.remote, () => (stream = fs.createWriteStream(part, { flags: 'wx' })), {
      signal: ctx.signal,
      onProgress: t.progress,
      bytes: job.bytes,
    });
    if (stream) await closed(stream);
    await fsp.rename(part, job.local);
    t.done(n);
  } catch (err) {
    t.failed();
    if (stream) await closed(stream);
    await fsp.rm(part, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** `.<name>.<random>.ftpx-part` in the target's folder: the same file system, so the rename is atomic (a very long name is cut, to stay within the 255 bytes of a name). */
function partName(target: string): string {
  return nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target).slice(0, 200)}.${crypto.randomBytes(4).toString('hex')}.ftpx-part`);
}

/** A small file turned out larger than SMALL_FILE_LIMIT: download it again as a stream. */
class GrewError extends FtpError {
  override name = 'GrewError';
}

/** What a file listed as small may grow to before it is downloaded again as a stream. */
const SMALL_FILE_LIMIT = 4 * SHORT_TRANSFER_BYTES;

/**
 * A small file: into memory, then written to disk after the connection is free again (no file stream during the
 * transfer, whose reads go through 1 MiB buffers), into `part`. Undefined when it has grown since the listing.
 */
async function getSmall(site: Site, job: GetJob, part: string, ctx: TransferContext, onProgress: (n: number) => void): Promise<number | undefined> {
  const sink = new BufferSink(job.bytes, SMALL_FILE_LIMIT, (n) => new GrewError(`${job.remote} has grown to more than ${n} bytes`));
  try {
    await site.download(job.remote, () => sink.stream, { signal: ctx.signal, onProgress, bytes: job.bytes });
  } catch (err) {
    if (err instanceof FsError && err.cause instanceof GrewError) return undefined;
    throw err;
  }
  const data = sink.result();
  await fsp.writeFile(part, data, { flag: 'wx' });
  return data.length;
}

function closed(stream: fs.WriteStream): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.destroy();
  });
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

// ------------------------------------------------------------------------------------------------------ upload

interface PutJob {
  local: string;
  remote: string;
  /** What the folder's listing says of the name: its entry, or null when it is not there. */
  existing: FileEntry | null;
  /** Not listed, but may be a file all the same (see existingOf). */
  mayExist: boolean;
}

/**
 * A name as a case-insensitive server may see it: a name that differs from an existing one only in case or
 * Unicode form may be that file, and gets the safe path.
 */
function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * What the remote folder's listing says of each name to upload: its entry, or null when it is not there. A name
 * that is not listed but differs from a listed one only in case or Unicode form (one file on a case-insensitive
 * server), or that another upload of this folder also goes to, "may exist": it gets the safe path too.
 */
function existingOf(names: string[], listing: FileEntry[]): { existing: FileEntry | null; mayExist: boolean }[] {
  const exact = new Map(listing.map((e) => [e.name, e]));
  const folded = new Map<string, number>();
  const count = (n: string) => folded.set(fold(n), (folded.get(fold(n)) ?? 0) + 1);
  for (const e of listing) count(e.name);
  for (const n of names) count(n);
  return names.map((n) => {
    const e = exact.get(n);
    return e ? { existing: e, mayExist: true } : { existing: null, mayExist: (folded.get(fold(n)) ?? 0) > 1 };
  });
}

/** Upload local files and folders into the remote folder `remoteDir`. Existing files are overwritten. */
export async function uploadTo(site: Site, localPaths: string[], remoteDir: string, ctx: TransferContext = {}): Promise<TransferResult> {
  const result: TransferResult = { files: 0, folders: 0, bytes: 0, skipped: [], links: [] };
  const tally = new Tally(result, ctx);
  const batch = site.batch();
  const dir = normalizePath(remoteDir);
  site.assertWritable(dir);
  try {
    const files: string[] = [];
    const dirs: string[] = [];
    for (const local of localPaths) {
      checkCancelled(ctx.signal);
      const st = await fsp.stat(local);
      if (st.isDirectory()) dirs.push(local);
      else if (st.isFile()) files.push(local);
      else result.skipped.push(local);
    }
    if (files.length) {
      const names = files.map((f) => nodePath.basename(f));
      const known = existingOf(names, await site.entries(dir));
      const jobs = files.map((local, i) => ({ local, remote: joinPath(dir, names[i]), ...known[i] }));
      await putFiles(site, jobs, ctx, result, tally, batch);
    }
    for (const local of dirs) await putDir(site, local, joinPath(dir, nodePath.basename(local)), ctx, result, tally, batch);
  } finally {
    batch.close();
  }
  return result;
}

async function putDir(site: Site, local: string, remote: string, ctx: TransferContext, r: TransferResult, tally: Tally, batch: ChangeBatch): Promise<void> {
  checkCancelled(ctx.signal);
  let listing: FileEntry[];
  try {
    await site.createDirectory(remote);
    listing = []; // just made: empty
  } catch (err) {
    if (!(err instanceof FsError && err.kind === 'FileExists')) throw err;
    if (((await site.stat(remote)).type & FileType.Directory) === 0) {
      throw new FsError('FileNotADirectory', `${remote} is a file, not a folder: cannot upload the folder ${local} into it`);
    }
    // What this upload changed so far must be in the listing (two local folders of the same name).
    batch.flush();
    listing = await site.entries(remote);
  }
  r.folders++;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const d of await fsp.readdir(local, { withFileTypes: true })) {
    if (d.isDirectory()) dirs.push(d.name);
    else if (d.isFile()) files.push(d.name);
    else if (d.isSymbolicLink()) {
      // Follow it, as a stat of the path would.
      const st = await fsp.stat(nodePath.join(local, d.name)).catch(() => undefined);
      if (st?.isDirectory()) dirs.push(d.name);
      else if (st?.isFile()) files.push(d.name);
      else r.skipped.push(nodePath.join(local, d.name));
    } else {
      r.skipped.push(nodePath.join(local, d.name));
    }
  }
  const known = existingOf(files, listing);
  const jobs = files.map((name, i) => ({ local: nodePath.join(local, name), remote: joinPath(remote, name), ...known[i] }));
  await putFiles(site, jobs, ctx, r, tally, batch);
  for (const name of dirs) await putDir(site, nodePath.join(local, name), joinPath(remote, name), ctx, r, tally, batch);
}

/**
 * The files of one folder, prepared a few ahead of the uploads: the size (stat) and, for small files, the content,
 * so a connection that finishes a file starts the next one at once instead of waiting for the disk. At most
 * READ_AHEAD files are held, each at most SHORT_TRANSFER_BYTES.
 */
class ReadAhead {
  private readonly ready: (Promise<Prepared> | undefined)[];

  constructor(private readonly jobs: PutJob[]) {
    this.ready = new Array(jobs.length);
  }

  /** Job i's preparation; starts the next ones too. */
  get(i: number): Promise<Prepared> {
    for (let k = i; k < Math.min(this.jobs.length, i + READ_AHEAD); k++) this.ready[k] ??= prepare(this.jobs[k].local);
    const p = this.ready[i]!;
    this.ready[i] = undefined; // not kept once taken
    return p;
  }
}

interface Prepared {
  stat: fs.Stats | undefined;
  /** The content of a small file. */
  data?: Buffer;
}

/** Files of one folder prepared ahead of their upload. */
const READ_AHEAD = 8;

async function prepare(local: string): Promise<Prepared> {
  try {
    const stat = await fsp.stat(local);
    if (!stat.isFile() || stat.size > SHORT_TRANSFER_BYTES) return { stat };
    const data = await fsp.readFile(local);
    // Changed in between: upload it as a stream, as it is then.
    return data.length === stat.size ? { stat, data } : { stat };
  } catch (err) {
    // Gone or unreadable: the upload itself tells (as a stream, it fails the same way it always did).
    return { stat: undefined };
  }
}

async function putFiles(site: Site, jobs: PutJob[], ctx: TransferContext, r: TransferResult, tally: Tally, batch: ChangeBatch): Promise<void> {
  const ahead = new ReadAhead(jobs);
  const index = new Map(jobs.map((j, i) => [j, i]));
  await inParallel(jobs, parallel(site), ctx.signal, async (job) => putFile(site, job, await ahead.get(index.get(job)!), ctx, r, tally, batch));
}

async function putFile(site: Site, job: PutJob, prepared: Prepared, ctx: TransferContext, r: TransferResult, tally: Tally, batch: ChangeBatch): Promise<void> {
  const st = prepared.stat ?? (await fsp.stat(job.local));
  if (!st.isFile()) {
    r.skipped.push(job.local);
    return;
  }
  ctx.onFile?.(job.local);
  const t = tally.start();
  try {
    const n = await site.upload(prepared.data ?? (() => fs.createReadStream(job.local)), job.remote, {
      signal: ctx.signal,
      onProgress: t.progress,
      bytes: prepared.data?.length ?? st.size,
      existing: job.existing,
      mayExist: job.mayExist,
      batch,
    });
    t.done(n);
  } catch (err) {
    t.failed();
    throw err;
  }
}
