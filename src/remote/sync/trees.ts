/**
 * The two sides of a sync as flat maps: relative path ('a/b.txt', '/'-separated) to what is there. The local tree
 * from the disk, the remote one from one fresh listing per folder (never the cache: a sync decides what to
 * replace or delete from it). What the ignore rules leave out is not walked into; links are recorded, never
 * followed into (a link on the server may lead anywhere, or to a folder above it).
 */
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { isSafeSaveTemp, type FileEntry } from '../../ftp';
import { listingSignature } from '../download';
import type { Site } from '../site';
import { checkCancelled, connectionsFor, endRun, folderConnections, walkInParallel, type Found, type Widened } from '../transfers';
import { joinPath, parentPath } from '../uri';
import type { IgnoreRules } from './ignore';

export interface TreeNode {
  /** 'link': a symbolic link not followed (on the server any link; locally a link to a folder or to nothing). */
  type: 'file' | 'dir' | 'link' | 'other';
  size?: number;
  mtimeMs?: number;
  /** Remote: the listing's entry (an upload passes it on, so nothing is looked up again). */
  entry?: FileEntry;
  /** A link's target, when known. */
  target?: string;
  /** A folder holding something the ignore rules leave out: it cannot be deleted as empty. */
  holdsExcluded?: boolean;
}

export type Tree = Map<string, TreeNode>;

/** The state file a sync keeps in the local folder (state.ts): never synced itself. */
export const STATE_FILE = '.ftpexplorer-sync.json';

/** A download's temporary file (download.ts partName): a leftover of a cut download, never synced. */
export function isPartFile(name: string): boolean {
  return /^\..*\.[0-9a-f]{8}\.ftpx-part$/.test(name);
}

export interface WalkOptions {
  ignore: IgnoreRules;
  /** Read .gitignore files of the local tree into `ignore` as the walk meets them. */
  gitignore: boolean;
  signal?: AbortSignal;
}

/** What a walk found besides the tree: leftovers of interrupted transfers (relative paths). */
export interface Walked {
  tree: Tree;
  leftovers: string[];
}

/** The local folder `root` (missing: an empty tree). */
export async function walkLocal(root: string, o: WalkOptions): Promise<Walked> {
  const tree: Tree = new Map();
  const leftovers: string[] = [];
  const rootStat = await fsp.stat(root).catch(() => undefined);
  if (!rootStat) return { tree, leftovers };
  if (!rootStat.isDirectory()) throw new Error(`${root} is not a folder`);
  const walk = async (rel: string): Promise<void> => {
    checkCancelled(o.signal);
    const abs = rel ? nodePath.join(root, ...rel.split('/')) : root;
    const dirents = await fsp.readdir(abs, { withFileTypes: true });
    if (o.gitignore && dirents.some((d) => d.name === '.gitignore' && d.isFile())) {
      o.ignore.addGitignore(rel, await fsp.readFile(nodePath.join(abs, '.gitignore'), 'utf8'));
    }
    const dirs: string[] = [];
    for (const d of dirents) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (isPartFile(d.name)) {
        leftovers.push(r);
        continue;
      }
      if (!rel && d.name === STATE_FILE) continue;
      const p = nodePath.join(abs, d.name);
      let node: TreeNode;
      if (d.isDirectory()) node = { type: 'dir' };
      else if (d.isFile()) node = await fileNode(p);
      else if (d.isSymbolicLink()) {
        // A link to a file is uploaded as that file (as put -r does); a link to a folder is not walked into.
        const st = await fsp.stat(p).catch(() => undefined);
        node = st?.isFile() ? { type: 'file', size: st.size, mtimeMs: Math.floor(st.mtimeMs) } : { type: 'link', target: await fsp.readlink(p).catch(() => undefined) };
      } else node = { type: 'other' };
      if (o.ignore.ignores(r, node.type === 'dir')) {
        markExcluded(tree, rel);
        continue;
      }
      tree.set(r, node);
      if (node.type === 'dir') dirs.push(r);
    }
    for (const r of dirs) await walk(r);
  };
  await walk('');
  return { tree, leftovers };
}

async function fileNode(p: string): Promise<TreeNode> {
  const st = await fsp.stat(p);
  return { type: 'file', size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
}

/**
 * The remote folder `root` (missing: an empty tree, `exists` false), folders listed `parallel` at a time, or as many
 * as a folder transfer uses over a long round trip (folderConnections: the pool widened while the walk lasts).
 * Where the site's MLSD shows links as what they lead to (pyftpdlib), one LIST per folder tells them; where even
 * LIST follows them (ftp-srv), a folder that lists exactly as one above it is that folder again: a link.
 */
export async function walkRemote(site: Site, root: string, o: WalkOptions & { parallel: number }): Promise<Walked & { exists: boolean }> {
  const tree: Tree = new Map();
  const leftovers: string[] = [];
  forgetAncestors(site, root);
  const first = await site.freshListing(root);
  if (first === 'missing') return { tree, leftovers, exists: false };
  interface Job {
    rel: string;
    above: string[];
    listing?: FileEntry[];
  }
  const list = async (job: Job): Promise<Found<never, Job>> => {
    const found: Found<never, Job> = { files: [], dirs: [] };
    const dir = job.rel ? joinPath(root, job.rel) : root;
    const raw = job.listing ?? (await site.freshListing(dir));
    if (raw === 'missing') return found; // gone since its parent was listed
    const listing = site.usable(dir, raw);
    const seen = listingSignature(listing);
    if (seen && job.above.includes(seen)) {
      tree.set(job.rel, { type: 'link' });
      return found;
    }
    const byList = site.links.listingMayHideLinks && listing.length > 0;
    for (const e of listing) {
      const r = job.rel ? `${job.rel}/${e.name}` : e.name;
      if (!job.rel && e.name === STATE_FILE) continue;
      if (isSafeSaveTemp(e.name)) {
        if (e.name.endsWith('.ftpx-tmp')) leftovers.push(r);
        continue;
      }
      let node: TreeNode = nodeOf(e);
      if (byList && node.type !== 'link') {
        const listed = await site.links.listed(joinPath(dir, e.name), site.cache.ttlMs).catch(() => undefined);
        if (listed?.type === 'symlink') node = { type: 'link', target: listed.target };
      }
      if (o.ignore.ignores(r, node.type === 'dir')) {
        markExcluded(tree, job.rel);
        continue;
      }
      tree.set(r, node);
      if (node.type === 'dir') found.dirs.push({ rel: r, above: [...job.above, seen] });
    }
    return found;
  };
  // Folders several at a time, over the pool's connections: a listing mostly waits for the server over a long
  // round trip, as a file does.
  const widened: Widened = {};
  try {
    await walkInParallel<never, Job>(
      { rel: '', above: [], listing: first },
      () => Math.max(o.parallel, folderConnections(site)),
      o.signal,
      list,
      async () => undefined,
      (waiting) => connectionsFor(site, widened, waiting),
    );
  } finally {
    endRun(widened);
  }
  return { tree, leftovers, exists: true };
}

/**
 * Forget the cached listings of the folders above `p`: the cache answers a path from the listings of its
 * ancestors, and one taken before the synced folder was made (a few seconds ago) would call all of it missing.
 */
export function forgetAncestors(site: Site, p: string): void {
  for (let d = p; d !== '/'; d = parentPath(d)) site.cache.invalidate(parentPath(d));
}

/** The folder `rel` and those above it hold something left out. */
function markExcluded(tree: Tree, rel: string): void {
  for (let r = rel; r; r = r.includes('/') ? r.slice(0, r.lastIndexOf('/')) : '') {
    const n = tree.get(r);
    if (n) n.holdsExcluded = true;
  }
}

function nodeOf(e: FileEntry): TreeNode {
  switch (e.type) {
    case 'file':
      return { type: 'file', size: e.size, mtimeMs: e.mtimeMs, entry: e };
    case 'dir':
      return { type: 'dir', entry: e };
    case 'symlink':
      return { type: 'link', target: e.target, entry: e };
    default:
      return { type: 'other', entry: e };
  }
}
