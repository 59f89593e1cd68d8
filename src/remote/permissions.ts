/**
 * Permissions: reading a mode typed by a person (octal or rwx), showing one, changing it with SITE CHMOD (not in
 * RFC 959; a de-facto extension, `SITE CHMOD <octal> <path>`, of vsftpd, proftpd, pure-ftpd and pyftpdlib), also
 * through a folder, never through a link; and the connection's default mode for new files and folders.
 */
import { FtpReplyError, isConnectionLost, type FileEntry } from '../ftp';
import type { Change } from './changes';
import { FsError } from './fsErrors';
import { t as l10nT } from './l10n';
import type { SiteCore } from './siteCore';
import type { RemoteClient } from './siteTypes';
import { joinPath, normalizePath, parentPath } from './uri';

/** The mode a person typed: `644`, `0755`, `rwxr-xr-x` (or `-rwxr-xr-x`). An Error that says what is wrong. */
export function parseMode(input: string): number | Error {
  const t = input.trim();
  if (/^[0-7]{3,4}$/.test(t)) return parseInt(t, 8);
  const rwx = t.length === 10 && /^[-dl]/.test(t) ? t.slice(1) : t;
  if (/^[r-][w-][xsS-][r-][w-][xsS-][r-][w-][xtT-]$/.test(rwx)) {
    let mode = 0;
    for (let i = 0; i < 9; i++) if (rwx[i] !== '-' && rwx[i] !== 'S' && rwx[i] !== 'T') mode |= 1 << (8 - i);
    if (/[sS]/.test(rwx[2])) mode |= 0o4000;
    if (/[sS]/.test(rwx[5])) mode |= 0o2000;
    if (/[tT]/.test(rwx[8])) mode |= 0o1000;
    return mode;
  }
  return new Error(l10nT('"{0}" is not a mode: type three or four octal digits (644, 0755) or nine letters (rwxr-xr-x).', input));
}

/** `644` (or four digits when set-id or sticky bits are set). */
export function octal(mode: number): string {
  const m = mode & 0o7777;
  return m > 0o777 ? m.toString(8).padStart(4, '0') : m.toString(8).padStart(3, '0');
}

/** `rw-r--r--`. */
export function rwx(mode: number): string {
  const bit = (b: number, c: string) => ((mode & b) !== 0 ? c : '-');
  const x = (b: number, special: number, set: string, unset: string) =>
    (mode & special) !== 0 ? ((mode & b) !== 0 ? set : unset) : bit(b, 'x');
  return (
    bit(0o400, 'r') + bit(0o200, 'w') + x(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') + bit(0o020, 'w') + x(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') + bit(0o002, 'w') + x(0o001, 0o1000, 't', 'T')
  );
}

/** What a listing says of an entry, for a tooltip: [label, value] pairs, only those the listing has. */
export function entryFacts(e: FileEntry, formatBytes: (n: number) => string): [string, string][] {
  const facts: [string, string][] = [];
  if (e.type === 'file' && e.size !== undefined) facts.push(['Size', `${formatBytes(e.size)}${e.size >= 1024 ? ` (${e.size.toLocaleString('en-US')} bytes)` : ''}`]);
  if (e.mtimeMs !== undefined) facts.push(['Modified', new Date(e.mtimeMs).toLocaleString()]);
  if (e.owner !== undefined) facts.push(['Owner', e.group !== undefined ? `${e.owner}:${e.group}` : e.owner]);
  if (e.mode !== undefined) facts.push(['Mode', `${rwx(e.mode)} (${octal(e.mode)})`]);
  else if (e.permissions !== undefined) facts.push(['Permissions', e.permissions]);
  if (e.type === 'symlink' && e.target !== undefined) facts.push(['Link to', e.target]);
  return facts;
}

export interface ChmodOptions {
  /** Also everything inside a folder (never through a link). */
  recursive?: boolean;
  /** With `recursive`: which entries get the mode. Default 'all'. The folder itself is changed unless 'files'. */
  applyTo?: 'all' | 'files' | 'folders';
  signal?: AbortSignal;
}

export interface ChmodResult {
  changed: number;
  /** Links met on the way: left alone (SITE CHMOD would change what they lead to). */
  links: string[];
}

/** SITE CHMOD `mode` on `path` (and, with `recursive`, inside it). Links are never changed or followed. */
export async function chmod(site: SiteCore, path: string, mode: number, opts: ChmodOptions = {}): Promise<ChmodResult> {
  const p = normalizePath(path);
  site.assertWritable(p);
  // What the server holds now, not a listing of a few seconds ago: a link must not be taken for a folder.
  site.cache.invalidate(parentPath(p));
  let entry = p === '/' ? ({ name: '/', type: 'dir' } as FileEntry) : await site.lookup(p);
  if (!entry) throw site.notFound(p);
  // Where MLSD shows a link as what it leads to (pyftpdlib), LIST tells.
  if (entry.type !== 'symlink' && p !== '/' && site.links.listingMayHideLinks) {
    const listed = await site.links.listed(p, 0).catch(() => undefined);
    if (listed?.type === 'symlink') entry = listed;
  }
  const result: ChmodResult = { changed: 0, links: [] };
  const changes: Change[] = [];
  if (entry.type === 'symlink') {
    throw new FsError('NoPermissions', l10nT('{0} is a link: a link has no permissions of its own. Change those of the file or folder it leads to.', p));
  }
  const applyTo = opts.recursive ? opts.applyTo ?? 'all' : 'all';
  const one = async (c: RemoteClient, q: string) => {
    if (opts.signal?.aborted) throw new FsError('Cancelled', l10nT('Cancelled'));
    await siteChmod(c, q, mode);
    result.changed++;
    changes.push({ type: 'changed', path: q });
  };
  try {
    await site.pool.run(async (c) => {
      if (entry.type !== 'dir' || applyTo !== 'files') await one(c, p);
      if (entry.type === 'dir' && opts.recursive) await walk(site, c, p, applyTo, one, result);
    });
  } catch (err) {
    throw await site.explain(err, 'change permissions', p);
  } finally {
    if (changes.length) site.applyChanges(changes);
  }
  return result;
}

async function walk(
  site: SiteCore,
  c: RemoteClient,
  dir: string,
  applyTo: 'all' | 'files' | 'folders',
  one: (c: RemoteClient, p: string) => Promise<void>,
  r: ChmodResult,
): Promise<void> {
  // A fresh listing (LIST where MLSD may hide links, as a recursive delete does): never into a link.
  const listing = site.usable(dir, await c.list(dir, site.links.listingMayHideLinks ? { useList: true } : undefined));
  for (const e of listing) {
    const q = joinPath(dir, e.name);
    if (e.type === 'symlink') {
      r.links.push(q);
    } else if (e.type === 'dir') {
      if (applyTo !== 'files') await one(c, q);
      await walk(site, c, q, applyTo, one, r);
    } else if (applyTo !== 'folders') {
      await one(c, q);
    }
  }
}

/** SITE CHMOD, or an FsError saying the server has none. */
async function siteChmod(c: RemoteClient, p: string, mode: number): Promise<void> {
  if (!c.chmod) throw new FsError('NoPermissions', l10nT('This connection cannot change permissions (no SITE CHMOD).'));
  await c.chmod(p, octal(mode));
}

/**
 * Give a file or folder just made the connection's default mode (fileMode / folderMode), on the client that made
 * it. A server that refuses SITE CHMOD keeps its own default; the log says so once.
 */
export async function applyDefaultMode(site: SiteCore, c: RemoteClient, p: string, kind: 'file' | 'folder'): Promise<void> {
  const mode = kind === 'file' ? site.config.fileMode : site.config.folderMode;
  if (mode === undefined || !c.chmod) return;
  try {
    await c.chmod(p, octal(mode));
  } catch (err) {
    if (!(err instanceof FtpReplyError) || isConnectionLost(err)) throw err;
    site.links.note(`default-mode:${kind}`, `The server refused SITE CHMOD ${octal(mode)} for the new ${kind} ${p} (${err.code} ${err.replyText}): new ${kind}s keep the server's default permissions.`);
  }
}
