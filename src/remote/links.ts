/**
 * What a site knows of its symbolic links: where each one leads, and what is there. A listing says only "link"
 * (LIST's `l` with `name -> target`; MLSD's OS-specific types, RFC 3659 §7.5.1, where proftpd and pure-ftpd give
 * no target and pyftpdlib follows the link and says `type=file`). So a link's target path is read from the
 * listing, or from a LIST of its folder, and looked up in its own folder's listing (through the site's cache):
 * a chain of links is followed a bounded number of hops, and a link that leads back to itself, or to a folder
 * it is in, is a loop. Where that cannot answer (no target known, or too many folders to list), CWD tells a
 * link to a folder from a link to a file (it works only into a folder).
 */
import { isConnectionLost, type FileEntry, type ListOptions } from '../ftp';
import type { Lookup } from './dirCache';
import { isUnder, joinPath, normalizePath, parentPath } from './uri';

export type LinkKind = 'dir' | 'file';

/** What a link finally leads to; `chain` is every link followed, the first one first. */
export type Resolution =
  /** `loop`: a folder that holds the link (a walk into it would never end); a link to a folder all the same. */
  | { kind: 'dir' | 'file'; path: string; entry: FileEntry; chain: string[]; loop?: boolean }
  /** It leads back to a link of the chain: it leads nowhere. */
  | { kind: 'loop'; path: string; chain: string[] }
  /** Nothing is at `path` (a dangling link, or one that leads outside what the server shows). */
  | { kind: 'missing'; path: string; chain: string[] }
  /** The server does not say where it leads, or finding out would take more listings than allowed. */
  | { kind: 'unknown'; chain: string[] };

/** Links followed from one link before it counts as a loop (Linux gives up after 40). */
export const MAX_LINK_HOPS = 20;
/** Links probed with CWD in one pool operation, so a folder of many links does not hold a connection long. */
export const MAX_LINK_PROBES = 32;
/** Folders listed (their own listing, or LIST for targets) to type the links of one folder, beyond those cached. */
export const MAX_LINK_LISTINGS = 8;

/** What LinkKinds needs of its site (SiteCore has it). */
export interface LinkSite {
  lookup(p: string): Promise<FileEntry | undefined>;
  readonly cache: { lookup(p: string): Lookup; invalidate(dir: string): void; readonly ttlMs: number };
  readonly traits: { mlsd?: boolean };
  readonly opts: { info?: (text: string) => void; now?: () => number };
  run<T>(op: string, path: string, fn: (c: LinkClient) => Promise<T>, o?: { idempotent?: boolean }): Promise<T>;
}

interface LinkClient {
  cd(path: string): Promise<void>;
  list(path?: string, opts?: ListOptions): Promise<FileEntry[]>;
}

/** How much a resolution may cost: `listings` not in a cache; `fresh`: read what is on the server now (saves). */
interface Budget {
  listings: number;
  fresh: boolean;
}

export class LinkKinds {
  private readonly kinds = new Map<string, LinkKind | 'loop'>();
  /** Link targets read from LIST (a link's target seldom changes; a save reads it again). */
  private readonly targets = new Map<string, string>();
  /** LIST listings of folders (link targets), and when they were read. */
  private readonly lists = new Map<string, { at: number; entries: FileEntry[] }>();
  /** An MLSD listing of this site has shown a link as a link (so its MLSD does not follow links). */
  private mlsdShowsLinks = false;
  private readonly said = new Set<string>();

  constructor(private readonly site: LinkSite) {}

  /** 'loop': the link leads back to itself (typed as a link to nothing). */
  get(p: string): LinkKind | 'loop' | undefined {
    return this.kinds.get(p);
  }

  /** The kind of one link, found out when not known yet; a link that cannot be entered is a file. */
  async kind(p: string): Promise<LinkKind> {
    if (!this.kinds.has(p)) await this.probe([p]);
    const k = this.kinds.get(p);
    return k === 'dir' ? 'dir' : 'file';
  }

  /** Note entries of a site listing: one shown as a link proves the server's MLSD shows links. */
  observe(entries: FileEntry[]): void {
    if (this.site.traits.mlsd === true && entries.some((e) => e.type === 'symlink')) this.mlsdShowsLinks = true;
  }

  /**
   * Whether the site's listing may show a link as what it leads to: MLSD that has never shown a link (pyftpdlib
   * follows them). LIST shows `l` on every server that can tell (ftp-srv's LIST follows links: nothing can).
   */
  get listingMayHideLinks(): boolean {
    return this.site.traits.mlsd === true && !this.mlsdShowsLinks;
  }

  /**
   * The entry of `p` as LIST shows it (a link as a link, with its target), from a LIST of its folder at most
   * `maxAgeMs` old; undefined when LIST does not show it.
   */
  async listed(p: string, maxAgeMs: number): Promise<FileEntry | undefined> {
    const dir = parentPath(p);
    const name = p.slice(p.lastIndexOf('/') + 1);
    return (await this.listFolder(dir, maxAgeMs)).find((e) => e.name === name);
  }

  /** Type every link of a folder's listing: from the listings (bounded), the rest with CWD in batches. */
  async typeAll(dir: string, entries: FileEntry[]): Promise<void> {
    this.observe(entries);
    const budget: Budget = { listings: MAX_LINK_LISTINGS, fresh: false };
    const rest: string[] = [];
    for (const e of entries) {
      const p = joinPath(dir, e.name);
      if (e.type !== 'symlink' || this.kinds.has(p)) continue;
      // A listing the server refuses (a folder it may not read) leaves the link to CWD, which says what it can.
      const r = await this.follow(p, e, budget).catch(() => undefined);
      if (r?.kind === 'dir' || r?.kind === 'file' || r?.kind === 'loop') this.kinds.set(p, r.kind);
      else rest.push(p);
    }
    for (let i = 0; i < rest.length; i += MAX_LINK_PROBES) await this.probe(rest.slice(i, i + MAX_LINK_PROBES));
  }

  /**
   * Follow the link `p` (whose listing entry is `entry`) to what it leads to. `fresh` (saves): every folder is
   * read from the server now, and where the listing may hide links each step is checked with LIST.
   */
  async resolve(p: string, entry: FileEntry, fresh: boolean): Promise<Resolution> {
    return this.follow(p, entry, { listings: MAX_LINK_LISTINGS, fresh });
  }

  private async follow(p: string, entry: FileEntry, budget: Budget): Promise<Resolution> {
    const chain: string[] = [];
    let cur = p;
    let e = entry;
    for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
      chain.push(cur);
      const target = e.target || (await this.targetOf(cur, budget));
      if (!target) return { kind: 'unknown', chain };
      const next = target.startsWith('/') ? normalizePath(target) : joinPath(parentPath(cur), target);
      if (chain.includes(next)) return this.loop(next, chain);
      const loop = chain.some((c) => isUnder(c, next));
      if (loop) this.sayLoop(next, chain, 'a folder that holds it');
      if (budget.fresh) this.site.cache.invalidate(parentPath(next));
      else if (this.site.cache.lookup(next).state === 'unknown' && !spend(budget)) return { kind: 'unknown', chain };
      let found = await this.site.lookup(next);
      if (found) this.observe([found]);
      // A save reads LIST too where MLSD may show a link as what it leads to, or leave it out (a loop).
      if (budget.fresh && this.site.traits.mlsd === true && (!found || (found.type !== 'symlink' && this.listingMayHideLinks))) {
        const l = await this.listed(next, 0);
        if (l?.type === 'symlink') found = l;
      }
      if (!found) return { kind: 'missing', path: next, chain };
      if (found.type !== 'symlink') return { kind: found.type === 'dir' ? 'dir' : 'file', path: next, entry: found, chain, loop };
      cur = next;
      e = found;
    }
    return this.loop(cur, chain);
  }

  private loop(path: string, chain: string[]): Resolution {
    this.sayLoop(path, chain, 'itself');
    return { kind: 'loop', path, chain };
  }

  /** Say `text` in the log once for `key`. */
  note(key: string, text: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.site.opts.info?.(text);
  }

  /** Said once per link: the log tells the user why a link is not followed. */
  private sayLoop(path: string, chain: string[], what: string): void {
    const first = chain[0];
    this.note(`loop:${first}`, `${first} is a loop of links: it leads back to ${what} (${[...chain, path].join(' -> ')}). It is not followed.`);
  }

  /** The target of a link whose listing entry does not say it (MLSD): from a LIST of its folder. */
  private async targetOf(p: string, budget: Budget): Promise<string | undefined> {
    if (!budget.fresh && this.targets.has(p)) return this.targets.get(p);
    const dir = parentPath(p);
    const cached = this.lists.get(dir);
    const maxAge = budget.fresh ? 0 : this.site.cache.ttlMs;
    if (!(cached && this.now() - cached.at <= maxAge) && !spend(budget)) return undefined;
    const e = await this.listed(p, maxAge);
    return e?.type === 'symlink' ? e.target : undefined;
  }

  private async listFolder(dir: string, maxAgeMs: number): Promise<FileEntry[]> {
    const cached = this.lists.get(dir);
    if (cached && maxAgeMs > 0 && this.now() - cached.at <= maxAgeMs) return cached.entries;
    const entries = await this.site.run('list', dir, (c) => c.list(dir, { useList: true }), { idempotent: true });
    // Only what is recent enough to answer again is kept (a LIST of a large folder is large).
    for (const [k, v] of this.lists) if (this.now() - v.at > this.site.cache.ttlMs) this.lists.delete(k);
    this.lists.set(dir, { at: this.now(), entries });
    for (const e of entries) if (e.type === 'symlink' && e.target) this.targets.set(joinPath(dir, e.name), e.target);
    return entries;
  }

  private now(): number {
    return (this.site.opts.now ?? Date.now)();
  }

  /** Tell links to folders from links to files: CWD works only into a folder. One pool operation. */
  async probe(paths: string[]): Promise<void> {
    await this.site.run(
      'list',
      parentPath(paths[0]),
      async (c) => {
        for (const p of paths) {
          try {
            await c.cd(p);
            this.kinds.set(p, 'dir');
          } catch (err) {
            if (isConnectionLost(err)) throw err;
            this.kinds.set(p, 'file');
          }
        }
      },
      { idempotent: true },
    );
  }

  /** Forget what is known at and under `p` (it was deleted or renamed). */
  forget(p: string): void {
    for (const k of [...this.kinds.keys()]) if (isUnder(k, p)) this.kinds.delete(k);
    for (const k of [...this.targets.keys()]) if (isUnder(k, p)) this.targets.delete(k);
    for (const k of [...this.lists.keys()]) if (isUnder(k, p) || isUnder(p, k)) this.lists.delete(k);
  }
}

/** Whether one more listing may be read. A save's are bounded by MAX_LINK_HOPS instead (a few per hop). */
function spend(budget: Budget): boolean {
  if (budget.fresh) return true;
  if (budget.listings <= 0) return false;
  budget.listings--;
  return true;
}
