import * as fs from 'node:fs';
import type * as net from 'node:net';
import { finished } from 'node:stream/promises';
import { giveBuffer, takeBuffer } from './buffers';
import { prematureClose } from './errors';

/** What `net.connect({ onread })` takes: read into buffers we hand out, and get each read as (length, buffer). */
export interface DirectRead {
  buffer: () => Buffer;
  callback: (bytes: number, buffer: Buffer) => boolean;
}

/** How many reads may wait to be written at once before the socket stops reading. */
const IN_FLIGHT = 4;

/**
 * A download straight into a local file stream, for a data connection we open ourselves (passive, no TLS).
 *
 * The socket reads into a few reused buffers (`onread`) instead of a fresh 64 KiB buffer per read, and each read
 * goes to the file stream as it is, without a copy; a buffer is reused once the file stream has written it (its
 * write callback: an fs.WriteStream keeps no reference after that). Compared with `pipeline(socket, file)` this is
 * fewer, larger reads and no garbage: a large download keeps the process near its idle size instead of growing by
 * the dead read buffers V8 lets pile up before it collects them.
 * Back-pressure: at most IN_FLIGHT reads wait to be written; past that the socket stops reading until the file stream
 * catches up. (Not the stream's highWaterMark: at the default 16 KiB every read would stop the socket.)
 */
export class FileSink {
  readonly direct: DirectRead;
  /** Bytes received so far. */
  bytes = 0;
  private readonly free: Buffer[] = [];
  private socket: net.Socket | undefined;
  private stopped = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly dest: fs.WriteStream,
    private readonly onProgress?: (bytes: number) => void,
  ) {
    this.direct = {
      buffer: () => this.free.pop() ?? takeBuffer(),
      callback: (n, buffer) => this.receive(n, buffer),
    };
  }

  /** Only a plain file stream qualifies: it is the one writable known to let go of a chunk once written. */
  static accepts(dest: unknown): dest is fs.WriteStream {
    return dest instanceof fs.WriteStream && !dest.destroyed && !dest.writableEnded;
  }

  private receive(n: number, buffer: Buffer): boolean {
    this.bytes += n;
    this.inFlight++;
    this.dest.write(buffer.subarray(0, n), (err) => {
      this.inFlight--;
      if (err) this.fail(err);
      else this.free.push(buffer);
      if (this.inFlight === 0) this.idle?.();
      // (Before finish() knows the socket, it resumes it there.)
      if (this.stopped && this.socket && this.inFlight < IN_FLIGHT && !this.failure) {
        this.stopped = false;
        this.socket.resume();
      }
    });
    this.onProgress?.(this.bytes);
    if (this.inFlight < IN_FLIGHT) return true;
    // Enough waiting: stop reading (returning false pauses the socket) until a write completes.
    this.stopped = true;
    return false;
  }

  /** The file stream failed: stop the data connection (finish() reports the error). */
  private fail(err: Error): void {
    this.failure ??= err;
    this.socket?.destroy(this.failure);
  }

  /**
   * Wait until the server has sent everything (the data connection ends) and every byte is written, then end the
   * file stream unless `end` is false. On an error of either side the other one is destroyed, as pipeline() does.
   */
  async finish(socket: net.Socket, end: boolean): Promise<void> {
    this.socket = socket;
    const early = this.failure ?? this.dest.errored;
    if (early) {
      socket.destroy();
      throw early;
    }
    if (this.stopped && this.inFlight < IN_FLIGHT) {
      this.stopped = false;
      socket.resume();
    }
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => {
          cleanup();
          reject(err);
        };
        const onEnd = () => {
          cleanup();
          resolve();
        };
        const onDestError = (err: Error) => {
          cleanup();
          socket.destroy(err);
          reject(err);
        };
        const cleanup = () => {
          socket.off('error', onError);
          socket.off('end', onEnd);
          socket.off('close', onClose);
          this.dest.off('error', onDestError);
        };
        // A close without an end is a connection cut short (pipeline would call it premature).
        const onClose = () => onError(prematureClose());
        if (socket.readableEnded) return resolve();
        if (socket.destroyed) return reject(socket.errored ?? prematureClose());
        socket.once('error', onError);
        socket.once('end', onEnd);
        socket.once('close', onClose);
        this.dest.once('error', onDestError);
      });
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      if (this.failure) throw this.failure;
      if (end) {
        this.dest.end();
        await finished(this.dest);
      }
    } catch (err) {
      // As pipeline() does: the file stream is destroyed with the error, which is not an uncaught 'error' event.
      if (!this.dest.destroyed) {
        this.dest.on('error', () => undefined);
        this.dest.destroy(err as Error);
      }
      throw err;
    } finally {
      // Only the buffers whose writes have called back; one still being written after a failure is left to the GC.
      for (const b of this.free.splice(0)) giveBuffer(b);
    }
  }
}
