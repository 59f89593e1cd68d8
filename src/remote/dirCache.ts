/**
 * A short-lived cache of directory listings for one site. No vscode import.
 *
 * Rules:
 * - A listing is fresh for `ttlMs` (a few seconds); `stat` of a child answers from its parent's fresh listing.
 * - A directory whose listing failed with "not found" is remembered as missing for the same time.
 * - A fresh listing of an ancestor that lacks a path segment proves the path missing without a request.
 * - Concurrent requests for the same directory share one LIST.
 * - Invalidation (own writes) drops the listing and makes a LIST already under way unable to store its
 *   result, so a listing from before a write never comes back after it.
 */
import type { FileEntry } from '../ftp';
import { isUnder, joinPath, normalizePath, parentPath } from './uri';

export const DEFAULT_TTL_MS = 5000;

export type Lookup = { state: 'found'; entry: FileEntry } | { state: 'missing' } | { state: 'unknown' };

/** What a fetch of a directory listing found: its entries, or that the directory does not exist. */
export type Listing = FileEntry[] | 'missing';

interface Slot {
  at: number;
  /** When the listing was asked of the server (its fetch began; `at` for one stored without a fetch). */
  askedAt: number;
  missing: boolean;
  entries: Map<string, FileEntry>;
  list: FileEntry[];
}

interface Inflight {
  promise: Promise<Listing>;
  valid: boolean;
}

export const ROOT_ENTRY: FileEntry = { name: '', type: 'dir' };

export class DirCache {
  private readonly slots = new Map<string, Slot>();
  private readonly inflight = new Map<string, Inflight>();

  constructor(
    readonly ttlMs = DEFAULT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The fresh listing of `dir`, 'missing', or undefined when not cached (or stale). */
  get(dir: string): Listing | undefined {
    const s = this.fresh(normalizePath(dir));
    if (!s) return undefined;
    return s.missing ? 'missing' : s.list;
  }

  /**
   * The listing of `dir`: the fresh cached one, the one already being fetched, or a new fetch.
   * Errors of `fetch` propagate to every caller waiting for it and are not cached.
   */
  list(dir: string, fetch: () => Promise<Listing>): Promise<Listing> {
    const d = normalizePath(dir);
    const cached = this.get(d);
    if (cached !== undefined) return Promise.resolve(cached);
    const running = this.inflight.get(d);
    if (running) return running.promise;
    const record: Inflight = { promise: Promise.resolve('missing'), valid: true };
    const askedAt = this.now();
    record.promise = (async () => {
      try {
        const result = await fetch();
        if (record.valid) this.store(d, result, askedAt);
        return result;
      } finally {
        if (this.inflight.get(d) === record) this.inflight.delete(d);
      }
    })();
    this.inflight.set(d, record);
    return record.promise;
  }

  /** Store a listing (or 'missing') for `dir` now (`askedAt`: when it was asked of the server, if before). */
  store(dir: string, listing: Listing, askedAt?: number): void {
    const d = normalizePath(dir);
    const list = listing === 'missing' ? [] : listing;
    const at = this.now();
    this.slots.set(d, {
      at,
      askedAt: askedAt ?? at,
      missing: listing === 'missing',
      list,
      entries: new Map(list.map((e) => [e.name, e])),
    });
  }

  /** Whether the cached listing of `dir` was asked of the server less than `ms` ago. */
  askedWithin(dir: string, ms: number): boolean {
    const s = this.fresh(normalizePath(dir));
    return s !== undefined && this.now() - s.askedAt < ms;
  }

  /** The entry `name` of the fresh listing of `dir` (undefined when that is not cached, or has no such entry). */
  entry(dir: string, name: string): FileEntry | undefined {
    const s = this.fresh(normalizePath(dir));
    return s && !s.missing ? s.entries.get(name) : undefined;
  }

  /** What the cache knows about `path` without asking the server. */
  lookup(path: string): Lookup {
    const p = normalizePath(path);
    if (p === '/') return { state: 'found', entry: ROOT_ENTRY };
    const segs = p.split('/').slice(1);
    let dir = '/';
    for (let i = 0; i < segs.length; i++) {
      const slot = this.fresh(dir);
      if (slot) {
        if (slot.missing) return { state: 'missing' };
        const e = slot.entries.get(segs[i]);
        if (!e) return { state: 'missing' };
        if (i === segs.length - 1) return { state: 'found', entry: e };
        if (e.type === 'file') return { state: 'missing' };
      }
      dir = joinPath(dir, segs[i]);
    }
    return { state: 'unknown' };
  }

  /**
   * Our own write changed `path`'s entry (or made it) and nothing else in its folder: put `entry` in place of the
   * old one (or add it) in the folder's listing, if that listing is still `list` (the one the write looked at, fetched for it) and fresh;
   * else forget the folder as invalidatePath does. A listing under way is dropped either way (it may predate the
   * write). Returns whether the listing was kept.
   */
  replace(path: string, entry: FileEntry, list: FileEntry[]): boolean {
    const p = normalizePath(path);
    const dir = parentPath(p);
    this.dropInflight((k) => k === dir);
    const slot = this.fresh(dir);
    const i = slot && slot.list === list ? list.findIndex((e) => e.name === entry.name) : -2;
    if (!slot || i === -2) {
      this.invalidatePath(p);
      return false;
    }
    // (A new file of ours: added, as the listing would show it now.)
    if (i < 0) list.push(entry);
    else list[i] = entry;
    slot.entries.set(entry.name, entry);
    return true;
  }

  /** Forget the listing of `dir` (its entries changed). */
  invalidate(dir: string): void {
    const d = normalizePath(dir);
    this.slots.delete(d);
    this.dropInflight((k) => k === d);
  }

  /** `path` was created, changed or deleted: forget its parent's listing, and everything at or under it. */
  invalidatePath(path: string): void {
    const p = normalizePath(path);
    this.invalidate(parentPath(p));
    for (const k of [...this.slots.keys()]) if (isUnder(k, p)) this.slots.delete(k);
    this.dropInflight((k) => isUnder(k, p));
  }

  clear(): void {
    this.slots.clear();
    this.dropInflight(() => true);
  }

  private dropInflight(match: (dir: string) => boolean): void {
    for (const [k, rec] of [...this.inflight]) {
      if (match(k)) {
        rec.valid = false;
        this.inflight.delete(k);
      }
    }
  }

  private fresh(dir: string): Slot | undefined {
    const s = this.slots.get(dir);
    if (!s) return undefined;
    if (this.now() - s.at >= this.ttlMs) {
      this.slots.delete(dir);
      return undefined;
    }
    return s;
  }
}
