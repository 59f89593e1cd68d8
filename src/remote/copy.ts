/**
 * Copying files and folders on the server, within one connection or from one to another. FTP has no copy on the
 * server (RFC 959 has none; SITE CPFR/CPTO is a proftpd module few servers have), so the bytes come down and go
 * up again: through a local temporary file, never a whole file in memory, each part with the checks of a
 * download (size against the listing) and of an upload (stored size, safe save over a file that exists). Going
 * through a file on disk also lets the two halves use the pool one after the other (a connection of a pool of one
 * could not feed the other), and a large file's interrupted half continues where it stopped (resume.ts).
 *
 * A move between two connections is a copy, then a check that the copy has the size of the original, and only
 * then the deletion of the original.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { downloadFile, downloadTo } from './download';
import { FsError } from './fsErrors';
import { t } from './l10n';
import { FileType, type Site } from './site';
import { emptyResult, type TransferContext, type TransferResult } from './transfers';
import { uploadFile, uploadTo } from './upload';
import { baseName, isUnder, normalizePath, parentPath } from './uri';

export interface CopyOptions extends Pick<TransferContext, 'signal' | 'onBytes' | 'onFile'> {
  /** Replace what is at the destination (a file; a folder's files one by one). Default false: FileExists. */
  overwrite?: boolean;
}

/** Copy `from` on `src` to `to` on `dst` (may be the same site). Returns what moved (bytes counted once: uploaded). */
export async function copyPath(src: Site, from: string, dst: Site, to: string, opts: CopyOptions = {}): Promise<TransferResult> {
  const a = normalizePath(from);
  const b = normalizePath(to);
  dst.assertWritable(b);
  if (src === dst && (a === b || isUnder(b, a))) throw new FsError('NoPermissions', t('Cannot copy {0} into itself', a));
  const st = await src.stat(a);
  const isDir = (st.type & FileType.Directory) !== 0;
  if ((st.type & FileType.SymbolicLink) !== 0 && isDir) {
    throw new FsError('NoPermissions', t('{0} is a link to a folder: links are not copied (what they lead to may be anywhere). Copy the folder it leads to instead.', a));
  }
  dst.cache.invalidate(parentPath(b));
  const there = await dst.lookup(b);
  if (there && !opts.overwrite) throw new FsError('FileExists', t('{0} exists already', b));
  if (there && isDir !== (there.type === 'dir')) {
    throw new FsError(isDir ? 'FileNotADirectory' : 'FileIsADirectory', there.type === 'dir' ? t('{0} is a folder: {1} cannot replace it', b, a) : t('{0} is a file: {1} cannot replace it', b, a));
  }
  if (!there) await dst.assertParentExists(b);
  const tmp = await fsp.mkdtemp(nodePath.join(os.tmpdir(), 'ftpx-copy-'));
  // Progress: each byte moves twice (down, then up); onBytes counts half of each.
  let got: TransferResult = emptyResult();
  const down: TransferContext = { signal: opts.signal, onFile: opts.onFile, onBytes: (n) => opts.onBytes?.(Math.floor(n / 2)) };
  const up: TransferContext = { signal: opts.signal, onFile: opts.onFile, onBytes: (n) => opts.onBytes?.(Math.floor((got.bytes + n) / 2)) };
  try {
    if (!isDir) {
      const local = nodePath.join(tmp, 'file');
      got = await downloadFile(src, a, local, down);
      const r = await uploadFile(dst, local, b, up);
      if (r.bytes !== got.bytes) throw new FsError('Unavailable', t('copy {0} to {1}: {2} bytes came down, {3} went up', a, b, got.bytes, r.bytes));
      return r;
    }
    got = await downloadTo(src, a, tmp, down);
    // The local copy takes the destination's name, so the upload makes the folder under that name.
    const local = nodePath.join(tmp, baseName(b) || 'root');
    const downloaded = nodePath.join(tmp, a === '/' ? src.name : baseName(a));
    if (downloaded !== local) await fsp.rename(downloaded, local);
    const r = await uploadTo(dst, [local], parentPath(b), up);
    if (r.bytes !== got.bytes || r.files !== got.files) {
      throw new FsError('Unavailable', t('copy {0} to {1}: {2} files ({3} bytes) came down, {4} ({5} bytes) went up', a, b, got.files, got.bytes, r.files, r.bytes));
    }
    r.links.push(...got.links);
    r.skipped.push(...got.skipped);
    return r;
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Move `from` on `src` to `to` on another connection `dst`: copy, check that the copy on `dst` has the original's
 * size (a fresh listing of each), then delete the original. The original stays when anything before fails.
 */
export async function moveBetween(src: Site, from: string, dst: Site, to: string, opts: CopyOptions = {}): Promise<TransferResult> {
  if (src === dst) throw new Error('moveBetween: the same connection (rename instead)');
  src.assertWritable(from);
  const r = await copyPath(src, from, dst, to, opts);
  await verifySameSize(src, normalizePath(from), dst, normalizePath(to));
  await src.delete(from, { recursive: true });
  return r;
}

/** The total size of the files under `p` (a file's own size), from fresh listings; links are not followed. */
async function sizeOf(site: Site, p: string): Promise<{ files: number; bytes: number }> {
  site.cache.invalidate(parentPath(p));
  const st = await site.stat(p);
  if ((st.type & FileType.Directory) === 0) return { files: 1, bytes: st.size };
  if ((st.type & FileType.SymbolicLink) !== 0) return { files: 0, bytes: 0 };
  site.cache.invalidate(p);
  const total = { files: 0, bytes: 0 };
  for (const e of await site.entries(p)) {
    const q = p === '/' ? `/${e.name}` : `${p}/${e.name}`;
    if (e.type === 'dir') {
      const s = await sizeOf(site, q);
      total.files += s.files;
      total.bytes += s.bytes;
    } else if (e.type === 'file') {
      total.files++;
      total.bytes += e.size ?? 0;
    }
  }
  return total;
}

async function verifySameSize(src: Site, a: string, dst: Site, b: string): Promise<void> {
  const [x, y] = await Promise.all([sizeOf(src, a), sizeOf(dst, b)]);
  if (x.files !== y.files || x.bytes !== y.bytes) {
    throw new FsError(
      'Unavailable',
      t(
        'move {0} from "{1}" to "{2}": the copy holds {3} files, {4} bytes, the original {5} files, {6} bytes. The original was kept; compare them, then delete one.',
        a,
        src.name,
        dst.name,
        y.files,
        y.bytes,
        x.files,
        x.bytes,
      ),
    );
  }
}

/** A name for a copy of `name` in a folder that has `taken` names: "a copy.txt", "a copy 2.txt", ... */
export function copyName(name: string, taken: ReadonlySet<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; ; i++) {
    const n = `${stem} copy${i === 1 ? '' : ` ${i}`}${ext}`;
    if (!taken.has(n)) return n;
  }
}
