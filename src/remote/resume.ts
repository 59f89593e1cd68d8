/**
 * Resuming large transfers (RFC 959 §4.1.3 REST, RFC 3659 §5 for the stream-mode offset).
 *
 * A download of a large file goes into `.<name>.<key>.ftpx-part` next to the target, where `key` is made from the
 * site, the remote path and the file's size and time on the server: a download that fails leaves that file, and
 * the next download of the same, unchanged file continues from its length with REST. A file that changed on the
 * server has another key, so its old part is never continued (it is deleted, and the log says why).
 *
 * An upload of a large file goes into safe save's temporary file with a key made from the local file (path, size,
 * time) and the remote path (src/ftp/safeSave.ts, `resume`): a failed upload leaves it on the server and the next
 * upload of the same local file continues it with REST+STOR or APPE; the size check and the rename come after, as
 * for every safe save.
 *
 * A cancelled transfer leaves nothing: cancelling is asking for it to be gone.
 */
import * as crypto from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';

/** Files at least this large are resumed; smaller ones are cheaper to send again than to keep partial copies of. */
export const RESUME_MIN_BYTES = 16 * 1024 * 1024;

/** A part file older than this with another key is not being written by another download: it may be deleted. */
const STALE_PART_MS = 60_000;

/** Part files this process writes now: a second download of the same file at once gets a name of its own. */
const inUse = new Set<string>();

/** Eight hex digits naming one version of one transfer (what it copies, from where, which size and time). */
export function resumeKey(...facts: (string | number)[]): string {
  return crypto.createHash('sha256').update(facts.join('\0')).digest('hex').slice(0, 8);
}

/** `.<name>.<key>.ftpx-part` in the target's folder (the same file system, so the final rename is atomic). */
export function partPath(target: string, key: string): string {
  return nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target).slice(0, 200)}.${key}.ftpx-part`);
}

/** A part file for a download of `target`, and how many bytes of it are there already. `release()` when done. */
export interface Part {
  path: string;
  /** Bytes on disk from an earlier, interrupted download of the same file version (0: start from the beginning). */
  offset: number;
  /** Whether this part may be kept after a failure (false: another download of the same file holds the name). */
  resumable: boolean;
  release(): void;
}

/**
 * The part file of a resumable download of a file of `size` bytes into `target`. Parts of the same target with
 * another key (the file changed on the server since) are deleted, unless written in the last minute (another
 * window may be downloading it); `log` says so.
 */
export async function openPart(target: string, key: string, size: number, fallback: () => string, log: (text: string) => void): Promise<Part> {
  const path = partPath(target, key);
  if (inUse.has(path)) return { path: fallback(), offset: 0, resumable: false, release: () => undefined };
  inUse.add(path);
  const release = () => inUse.delete(path);
  await dropStale(target, path, log);
  const st = await fsp.lstat(path).catch(() => undefined);
  let offset = 0;
  if (st?.isFile() && st.size > 0 && st.size < size) offset = st.size;
  else if (st) {
    await fsp.rm(path, { force: true });
    if (st.isFile() && st.size >= size) log(`${path} held ${st.size} bytes, not fewer than the file's ${size}: downloading it again from the start.`);
  }
  return { path, offset, resumable: true, release };
}

/** Delete parts of `target` left by a download of another version of the file (other key), not of this one. */
async function dropStale(target: string, keep: string, log: (text: string) => void): Promise<void> {
  const dir = nodePath.dirname(target);
  const prefix = `.${nodePath.basename(target).slice(0, 200)}.`;
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{8}\.ftpx-part$/.test(name.slice(prefix.length))) continue;
    const p = nodePath.join(dir, name);
    if (p === keep || inUse.has(p)) continue;
    const st = await fsp.lstat(p).catch(() => undefined);
    if (!st?.isFile() || Date.now() - st.mtimeMs < STALE_PART_MS) continue;
    await fsp.rm(p, { force: true });
    log(`${p}: the part of an interrupted download of a version of the file that is no longer on the server (its size or time changed): deleted, downloading from the start.`);
  }
}
