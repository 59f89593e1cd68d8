/**
 * A site's changes to the tree: new folders, delete, rename. Nothing here follows a symbolic link: deleting a
 * folder removes the links in it, never what they lead to, and replacing something by a rename keeps it until
 * the rename has succeeded.
 */
import { FtpReplyError, isConnectionLost, tempName } from '../ftp';
import { FsError } from './fsErrors';
import { t } from './l10n';
import { applyDefaultMode } from './permissions';
import type { SiteCore } from './siteCore';
import type { RemoteClient } from './siteTypes';
import { baseName, isUnder, joinPath, normalizePath, parentPath } from './uri';

/**
 * MKD after a lookup shows the name missing (the parent's listing, from the cache or fetched for this). The listing
 * that showed it missing gets the new folder, and the new folder is known empty: the next folder made beside it, and
 * the files put into it (put -r, a sync), need no listing. On ftp-srv, whose MKD answers 257 for a folder that exists,
 * that holds as long as the cached listing is true (a few seconds), as for every lookup the cache answers.
 */
export async function createDirectory(site: SiteCore, path: string): Promise<void> {
  const p = normalizePath(path);
  site.assertWritable(p);
  if (p === '/') throw new FsError('FileExists', t('{0} exists already', '/'));
  const entry = await site.lookup(p);
  if (entry) throw new FsError('FileExists', t('{0} exists already', p));
  await site.assertParentExists(p);
  /** The parent's listing that showed the name missing, when it came from the cache or was fetched for this. */
  const parent = site.cache.get(parentPath(p));
  const seen = Array.isArray(parent) ? parent : undefined;
  try {
    await site.pool.run(async (c) => {
      await c.mkdir(p);
      await applyDefaultMode(site, c, p, 'folder');
    });
  } catch (err) {
    site.cache.invalidatePath(p);
    throw await site.explain(err, 'create folder', p, parentPath(p));
  }
  // Making a folder replaces nothing, and a name made meanwhile by someone else makes the MKD fail (DirCache.replace
  // forgets the listing as before if it changed meanwhile).
  if (!seen || !site.cache.replace(p, { name: baseName(p), type: 'dir' }, seen)) site.cache.invalidatePath(p);
  site.cache.store(p, []);
  site.emit([{ type: 'created', path: p }]);
}

export async function deletePath(site: SiteCore, path: string, opts: { recursive: boolean }): Promise<void> {
  const p = normalizePath(path);
  site.assertWritable(p);
  if (p === '/') throw new FsError('NoPermissions', t('The root folder cannot be deleted'));
  const entry = await site.lookup(p);
  if (!entry) throw site.notFound(p);
  try {
    await site.pool.run(async (c) => {
      if (entry.type === 'dir') {
        if (opts.recursive) await removeFolder(c, p);
        else if (!(await deletedAsLink(c, p))) await c.rmdir(p);
      } else {
        await c.delete(p);
      }
    });
  } catch (err) {
    site.cache.invalidatePath(p);
    throw await site.explain(err, 'delete', p);
  }
  site.links.forget(p);
  site.cache.invalidatePath(p);
  site.emit([{ type: 'deleted', path: p }]);
}

export async function rename(site: SiteCore, from: string, to: string, opts: { overwrite: boolean }): Promise<void> {
  const a = normalizePath(from);
  const b = normalizePath(to);
  site.assertWritable(b);
  if (a === '/') throw new FsError('NoPermissions', t('The root folder cannot be renamed'));
  if (a === b) return;
  if (isUnder(b, a)) throw new FsError('NoPermissions', t('Cannot move {0} into itself', a));
  const src = await site.lookup(a);
  if (!src) throw site.notFound(a);
  const dst = await site.lookup(b);
  if (dst && !opts.overwrite) throw new FsError('FileExists', t('{0} exists already', b));
  if (!dst) await site.assertParentExists(b);
  try {
    await site.pool.run(async (c) => {
      if (dst) await replace(site, c, a, b, dst.type === 'dir');
      else await c.rename(a, b);
    });
  } catch (err) {
    site.cache.invalidatePath(a);
    site.cache.invalidatePath(b);
    throw await site.explain(err, 'rename', a);
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

/**
 * Rename `a` over `b`, which exists: `b` is first renamed aside, and deleted only once `a` is in its place. When
 * the rename fails, `b` is put back; if even that fails, the log says where it is.
 */
async function replace(site: SiteCore, c: RemoteClient, a: string, b: string, folder: boolean): Promise<void> {
  const aside = tempName(b, 'old');
  await c.rename(b, aside);
  try {
    await c.rename(a, b);
  } catch (err) {
    try {
      await c.rename(aside, b);
    } catch (restoreErr) {
      site.opts.info?.(`Renaming ${a} to ${b} failed, and ${b} could not be put back: it is at ${aside} (${(restoreErr as Error).message}).`);
    }
    throw err;
  }
  try {
    if (folder) await removeFolder(c, aside);
    else await c.delete(aside);
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    site.opts.info?.(`${a} replaced ${b}; the old ${b} could not be deleted and is at ${aside} (${(err as Error).message}).`);
  }
}

/**
 * Delete a folder and everything in it, on one client (never a second pool lease: no deadlock at size 1),
 * without ever entering a symbolic link: see deletedAsLink.
 */
async function removeFolder(c: RemoteClient, dir: string): Promise<void> {
  if (await deletedAsLink(c, dir)) return;
  const entries = await c.list(dir);
  for (const e of entries) {
    if (e.name === '.' || e.name === '..') continue;
    const full = joinPath(dir, e.name);
    if (e.type === 'dir') await removeFolder(c, full);
    else await c.delete(full);
  }
  await c.rmdir(dir);
}

/**
 * Whether `p`, listed as a folder, was a link to one and is now deleted. Some servers list a link to a folder as
 * the folder itself (ftp-srv in LIST, pyftpdlib in MLSD), so the listing cannot be trusted with this. DELE
 * removes a link like a file and fails on a real folder on every server (unlink(2) never removes a folder), so
 * it is tried first: one command per folder, and a link's target is never entered.
 */
async function deletedAsLink(c: RemoteClient, p: string): Promise<boolean> {
  try {
    await c.delete(p);
    return true;
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    // A server that deletes with rmdir() whatever stat() calls a folder (ftp-srv) says a link is "not a
    // directory": it cannot delete the link, and what the link leads to must not be deleted in its place.
    if (err instanceof FtpReplyError && NOT_A_FOLDER.test(err.replyText)) {
      throw new FsError(
        'NoPermissions',
        t('{0} is a link to a folder, and this server cannot delete such a link ({1}). What it leads to was not touched; delete the link on the server another way.', p, `${err.code} ${err.replyText}`),
        false,
        err,
      );
    }
    return false;
  }
}

/** What a server answers DELE of something listed as a folder that is not one (a link to a folder). */
const NOT_A_FOLDER = /not a directory|ENOTDIR/i;
