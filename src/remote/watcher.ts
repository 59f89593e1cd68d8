/**
 * Watching the server for changes made by others. FTP has no way to be told of them (RFC 959 has no such command),
 * so what the user is looking at is listed again every `pollSeconds` of its connection and compared with what was
 * seen the time before; what differs becomes the site's change events (SiteCore.emit), which the provider turns
 * into onDidChangeFile (unmodified editors reload) and the tree into refreshes. No vscode import: the provider and
 * the tree only register what is watched (watch()) and what VS Code listed (listed()).
 *
 * Bounded cost, because every listing is a LIST (and a data connection) on the user's server:
 * - only what is registered: files open in editors, folders VS Code watches, folders expanded in the tree;
 * - one listing per folder per poll (a watched file is checked through its folder's listing), one folder after
 *   the other, so a poll holds at most one connection of the pool;
 * - nothing while the window is not focused, nothing on a site that was disconnected (polling never reconnects
 *   one), never two polls of one connection at once;
 * - nothing from a read that failed: the snapshot of that folder stays, and the next poll compares with it.
 */
import type { FileEntry } from '../ftp';
import type { Change } from './changes';
import { DEFAULT_POLL_SECONDS } from './config';
import { FsError } from './fsErrors';
import { probeAnchor } from './probes';
import { withPreciseTime } from './preciseTime';
import type { SiteCore } from './siteCore';
import { baseName, isUnder, joinPath, normalizePath, parentPath } from './uri';

/**
 * A recursive watch (VS Code watches each workspace folder recursively) polls its folder and at most this many of
 * the folders under it that VS Code listed most recently (the ones the Explorer shows expanded). Not the whole
 * tree: that is one LIST per folder of the site every interval, for folders nobody is looking at.
 */
export const MAX_RECENT_FOLDERS = 16;

/** Folders VS Code listed, remembered per connection (most recent last), for recursive watches. */
const MAX_REMEMBERED = 64;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** setTimeout, unref'd: a pending poll never keeps the extension host (or a CLI) alive. */
export const NODE_TIMERS: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface WatchersOptions {
  /** The sites that exist. A watch of a connection whose site does not exist (yet) waits: polling never makes one. */
  sites: () => readonly SiteCore[];
  /** Whether the window is focused at the start. */
  focused?: boolean;
  timers?: Timers;
  now?: () => number;
}

interface Registration {
  path: string;
  recursive: boolean;
  /** Known to be a folder (the tree's), or a file; undefined: learned from the listings. */
  folder?: boolean;
  count: number;
}

export interface WatchOptions {
  recursive: boolean;
  /** The caller knows `path` is a folder (true) or a file (false). */
  folder?: boolean;
}

/** What a listing said about one entry: type, size and mtime, as compared from one poll to the next. */
type Seen = Map<string, string>;

function signature(e: FileEntry): string {
  return `${e.type}|${e.size ?? ''}|${e.mtimeMs ?? ''}`;
}

/** The watches of all connections; one Poller per connection (URI authority). */
export class Watchers {
  private readonly pollers = new Map<string, Poller>();
  private focusedNow: boolean;
  private disposed = false;
  readonly timers: Timers;
  readonly now: () => number;

  constructor(private readonly opts: WatchersOptions) {
    this.focusedNow = opts.focused ?? true;
    this.timers = opts.timers ?? NODE_TIMERS;
    this.now = opts.now ?? Date.now;
  }

  get focused(): boolean {
    return this.focusedNow && !this.disposed;
  }

  /** Watch `path` of the connection `authority` until the returned function is called. */
  watch(authority: string, path: string, opts: WatchOptions): () => void {
    if (this.disposed) return () => undefined;
    const poller = this.poller(authority);
    const release = poller.add(normalizePath(path), opts);
    const site = this.site(authority);
    if (site) poller.seed(site);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
      // The poller stays (a few per window): it remembers the folders VS Code listed for the next recursive watch.
      if (poller.empty) poller.forget();
    };
  }

  /**
   * VS Code listed `dir` (readDirectory): a recursive watch above it polls it too, even one that begins after
   * (VS Code lists a new workspace folder and watches it in either order).
   */
  listed(authority: string, dir: string): void {
    if (!this.disposed) this.poller(authority).noteListed(normalizePath(dir));
  }

  /** The window gained or lost focus: polling stops while it is not focused, and catches up when it is again. */
  setFocused(focused: boolean): void {
    if (focused === this.focusedNow) return;
    this.focusedNow = focused;
    for (const p of this.pollers.values()) p.arm();
  }

  /** Settings changed (pollSeconds): arm the timers again. */
  refresh(): void {
    for (const p of this.pollers.values()) p.arm(true);
  }

  /** Poll one connection now (or each); resolves when done. */
  async poll(authority?: string): Promise<void> {
    const ps = authority ? [this.pollers.get(authority.toLowerCase())] : [...this.pollers.values()];
    await Promise.all(ps.map((p) => p?.poll()));
  }

  /** Resolves when no poll is running (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((p) => p.running));
  }

  /** The site of a URI authority, if it exists (case-insensitive, as VS Code compares authorities). */
  site(authority: string): SiteCore | undefined {
    const a = authority.toLowerCase();
    return this.opts.sites().find((s) => s.name.toLowerCase() === a || [...s.authorities].some((x) => x.toLowerCase() === a));
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.pollers.values()) p.stop();
    this.pollers.clear();
  }

  private poller(authority: string): Poller {
    const key = authority.toLowerCase();
    let p = this.pollers.get(key);
    if (!p) {
      p = new Poller(key, this);
      this.pollers.set(key, p);
    }
    return p;
  }
}

/** The watches of one connection, its timer, and what its last poll saw. */
class Poller {
  private readonly regs = new Map<string, Registration>();
  /** Folders VS Code listed, least recent first. */
  private readonly recent = new Set<string>();
  /** Per folder: name -> signature, from the last listing that worked. */
  private readonly seen = new Map<string, Seen>();
  /** Per watched file: its time to the second (MLST or MDTM) when its listing has no seconds. */
  private readonly precise = new Map<string, number>();
  private site: SiteCore | undefined;
  private timer: unknown;
  /** When the last poll ended. */
  private last = 0;
  running: Promise<void> | undefined;

  constructor(
    readonly authority: string,
    private readonly owner: Watchers,
  ) {}

  get empty(): boolean {
    return this.regs.size === 0;
  }

  add(path: string, opts: WatchOptions): () => void {
    const key = `${opts.recursive ? 'r' : 'n'}|${path}`;
    // The first watch: VS Code has just read what it watches, so the first poll is one interval away.
    if (this.empty) this.last = this.owner.now();
    const reg = this.regs.get(key) ?? { path, recursive: opts.recursive, folder: opts.folder, count: 0 };
    if (opts.folder !== undefined) reg.folder = opts.folder;
    reg.count++;
    this.regs.set(key, reg);
    if (reg.count === 1) this.arm();
    return () => {
      if (--reg.count === 0) this.regs.delete(key);
    };
  }

  noteListed(dir: string): void {
    this.recent.delete(dir);
    this.recent.add(dir);
    if (this.recent.size > MAX_REMEMBERED) this.recent.delete(this.recent.values().next().value as string);
  }

  /** Nothing is watched any more: no timer, and what was seen is no baseline for a later watch. */
  forget(): void {
    this.stop();
    this.site = undefined;
  }

  stop(): void {
    if (this.timer !== undefined) this.owner.timers.clear(this.timer);
    this.timer = undefined;
  }

  /** Set the timer for the next poll (none: nothing watched, not focused, or polling off for this connection). */
  arm(again = false): void {
    if (again || !this.owner.focused || this.empty) this.stop();
    if (this.timer !== undefined || this.running || !this.owner.focused || this.empty) return;
    const seconds = this.owner.site(this.authority)?.config.pollSeconds ?? DEFAULT_POLL_SECONDS;
    if (!(seconds > 0)) return;
    // After a time without focus the poll is due at once: what changed meanwhile shows when the user is back.
    const wait = Math.max(0, this.last + seconds * 1000 - this.owner.now());
    this.timer = this.owner.timers.set(() => {
      this.timer = undefined;
      void this.poll();
    }, wait);
  }

  /** One poll: list what is watched, compare, emit the differences. Joins a poll under way instead of overlapping. */
  poll(): Promise<void> {
    if (!this.running) {
      this.stop();
      this.running = this.pollOnce().finally(() => {
        this.running = undefined;
        this.last = this.owner.now();
        this.arm();
      });
    }
    return this.running;
  }

  /**
   * What VS Code read just before it began to watch (the site's cached listings) is the first baseline, so a change
   * made right after it shows in the first poll too.
   */
  seed(site: SiteCore): void {
    this.adopt(site);
    for (const dir of this.plan(site).dirs) {
      if (this.seen.has(dir)) continue;
      const listing = site.cache.get(dir);
      if (listing && listing !== 'missing') this.seen.set(dir, seenOf(site.usable(dir, listing)));
    }
  }

  /** A new site object (its settings changed) starts again: what the old one saw is no baseline for it. */
  private adopt(site: SiteCore): void {
    if (site === this.site) return;
    this.site = site;
    this.seen.clear();
    this.precise.clear();
  }

  private async pollOnce(): Promise<void> {
    const site = this.owner.site(this.authority);
    if (!site || site.disconnectedByUser || !this.owner.focused) return;
    this.adopt(site);
    const { dirs, files } = this.plan(site);
    for (const d of [...this.seen.keys()]) if (!dirs.has(d)) this.seen.delete(d);
    for (const f of [...this.precise.keys()]) if (!files.has(f)) this.precise.delete(f);
    const changes: Change[] = [];
    const listed = new Map<string, FileEntry[]>();
    for (const dir of dirs) {
      const before = this.seen.get(dir);
      let entries: FileEntry[];
      try {
        const listing = await site.freshListing(dir);
        // A 550 on a folder is also how a server refuses to list it: no events from it. When the folder is gone,
        // its parent's listing says so if that is polled too.
        if (listing === 'missing') continue;
        entries = site.usable(dir, listing);
      } catch (err) {
        // Out of reach: the other folders would fail the same way, each after its own timeout.
        if (err instanceof FsError && err.kind === 'Unavailable') break;
        continue;
      }
      listed.set(dir, entries);
      const now = seenOf(entries);
      this.seen.set(dir, now);
      if (before) changes.push(...diff(dir, before, now));
    }
    for (const f of files) {
      const name = baseName(f);
      const entry = listed.get(parentPath(f))?.find((e) => e.name === name);
      if (entry && (await this.preciseChanged(site, f, entry)) && !changes.some((c) => c.path === f)) {
        changes.push({ type: 'changed', path: f });
      }
    }
    if (changes.length) site.emit(changes);
  }

  /** The folders to list and the files to check, from the registrations. */
  private plan(site: SiteCore): { dirs: Set<string>; files: Set<string> } {
    const dirs = new Set<string>();
    const files = new Set<string>();
    const recent = [...this.recent].reverse();
    for (const reg of this.regs.values()) {
      if (reg.recursive) {
        dirs.add(reg.path);
        let n = 0;
        for (const d of recent) {
          if (n >= MAX_RECENT_FOLDERS) break;
          if (d !== reg.path && isUnder(d, reg.path)) {
            dirs.add(d);
            n++;
          }
        }
      } else if (this.isFolder(site, reg.path, reg.folder)) {
        dirs.add(reg.path);
      } else {
        // VS Code watches .vscode/settings.json and the like in every workspace folder; they seldom exist. The
        // folder that would hold .vscode is listed, and .vscode itself only once it is there (no LIST that fails).
        const anchor = probeAnchor(reg.path);
        if (anchor && anchor !== reg.path) {
          dirs.add(parentPath(anchor));
          if (!this.seen.get(parentPath(anchor))?.has(baseName(anchor))) continue;
        }
        // A file (or not known yet): its folder's listing shows it; the poll after learns when it is a folder.
        dirs.add(parentPath(reg.path));
        files.add(reg.path);
      }
    }
    return { dirs, files };
  }

  private isFolder(site: SiteCore, p: string, hint?: boolean): boolean {
    if (hint !== undefined) return hint;
    // Listed as a folder: by this poller, by VS Code (readDirectory), or still in the site's cache.
    if (p === '/' || this.seen.has(p) || this.recent.has(p)) return true;
    const own = site.cache.get(p);
    if (own !== undefined && own !== 'missing') return true;
    const sig = this.seen.get(parentPath(p))?.get(baseName(p));
    const known = site.cache.lookup(p);
    const type = sig?.split('|')[0] ?? (known.state === 'found' ? known.entry.type : undefined);
    return type === 'dir' || (type === 'symlink' && site.links.get(p) === 'dir');
  }

  /**
   * LIST times on many servers (vsftpd) are whole minutes (older files: whole days), so a change that keeps the
   * size within the same minute does not show in the listing. For a watched file whose listed time has no
   * seconds, its time to the second (preciseTime.ts: MLST or MDTM, RFC 3659, once per listing) tells: one command
   * per open file per poll. The first answer is the baseline.
   */
  private async preciseChanged(site: SiteCore, p: string, e: FileEntry): Promise<boolean> {
    if (e.type !== 'file' || (e.mtimeMs !== undefined && e.mtimeMs % 60_000 !== 0)) return false;
    const t = (await withPreciseTime(site, p, e)).mtimeMs;
    if (t === undefined) return false;
    const before = this.precise.get(p);
    this.precise.set(p, t);
    return before !== undefined && before !== t;
  }
}

function seenOf(entries: FileEntry[]): Seen {
  return new Map(entries.map((e) => [e.name, signature(e)]));
}

/** The changes from one listing of `dir` to the next. A name whose type changed was deleted and created again. */
export function diff(dir: string, before: Seen, now: Seen): Change[] {
  const out: Change[] = [];
  for (const [name, sig] of now) {
    const was = before.get(name);
    const path = joinPath(dir, name);
    if (was === undefined) out.push({ type: 'created', path });
    else if (was.split('|')[0] !== sig.split('|')[0]) out.push({ type: 'deleted', path }, { type: 'created', path });
    else if (was !== sig) out.push({ type: 'changed', path });
  }
  for (const name of before.keys()) if (!now.has(name)) out.push({ type: 'deleted', path: joinPath(dir, name) });
  return out;
}
