/**
 * One FTP site (a saved or one-off connection): its pool of control connections, its directory cache, and the
 * file operations the FileSystemProvider and the tree need. No vscode import: errors are `FsError`s with the
 * kind of vscode.FileSystemError to throw, file types use vscode's FileType numbers.
 */
import type { Readable, Writable } from 'node:stream';
import { FtpError, FtpProtocolError, FtpReplyError, safeSave, type DataMode, type FileEntry, type SafeSaveMemory, type TransferOptions } from '../ftp';
import { BufferSink } from './bufferSink';
import { formatBytes } from './bytes';
import type { ConnectionConfig } from './config';
import { DirCache, DEFAULT_TTL_MS, type Listing, ROOT_ENTRY } from './dirCache';
import { FsError, isConnectionError, toFsError } from './fsErrors';
import { ClientPool, type PoolClient } from './pool';
import { isProbe, probeAnchor } from './probes';
import { baseName, isUnder, joinPath, normalizePath, parentPath } from './uri';
import { ChangeBatch, type Change } from './changes';

/** The subset of FtpClient a site uses (FtpClient satisfies it; tests use a fake). */
export interface RemoteClient extends PoolClient {
  pwd(): Promise<string>;
  cd(path: string): Promise<void>;
  list(path?: string): Promise<FileEntry[]>;
  download(path: string, dest: Writable, opts?: TransferOptions): Promise<number>;
  downloadBuffer(path: string, opts?: TransferOptions): Promise<Buffer>;
  upload(source: Readable | Buffer, path: string, opts?: TransferOptions & { append?: boolean }): Promise<number>;
  delete(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  noop(): Promise<void>;
  /** Used by safe save when present: SIZE, MLST (or the parent's listing), SITE CHMOD. */
  size?(path: string): Promise<number>;
  stat?(path: string): Promise<FileEntry | undefined>;
  chmod?(path: string, mode: string): Promise<void>;
}

/** vscode.FileType values. */
export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 } as const;

export interface Stat {
  type: number;
  size: number;
  mtime: number;
  ctime: number;
  readonly: boolean;
}

export interface SiteOptions {
  /** Open one logged-in client; `n` numbers the connections of this site for the log. */
  connect: (n: number) => Promise<RemoteClient>;
  poolSize: number;
  keepAliveMs?: number;
  ttlMs?: number;
  now?: () => number;
  /** For scrubbing error messages: the password in use, if any. */
  secret?: () => string | undefined;
  /** Extension-level log lines (pool shrinking, keep-alive failures). */
  info?: (text: string) => void;
  /** readFile refuses files larger than this (VS Code holds the whole file in memory). Default MAX_READ_BYTES. */
  maxReadBytes?: number;
}

/** Transfer options for a single read/write: progress and cancel. */
export type Transfer = Pick<TransferOptions, 'onProgress' | 'signal'>;

/** A transfer whose size the caller knows (a listing's or a local file's): small ones are quick pool operations. */
export interface SizedTransfer extends Transfer {
  bytes?: number;
}

/** Options of an upload (folder uploads pass what they know, so nothing is looked up per file). */
export interface UploadOptions extends SizedTransfer {
  /**
   * The target's entry from a listing the caller just took, or null when that listing shows no such name.
   * Undefined: look it up (the parent's listing, through the cache).
   */
  existing?: FileEntry | null;
  /**
   * With `existing: null`: the name may still be a file (a case-insensitive server may see another case of it in
   * the listing as the same file, or another upload of this batch goes to it), so replace it safely all the same.
   */
  mayExist?: boolean;
  /** Collect the change in this batch (cache invalidation and change events in bulk) instead of at once. */
  batch?: ChangeBatch;
}

/**
 * readFile's default limit. VS Code's readFile returns the whole file in memory (and copies it to the window that
 * shows it), so a file of several GiB would take the extension host down with it.
 */
export const MAX_READ_BYTES = 1024 * 1024 * 1024;

/**
 * Transfers of at most this many bytes are short pool operations, not long transfers: they may use every
 * connection of the pool (a browsing request waits for one small file at most), so a folder of small files moves
 * over all of them at once.
 */
export const SHORT_TRANSFER_BYTES = 256 * 1024;

/** readFile's "too large" error, an FtpError so the client passes it through unchanged (not a broken connection). */
class TooLargeError extends FtpError {
  override name = 'TooLargeError';
}

/** How many symlinks of one listing are probed with CWD to tell folders from files. */
const MAX_LINK_PROBES = 32;

export class Site {
  readonly cache: DirCache;
  readonly pool: ClientPool<RemoteClient>;
  /** Authorities VS Code has used for this site (change events go to each). */
  readonly authorities = new Set<string>();
  private loginDir: string | undefined;
  private readonly linkKinds = new Map<string, 'dir' | 'file'>();
  private readonly warnedNames = new Set<string>();
  private readonly listeners = new Set<(changes: Change[]) => void>();
  /** What safe save found this server allows (said once in the log). */
  private readonly saveMemory: SafeSaveMemory = {};

  constructor(
    public config: ConnectionConfig,
    readonly key: string,
    private readonly opts: SiteOptions,
  ) {
    this.cache = new DirCache(opts.ttlMs ?? DEFAULT_TTL_MS, opts.now);
    this.authorities.add(config.name);
    this.pool = new ClientPool<RemoteClient>({
      size: opts.poolSize,
      mode: config.mode,
      create: async (n) => {
        const client = await opts.connect(n);
        if (this.loginDir === undefined) {
          try {
            this.loginDir = normalizePath(await client.pwd());
          } catch (err) {
            client.destroy();
            throw err;
          }
        }
        return client;
      },
      isConnectionError,
      validateAfterIdleMs: 15000,
      keepAliveMs: opts.keepAliveMs,
      onInfo: (t) => opts.info?.(t),
      now: opts.now,
    });
  }

  get name(): string {
    return this.config.name;
  }

  get readOnly(): boolean {
    return this.config.readOnly;
  }

  get mode(): DataMode {
    return this.pool.mode;
  }

  get connected(): boolean {
    return this.pool.connectedCount > 0;
  }

  onDidChangeFiles(listener: (changes: Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The data connection mode for the next transfer of every connection. */
  setMode(mode: DataMode): void {
    this.config = { ...this.config, mode };
    this.pool.setMode(mode);
  }

  /** The folder the tree shows for this site: remoteRoot, or the login directory. Connects if needed. */
  async root(): Promise<string> {
    if (this.config.remoteRoot) return normalizePath(this.config.remoteRoot);
    if (this.loginDir === undefined) await this.run('connect', '/', async () => undefined, { idempotent: true });
    return this.loginDir ?? '/';
  }

  /** Open one connection now (Connect command), so a wrong password shows at once. */
  async connect(): Promise<void> {
    await this.run('connect', '/', async () => undefined, { idempotent: true });
  }

  async disconnect(): Promise<void> {
    this.cache.clear();
    await this.pool.closeAll();
  }

  async dispose(): Promise<void> {
    this.listeners.clear();
    this.cache.clear();
    await this.pool.dispose();
  }

  // ------------------------------------------------------------------ reading

  async stat(path: string): Promise<Stat> {
    const p = normalizePath(path);
    const entry = await this.lookup(p);
    if (!entry) throw this.notFound(p);
    return this.toStat(p, entry, entry.type === 'symlink' ? await this.linkKind(p) : undefined);
  }

  /** [name, FileType] of the folder's entries, from a listing at most a few seconds old. */
  async readDirectory(path: string): Promise<[string, number][]> {
    const p = normalizePath(path);
    if (isProbe(p)) {
      const e = await this.lookup(p);
      if (!e) throw this.notFound(p);
    }
    const listing = await this.listing(p);
    if (listing === 'missing') throw this.notFound(p);
    const entries = this.usable(p, listing);
    const links = entries.filter((e) => e.type === 'symlink' && !this.linkKinds.has(joinPath(p, e.name)));
    if (links.length) await this.probeLinks(links.slice(0, MAX_LINK_PROBES).map((e) => joinPath(p, e.name)));
    return entries.map((e) => {
      const full = joinPath(p, e.name);
      return [e.name, this.typeOf(e, e.type === 'symlink' ? this.linkKinds.get(full) : undefined)];
    });
  }

  /** The entries of a folder, as FileEntry (for transfers that need sizes). */
  async entries(path: string): Promise<FileEntry[]> {
    const p = normalizePath(path);
    const listing = await this.listing(p);
    if (listing === 'missing') throw this.notFound(p);
    return this.usable(p, listing);
  }

  /**
   * Entries that can be a path segment. A hostile or broken server may list names with '/' (which would
   * alias another path: "a/b" in /d is not /d/a/b), NUL, or '.'/'..'; they are left out, and said once.
   */
  private usable(dir: string, listing: FileEntry[]): FileEntry[] {
    const ok = listing.filter((e) => e.name !== '' && e.name !== '.' && e.name !== '..' && !/[/\u0000]/.test(e.name));
    const bad = listing.length - ok.length - listing.filter((e) => e.name === '.' || e.name === '..').length;
    if (bad > 0 && !this.warnedNames.has(dir)) {
      this.warnedNames.add(dir);
      this.opts.info?.(`${dir}: left out ${bad} listing entr${bad === 1 ? 'y' : 'ies'} whose name cannot be a path (contains "/" or NUL, or is empty)`);
    }
    return ok;
  }

  async readFile(path: string, t: Transfer = {}): Promise<Uint8Array> {
    const p = normalizePath(path);
    // A probe is answered from the listing (no RETR of a file that is not there); otherwise use what the cache knows.
    let entry: FileEntry | undefined;
    if (isProbe(p)) {
      entry = await this.lookup(p);
      if (!entry) throw this.notFound(p);
    } else {
      const known = this.cache.lookup(p);
      if (known.state === 'found') entry = known.entry;
    }
    if (entry?.type === 'dir') throw new FsError('FileIsADirectory', `${p} is a folder`);
    // The size from the listing (not a symlink's: that is the length of its target's name).
    const listed = entry?.type === 'file' && entry.size !== undefined ? entry.size : undefined;
    const max = this.opts.maxReadBytes ?? MAX_READ_BYTES;
    if (listed !== undefined && listed > max) throw this.tooLarge(p, listed, max);
    try {
      return await this.pool.run(
        async (c) => {
          // Unknown size: ask (one SIZE), so the file lands in one buffer of its size instead of chunks joined
          // at the end (which holds it twice).
          const size = listed ?? (await this.sizeOf(c, p));
          if (size !== undefined && size > max) throw new TooLargeError(this.tooLarge(p, size, max).message, `RETR ${p}`);
          const sink = new BufferSink(size, max, (n) => new TooLargeError(this.tooLarge(p, n, max, true).message, `RETR ${p}`));
          await c.download(p, sink.stream, { onProgress: t.onProgress, signal: t.signal });
          return sink.result();
        },
        {
          idempotent: true,
          transfer: true,
          signal: t.signal,
        },
      );
    } catch (err) {
      if (err instanceof TooLargeError) throw new FsError('Unknown', err.message, false, err);
      const fe = this.fsError(err, 'read', p);
      if (fe.kind === 'FileNotFound') {
        this.cache.invalidate(parentPath(p));
        const e = await this.lookup(p).catch(() => undefined);
        if (e?.type === 'dir') throw new FsError('FileIsADirectory', `${p} is a folder`);
      }
      throw fe;
    }
  }

  /** The size of a file by SIZE, or undefined when the server cannot say (then readFile collects chunks). */
  private async sizeOf(c: RemoteClient, p: string): Promise<number | undefined> {
    if (!c.size || this.saveMemory.size === false) return undefined;
    try {
      const n = await c.size(p);
      return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    } catch (err) {
      // 550 (no such file, or a folder): RETR says it properly. ftp-srv answers SIZE of an empty file "213 File
      // status" (no number): the connection is fine. A broken connection is not a missing size.
      if (err instanceof FtpProtocolError && err.command?.startsWith('SIZE')) return undefined;
      if (!(err instanceof FtpReplyError) || err.code === 421) throw err;
      if ((err.code === 500 || err.code === 502 || err.code === 504) && this.saveMemory.size !== true) this.saveMemory.size = false;
      return undefined;
    }
  }

  private tooLarge(p: string, bytes: number, max: number, atLeast = false): FsError {
    return new FsError(
      'Unknown',
      `${p} is ${atLeast ? 'more than ' : ''}${formatBytes(bytes)}, too large to open: VS Code keeps a whole file in memory, and FTP Explorer ` +
        `opens files of up to ${formatBytes(max)}. Download it instead: right-click it in the FTP Explorer view and choose "Download to Local Folder...".`,
    );
  }

  /** Stream a file into `dest` (downloads to disk). Returns the bytes moved. */
  async download(path: string, dest: () => Writable, t: SizedTransfer = {}): Promise<number> {
    const p = normalizePath(path);
    try {
      return await this.pool.run((c) => c.download(p, dest(), { onProgress: t.onProgress, signal: t.signal }), {
        transfer: isLong(t.bytes),
        signal: t.signal,
      });
    } catch (err) {
      throw this.fsError(err, 'download', p);
    }
  }

  // ------------------------------------------------------------------ writing

  async writeFile(path: string, content: Uint8Array, flags: { create: boolean; overwrite: boolean }, t: Transfer = {}): Promise<void> {
    const p = normalizePath(path);
    this.assertWritable(p);
    const entry = await this.lookup(p);
    if (entry?.type === 'dir') throw new FsError('FileIsADirectory', `${p} is a folder`);
    if (!entry && !flags.create) throw this.notFound(p);
    if (entry && !flags.overwrite) throw new FsError('FileExists', `${p} exists already`);
    if (!entry) await this.assertParentExists(p);
    const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    try {
      await this.pool.run((c) => safeSave(c, p, data, this.saveOptions(t, entry ?? null)), {
        idempotent: true,
        transfer: true,
        signal: t.signal,
      });
    } catch (err) {
      this.cache.invalidatePath(p);
      throw this.fsError(err, 'write', p);
    }
    this.cache.invalidatePath(p);
    this.emit([{ type: entry ? 'changed' : 'created', path: p }]);
  }

  /**
   * Upload local content (a small file read already, or a stream of it) to `path` (overwrites). An existing file is replaced by a safe save (temporary file,
   * size check, rename: an interrupted upload leaves the old file intact). A name that does not exist is
   * uploaded straight onto (no file to clobber), its size checked, and the partial file deleted when the upload
   * fails: 3 commands (EPSV, STOR, SIZE) instead of 5.
   */
  async upload(source: Buffer | (() => Readable), path: string, t: UploadOptions = {}): Promise<number> {
    const p = normalizePath(path);
    this.assertWritable(p);
    let entry: FileEntry | undefined;
    let bytes: number;
    try {
      entry = t.existing === undefined ? await this.lookup(p) : t.existing ?? undefined;
      if (entry?.type === 'dir') throw new FsError('FileIsADirectory', `${p} is a folder`);
      if (!entry && !t.mayExist && this.config.safeSave !== false) {
        bytes = await this.uploadNew(source, p, t);
      } else {
        // A name that may exist without being listed as such: replaced as if it were (rename over it).
        const existing = entry ?? (t.mayExist ? { name: baseName(p), type: 'file' as const } : null);
        bytes = (
          await this.pool.run((c) => safeSave(c, p, source, this.saveOptions(t, existing)), {
            idempotent: true,
            transfer: isLong(t.bytes),
            signal: t.signal,
          })
        ).bytes;
      }
    } catch (err) {
      this.cache.invalidatePath(p);
      throw this.fsError(err, 'upload', p);
    }
    const change: Change = { type: entry ? 'changed' : 'created', path: p };
    if (t.batch) t.batch.add(change);
    else this.applyChanges([change]);
    return bytes;
  }

  /**
   * Changes of one bulk operation, applied (cache invalidated, one change event) in batches: pass it to upload()
   * and close() it at the end.
   */
  batch(): ChangeBatch {
    return new ChangeBatch((changes) => this.applyChanges(changes));
  }

  private applyChanges(changes: Change[]): void {
    for (const c of changes) this.cache.invalidatePath(c.path);
    this.emit(changes);
  }

  /**
   * A new file: STOR onto its name and check the stored size (SIZE, or the listing). No temporary file: a partial
   * upload of a new name replaces nothing. When the upload fails once bytes may have been written, the partial
   * file is deleted, so a failed upload leaves no file cut short.
   */
  private async uploadNew(source: Buffer | (() => Readable), p: string, t: UploadOptions): Promise<number> {
    let started = false;
    let moved = false;
    const onProgress = (n: number) => {
      if (n > 0) moved = true;
      t.onProgress?.(n);
    };
    try {
      const r = await this.pool.run(
        (c) => {
          started = true;
          return safeSave(c, p, source, { ...this.saveOptions({ onProgress, signal: t.signal }, null), safe: false });
        },
        { idempotent: true, transfer: isLong(t.bytes), signal: t.signal },
      );
      return r.bytes;
    } catch (err) {
      if (started && mayHaveWritten(err, moved)) await this.removePartial(p, err);
      throw err;
    }
  }

  /** Delete what a failed upload of a new file may have left (on a fresh connection if that one broke). */
  private async removePartial(p: string, cause: unknown): Promise<void> {
    try {
      await this.pool.run((c) => c.delete(p), { idempotent: true });
    } catch (err) {
      if (err instanceof FtpReplyError && (err.code === 550 || err.code === 450)) return; // never created, or gone
      this.opts.info?.(
        `The upload of ${p} failed (${(cause as Error)?.message ?? cause}), and the partly written file could not be deleted ` +
          `(${(err as Error)?.message ?? err}): delete it, or upload it again.`,
      );
    }
  }

  async createDirectory(path: string): Promise<void> {
    const p = normalizePath(path);
    this.assertWritable(p);
    if (p === '/') throw new FsError('FileExists', '/ exists already');
    const entry = await this.lookup(p);
    if (entry) throw new FsError('FileExists', `${p} exists already`);
    await this.assertParentExists(p);
    try {
      await this.pool.run((c) => c.mkdir(p));
    } catch (err) {
      this.cache.invalidatePath(p);
      throw this.fsError(err, 'create folder', p);
    }
    this.cache.invalidatePath(p);
    this.cache.store(p, []);
    this.emit([{ type: 'created', path: p }]);
  }

  async delete(path: string, opts: { recursive: boolean }): Promise<void> {
    const p = normalizePath(path);
    this.assertWritable(p);
    if (p === '/') throw new FsError('NoPermissions', 'The root folder cannot be deleted');
    const entry = await this.lookup(p);
    if (!entry) throw this.notFound(p);
    try {
      await this.pool.run(async (c) => {
        if (entry.type === 'dir') {
          if (opts.recursive) await this.removeTree(c, p);
          else await c.rmdir(p);
        } else {
          await c.delete(p);
        }
      });
    } catch (err) {
      this.cache.invalidatePath(p);
      throw this.fsError(err, 'delete', p);
    }
    this.forgetLinks(p);
    this.cache.invalidatePath(p);
    this.emit([{ type: 'deleted', path: p }]);
  }

  async rename(from: string, to: string, opts: { overwrite: boolean }): Promise<void> {
    const a = normalizePath(from);
    const b = normalizePath(to);
    this.assertWritable(b);
    if (a === '/') throw new FsError('NoPermissions', 'The root folder cannot be renamed');
    if (a === b) return;
    if (isUnder(b, a)) throw new FsError('NoPermissions', `Cannot move ${a} into itself`);
    const src = await this.lookup(a);
    if (!src) throw this.notFound(a);
    const dst = await this.lookup(b);
    if (dst && !opts.overwrite) throw new FsError('FileExists', `${b} exists already`);
    if (!dst) await this.assertParentExists(b);
    try {
      await this.pool.run(async (c) => {
        if (dst) {
          if (dst.type === 'dir') await this.removeTree(c, b);
          else await c.delete(b);
        }
        await c.rename(a, b);
      });
    } catch (err) {
      this.cache.invalidatePath(a);
      this.cache.invalidatePath(b);
      throw this.fsError(err, 'rename', a);
    }
    this.forgetLinks(a);
    this.forgetLinks(b);
    this.cache.invalidatePath(a);
    this.cache.invalidatePath(b);
    this.emit([
      { type: 'deleted', path: a },
      { type: 'created', path: b },
    ]);
  }

  // ------------------------------------------------------------------ internals

  private saveOptions(t: Transfer, existing: FileEntry | null) {
    return {
      safe: this.config.safeSave !== false,
      existing,
      memory: this.saveMemory,
      log: (text: string) => this.opts.info?.(text),
      onProgress: t.onProgress,
      signal: t.signal,
    };
  }

  /** Run an operation on a pooled client, with FTP errors turned into FsErrors. */
  private async run<T>(op: string, path: string, fn: (c: RemoteClient) => Promise<T>, o: { idempotent?: boolean } = {}): Promise<T> {
    try {
      return await this.pool.run(fn, o);
    } catch (err) {
      throw this.fsError(err, op, path);
    }
  }

  private fsError(err: unknown, op: string, path: string): FsError {
    return toFsError(err, op, path, this.opts.secret?.());
  }

  private notFound(p: string): FsError {
    return new FsError('FileNotFound', `${p} does not exist`, isProbe(p));
  }

  /** Throws NoPermissions on a read-only connection (before anything is asked of the server). */
  assertWritable(p: string): void {
    if (this.readOnly) {
      throw new FsError(
        'NoPermissions',
        `"${this.name}" is read-only, so ${p} cannot be changed. To allow changes, set "readOnly": false for it in ftpExplorer.connections.`,
      );
    }
  }

  private async assertParentExists(p: string): Promise<void> {
    const parent = parentPath(p);
    const e = await this.lookup(parent);
    if (!e) throw new FsError('FileNotFound', `The folder ${parent} does not exist`);
    if (e.type === 'file') throw new FsError('FileNotADirectory', `${parent} is a file, not a folder`);
  }

  /**
   * The entry of `p` from its parent's listing (cached for a few seconds), or undefined when it does not exist.
   * For VS Code's own probes (.vscode/..., .git, node_modules, ...) the folder holding the first probe segment is
   * listed instead of a folder that probably does not exist.
   */
  private async lookup(p: string): Promise<FileEntry | undefined> {
    if (p === '/') return ROOT_ENTRY;
    const known = this.cache.lookup(p);
    if (known.state === 'found') return known.entry;
    if (known.state === 'missing') return undefined;
    const anchor = probeAnchor(p);
    if (anchor && anchor !== p) {
      const a = await this.lookup(anchor);
      if (!a || a.type === 'file') return undefined;
    }
    const listing = await this.listing(parentPath(p));
    if (listing === 'missing') return undefined;
    const name = baseName(p);
    return listing.find((e) => e.name === name);
  }

  /** A folder's listing through the cache; 'missing' when the server says it does not exist. */
  private async listing(dir: string): Promise<Listing> {
    try {
      return await this.cache.list(dir, () =>
        this.pool.run(
          async (c) => {
            try {
              return await c.list(dir);
            } catch (err) {
              if (!isConnectionError(err) && toFsError(err, 'list', dir).kind === 'FileNotFound') return 'missing' as const;
              throw err;
            }
          },
          { idempotent: true },
        ),
      );
    } catch (err) {
      throw this.fsError(err, 'list', dir);
    }
  }

  private typeOf(e: FileEntry, link?: 'dir' | 'file'): number {
    switch (e.type) {
      case 'dir':
        return FileType.Directory;
      case 'symlink':
        return FileType.SymbolicLink | (link === 'dir' ? FileType.Directory : FileType.File);
      default:
        return FileType.File;
    }
  }

  private toStat(p: string, e: FileEntry, link?: 'dir' | 'file'): Stat {
    const mtime = e.mtimeMs ?? 0;
    return {
      type: p === '/' ? FileType.Directory : this.typeOf(e, link),
      size: e.type === 'dir' ? 0 : e.size ?? 0,
      mtime,
      ctime: mtime,
      readonly: this.readOnly,
    };
  }

  private async linkKind(p: string): Promise<'dir' | 'file'> {
    if (!this.linkKinds.has(p)) await this.probeLinks([p]);
    return this.linkKinds.get(p) ?? 'file';
  }

  /** Tell symlinks to folders from symlinks to files: CWD works only into a folder. One pool operation. */
  private async probeLinks(paths: string[]): Promise<void> {
    await this.run(
      'list',
      parentPath(paths[0]),
      async (c) => {
        for (const p of paths) {
          try {
            await c.cd(p);
            this.linkKinds.set(p, 'dir');
          } catch (err) {
            if (isConnectionError(err)) throw err;
            this.linkKinds.set(p, 'file');
          }
        }
      },
      { idempotent: true },
    );
  }

  private forgetLinks(p: string): void {
    for (const k of [...this.linkKinds.keys()]) if (isUnder(k, p)) this.linkKinds.delete(k);
  }

  /** Delete a folder and everything in it, on one client (never a second pool lease: no deadlock at size 1). */
  private async removeTree(c: RemoteClient, dir: string): Promise<void> {
    const entries = await c.list(dir);
    for (const e of entries) {
      if (e.name === '.' || e.name === '..') continue;
      const full = joinPath(dir, e.name);
      if (e.type === 'dir') await this.removeTree(c, full);
      else await c.delete(full);
    }
    await c.rmdir(dir);
  }

  private emit(changes: Change[]): void {
    for (const l of [...this.listeners]) {
      try {
        l(changes);
      } catch {
        /* a listener's problem */
      }
    }
  }
}

/** A transfer that may hold its connection for long: unknown size, or larger than SHORT_TRANSFER_BYTES. */
function isLong(bytes: number | undefined): boolean {
  return bytes === undefined || bytes > SHORT_TRANSFER_BYTES;
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
