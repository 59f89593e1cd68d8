/** One entry of a directory listing, whatever format it came from (MLSD, Unix LIST, DOS LIST). */
export type EntryType = 'file' | 'dir' | 'symlink' | 'unknown';

export interface FileEntry {
  /** The name exactly as the server sent it (decoded), without any path. */
  name: string;
  type: EntryType;
  /** Size in bytes when known. For symlinks from LIST this is the size of the link itself. */
  size?: number;
  /**
   * Modification time when known, in milliseconds since the epoch (UTC), as VS Code's FileStat.mtime and
   * Node's Stats.mtimeMs. LIST gives minute precision at best. A number, not a Date: a Date is a heap object per
   * entry to create and collect, and listings can have hundreds of thousands of entries.
   */
  mtimeMs?: number;
  /** Symlink target when known (`name -> target` in LIST, `OS.unix=slink:target` in MLSD). */
  target?: string;
  /** Permissions as the server gave them: `rwxr-xr-x` from LIST, `UNIX.mode` octal or MLSD `perm` facts. */
  permissions?: string;
  /** Unix mode bits when known (from `UNIX.mode` or the LIST permission string). */
  mode?: number;
  /** Owner and group as the listing names them (LIST's columns; MLSD's `UNIX.ownername`, else `UNIX.owner`/`UNIX.uid`). */
  owner?: string;
  group?: string;
}

export type ListingFormat = 'mlsd' | 'unix' | 'dos';

export interface ParseResult {
  entries: FileEntry[];
  /** Lines that fit no format: how many, and the first few for the log. */
  unparsed: { count: number; sample: string[] };
  /** The LIST format that parsed most lines, so a connection can remember it. */
  format?: ListingFormat;
}
