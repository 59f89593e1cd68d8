/**
 * The types a site works with: the subset of the FTP client it uses, what it answers (Stat, FileType) and the
 * options of its operations. No vscode import: FileType holds vscode.FileType's numbers, so the provider passes
 * them through unchanged.
 */
import type { Readable, Writable } from 'node:stream';
import type { FileEntry, FtpReply, ListOptions, TransferOptions } from '../ftp';
import type { ChangeBatch } from './changes';
import type { PoolClient } from './pool';
import type { VersionStore } from './versions';

/** The subset of FtpClient a site uses (FtpClient satisfies it; tests use a fake). */
export interface RemoteClient extends PoolClient {
  pwd(): Promise<string>;
  /** The login folder as the login's own PWD answered (FtpClient): no second PWD, one round trip less per connect. */
  readonly homeDirectory?: string;
  cd(path: string): Promise<void>;
  /** `opts.useList`: LIST even where MLSD works, to see symbolic links as links (links.ts). */
  list(path?: string, opts?: ListOptions): Promise<FileEntry[]>;
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
  /** SIZE written ahead of the next operation's first command on this connection (FtpClient.sizeAlong). */
  sizeAlong?(path: string): Promise<number>;
  stat?(path: string): Promise<FileEntry | undefined>;
  chmod?(path: string, mode: string): Promise<void>;
  /** FEAT lines (RFC 2389), upper-case keys: stat asks MLST only of a server that has it. */
  readonly features?: ReadonlyMap<string, string>;
  /** MDTM (RFC 3659 §3): a file's time to the second, for stat where the listing gives minutes. */
  lastModified?(path: string): Promise<Date>;
  /** A raw command, resolving on any final reply: a sync's --checksum asks HASH, XSHA256, ... (sync/checksum.ts). */
  send?(command: string): Promise<FtpReply>;
  /** Commands in one write, their final replies in order: safe save's SIZE, SITE CHMOD and RNFR (safeSave.ts). */
  sendBatch?(commands: readonly string[]): Promise<FtpReply[]>;
  /** A reading command written ahead of the next operation's first command, its reply as it came (FtpClient.askAlong). */
  askAlong?(command: string): Promise<FtpReply>;
  /** What a reply to `MLST path` or `MDTM path` sent in someone else's write says (FtpClient.readAnswer). */
  readAnswer?(path: string, r: FtpReply): { entry?: FileEntry; time?: Date } | undefined;
}

/** vscode.FileType values. */
export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 } as const;

export interface Stat {
  type: number;
  size: number;
  mtime: number;
  ctime: number;
  readonly: boolean;
  /** `mtime` is to the second (MLSD, MLST, MDTM), not LIST's minute. */
  mtimeExact?: boolean;
}

export interface SiteOptions {
  /** Open one logged-in client; `n` numbers the connections of this site for the log. */
  connect: (n: number) => Promise<RemoteClient>;
  poolSize: number;
  keepAliveMs?: number;
  ttlMs?: number;
  now?: () => number;
  /** Extension-level log lines (pool shrinking, keep-alive failures). */
  info?: (text: string) => void;
  /** Transfers of files at least this large are resumed after a failure (resume.ts). Default RESUME_MIN_BYTES. */
  resumeMinBytes?: number;
  /** Where the versions of open files outlive the site (versions.ts). */
  versions?: VersionStore;
  /** readFile refuses files larger than this (VS Code holds the whole file in memory). Default MAX_READ_BYTES. */
  maxReadBytes?: number;
}

/** Transfer options for a single read/write: progress and cancel. */
export type Transfer = Pick<TransferOptions, 'onProgress' | 'signal'>;

/** Options of readFile. */
export interface ReadOptions extends Transfer {
  /** Read what is on the server without making it the editor's copy (a comparison's other side: versions.ts). */
  peek?: boolean;
}

/** Options of writeFile. */
export interface WriteOptions extends Transfer {
  /** Replace the file even if it changed on the server since the editor's copy was read (the user said so). */
  force?: boolean;
}

/** A transfer whose size the caller knows (a listing's or a local file's): small ones are quick pool operations. */
export interface SizedTransfer extends Transfer {
  bytes?: number;
  /** Download only: start at this byte (REST, RFC 959 §4.1.3), to continue an interrupted download. */
  offset?: number;
  /**
   * Another transfer follows at once on this connection (the next file of a folder; TransferOptions.followedByTransfer).
   * An upload also sends its size check in the same write (TransferOptions.sizeAfter) where its path allows.
   */
  followedByTransfer?: () => boolean;
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
  /**
   * A large local file: the safe save's temporary file is named from `key` (the local file's path, size and time),
   * kept on the server when the upload fails, and continued from its length by the next upload with the same key;
   * `from(offset)` reads the local file from there (resume.ts).
   */
  resume?: { key: string; from: (offset: number) => Readable };
  /** Collect the change in this batch (cache invalidation and change events in bulk) instead of at once. */
  batch?: ChangeBatch;
  /**
   * A new name's bytes are stored (226) and its connection is free again, its size check riding along with the
   * next operation there (RemoteClient.sizeAlong): the caller may start its next file at once. The upload's own
   * promise still settles only once the check is done. Not called on the other paths (safe save, a default mode).
   */
  onSent?: () => void;
  /**
   * The stored file as the server's MLST shows it right after the upload, where its MLST went in the write of the
   * upload's last command (the rename or the size check): what an MLSD listing of its folder shows, without a
   * listing. Not called where that could not be asked that way (no MLST, a link's target, the sizeAlong path).
   */
  onWritten?: (entry: FileEntry) => void;
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

/** A transfer that may hold its connection for long: unknown size, or larger than SHORT_TRANSFER_BYTES. */
export function isLong(bytes: number | undefined): boolean {
  return bytes === undefined || bytes > SHORT_TRANSFER_BYTES;
}
