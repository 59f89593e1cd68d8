/**
 * The 1 MiB buffers file transfers read into (FileSink, FileSource), kept between transfers.
 *
 * A buffer per transfer (one or two even for a 4 KiB file) would be external memory to V8, which counts it
 * towards its next full collection: over a folder of many small files that makes garbage collections frequent
 * enough to bound the throughput. A few idle buffers kept here cost at most MAX_IDLE MiB once a transfer has
 * happened, and nothing before.
 */
export const TRANSFER_BUFFER_SIZE = 1024 * 1024;
const MAX_IDLE = 4;
const idle: Buffer[] = [];

/** A buffer of TRANSFER_BUFFER_SIZE bytes, with whatever it held before. */
export function takeBuffer(): Buffer {
  return idle.pop() ?? Buffer.allocUnsafe(TRANSFER_BUFFER_SIZE);
}

/** Give back a buffer nothing refers to any more (its last read consumed, its last write called back). */
export function giveBuffer(buffer: Buffer): void {
  if (idle.length < MAX_IDLE && buffer.length === TRANSFER_BUFFER_SIZE) idle.push(buffer);
}

/** How many buffers wait here (for tests). */
export function idleBufferCount(): number {
  return idle.length;
}
