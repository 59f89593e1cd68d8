/** A site's writing operations: saving a file from the editor, and uploading local content (safe save). */
import type { Readable } from 'node:stream';
import { FtpProtocolError, FtpReplyError, isConnectionLost, isFileUnavailable, safeSave, verifyStored, type FileEntry, type FtpReply } from '../ftp';
import type { Change } from './changes';
import { FsError } from './fsErrors';
import { t as l10nT } from './l10n';
import { applyDefaultMode } from './permissions';
import type { SiteCore } from './siteCore';
import { fileNow, fileNowAlong, fileNowOn, hasExactTime, mlstAnswer, mlstQuery, withPreciseTime, writtenEntry, writtenQuery } from './preciseTime';
import { lookStat } from './reading';
import { isLong, type RemoteClient, type Transfer, type UploadOptions, type WriteOptions } from './siteTypes';
import { baseName, normalizePath, parentPath } from './uri';
import { SaveConflict, versionOf, type Version } from './versions';

/**
 * A listing asked of the server less than this long ago shows what its folder holds now as well as one asked again
 * would: VS Code stats a file as the user saves it, which lists the folder a few round trips before the save begins.
 * A save of a file that such a listing shows takes its entry from it and asks the file's own version anew (one MLST
 * or MDTM); an older listing, or one without the file, is asked again. Not a cache's few seconds: about the time a
 * save itself takes from its check to its rename.
 */
export const RECENT_LISTING_MS = 1000;

/**
 * The most a save uploads before its check's verdict (the check in the write of the upload's EPSV): a larger file
 * would go to the server for nothing when the check refuses the save, so its check comes first.
 */
const CHECK_ALONG_MAX_BYTES = 1024 * 1024;

/** The server showed no plain file where the recent listing did, or could not say: the save starts over on a new listing. */
class ListAgain extends Error {}

export function writeFile(
  site: SiteCore,
  path: string,
  content: Uint8Array,
  flags: { create: boolean; overwrite: boolean },
  t: WriteOptions = {},
): Promise<void> {
  return save(site, normalizePath(path), content, flags, t, true);
}

async function save(
  site: SiteCore,
  p: string,
  content: Uint8Array,
  flags: { create: boolean; overwrite: boolean },
  t: WriteOptions,
  mayReuse: boolean,
): Promise<void> {
  site.assertWritable(p);
  // What is on the server now, not a listing of a few seconds ago: someone may have made the file meanwhile.
  const recent = mayReuse && site.cache.askedWithin(parentPath(p), RECENT_LISTING_MS);
  if (!recent) site.cache.invalidate(parentPath(p));
  const entry = await site.lookup(p);
  // A recent listing stands for the server now only where it shows a plain file, whose version is asked anew below.
  // That the name is free (someone may have made it since), or what else is there, a new listing says.
  if (recent && entry?.type !== 'file') return save(site, p, content, flags, t, false);
  // The listing the lookup read (fetched just now), to put the saved file's entry in afterwards.
  const listed = site.cache.get(parentPath(p));
  if (entry?.type === 'dir') throw new FsError('FileIsADirectory', l10nT('{0} is a folder', p));
  if (!entry && !flags.create) throw site.notFound(p);
  if (entry && !flags.overwrite) throw new FsError('FileExists', l10nT('{0} exists already', p));
  // (The folder's own listing, just read, shows it exists: no listing of its parent for that.)
  if (!entry && !Array.isArray(listed)) await site.assertParentExists(p);
  const to = await saveTarget(site, p, entry, 0);
  const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  // Someone else's change since the editor's copy was read is not replaced without the user's word. With a recent
  // listing, a small file's check goes with its upload to the temporary name (below) and decides the rename only.
  const checkAlong = entry !== undefined && !t.force && recent && to.entry?.type === 'file' && data.length <= CHECK_ALONG_MAX_BYTES;
  if (entry && !t.force && !checkAlong) {
    const now = await serverVersion(site, to, recent);
    // (The server shows no plain file there now, or cannot say this way: the whole check on a new listing.)
    if (now === 'list again') return save(site, p, content, flags, t, false);
    const conflict = now && site.versions.conflict(p, now);
    if (conflict) throw conflict;
  }
  // A file saved in place (or made) in the folder just listed: its new time is asked right after the save, on the
  // same connection (one MLST or MDTM), and becomes the editor's base and the listing's entry: no listing again for
  // that, nor for the stat VS Code makes after a save.
  const fresh = to.path === p && Array.isArray(listed);
  const inPlace = fresh && entry?.type === 'file' ? entry : fresh && !entry ? { name: baseName(p), type: 'file' as const } : undefined;
  let written: FileEntry | undefined;
  try {
    await site.pool.run(async (c) => {
      let beforeReplace: (() => Promise<void>) | undefined;
      if (checkAlong) {
        const verdict = (e: FileEntry | undefined) => {
          if (!e) throw new ListAgain();
          const conflict = site.versions.conflict(p, exactVersion(e));
          if (conflict) throw conflict;
        };
        // In the write of the upload's EPSV where the server is known to answer it (no round trip of its own).
        const along = fileNowAlong(site, c, to.path, to.entry!);
        if (along) beforeReplace = async () => verdict(await along());
        else verdict(await fileNowOn(site, c, to.path, to.entry!));
      }
      // (Its new time asked in the RNTO's write where the client can: no round trip of its own.)
      const after = inPlace ? writtenQuery(site, c, p) : undefined;
      const saved = await safeSave(c, to.path, data, { ...site.saveOptions(t, to.entry ?? null), after, beforeReplace });
      if (!to.entry) await applyDefaultMode(site, c, to.path, 'file');
      if (inPlace) written = await writtenEntry(site, c, p, { ...inPlace, size: data.length, mtimeMs: undefined }, saved.after);
    }, {
      idempotent: true,
      transfer: true,
      signal: t.signal,
    });
  } catch (err) {
    // (The check that went with the upload: the temporary file is gone, the file as it was.)
    if (err instanceof ListAgain) return save(site, p, content, flags, t, false);
    if (err instanceof SaveConflict) throw err;
    site.cache.invalidatePath(p);
    site.cache.invalidatePath(to.path);
    throw await site.explain(err, 'write', to.path, to.entry ? to.path : parentPath(to.path));
  }
  if (written && Array.isArray(listed) && site.cache.replace(p, written, listed)) {
    site.versions.based(p, { size: data.length, mtimeMs: written.mtimeMs!, exact: true });
  } else {
    site.cache.invalidatePath(p);
    site.cache.invalidatePath(to.path);
    // The editor's copy is now what we saved: the stat VS Code makes next reads the same listing.
    site.versions.based(p, await lookStat(site, p).then(versionOf, () => undefined));
  }
  site.emit(changes(p, to.path, entry !== undefined));
}

/**
 * The version of the file a save goes to, as stat would give it (time to the second where the server can); with a
 * `recent` listing (RECENT_LISTING_MS), the file's version asked anew (fileNow), or 'list again' when it cannot be.
 */
async function serverVersion(site: SiteCore, to: { path: string; entry?: FileEntry }, recent: boolean): Promise<Version | undefined | 'list again'> {
  if (to.entry?.type !== 'file') return undefined;
  if (recent) {
    const e = await fileNow(site, to.path, to.entry);
    return e ? exactVersion(e) : 'list again';
  }
  const e = await withPreciseTime(site, to.path, to.entry);
  return { size: e.size ?? 0, mtimeMs: e.mtimeMs ?? 0, exact: hasExactTime(site, e) };
}

/** The version of an entry whose time is to the second (MLST, MDTM). */
function exactVersion(e: FileEntry): Version {
  return { size: e.size ?? 0, mtimeMs: e.mtimeMs ?? 0, exact: true };
}

/** The changes of a save of `p` that went to `to` (the file a link leads to, or `p` itself). */
function changes(p: string, to: string, existed: boolean): Change[] {
  const list: Change[] = [{ type: existed ? 'changed' : 'created', path: p }];
  if (to !== p) list.push({ type: 'changed', path: to });
  return list;
}

/**
 * Where a save of `p` goes: `p` itself, or, when `p` is a symbolic link, the file it leads to, so that the link
 * stays a link (safe save renames a new file over the path it saves to, which would replace a link with a plain
 * file and leave the linked file as it was). Where the site's listing may show a link as what it leads to
 * (pyftpdlib's MLSD), a LIST of the folder (at most `maxAgeMs` old) says what `p` is: one listing per save.
 * A link that leads nowhere (a loop, a missing file) is an error: the save would replace it.
 * ftp-srv's LIST and STAT follow links too, and it has no MLST: nothing over FTP tells a link there, so a save
 * replaces the link with a file.
 */
async function saveTarget(site: SiteCore, p: string, entry: FileEntry | undefined, maxAgeMs: number): Promise<{ path: string; entry?: FileEntry }> {
  if (entry?.type === 'dir') return { path: p, entry };
  let link = entry?.type === 'symlink' ? entry : undefined;
  // MLSD leaves out what its server cannot stat (proftpd, pyftpdlib: a loop, a link to nothing), so a name it
  // does not show may still be a link that a new file would replace.
  if (!link && (entry ? site.links.listingMayHideLinks : site.traits.mlsd === true)) {
    const listed = await site.links.listed(p, maxAgeMs).catch((err: unknown) => {
      // A server that refuses LIST (where MLSD works) cannot show a link: saved as before, and said once.
      const cause = err instanceof FsError ? err.cause : err;
      if (!(cause instanceof FtpReplyError) || isConnectionLost(cause)) throw err;
      site.links.note('save:no-list', `The server refused LIST (${cause.code} ${cause.replyText}), so a save cannot tell whether a file is a link: a link is replaced by the saved file.`);
      return undefined;
    });
    if (listed?.type === 'symlink') link = listed;
  }
  if (!link) return { path: p, entry };
  const r = await site.links.resolve(p, link, true);
  switch (r.kind) {
    case 'file':
      site.links.note(`save:${p}`, `${p} is a link to ${r.path}: saving writes ${r.path}, and ${p} stays a link.`);
      return { path: r.path, entry: r.entry };
    case 'dir':
      throw new FsError('FileIsADirectory', l10nT('{0} is a link to the folder {1}', p, r.path));
    case 'loop':
      throw new FsError('Unknown', l10nT('{0} is a loop of links ({1}): nothing was saved. Fix the link on the server.', p, [...r.chain, r.path].join(' -> ')));
    case 'missing':
      throw new FsError('Unknown', l10nT('{0} is a link to {1}, which does not exist: nothing was saved. Create {1} on the server, or replace the link.', p, r.path));
    default:
      throw new FsError(
        'Unknown',
        l10nT('{0} is a link, and the server does not say where it leads: nothing was saved (that would replace the link with a file). Open the file it leads to instead.', p),
      );
  }
}

/**
 * Upload local content (a small file read already, or a stream of it) to `path` (overwrites). An existing file
 * is replaced by a safe save (temporary file, size check, rename: an interrupted upload leaves the old file
 * intact). A name that does not exist is uploaded straight onto (no file to clobber), its size checked, and the
 * partial file deleted when the upload fails: 3 commands (EPSV, STOR, SIZE) instead of 5.
 */
export async function upload(site: SiteCore, source: Buffer | (() => Readable), path: string, t: UploadOptions = {}): Promise<number> {
  const p = normalizePath(path);
  site.assertWritable(p);
  let entry: FileEntry | undefined;
  let to: { path: string; entry?: FileEntry } = { path: p };
  let bytes: number;
  try {
    entry = t.existing === undefined ? await site.lookup(p) : t.existing ?? undefined;
    if (entry?.type === 'dir') throw new FsError('FileIsADirectory', l10nT('{0} is a folder', p));
    // A resumable upload goes into a temporary file even for a new name: that file is what the next upload continues.
    if (!entry && !t.mayExist && site.config.safeSave !== false && !t.resume) {
      bytes = await uploadNew(site, source, p, t);
    } else {
      to = await saveTarget(site, p, entry, site.cache.ttlMs);
      // A name that may exist without being listed as such: replaced as if it were (rename over it).
      const existing = to.entry ?? (t.mayExist ? { name: baseName(p), type: 'file' as const } : null);
      const dest = to.path;
      bytes = (
        await site.pool.run(
          async (c) => {
            // (The stored file's MLST in the RNTO's write, for a caller that wants it: UploadOptions.onWritten.)
            const after = t.onWritten && dest === p ? mlstQuery(site, c, p) : undefined;
            const r = await safeSave(c, dest, source, { ...site.saveOptions(t, existing), ...resumeOf(t), after });
            if (!existing) await applyDefaultMode(site, c, dest, 'file');
            tellWritten(site, c, p, r.after, t);
            return r;
          },
          { idempotent: true, transfer: isLong(t.bytes), signal: t.signal },
        )
      ).bytes;
    }
  } catch (err) {
    site.cache.invalidatePath(p);
    if (to.path !== p) site.cache.invalidatePath(to.path);
    throw await site.explain(err, 'upload', to.path, entry ? to.path : parentPath(to.path));
  }
  const list = changes(p, to.path, entry !== undefined);
  if (t.batch) for (const c of list) t.batch.add(c);
  else site.applyChanges(list);
  return bytes;
}

/**
 * A new file: STOR onto its name and check the stored size (SIZE, or the listing). No temporary file: a partial
 * upload of a new name replaces nothing. When the upload fails once bytes may have been written, the partial
 * file is deleted, so a failed upload leaves no file cut short. With `t.onSent` (a folder's files) the SIZE rides
 * along with the next operation on the connection (sizeAlong): one round trip less per file.
 */
async function uploadNew(site: SiteCore, source: Buffer | (() => Readable), p: string, t: UploadOptions): Promise<number> {
  let started = false;
  let moved = false;
  const onProgress = (n: number) => {
    if (n > 0) moved = true;
    t.onProgress?.(n);
  };
  try {
    const r = await site.pool.run(
      async (c): Promise<{ bytes: number; check?: Promise<unknown> }> => {
        started = true;
        if (t.onSent && c.sizeAlong && site.traits.save.size !== false && !(site.config.fileMode !== undefined && c.chmod)) {
          return storeAlong(site, c, source, p, { onProgress, signal: t.signal, followedByTransfer: t.followedByTransfer });
        }
        // (The stored file's MLST in the size check's write, for a caller that wants it: UploadOptions.onWritten.)
        const after = t.onWritten ? mlstQuery(site, c, p) : undefined;
        const r = await safeSave(c, p, source, { ...site.saveOptions({ onProgress, signal: t.signal }, null), safe: false, after });
        await applyDefaultMode(site, c, p, 'file');
        tellWritten(site, c, p, r.after, t);
        return r;
      },
      { idempotent: true, transfer: isLong(t.bytes), signal: t.signal },
    );
    if (r.check) {
      t.onSent?.();
      await r.check;
    }
    return r.bytes;
  } catch (err) {
    if (started && mayHaveWritten(err, moved)) await removePartial(site, p, err);
    throw err;
  }
}

/**
 * STOR, then the size check with its SIZE written ahead of the next operation on the connection (never before the
 * 226: a server may take a SIZE during the STOR). The check is the one safe save makes (verifyStored): a short size
 * is an FtpIncompleteError, a SIZE without a number or not offered goes to the listing (through the pool), and a
 * connection lost before the reply asks again on another.
 */
async function storeAlong(
  site: SiteCore,
  c: RemoteClient,
  source: Buffer | (() => Readable),
  p: string,
  opts: Transfer & { followedByTransfer?: () => boolean },
): Promise<{ bytes: number; check: Promise<unknown> }> {
  // With the next file's port asked ahead, the SIZE goes in that write (sizeAfter), and sizeAlong takes its reply.
  const sent = await c.upload(typeof source === 'function' ? source() : source, p, { ...opts, sizeAfter: true });
  // A buffer is checked against its length, not only against what the socket took.
  const bytes = Buffer.isBuffer(source) ? source.length : sent;
  const along = c.sizeAlong!(p).catch((err: unknown) => {
    if (!isConnectionLost(err) || err instanceof FtpProtocolError) throw err;
    return site.pool.run((o) => (o.size ? o.size(p) : Promise.reject(err)), { idempotent: true });
  });
  const check = verifyStored({ size: () => along, list: (dir) => site.pool.run((o) => o.list(dir), { idempotent: true }) }, p, bytes, {
    memory: site.traits.save,
    log: (text) => site.opts.info?.(text),
  });
  check.catch(() => undefined); // (awaited by the caller once the connection is back in the pool)
  return { bytes, check };
}

/** The caller's onWritten hears the stored file's entry, where the MLST sent along with the upload showed it. */
function tellWritten(site: SiteCore, c: RemoteClient, p: string, answer: FtpReply | undefined, t: UploadOptions): void {
  const e = t.onWritten && mlstAnswer(site, c, p, answer);
  if (e) t.onWritten!(e);
}

/** Delete what a failed upload of a new file may have left (on a fresh connection if that one broke). */
async function removePartial(site: SiteCore, p: string, cause: unknown): Promise<void> {
  try {
    await site.pool.run((c) => c.delete(p), { idempotent: true });
  } catch (err) {
    if (isFileUnavailable(err)) return; // never created, or gone
    site.opts.info?.(
      `The upload of ${p} failed (${(cause as Error)?.message ?? cause}), and the partly written file could not be deleted ` +
        `(${(err as Error)?.message ?? err}): delete it, or upload it again.`,
    );
  }
}

/**
 * Whether a failed STOR may have left a file behind. Not when the server refused the command before any byte
 * moved (no permission, a bad name: nothing was created, and whatever has that name now is not ours to delete).
 */
function mayHaveWritten(err: unknown, moved: boolean): boolean {
  if (moved) return true;
  if (err instanceof FtpReplyError) return ![450, 500, 501, 502, 504, 530, 532, 550, 553].includes(err.code);
  return true;
}

/** safeSave's resume options for an upload that may be continued later (a large local file, resume.ts). */
function resumeOf(t: UploadOptions): { resume?: UploadOptions['resume']; expectedBytes?: number } {
  return t.resume && t.bytes !== undefined ? { resume: t.resume, expectedBytes: t.bytes } : {};
}
