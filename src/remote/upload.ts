/** Upload local files and folders into a remote folder (see transfers.ts for what a folder costs). */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { FileEntry } from '../ftp';
import type { ChangeBatch } from './changes';
import { FsError } from './fsErrors';
import { resumeKey, RESUME_MIN_BYTES } from './resume';
import { FileType, SHORT_TRANSFER_BYTES, type Site, type UploadOptions } from './site';
import { checkCancelled, connectionsFor, endRun, folderConnections, inParallel, newRun, walkInParallel, type Found, type TransferContext, type TransferResult, type TransferRun } from './transfers';
import { baseName, joinPath, normalizePath, parentPath } from './uri';
import { t as l10nT } from './l10n';

interface PutJob {
  local: string;
  remote: string;
  /** What the folder's listing says of the name: its entry, or null when it is not there. */
  existing: FileEntry | null;
  /** Not listed, but may be a file all the same (see existingOf). */
  mayExist: boolean;
  /** The listed file this upload replaces: `existing`, or another case or Unicode form of the name. */
  shown: FileEntry | null;
  oneOfMany: boolean;
}

/** What the files of one upload share: the changes go to the site in batches. */
interface Run extends TransferRun {
  batch: ChangeBatch;
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
function existingOf(names: string[], listing: FileEntry[]): { existing: FileEntry | null; mayExist: boolean; shown: FileEntry | null }[] {
  const exact = new Map(listing.map((e) => [e.name, e]));
  const listedFolded = new Map(listing.map((e) => [fold(e.name), e]));
  const folded = new Map<string, number>();
  const count = (n: string) => folded.set(fold(n), (folded.get(fold(n)) ?? 0) + 1);
  for (const e of listing) count(e.name);
  for (const n of names) count(n);
  return names.map((n) => {
    const e = exact.get(n);
    if (e) return { existing: e, mayExist: true, shown: e };
    return { existing: null, mayExist: (folded.get(fold(n)) ?? 0) > 1, shown: listedFolded.get(fold(n)) ?? null };
  });
}

/**
 * Upload local files and folders into the remote folder `remoteDir`. A file that exists is replaced when
 * ctx.onExisting says so (or when there is no ctx.onExisting).
 */
export async function uploadTo(site: Site, localPaths: string[], remoteDir: string, ctx: TransferContext = {}): Promise<TransferResult> {
  const run: Run = { ...newRun(ctx), batch: site.batch() };
  const { result, batch } = run;
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
      const oneOfMany = localPaths.length > 1 || dirs.length > 0;
      const jobs = files.map((local, i) => ({ local, remote: joinPath(dir, names[i]), ...known[i], oneOfMany }));
      await putFiles(site, jobs, run);
    }
    // One folder after the other: two of the same name go into one remote folder, the second seeing the first's files.
    for (const local of dirs) await putTree(site, local, joinPath(dir, nodePath.basename(local)), run);
  } finally {
    endRun(run);
    batch.close();
  }
  return result;
}

/**
 * Upload the local file `localFile` to the remote path `remotePath` (a name of the caller's choice). The folder
 * is listed once, as for uploadTo, to know whether the name exists.
 */
export async function uploadFile(site: Site, localFile: string, remotePath: string, ctx: TransferContext = {}): Promise<TransferResult> {
  const run: Run = { ...newRun(ctx), batch: site.batch() };
  const { result, batch } = run;
  const p = normalizePath(remotePath);
  site.assertWritable(p);
  try {
    if (!(await fsp.stat(localFile)).isFile()) throw new FsError('FileIsADirectory', `${localFile} is not a file`);
    const [known] = existingOf([baseName(p)], await site.entries(parentPath(p)));
    await putFiles(site, [{ local: localFile, remote: p, ...known, oneOfMany: false }], run);
  } finally {
    batch.close();
  }
  return result;
}

/** A local folder of an upload's tree, and the remote folder it goes to. */
interface PutDirJob {
  local: string;
  remote: string;
  /** The real paths of the local folders above it: a link back to one of them is a loop, not followed. */
  above: string[];
}

/** A file of an upload's tree: its folder's ReadAhead prepares it (`index` in that folder). */
interface Queued {
  job: PutJob;
  ahead: ReadAhead;
  index: number;
}

/**
 * A local folder and everything in it, into `remote`. The whole tree over the same connections (walkInParallel):
 * making and listing a folder is one more job, so over a long round trip it overlaps the files of the folders before.
 */
async function putTree(site: Site, local: string, remote: string, run: Run): Promise<void> {
  const uploads = new FileUploads(site, run);
  try {
    await walkInParallel<Queued, PutDirJob>(
      { local, remote, above: [] },
      () => folderConnections(site),
      run.ctx.signal,
      (d) => putDir(site, d, run),
      (q, more) => uploads.one(q, more),
      (waiting) => connectionsFor(site, run, waiting),
    );
  } finally {
    await uploads.settled();
  }
  uploads.check();
}

/** Make (or list) the remote folder of `d`: what goes into it, its files and its subfolders. */
async function putDir(site: Site, d: PutDirJob, run: Run): Promise<Found<Queued, PutDirJob>> {
  const { result: r, batch } = run;
  const { local, remote } = d;
  // Links to folders are followed (a stat of the path would), but not one back to a folder above: that walk would
  // only end when the path grows too long for the system, with a copy of the tree on the server at every level.
  const real = await fsp.realpath(local);
  if (d.above.includes(real)) {
    r.links.push(local);
    return { files: [], dirs: [] };
  }
  const above = [...d.above, real];
  let listing: FileEntry[];
  try {
    await site.createDirectory(remote);
    listing = []; // just made: empty
  } catch (err) {
    if (!(err instanceof FsError && err.kind === 'FileExists')) throw err;
    if (((await site.stat(remote)).type & FileType.Directory) === 0) {
      throw new FsError('FileNotADirectory', l10nT('{0} is a file, not a folder: cannot upload the folder {1} into it', remote, local));
    }
    // What this upload changed so far must be in the listing (two local folders of the same name).
    batch.flush();
    listing = await site.entries(remote);
  }
  r.folders++;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of await fsp.readdir(local, { withFileTypes: true })) {
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isFile()) files.push(e.name);
    else if (e.isSymbolicLink()) {
      // Follow it, as a stat of the path would.
      const st = await fsp.stat(nodePath.join(local, e.name)).catch(() => undefined);
      if (st?.isDirectory()) dirs.push(e.name);
      else if (st?.isFile()) files.push(e.name);
      else r.skipped.push(nodePath.join(local, e.name));
    } else {
      r.skipped.push(nodePath.join(local, e.name));
    }
  }
  const known = existingOf(files, listing);
  const jobs = files.map((name, i) => ({ local: nodePath.join(local, name), remote: joinPath(remote, name), ...known[i], oneOfMany: true }));
  const ahead = new ReadAhead(jobs);
  return {
    files: jobs.map((job, index) => ({ job, ahead, index })),
    dirs: dirs.map((name) => ({ local: nodePath.join(local, name), remote: joinPath(remote, name), above })),
  };
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

/**
 * Files over the pool. A file's connection is taken by the next file as soon as its bytes are stored, its size check
 * riding along with that file's first command (UploadOptions.onSent): each file is done (counted, its promise
 * settled) once its own check is; a failed check stops new files as a failed upload does.
 */
class FileUploads {
  private readonly checks: Promise<void>[] = [];
  private failed: { err: unknown } | undefined;

  constructor(
    private readonly site: Site,
    private readonly run: Run,
  ) {}

  async one(q: Queued, more: () => boolean): Promise<void> {
    if (this.failed) throw this.failed.err;
    const check = await putFile(this.site, q.job, await q.ahead.get(q.index), this.run, more);
    if (check) this.checks.push(check.done.catch((err: unknown) => void (this.failed ??= { err })));
  }

  /** Every size check has come (or failed). */
  async settled(): Promise<void> {
    await Promise.all(this.checks);
  }

  /** Throws the first failed size check (after settled()). */
  check(): void {
    if (this.failed) throw this.failed.err;
  }
}

/** The files of one folder over the pool (see FileUploads). */
async function putFiles(site: Site, jobs: PutJob[], run: Run): Promise<void> {
  const ahead = new ReadAhead(jobs);
  const uploads = new FileUploads(site, run);
  try {
    await inParallel(
      jobs.map((job, index) => ({ job, ahead, index })),
      connectionsFor(site, run, jobs.length),
      run.ctx.signal,
      (q, more) => uploads.one(q, more),
    );
  } finally {
    await uploads.settled();
  }
  uploads.check();
}

/**
 * Upload one file; resolves when its connection is free again, with `done` when the file is not done yet (wrapped:
 * an async function's promise would wait for it).
 */
async function putFile(site: Site, job: PutJob, prepared: Prepared, run: Run, more: () => boolean): Promise<{ done: Promise<void> } | undefined> {
  const { ctx, batch } = run;
  const st = prepared.stat ?? (await fsp.stat(job.local));
  if (!st.isFile()) {
    run.result.skipped.push(job.local);
    return undefined;
  }
  // A listed folder of that name is not asked about: the upload fails on it (FileIsADirectory).
  const shown = job.shown;
  if (shown && shown.type !== 'dir') {
    const file = { direction: 'upload' as const, local: job.local, remote: job.remote, size: shown.type === 'file' ? shown.size : undefined, mtime: shown.mtimeMs, oneOfMany: job.oneOfMany };
    if (!(await run.questions.replace(file))) return undefined;
  }
  ctx.onFile?.(job.local);
  const t = run.tally.start();
  let onSent!: () => void;
  const sent = new Promise<void>((resolve) => (onSent = resolve));
  const done = site
    .upload(prepared.data ?? (() => fs.createReadStream(job.local)), job.remote, {
      signal: ctx.signal,
      onProgress: t.progress,
      bytes: prepared.data?.length ?? st.size,
      existing: job.existing,
      mayExist: job.mayExist,
      batch,
      resume: prepared.data ? undefined : resumable(site, job, st),
      onSent,
      followedByTransfer: more,
    })
    .then(t.done, (err: unknown) => {
      t.failed();
      throw err;
    });
  // Done (or failed) before its connection was free: nothing left to wait for.
  const first = await Promise.race([sent.then(() => 'sent' as const), done]);
  return first === 'sent' ? { done } : undefined;
}

/**
 * A large file's upload may be continued after a failure (resume.ts): its temporary file on the server is named
 * from the local file's path, size and time and the remote path, so only the same version of it continues it.
 */
function resumable(site: Site, job: PutJob, st: fs.Stats): UploadOptions['resume'] {
  if (st.size < (site.opts.resumeMinBytes ?? RESUME_MIN_BYTES)) return undefined;
  return {
    key: resumeKey(nodePath.resolve(job.local), st.size, st.mtimeMs, job.remote),
    from: (offset) => fs.createReadStream(job.local, { start: offset }),
  };
}
