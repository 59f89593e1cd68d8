/**
 * Carry out a sync's plan over a site: folders first (a depth at a time), then the files `parallel` at a time (more
 * over a long round trip, as a folder transfer: folderConnections), then deletions
 * (files, then folders deepest first, each only when empty). Uploads are safe saves (writing.ts: an interrupted
 * one leaves the old file); downloads go to a temporary file renamed into place (download.ts), and the local file
 * takes the server's time. Before a file is replaced or deleted, its side is looked at now (a fresh listing of
 * its folder, or the local disk): one changed since the plan is a conflict, never overwritten. A failed file does
 * not stop the others; what was done is recorded (the new state), what failed is not, so the next sync redoes it.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { FileEntry } from '../../ftp';
import { downloadFile } from '../download';
import { FsError } from '../fsErrors';
import { SHORT_TRANSFER_BYTES, type Site } from '../site';
import { inParallel, widenedParallel } from '../transfers';
import { baseName, joinPath, normalizePath, parentPath } from '../uri';
import type { Plan, PlanRow } from './plan';
import type { Seen } from './state';
import { forgetAncestors } from './trees';
import { t } from '../l10n';

export interface ApplyOptions {
  localRoot: string;
  remoteRoot: string;
  /** Files moved at once (at most the pool's size is useful). */
  parallel: number;
  signal?: AbortSignal;
  /** What was seen at the last sync (the plan's input); the result's `seen` is the new one. */
  seen: Seen;
  /**
   * false: nobody keeps the result's `seen` (the CLI's --no-state), so the uploaded files' times are not read back
   * from the server (a listing of each folder uploaded into). Their rows are then left out of `seen`.
   */
  record?: boolean;
  /** After each row: done, failed (with the error), or a conflict found at the last moment. */
  onRow?: (row: PlanRow, outcome: RowOutcome) => void;
  /** Rows finished of those with work, and bytes moved. */
  onProgress?: (p: { done: number; total: number; bytes: number }) => void;
}

export type RowOutcome = { kind: 'done' } | { kind: 'failed'; error: Error } | { kind: 'conflict'; why: string };

export interface ApplyResult {
  done: PlanRow[];
  failed: { row: PlanRow; error: Error }[];
  /** The plan's conflicts, and files that changed between the plan and their turn. */
  conflicts: PlanRow[];
  bytes: number;
  cancelled: boolean;
  /** The new record of what both sides hold (pass it to the next plan). */
  seen: Seen;
}

export async function applyPlan(site: Site, plan: Plan, o: ApplyOptions): Promise<ApplyResult> {
  const up = plan.direction === 'upload';
  const remoteRoot = normalizePath(o.remoteRoot);
  const r: ApplyResult = { done: [], failed: [], conflicts: plan.rows.filter((x) => x.action === 'conflict'), bytes: 0, cancelled: false, seen: new Map(o.seen) };
  const work = plan.rows.filter((x) => x.action === 'copy' || x.action === 'mkdir' || x.action === 'delete');
  let finished = 0;
  const remoteOf = (rel: string) => joinPath(remoteRoot, ...rel.split('/'));
  const localOf = (rel: string) => nodePath.join(o.localRoot, ...rel.split('/'));
  const progress = () => o.onProgress?.({ done: finished, total: work.length, bytes: r.bytes });
  const outcome = (row: PlanRow, out: RowOutcome) => {
    finished++;
    if (out.kind === 'done') r.done.push(row);
    else if (out.kind === 'failed') r.failed.push({ row, error: out.error });
    else r.conflicts.push(row);
    o.onRow?.(row, out);
    progress();
  };
  /** Run one row, its error recorded instead of thrown (a cancel is thrown: nothing more starts). */
  const attempt = async (row: PlanRow, fn: () => Promise<RowOutcome | void>) => {
    try {
      outcome(row, (await fn()) ?? { kind: 'done' });
    } catch (err) {
      if (err instanceof FsError && err.kind === 'Cancelled') throw err;
      outcome(row, { kind: 'failed', error: err instanceof Error ? err : new Error(String(err)) });
    }
  };
  /** Fresh listings of the target's folders, one per folder, shared by the rows in it (the next one asked early). */
  const now = new FreshListings(site, up ? work.filter((x) => x.action === 'copy').map((x) => remoteOf(x.path)) : []);
  /** Some file was uploaded whose entry the server did not give with it: listed after the uploads (recordUploaded). */
  let readBack = false;
  let parallel = o.parallel;
  let giveBack: (() => void) | undefined;

  try {
    try {
      if (work.length === 0) {
        recordSame(plan, r.seen);
        return r;
      }
      // Over a long round trip the copies and deletions widen the pool as a folder transfer does (the round trip is
      // known by now: the plan listed the folders); otherwise `parallel` is the caller's.
      ({ parallel, giveBack } = widenedParallel(site, work.length, o.parallel));
      forgetAncestors(site, remoteRoot);
      if (up) await remoteFolders(site, remoteRoot);
      else await fsp.mkdir(o.localRoot, { recursive: true });

      // Folders, parents first: one depth at a time, the folders of a depth `parallel` at once (each is one command,
      // a round trip: a new tree's folders one by one waited that long for each).
      /** The levels one after the other, the rows of a level `parallel` at once. */
      const levelByLevel = async (levels: PlanRow[][], fn: (row: PlanRow) => Promise<void>) => {
        for (const level of levels) await inParallel(level, parallel, o.signal, (row) => attempt(row, () => fn(row)));
      };
      await levelByLevel(byDepth(work.filter((x) => x.action === 'mkdir')), async (row) => {
        if (!up) return void (await fsp.mkdir(localOf(row.path), { recursive: true }));
        // Looked up first (createDirectory: the parent's listing, which a folder made here keeps), so a folder made
        // here is new and empty: its files go without a listing of it, as put -r does. "There now" is a folder that
        // is fine, and listed before anything is put into it.
        const p = remoteOf(row.path);
        const made = await site.createDirectory(p).then(
          () => true,
          (err: unknown) => alreadyFolder(site, err, p).then(() => false),
        );
        if (made) now.made(p);
      });

      const copies = work.filter((x) => x.action === 'copy');
      const batch = site.batch();
      // Where the plan's listings are MLSD, each upload's MLST (in the write of its last command) is what the next
      // plan's listing will show of the file: kept as seen, no listing of its folder afterwards for it.
      const byMlst = up && o.record !== false && site.traits.mlsd === true;
      try {
        await inParallel(copies, parallel, o.signal, (row, more) =>
          attempt(row, async () => {
            if (up) {
              const { current, conflict } = await remoteNow(now, remoteOf(row.path), row.remote?.entry);
              if (conflict) return conflict;
              const local = localOf(row.path);
              const st = await fsp.stat(local);
              const data = st.size <= SHORT_TRANSFER_BYTES ? await fsp.readFile(local) : undefined;
              let written: FileEntry | undefined;
              r.bytes += await site.upload(data ?? (() => fs.createReadStream(local)), remoteOf(row.path), {
                signal: o.signal,
                bytes: data?.length ?? st.size,
                existing: current ?? null,
                batch,
                onWritten: byMlst ? (e) => (written = e) : undefined,
              });
              // (Without the server's entry yet: size -1, read back after the uploads, recordUploaded.)
              const remote = written ? { size: written.size!, mtimeMs: written.mtimeMs } : { size: -1 };
              if (!written) readBack = true;
              r.seen.set(row.path, { local: { size: data?.length ?? st.size, mtimeMs: Math.floor(st.mtimeMs) }, remote });
            } else {
              const local = localOf(row.path);
              const conflict = await localConflict(local, row);
              if (conflict) return conflict;
              // (The plan's fresh listing has its size: no stat of it now.)
              const moved = await downloadFile(site, remoteOf(row.path), local, { signal: o.signal }, more, row.remote?.entry);
              r.bytes += moved.bytes;
              const mtime = row.remote?.mtimeMs;
              // The server's time on the local copy: the next sync sees the two as the same, by time too.
              if (mtime !== undefined) await fsp.utimes(local, new Date(mtime), new Date(mtime));
              const st = await fsp.stat(local);
              r.seen.set(row.path, { remote: { size: moved.bytes, mtimeMs: mtime }, local: { size: st.size, mtimeMs: Math.floor(st.mtimeMs) } });
            }
          }),
        );
      } finally {
        batch.close();
      }

      // Deletions: files and links first, then folders deepest first (each only when empty: rmdir).
      const deletions = work.filter((x) => x.action === 'delete');
      const files = deletions.filter((x) => !isFolder(x, up));
      const folders = byDepth(deletions.filter((x) => isFolder(x, up))).reverse();
      await inParallel(files, parallel, o.signal, (row) =>
        attempt(row, async () => {
          if (up) {
            const p = remoteOf(row.path);
            if (row.reason !== 'leftover') {
              const { conflict } = await remoteNow(now, p, row.remote?.entry);
              if (conflict) return conflict;
            }
            await site.delete(p, { recursive: false });
          } else {
            const p = localOf(row.path);
            if (row.reason !== 'leftover') {
              const conflict = await localConflict(p, row);
              if (conflict) return conflict;
            }
            await fsp.unlink(p);
          }
          r.seen.delete(row.path);
        }),
      );
      // Folders deepest first, those of a depth at once (a folder's subfolders are gone before it is removed).
      await levelByLevel(folders, async (row) => {
        if (up) await site.delete(remoteOf(row.path), { recursive: false });
        else await fsp.rmdir(localOf(row.path));
      });
    } catch (err) {
      if (!(err instanceof FsError && err.kind === 'Cancelled')) throw err;
      r.cancelled = true;
    }
    recordSame(plan, r.seen);
    if (readBack && o.record !== false) await recordUploaded(site, r, remoteOf, parallel);
    else if (readBack) for (const row of r.done) if (row.action === 'copy') r.seen.delete(row.path);
  } finally {
    // (The widened pool serves the read-back too: given back only after it, on every way out.)
    giveBack?.();
  }
  return r;
}

/** Rows by depth ('a' before 'a/b'), shallowest first; within a depth in the plan's order. */
function byDepth(rows: PlanRow[]): PlanRow[][] {
  const levels: PlanRow[][] = [];
  for (const row of rows) (levels[row.path.split('/').length - 1] ??= []).push(row);
  return levels.filter((l) => l !== undefined);
}

/** A plan row of a folder (on the target side). */
function isFolder(row: PlanRow, up: boolean): boolean {
  return (up ? row.remote : row.local)?.type === 'dir';
}

/** createDirectory said it exists: fine when it is a folder. */
async function alreadyFolder(site: Site, err: unknown, p: string): Promise<void> {
  if (!(err instanceof FsError && err.kind === 'FileExists')) throw err;
  const e = await site.lookup(p);
  if (e?.type !== 'dir') throw new FsError('FileNotADirectory', t('{0} is a file on the server now, not a folder', p));
}

/** Make the remote folder `p` and those above it that are missing (upload on save's new folders too). */
export async function remoteFolders(site: Site, p: string): Promise<void> {
  const missing: string[] = [];
  for (let d = p; d !== '/'; d = parentPath(d)) {
    site.cache.invalidate(parentPath(d));
    const e = await site.lookup(d);
    if (e?.type === 'dir' || e?.type === 'symlink') break;
    if (e) throw new FsError('FileNotADirectory', t('{0} is a file on the server, not a folder', d));
    missing.unshift(d);
  }
  for (const d of missing) await site.createDirectory(d).catch((err) => alreadyFolder(site, err, d));
}

/** A folder's listing from the server now, taken once for the rows in it (not the cache of the walk). */
class FreshListings {
  /** Each folder's listing by name: a sync's rows look up many names in one folder (a scan each was n^2). */
  private readonly lists = new Map<string, Promise<Map<string, FileEntry> | 'missing'>>();
  /** The folders in the order the rows will ask for them (`ahead`), and each one's place in it. */
  private readonly folders: string[] = [];
  private readonly order = new Map<string, number>();

  /**
   * `ahead`: the paths of the rows in the order they are taken. A folder's listing, when first asked for, starts the
   * next folder's too: it runs on the pool while this folder's files move, instead of every worker reaching the next
   * folder at once and waiting for its listing together (a round trip's wait per folder over a long one).
   */
  constructor(
    private readonly site: Site,
    ahead: string[] = [],
  ) {
    for (const dir of ahead.map(parentPath)) {
      if (this.order.has(dir)) continue;
      this.order.set(dir, this.folders.length);
      this.folders.push(dir);
    }
  }

  async get(p: string): Promise<FileEntry | undefined> {
    const dir = parentPath(p);
    const l = this.folder(dir);
    const i = this.order.get(dir);
    const next = i === undefined ? undefined : this.folders[i + 1];
    if (next !== undefined) void this.folder(next);
    const listing = await l;
    return listing === 'missing' ? undefined : listing.get(baseName(p));
  }

  /** `dir` was made by this sync a moment ago (MKD after a lookup showed the name missing): empty, not listed. */
  made(dir: string): void {
    this.lists.set(dir, Promise.resolve(new Map()));
  }

  /** The folder's listing, asked once. */
  folder(dir: string): Promise<Map<string, FileEntry> | 'missing'> {
    let l = this.lists.get(dir);
    if (!l) {
      l = this.site.freshListing(dir).then(byName);
      this.lists.set(dir, l);
      l.catch(() => this.lists.delete(dir));
    }
    return l;
  }
}

/** A listing by name; the first of a name a server lists twice, as a scan would find it. */
function byName(listing: FileEntry[] | 'missing'): Map<string, FileEntry> | 'missing' {
  if (listing === 'missing') return listing;
  const m = new Map<string, FileEntry>();
  for (const e of listing) if (!m.has(e.name)) m.set(e.name, e);
  return m;
}

/**
 * The remote file `p` as it is now, and a conflict when that is no longer what the plan saw (`planned`;
 * undefined: it was not there).
 */
async function remoteNow(now: FreshListings, p: string, planned: FileEntry | undefined): Promise<{ current?: FileEntry; conflict?: RowOutcome }> {
  const current = await now.get(p);
  if (!planned && !current) return {};
  if (!planned) return { current, conflict: { kind: 'conflict', why: `${p} appeared on the server since the plan` } };
  if (!current) return { conflict: { kind: 'conflict', why: `${p} is gone from the server since the plan` } };
  if (current.type !== planned.type || current.size !== planned.size || current.mtimeMs !== planned.mtimeMs) {
    return { current, conflict: { kind: 'conflict', why: `${p} changed on the server since the plan` } };
  }
  return { current };
}

/** The local file is no longer what the plan saw. */
async function localConflict(p: string, row: PlanRow): Promise<RowOutcome | undefined> {
  // stat, not lstat: a local link to a file was planned as that file.
  const st = await fsp.stat(p).catch(() => undefined);
  const planned = row.local;
  if (!planned && !st) return undefined;
  if (!planned) return { kind: 'conflict', why: `${p} appeared since the plan` };
  if (!st) return { kind: 'conflict', why: `${p} is gone since the plan` };
  if (planned.type === 'file' && (!st.isFile() || st.size !== planned.size || Math.floor(st.mtimeMs) !== planned.mtimeMs)) {
    return { kind: 'conflict', why: `${p} changed since the plan` };
  }
  return undefined;
}

/**
 * What a sync with nothing to do leaves recorded: `seen` with the files its plan found the same. Without it, a
 * first sync of two sides already alike recorded nothing, and a later change on the target alone (someone's edit on
 * the server) looked like a difference to copy over instead of a conflict.
 */
export function seenWithSame(plan: Plan, seen: Seen): Seen {
  const next = new Map(seen);
  recordSame(plan, next);
  return next;
}

/** Rows the same on both sides: recorded as seen, so the next plan can tell which side changed. */
function recordSame(plan: Plan, seen: Seen): void {
  for (const row of plan.rows) {
    if (row.action !== 'same' || row.local?.type !== 'file' || row.remote?.type !== 'file') continue;
    seen.set(row.path, {
      local: { size: row.local.size ?? -1, mtimeMs: row.local.mtimeMs },
      remote: { size: row.remote.size ?? -1, mtimeMs: row.remote.mtimeMs },
    });
  }
  // What is on neither side any more has nothing to remember.
  const anywhere = new Set(plan.rows.map((x) => x.path));
  for (const p of [...seen.keys()]) if (!anywhere.has(p)) seen.delete(p);
}

/**
 * The uploaded files' size and time as the server lists them now (one listing per folder), for those whose upload
 * did not bring them (size -1). One it cannot list is forgotten: the next plan compares it without a record, by
 * size and time.
 */
async function recordUploaded(site: Site, r: ApplyResult, remoteOf: (rel: string) => string, parallel: number): Promise<void> {
  const now = new FreshListings(site);
  // The folders listed `parallel` at a time first (one after the other, a tree's folders each waited a listing's
  // round trips); then each file's entry is in its folder's listing. (Not cancelled: what was uploaded is recorded.)
  const folders = new Set<string>();
  const unread = (row: PlanRow) => (row.action === 'copy' ? r.seen.get(row.path) : undefined)?.remote.size === -1;
  for (const row of r.done) if (unread(row)) folders.add(parentPath(remoteOf(row.path)));
  await inParallel([...folders], parallel, undefined, async (dir) => {
    await now.folder(dir).catch(() => undefined);
  });
  for (const row of r.done) {
    const s = unread(row) ? r.seen.get(row.path) : undefined;
    if (!s) continue;
    const e = await now.get(remoteOf(row.path)).catch(() => undefined);
    if (e?.type === 'file' && e.size !== undefined) s.remote = { size: e.size, mtimeMs: e.mtimeMs };
    else r.seen.delete(row.path);
  }
}
