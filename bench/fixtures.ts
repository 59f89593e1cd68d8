/**
 * Test data, made fresh in the run's temp folder and removed afterwards: a large file (1 MiB of random bytes written
 * over and over: fast to make, incompressible per MiB, and real data rather than a sparse hole), many small files,
 * and a folder of many empty entries for the listing case.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { smallName } from './workers/common';

const MiB = 1024 * 1024;

export function makeLargeFile(file: string, bytes: number): void {
  const block = crypto.randomBytes(MiB);
  const fd = fs.openSync(file, 'w');
  try {
    for (let done = 0; done < bytes; done += MiB) fs.writeSync(fd, block, 0, Math.min(MiB, bytes - done));
  } finally {
    fs.closeSync(fd);
  }
}

/** `count` files of `size` bytes named smallName(i), each with its own random content. */
export function makeSmallFiles(dir: string, count: number, size: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const all = crypto.randomBytes(count * size);
  for (let i = 0; i < count; i++) fs.writeFileSync(path.join(dir, smallName(i)), all.subarray(i * size, (i + 1) * size));
}

/** `count` empty files with names of varied length, as a big upload folder has. */
export function makeManyEntries(dir: string, count: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const words = ['report', 'IMG_2041', 'backup', 'notes', 'data', 'draft copy', 'invoice-2026', 'photo'];
  const exts = ['.txt', '.jpg', '.tar.gz', '.json', '.log', ''];
  for (let i = 0; i < count; i++) {
    const name = `${words[i % words.length]}-${i}${exts[i % exts.length]}`;
    fs.closeSync(fs.openSync(path.join(dir, name), 'w'));
  }
}

/** A hard link where possible (same file system: instant, no extra space), else a copy. */
export function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

/** Copy a folder of plain files. */
export function copyFolder(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const n of fs.readdirSync(from)) linkOrCopy(path.join(from, n), path.join(to, n));
}

/** An empty folder the FTP user may write into. */
export function writableFolder(dir: string, uid: number, gid: number): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.chownSync(dir, uid, gid);
}

/** Remove what a run left (a downloaded file, an uploaded folder); the next run starts from nothing. */
export function clear(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
}

/** Files directly in a folder and their total size (to check a transfer moved everything). */
export function folderStats(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += fs.statSync(path.join(dir, e.name)).size;
  }
  return { files, bytes };
}
