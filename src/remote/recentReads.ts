/**
 * The files read last, kept for a few seconds: opening a large file, VS Code reads it more than once (its size
 * check, then the editor, then the binary check), and each read of an ftp: file is a whole download. A read of
 * the same path within RECENT_READ_MS whose listing shows the same size and time gets the same bytes; a change
 * of ours to the path (or a listing showing another size or time) forgets them. At most MAX_ENTRIES files.
 */
import type { FileEntry } from '../ftp';

/**
 * How long a file's bytes are kept after it was read: VS Code reads a file above its large-file threshold
 * (workbench.editorLargeFileConfirmation) once, then asks, and reads it again when the person answers "Open Anyway".
 */
export const RECENT_READ_MS = 120_000;
/** Only files at least this large are kept (smaller ones cost little to download again). */
export const RECENT_READ_MIN_BYTES = 1024 * 1024;
const MAX_ENTRIES = 2;
/** What all kept files may take together; a file larger than this is not kept. */
const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

interface Kept {
  size: number;
  mtimeMs: number | undefined;
  data: Uint8Array;
  at: number;
}

export class RecentReads {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The bytes of `path` read last, if its listing entry still shows the same size and time. */
  get(path: string, entry: FileEntry | undefined): Uint8Array | undefined {
    const k = this.kept.get(path);
    if (!k) return undefined;
    if (this.now() - k.at > RECENT_READ_MS || !entry || entry.size !== k.size || entry.mtimeMs !== k.mtimeMs) {
      this.kept.delete(path);
      return undefined;
    }
    return k.data;
  }

  remember(path: string, entry: FileEntry | undefined, data: Uint8Array): void {
    if (!entry || entry.type !== 'file' || entry.size !== data.byteLength || data.byteLength < RECENT_READ_MIN_BYTES) return;
    if (data.byteLength > MAX_TOTAL_BYTES) return;
    this.kept.delete(path);
    this.kept.set(path, { size: data.byteLength, mtimeMs: entry.mtimeMs, data, at: this.now() });
    const total = () => [...this.kept.values()].reduce((n, k) => n + k.size, 0);
    while (this.kept.size > MAX_ENTRIES || total() > MAX_TOTAL_BYTES) this.kept.delete(this.kept.keys().next().value as string);
  }

  /** A change to `path` (or under it): forget it. */
  forget(path: string): void {
    for (const p of [...this.kept.keys()]) if (p === path || p.startsWith(path.endsWith('/') ? path : `${path}/`)) this.kept.delete(p);
  }

  clear(): void {
    this.kept.clear();
  }
}
