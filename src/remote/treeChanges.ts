/** A site's changes to the tree: new folders, delete, rename. */
import { FsError } from './fsErrors';
import type { SiteCore } from './siteCore';
import type { RemoteClient } from './siteTypes';
import { isUnder, joinPath, normalizePath } from './uri';

export async function createDirectory(site: SiteCore, path: string): Promise<void> {
  const p = normalizePath(path);
  site.assertWritable(p);
  if (p === '/') throw new FsError('FileExists', '/ exists already');
  const entry = await site.lookup(p);
  if (entry) throw new FsError('FileExists', `${p} exists already`);
  await site.assertParentExists(p);
  try {
    await site.pool.run((c) => c.mkdir(p));
  } catch (err) {
    site.cache.invalidatePath(p);
    throw site.fsError(err, 'create folder', p);
  }
  site.cache.invalidatePath(p);
  site.cache.store(p, []);
  site.emit([{ type: 'created', path: p }]);
}

export async function deletePath(site: SiteCore, path: string, opts: { recursive: boolean }): Promise<void> {
  const p = normalizePath(path);
  site.assertWritable(p);
  if (p === '/') throw new FsError('NoPermissions', 'The root folder cannot be deleted');
  const entry = await site.lookup(p);
  if (!entry) throw site.notFound(p);
  try {
    await site.pool.run(async (c) => {
      if (entry.type === 'dir') {
        if (opts.recursive) await removeTree(c, p);
        else await c.rmdir(p);
      } else {
        await c.delete(p);
      }
    });
  } catch (err) {
    site.cache.invalidatePath(p);
    throw site.fsError(err, 'delete', p);
  }
  site.links.forget(p);
  site.cache.invalidatePath(p);
  site.emit([{ type: 'deleted', path: p }]);
}

export async function rename(site: SiteCore, from: string, to: string, opts: { overwrite: boolean }): Promise<void> {
  const a = normalizePath(from);
  const b = normalizePath(to);
  site.assertWritable(b);
  if (a === '/') throw new FsError('NoPermissions', 'The root folder cannot be renamed');
  if (a === b) return;
  if (isUnder(b, a)) throw new FsError('NoPermissions', `Cannot move ${a} into itself`);
  const src = await site.lookup(a);
  if (!src) throw site.notFound(a);
  const dst = await site.lookup(b);
  if (dst && !opts.overwrite) throw new FsError('FileExists', `${b} exists already`);
  if (!dst) await site.assertParentExists(b);
  try {
    await site.pool.run(async (c) => {
      if (dst) {
        if (dst.type === 'dir') await removeTree(c, b);
        else await c.delete(b);
      }
      await c.rename(a, b);
    });
  } catch (err) {
    site.cache.invalidatePath(a);
    site.cache.invalidatePath(b);
    throw site.fsError(err, 'rename', a);
  }
  site.links.forget(a);
  site.links.forget(b);
  site.cache.invalidatePath(a);
  site.cache.invalidatePath(b);
  site.emit([
    { type: 'deleted', path: a },
    { type: 'created', path: b },
  ]);
}

/** Delete a folder and everything in it, on one client (never a second pool lease: no deadlock at size 1). */
async function removeTree(c: RemoteClient, dir: string): Promise<void> {
  const entries = await c.list(dir);
  for (const e of entries) {
    if (e.name === '.' || e.name === '..') continue;
    const full = joinPath(dir, e.name);
    if (e.type === 'dir') await removeTree(c, full);
    else await c.delete(full);
  }
  await c.rmdir(dir);
}
