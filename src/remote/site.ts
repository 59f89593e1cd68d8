/**
 * One FTP site (a saved or one-off connection): its pool of control connections, its directory cache, and the
 * file operations the FileSystemProvider and the tree need. The state and what the operations share are in
 * siteCore.ts; the operations in reading.ts, writing.ts and treeChanges.ts; the types in siteTypes.ts.
 */
import type { Readable, Writable } from 'node:stream';
import type { FileEntry } from '../ftp';
import { ChangeBatch } from './changes';
import * as permissions from './permissions';
import type { ChmodOptions, ChmodResult } from './permissions';
import * as reading from './reading';
import { SiteCore } from './siteCore';
import type { ReadOptions, SizedTransfer, Stat, UploadOptions, WriteOptions } from './siteTypes';
import * as tree from './treeChanges';
import * as writing from './writing';

export { FileType, MAX_READ_BYTES, SHORT_TRANSFER_BYTES } from './siteTypes';
export type { ReadOptions, RemoteClient, SiteOptions, SizedTransfer, Stat, Transfer, UploadOptions, WriteOptions } from './siteTypes';
export { SaveConflict, type Version } from './versions';

export class Site extends SiteCore {
  stat(path: string): Promise<Stat> {
    return reading.stat(this, path);
  }

  /** [name, FileType] of the folder's entries, from a listing at most a few seconds old. */
  readDirectory(path: string): Promise<[string, number][]> {
    return reading.readDirectory(this, path);
  }

  /** The entries of a folder, as FileEntry (for transfers that need sizes). */
  entries(path: string): Promise<FileEntry[]> {
    return reading.entries(this, path);
  }

  readFile(path: string, t: ReadOptions = {}): Promise<Uint8Array> {
    return reading.readFile(this, path, t);
  }

  /** Stream a file into `dest` (downloads to disk). Returns the bytes moved. */
  download(path: string, dest: () => Writable, t: SizedTransfer = {}): Promise<number> {
    return reading.download(this, path, dest, t);
  }

  writeFile(path: string, content: Uint8Array, flags: { create: boolean; overwrite: boolean }, t: WriteOptions = {}): Promise<void> {
    return writing.writeFile(this, path, content, flags, t);
  }

  /** Upload local content to `path`, replacing a file there safely (see writing.ts). Returns the bytes sent. */
  upload(source: Buffer | (() => Readable), path: string, t: UploadOptions = {}): Promise<number> {
    return writing.upload(this, source, path, t);
  }

  /**
   * Changes of one bulk operation, applied (cache invalidated, one change event) in batches: pass it to upload()
   * and close() it at the end.
   */
  batch(): ChangeBatch {
    return new ChangeBatch((changes) => this.applyChanges(changes));
  }

  createDirectory(path: string): Promise<void> {
    return tree.createDirectory(this, path);
  }

  delete(path: string, opts: { recursive: boolean }): Promise<void> {
    return tree.deletePath(this, path, opts);
  }

  rename(from: string, to: string, opts: { overwrite: boolean }): Promise<void> {
    return tree.rename(this, from, to, opts);
  }

  /** SITE CHMOD `mode` on `path`, with `recursive` inside a folder too; never through a link (permissions.ts). */
  chmod(path: string, mode: number, opts: ChmodOptions = {}): Promise<ChmodResult> {
    return permissions.chmod(this, path, mode, opts);
  }
}
