/**
 * Download to a local folder and upload local files, recursively for folders. No vscode import: progress and
 * cancel come in as callbacks and an AbortSignal. One pool operation per file, so browsing stays responsive.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { FsError } from './fsErrors';
import { FileType, type Site } from './site';
import { baseName, joinPath, normalizePath } from './uri';

export interface TransferContext {
  signal?: AbortSignal;
  /** Running total of bytes moved by this whole transfer. */
  onBytes?: (total: number) => void;
  /** The file being moved now (remote path on download, local path on upload). */
  onFile?: (path: string) => void;
}

export interface TransferResult {
  files: number;
  folders: number;
  bytes: number;
  /** Names skipped because they cannot be a local file name (e.g. contain a path separator). */
  skipped: string[];
}

/** A remote name that is safe as one local path segment. */
export function isSafeLocalName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\u0000]/.test(name);
}

function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FsError('Cancelled', 'Cancelled');
}

/** Download `remotePath` (file or folder) into the local folder `localDir`. */
export async function downloadTo(site: Site, remotePath: string, localDir: string, ctx: TransferContext = {}): Promise<TransferResult> {
  const result: TransferResult = { files: 0, folders: 0, bytes: 0, skipped: [] };
  const p = normalizePath(remotePath);
  const stat = await site.stat(p);
  const name = p === '/' ? site.name : baseName(p);
  if (!isSafeLocalName(name)) throw new FsError('NoPermissions', `"${name}" cannot be a local file name`);
  await get(site, p, nodePath.join(localDir, name), (stat.type & FileType.Directory) !== 0, ctx, result);
  return result;
}

async function get(site: Site, remote: string, local: string, isDir: boolean, ctx: TransferContext, r: TransferResult): Promise<void> {
  checkCancelled(ctx.signal);
  if (isDir) {
    await fsp.mkdir(local, { recursive: true });
    r.folders++;
    for (const [name, type] of await site.readDirectory(remote)) {
      if (!isSafeLocalName(name)) {
        r.skipped.push(joinPath(remote, name));
        continue;
      }
      await get(site, joinPath(remote, name), nodePath.join(local, name), (type & FileType.Directory) !== 0, ctx, r);
    }
    return;
  }
  ctx.onFile?.(remote);
  const base = r.bytes;
  let stream: fs.WriteStream | undefined;
  try {
    const n = await site.download(remote, () => (stream = fs.createWriteStream(local)), {
      signal: ctx.signal,
      onProgress: (b) => ctx.onBytes?.(base + b),
    });
    r.bytes = base + n;
    r.files++;
    ctx.onBytes?.(r.bytes);
  } catch (err) {
    // A cancelled or failed download leaves no partial file behind.
    if (stream) await closed(stream);
    await fsp.rm(local, { force: true }).catch(() => undefined);
    throw err;
  }
}

function closed(stream: fs.WriteStream): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.destroy();
  });
}

/** Total size of local files (for the progress total). */
export async function localSize(paths: string[]): Promise<number> {
  let total = 0;
  for (const p of paths) {
    const st = await fsp.stat(p);
    if (st.isDirectory()) total += await localSize((await fsp.readdir(p)).map((n) => nodePath.join(p, n)));
    else if (st.isFile()) total += st.size;
  }
  return total;
}

/** Upload local files and folders into the remote folder `remoteDir`. Existing files are overwritten. */
export async function uploadTo(site: Site, localPaths: string[], remoteDir: string, ctx: TransferContext = {}): Promise<TransferResult> {
  const result: TransferResult = { files: 0, folders: 0, bytes: 0, skipped: [] };
  for (const local of localPaths) await put(site, local, joinPath(remoteDir, nodePath.basename(local)), ctx, result);
  return result;
}

async function put(site: Site, local: string, remote: string, ctx: TransferContext, r: TransferResult): Promise<void> {
  checkCancelled(ctx.signal);
  const st = await fsp.stat(local);
  if (st.isDirectory()) {
    try {
      await site.createDirectory(remote);
    } catch (err) {
      if (!(err instanceof FsError && err.kind === 'FileExists')) throw err;
    }
    r.folders++;
    for (const name of await fsp.readdir(local)) await put(site, nodePath.join(local, name), joinPath(remote, name), ctx, r);
    return;
  }
  if (!st.isFile()) {
    r.skipped.push(local);
    return;
  }
  ctx.onFile?.(local);
  const base = r.bytes;
  const n = await site.upload(() => fs.createReadStream(local), remote, {
    signal: ctx.signal,
    onProgress: (b) => ctx.onBytes?.(base + b),
  });
  r.bytes = base + n;
  r.files++;
  ctx.onBytes?.(r.bytes);
}
