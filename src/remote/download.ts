/** Download a remote file or folder into a local folder (see transfers.ts for what a folder costs). */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { FtpError, FtpReplyError, type FileEntry } from '../ftp';
import { BufferSink } from './bufferSink';
import { FsError } from './fsErrors';
import { openPart, resumeKey, RESUME_MIN_BYTES, type Part } from './resume';
import { FileType, SHORT_TRANSFER_BYTES, type Site } from './site';
import { connectionsFor, endRun, folderConnections, inParallel, isSafeLocalName, newRun, walkInParallel, type ExistingFile, type Found, type TransferContext, type TransferResult, type TransferRun } from './transfers';
import { baseName, joinPath, normalizePath, parentPath } from './uri';
import { t as l10nT } from './l10n';

interface GetJob {
  remote: string;
  local: string;
  /** From the listing, for plain files (a symlink's listed size is its target's name). */
  bytes?: number;
  oneOfMany: boolean;
}


/** Download `remotePath` (file or folder) into the local folder `localDir`. */
export async function downloadTo(site: Site, remotePath: string, localDir: string, ctx: TransferContext = {}): Promise<TransferResult> {
  const run = newRun(ctx);
  const p = normalizePath(remotePath);
  const stat = await site.stat(p);
  const name = p === '/' ? site.name : baseName(p);
  if (!isSafeLocalName(name)) throw new FsError('NoPermissions', l10nT('"{0}" cannot be a local file name', name));
  const local = nodePath.join(localDir, name);
  try {
    if ((stat.type & FileType.Directory) !== 0) await getDir(site, p, local, run);
    else await getOne(site, p, stat.type === FileType.File ? stat.size : undefined, local, run);
  } finally {
    endRun(run);
  }
  return run.result;
}

/**
 * Download the file `remotePath` to the local path `localFile` (a name of the caller's choice, not a folder).
 * `more`: whether another download follows at once on this worker (TransferOptions.followedByTransfer).
 * `listed`: the file's entry in a listing just taken (a sync's plan) instead of a stat now, which over a long round
 * trip costs a round trip or two per file. A download only reads the server, and the bytes that arrive are checked
 * against that size (checkComplete asks the server again where they differ).
 */
export async function downloadFile(
  site: Site,
  remotePath: string,
  localFile: string,
  ctx: TransferContext = {},
  more?: () => boolean,
  listed?: FileEntry,
): Promise<TransferResult> {
  const run = newRun(ctx);
  const p = normalizePath(remotePath);
  if (listed?.type === 'file') {
    await getOne(site, p, listed.size, localFile, run, more);
    return run.result;
  }
  const stat = await site.stat(p);
  if ((stat.type & FileType.Directory) !== 0) throw new FsError('FileIsADirectory', l10nT('{0} is a folder', p));
  await getOne(site, p, stat.type === FileType.File ? stat.size : undefined, localFile, run, more);
  return run.result;
}

function getOne(site: Site, remote: string, bytes: number | undefined, local: string, run: TransferRun, more?: () => boolean): Promise<void> {
  return inParallel([{ remote, local, bytes, oneOfMany: false }], 1, run.ctx.signal, (job) => getFile(site, job, run, more));
}

/** A folder of a download's tree to list: where it goes, and the listings of the folders above it (a loop). */
interface DirJob {
  remote: string;
  local: string;
  above: string[];
  /** A subfolder: it may be a link that the listing does not show as one (linkInDisguise). */
  sub: boolean;
}

/**
 * A folder and everything in it. The whole tree over the same connections (walkInParallel): a folder's listing is
 * one more job, so over a long round trip the files of one folder and the listing of the next overlap.
 */
async function getDir(site: Site, remote: string, local: string, run: TransferRun): Promise<void> {
  const { ctx, result: r } = run;
  const list = async (d: DirJob): Promise<Found<GetJob, DirJob>> => {
    const none = { files: [], dirs: [] };
    if (d.sub && (await linkInDisguise(site, d.remote))) {
      r.links.push(d.remote);
      return none;
    }
    // One listing: entries() has the sizes, readDirectory() (from the same cached listing) the types of symlinks.
    const listing = await site.entries(d.remote);
    // A folder that lists exactly as a folder above it is that folder again, reached through a link no listing
    // shows (ftp-srv's LIST follows links: `loop -> .` is a folder there): a walk into it would never end.
    const seen = listingSignature(listing);
    if (seen && d.above.includes(seen)) {
      r.links.push(d.remote);
      return none;
    }
    await fsp.mkdir(d.local, { recursive: true });
    r.folders++;
    const sizes = new Map<string, number>();
    for (const e of listing) if (e.type === 'file' && e.size !== undefined) sizes.set(e.name, e.size);
    const found: Found<GetJob, DirJob> = { files: [], dirs: [] };
    const above = [...d.above, seen];
    for (const [name, type] of await site.readDirectory(d.remote)) {
      const sub = joinPath(d.remote, name);
      if (!isSafeLocalName(name)) r.skipped.push(sub);
      else if (type === (FileType.SymbolicLink | FileType.Directory)) r.links.push(sub);
      else if ((type & FileType.Directory) !== 0) found.dirs.push({ remote: sub, local: nodePath.join(d.local, name), above, sub: true });
      else found.files.push({ remote: sub, local: nodePath.join(d.local, name), bytes: type === FileType.File ? sizes.get(name) : undefined, oneOfMany: true });
    }
    return found;
  };
  await walkInParallel<GetJob, DirJob>(
    { remote, local, above: [], sub: false },
    () => folderConnections(site),
    ctx.signal,
    list,
    (job, more) => getFile(site, job, run, more),
    (waiting) => connectionsFor(site, run, waiting),
  );
}

/** What a listing holds (names, types, sizes, times), to tell a folder reached again; '' for an empty one. */
export function listingSignature(listing: FileEntry[]): string {
  return listing
    .map((e) => `${e.name}|${e.type}|${e.size ?? ''}|${e.mtimeMs ?? ''}`)
    .sort()
    .join('\n');
}

/**
 * A "folder" that LIST shows as a link: where the site's listing is an MLSD that follows links (pyftpdlib lists
 * `loop -> .` as a folder), a walk into it would never end. One LIST of the folder, for all its subfolders, and
 * only on such a server; a LIST it refuses leaves the listing's word.
 */
async function linkInDisguise(site: Site, p: string): Promise<boolean> {
  if (!site.links.listingMayHideLinks) return false;
  const listed = await site.links.listed(p, site.cache.ttlMs).catch(() => undefined);
  return listed?.type === 'symlink';
}

async function getFile(site: Site, job: GetJob, run: TransferRun, more?: () => boolean): Promise<void> {
  const { ctx } = run;
  const there = await fsp.lstat(job.local).catch(() => undefined);
  if (there?.isDirectory()) throw new FsError('FileIsADirectory', l10nT('{0} is a local folder: the file {1} cannot replace it', job.local, job.remote));
  if (there && !(await run.questions.replace(existing(job, there)))) return;
  ctx.onFile?.(job.remote);
  const t = run.tally.start();
  // Into a temporary file next to the target, renamed over it once complete: a failed or cancelled download
  // leaves a local file of that name exactly as it was. A large file's part stays after a failure, for the next
  // download of it to continue (resume.ts).
  const part = await partFor(site, job);
  let stream: fs.WriteStream | undefined;
  try {
    let n = job.bytes !== undefined && job.bytes <= SHORT_TRANSFER_BYTES ? await getSmall(site, job, part.path, ctx, t.progress, more) : undefined;
    n ??= await getStream(site, job, part, ctx, t.progress, more, (s) => (stream = s));
    if (stream) await closed(stream);
    if (job.bytes !== undefined && n !== job.bytes) await checkComplete(site, job.remote, n, job.bytes);
    const placed = there || !ctx.onExisting ? 'rename' : await placeNew(part.path, job.local);
    // A file made there meanwhile is asked about like one that was there from the start.
    if (placed === 'exists' && !(await run.questions.replace(existing(job, await fsp.lstat(job.local))))) {
      await fsp.rm(part.path, { force: true });
      t.failed();
      return;
    }
    if (placed !== 'placed') await fsp.rename(part.path, job.local);
    t.done(n);
  } catch (err) {
    t.failed();
    if (stream) await closed(stream);
    if (!(await keepPart(site, job, part, err, ctx.signal))) await fsp.rm(part.path, { force: true }).catch(() => undefined);
    throw err;
  } finally {
    part.release();
  }
}

/** The part file of a download: a resumable one for large files (resume.ts), else a fresh random name. */
async function partFor(site: Site, job: GetJob): Promise<Part> {
  const fresh = (): Part => ({ path: partName(job.local), offset: 0, resumable: false, release: () => undefined });
  if (job.bytes === undefined || job.bytes <= SHORT_TRANSFER_BYTES || job.bytes < (site.opts.resumeMinBytes ?? RESUME_MIN_BYTES)) return fresh();
  // The file's time to the second where the server has it (MDTM): a change within the minute is a change.
  const st = await site.stat(job.remote);
  if (st.type !== FileType.File) return fresh();
  const key = resumeKey(site.key, job.remote, st.size, st.mtime);
  return openPart(job.local, key, st.size, () => partName(job.local), log(site));
}

/**
 * RETR into the part file: from its end (REST) when an earlier download left some of it. Returns the size of the
 * part file afterwards. A server that refuses REST, or sends more than the rest, gets a download from the start.
 */
async function getStream(
  site: Site,
  job: GetJob,
  part: Part,
  ctx: TransferContext,
  progress: (n: number) => void,
  more: (() => boolean) | undefined,
  opened: (s: fs.WriteStream) => void,
): Promise<number> {
  const from = async (offset: number) => {
    const stream = fs.createWriteStream(part.path, offset > 0 ? { flags: 'r+', start: offset } : { flags: part.resumable ? 'w' : 'wx' });
    opened(stream);
    try {
      const n = await site.download(job.remote, () => stream, {
        signal: ctx.signal,
        onProgress: (k) => progress(offset + k),
        bytes: job.bytes === undefined ? undefined : job.bytes - offset,
        offset: offset || undefined,
        followedByTransfer: more,
      });
      return offset + n;
    } finally {
      await closed(stream);
    }
  };
  if (part.offset === 0) return from(0);
  log(site)(`download ${job.remote}: continuing from byte ${part.offset} of ${job.bytes} (REST), what an interrupted download left in ${part.path}.`);
  let total: number;
  try {
    total = await from(part.offset);
  } catch (err) {
    const cause = err instanceof FsError ? err.cause : err;
    if (!(cause instanceof FtpReplyError) || !cause.command?.startsWith('REST')) throw err;
    log(site)(`download ${job.remote}: the server cannot continue a download (REST ${part.offset}: ${cause.code} ${cause.replyText}): downloading it from the start.`);
    return from(0);
  }
  if (job.bytes !== undefined && total > job.bytes) {
    log(site)(`download ${job.remote}: the server sent the whole file after REST ${part.offset} (it ignores REST): downloading it from the start.`);
    return from(0);
  }
  return total;
}

/** After a failure: keep a resumable part that holds something, unless the download was cancelled. */
async function keepPart(site: Site, job: GetJob, part: Part, err: unknown, signal: AbortSignal | undefined): Promise<boolean> {
  if (!part.resumable || signal?.aborted || cancelled(err)) return false;
  const size = (await fsp.stat(part.path).catch(() => undefined))?.size ?? 0;
  if (size === 0) return false;
  log(site)(`download ${job.remote} failed after ${size} bytes: they are kept in ${part.path}, and downloading the file again continues from there.`);
  return true;
}

function cancelled(err: unknown): boolean {
  return err instanceof FsError ? err.kind === 'Cancelled' : err instanceof Error && err.name === 'AbortError';
}

function log(site: Site): (text: string) => void {
  return (text) => site.opts.info?.(text);
}

/**
 * In stream mode the end of the data connection is the end of the file (RFC 959 §3.4.1), so a connection closed
 * early by something in between looks like a shorter file, and the server, which sent everything, says 226.
 * When the bytes that arrived differ from the listing's size, the server's listing now tells a file that changed
 * meanwhile from a download cut short: then nothing is put in place.
 */
async function checkComplete(site: Site, remote: string, got: number, listed: number): Promise<void> {
  site.cache.invalidate(parentPath(remote));
  const name = baseName(remote);
  const now = await site.entries(parentPath(remote)).then((es) => es.find((e) => e.name === name));
  if (now?.type === 'file' && now.size !== undefined && now.size !== got) {
    throw new FsError(
      'Unavailable',
      `download ${remote}: only ${got} of its ${now.size} bytes arrived (the data connection closed early). The local file was left as it was; download it again.`,
    );
  }
  if (now?.size === undefined && got < listed) {
    throw new FsError('Unavailable', l10nT('download {0}: only {1} of the {2} bytes listed arrived. The local file was left as it was; download it again.', remote, got, listed));
  }
}

function existing(job: GetJob, st: fs.Stats): ExistingFile {
  return { direction: 'download', local: job.local, remote: job.remote, size: st.size, mtime: st.mtimeMs, oneOfMany: job.oneOfMany };
}

/**
 * Put the downloaded `part` at `target`, where no file was when the download started, without replacing one made
 * there meanwhile: a hard link fails on a name that exists (link(2): EEXIST), where rename(2) would replace it.
 * 'exists': a file appeared; 'rename': this file system has no hard links, rename it.
 */
async function placeNew(part: string, target: string): Promise<'placed' | 'exists' | 'rename'> {
  try {
    await fsp.link(part, target);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EEXIST' ? 'exists' : 'rename';
  }
  await fsp.rm(part, { force: true });
  return 'placed';
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
async function getSmall(site: Site, job: GetJob, part: string, ctx: TransferContext, onProgress: (n: number) => void, more?: () => boolean): Promise<number | undefined> {
  const sink = new BufferSink(job.bytes, SMALL_FILE_LIMIT, (n) => new GrewError(`${job.remote} has grown to more than ${n} bytes`));
  try {
    await site.download(job.remote, () => sink.stream, { signal: ctx.signal, onProgress, bytes: job.bytes, followedByTransfer: more });
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
