/**
 * Collect a download into one Buffer, for readFile (VS Code wants the whole file in memory). No vscode import.
 *
 * - Size known (SIZE, or the listing): one buffer of that size, every chunk copied into it as it comes. Peak
 *   memory: the file, plus a read buffer or two. (Collecting the chunks and joining them at the end, as
 *   Buffer.concat does, holds the file twice at the end.)
 * - The server sends more than it announced (a lying SIZE, a file that grew since the listing): the buffer grows,
 *   at least doubling, so a long overrun costs a few copies, not one per chunk.
 * - It sends less: the result is the part received (a copy only when the unused part is large, so a wildly
 *   wrong size does not keep its memory alive).
 * - Size unknown: the chunks as they come, joined once at the end (a single chunk is returned as is).
 * - More than `max` bytes: fails with the error `tooLarge` makes, and keeps nothing.
 *
 * The bytes come in through `stream`. For a file of at least DIRECT_READ_MIN_BYTES, an fs.WriteStream whose file
 * operations (the documented `fs` option of fs.createWriteStream) write into memory: FtpClient.download reads the
 * data connection of a file stream into a few reused 1 MiB buffers (src/ftp/fileSink.ts) instead of a fresh
 * 64 KiB buffer per read, which would leave the dead read buffers of a large file for the garbage collector at the
 * peak. Any other path (TLS, active mode) pipes into the same stream, with the same result. For a smaller or
 * unknown size, a plain Writable: the client pipes the socket's chunks into it (no 1 MiB read buffer for a
 * file of a few KiB), and with the size unknown they are kept as they are, without a copy.
 */
import * as fs from 'node:fs';
import { Writable } from 'node:stream';

/** From this size on, the download goes through a file stream (reused read buffers, see above). */
export const DIRECT_READ_MIN_BYTES = 1024 * 1024;

/** Below this, an unused tail of the preallocated buffer is kept rather than copied away. */
const KEEP_SLACK_BYTES = 64 * 1024;

type Callback<T> = (err: NodeJS.ErrnoException | null, value?: T) => void;

export class BufferSink {
  /** Write the download here. */
  readonly stream: Writable;
  private buf: Buffer | undefined;
  private chunks: Buffer[] | undefined;
  private length = 0;
  private failure: Error | undefined;

  constructor(
    expected: number | undefined,
    private readonly max: number,
    private readonly tooLarge: (bytes: number) => Error,
  ) {
    if (expected !== undefined && Number.isSafeInteger(expected) && expected >= 0) {
      // Never preallocate more than the cap (the caller refuses larger files before downloading anything).
      this.buf = Buffer.allocUnsafe(Math.min(expected, max));
    } else {
      this.chunks = [];
    }
    if (expected === undefined || !(expected >= DIRECT_READ_MIN_BYTES)) {
      // Chunks from a socket: nobody reuses them, so keeping one needs no copy.
      this.stream = new Writable({
        write: (chunk: Buffer, _encoding, cb) => cb(this.take(chunk, 0, chunk.length, false)),
      });
      return;
    }
    // Callbacks asynchronously, as the real file operations call them.
    const later = <T>(cb: Callback<T>, err: NodeJS.ErrnoException | null, value?: T) => process.nextTick(() => cb(err, value));
    const memoryFs = {
      open: (_path: unknown, _flags: unknown, _mode: unknown, cb: Callback<number>) => later(cb, null, 0),
      write: (_fd: number, buffer: Buffer, offset: number, length: number, _position: unknown, cb: Callback<number>) => {
        const err = this.take(buffer, offset, length);
        later(cb, err, err ? undefined : length);
      },
      close: (_fd: number, cb: Callback<void>) => later(cb, null),
    };
    this.stream = fs.createWriteStream('memory', { fs: memoryFs } as unknown as Parameters<typeof fs.createWriteStream>[1]);
  }

  /** Bytes received so far. */
  get bytes(): number {
    return this.length;
  }

  /** Keep `length` bytes of `buffer` from `offset`, copied when `reused` (the caller may reuse its buffer). */
  private take(buffer: Buffer, offset: number, length: number, reused = true): Error | null {
    const n = this.length + length;
    if (this.failure) return this.failure;
    if (n > this.max) {
      this.buf = undefined;
      this.chunks = undefined;
      return (this.failure = this.tooLarge(n));
    }
    if (this.chunks) {
      const part = buffer.subarray(offset, offset + length);
      this.chunks.push(reused ? Buffer.from(part) : part);
    } else {
      if (n > this.buf!.length) this.grow(n);
      buffer.copy(this.buf!, this.length, offset, offset + length);
    }
    this.length = n;
    return null;
  }

  private grow(needed: number): void {
    const old = this.buf!;
    const size = Math.min(this.max, Math.max(needed, old.length * 2, 64 * 1024));
    const next = Buffer.allocUnsafe(size);
    old.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** The bytes received, exactly. Call after the download finished; throws the error that stopped it, if any. */
  result(): Buffer {
    if (this.failure) throw this.failure;
    if (this.chunks) {
      const c = this.chunks;
      return c.length === 1 ? c[0] : Buffer.concat(c, this.length);
    }
    const b = this.buf ?? Buffer.alloc(0);
    if (this.length === b.length) return b;
    const part = b.subarray(0, this.length);
    return b.length - this.length > KEEP_SLACK_BYTES ? Buffer.from(part) : part;
  }
}
