/** A site's writing operations: saving a file from the editor, and uploading local content (safe save). */
import type { Readable } from 'node:stream';
import { FtpReplyError, isFileUnavailable, safeSave, type FileEntry } from '../ftp';
import type { Change } from './changes';
import { FsError } from './fsErrors';
import type { SiteCore } from './siteCore';
import { isLong, type Transfer, type UploadOptions } from './siteTypes';
import { baseName, normalizePath, parentPath } from './uri';

export async function writeFile(
  site: SiteCore,
  path: string,
  content: Uint8Array,
  flags: { create: boolean; overwrite: boolean },
  t: Transfer = {},
): Promise<void> {
  const p = normalizePath(path);
  site.assertWritable(p);
  // What is on the server now, not a listing of a few seconds ago: someone may have made the file meanwhile.
  site.cache.invalidate(parentPath(p));
  const entry = await site.lookup(p);
  if (entry?.type === 'dir') throw new FsError('FileIsADirectory', `${p} is a folder`);
  if (!entry && !flags.create) throw site.notFound(p);
  if (entry && !flags.overwrite) throw new FsError('FileExists', `${p} exists already`);
  if (!entry) await site.assertParentExists(p);
  const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  try {
    await site.pool.run((c) => safeSave(c, p, data, site.saveOptions(t, entry ?? null)), {
      idempotent: true,
      transfer: true,
      signal: t.signal,
    });
  } catch (err) {
    site.cache.invalidatePath(p);
    throw await site.explain(err, 'write', p, entry ? p : parentPath(p));
  }
  site.cache.invalidatePath(p);
  site.emit([{ type: entry ? 'changed' : 'created', path: p }]);
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
  let bytes: number;
  try {
    entry = t.existing === undefined ? await site.lookup(p) : t.existing ?? undefined;
    if (entry?.type === 'dir') throw new FsError('FileIsADirectory', `${p} is a folder`);
    if (!entry && !t.mayExist && site.config.safeSave !== false) {
      bytes = await uploadNew(site, source, p, t);
    } else {
      // A name that may exist without being listed as such: replaced as if it were (rename over it).
      const existing = entry ?? (t.mayExist ? { name: baseName(p), type: 'file' as const } : null);
      bytes = (
        await site.pool.run((c) => safeSave(c, p, source, site.saveOptions(t, existing)), {
          idempotent: true,
          transfer: isLong(t.bytes),
          signal: t.signal,
        })
      ).bytes;
    }
  } catch (err) {
    site.cache.invalidatePath(p);
    throw await site.explain(err, 'upload', p, entry ? p : parentPath(p));
  }
  const change: Change = { type: entry ? 'changed' : 'created', path: p };
  if (t.batch) t.batch.add(change);
  else site.applyChanges([change]);
  return bytes;
}

/**
 * A new file: STOR onto its name and check the stored size (SIZE, or the listing). No temporary file: a partial
 * upload of a new name replaces nothing. When the upload fails once bytes may have been written, the partial
 * file is deleted, so a failed upload leaves no file cut short.
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
      (c) => {
        started = true;
        return safeSave(c, p, source, { ...site.saveOptions({ onProgress, signal: t.signal }, null), safe: false });
      },
      { idempotent: true, transfer: isLong(t.bytes), signal: t.signal },
    );
    return r.bytes;
  } catch (err) {
    if (started && mayHaveWritten(err, moved)) await removePartial(site, p, err);
    throw err;
  }
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
