import type * as net from 'node:net';
import { prematureClose } from './errors';
import type { DirectRead } from './fileSink';

/** One read buffer for every data connection of the process: each read is copied out before the next can happen. */
const SCRATCH_SIZE = 64 * 1024;
let scratch: Buffer | undefined;

/**
 * A download into memory for a data connection we open ourselves (no TLS): the socket reads into one shared
 * scratch buffer (`onread`), and each read is copied into a buffer of exactly its size.
 *
 * A small file is mostly per-transfer cost, and this skips the stream machinery a 'data' event goes through
 * (Readable.push, its state, two listeners) on every read. Sharing the scratch buffer is safe because Node
 * reads into it and calls `callback` synchronously, which copies the bytes out before anything else runs.
 */
export class MemorySink {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  readonly direct: DirectRead = {
    buffer: () => (scratch ??= Buffer.allocUnsafe(SCRATCH_SIZE)),
    callback: (n, buffer) => {
      const copy = Buffer.allocUnsafe(n);
      buffer.copy(copy, 0, 0, n);
      this.chunks.push(copy);
      this.bytes += n;
      this.onProgress?.(this.bytes);
      return true;
    },
  };

  constructor(private readonly onProgress?: (bytes: number) => void) {}

  /**
   * Wait until the server has sent everything and the connection is closed; a close before the end is an error.
   * One 'close' listener: an error is always followed by 'close', with the socket's `errored` set.
   */
  finish(socket: net.Socket): Promise<number> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        if (socket.readableEnded) resolve(this.bytes);
        else reject(socket.errored ?? prematureClose());
      };
      if (socket.closed) settle();
      else socket.once('close', settle);
    });
  }

  /** Everything received, as one buffer. */
  result(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.bytes);
  }
}
