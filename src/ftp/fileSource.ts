import * as fs from 'node:fs';
import type * as net from 'node:net';
import { finished } from 'node:stream/promises';
import { TRANSFER_BUFFER_SIZE, giveBuffer, takeBuffer } from './buffers';
import { prematureClose } from './errors';
import { socketEvent } from './socketWait';

/** Size of one read buffer, and how many exist at most (one being read, the others on their way to the socket). */
const CHUNK = TRANSFER_BUFFER_SIZE;
const BUFFERS = 4;

interface ReadStreamRange {
  start?: number;
  end?: number;
}

/**
 * An upload straight from a local file stream that nobody has read yet (what `fs.createReadStream(path)` gives).
 *
 * The file is read with fs.read into a few reused buffers, and each is written to the data socket as it is; a
 * buffer is read into again once the socket's write callback says it has been sent (a Writable is done with a
 * chunk then). `pipeline(fileStream, socket)` would allocate a new buffer for every read (page faults on fresh
 * memory, garbage for the GC) and run the stream machinery per chunk; CPU the client saves here is CPU the server
 * gets when both share a small machine. The stream's fd, start and end are
 * honoured; the stream is destroyed at the end (closing its fd when autoClose), as pipeline() would.
 */
export class FileSource {
  /** A plain fs.ReadStream that nothing has read, listened to for data, or given an encoding. */
  static accepts(source: unknown): source is fs.ReadStream {
    if (!(source instanceof fs.ReadStream)) return false;
    return (
      !source.destroyed &&
      source.bytesRead === 0 &&
      source.readableFlowing === null &&
      source.readableLength === 0 &&
      !source.readableEncoding &&
      source.listenerCount('data') === 0 &&
      source.listenerCount('readable') === 0
    );
  }

  /** Send the whole file (or the stream's start..end) and end the socket. */
  static async send(source: fs.ReadStream, socket: net.Socket): Promise<void> {
    try {
      const fd = await openFd(source);
      const range = source as unknown as ReadStreamRange;
      let position = typeof range.start === 'number' ? range.start : undefined;
      let remaining = typeof range.end === 'number' && Number.isFinite(range.end) ? range.end - (position ?? 0) + 1 : Infinity;
      const free: Buffer[] = [];
      let made = 0;
      let failure: Error | undefined;
      let wake: (() => void) | undefined;
      const signal = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      const onSocketError = (err: Error) => {
        failure ??= err;
        signal();
      };
      // A socket that closes without an error (the server went away with the control connection) calls back no
      // further write and sends no 'drain': its close must end every wait here.
      const onSocketClose = () => onSocketError(socket.errored ?? prematureClose());
      socket.on('error', onSocketError);
      socket.on('close', onSocketClose);
      if (socket.destroyed) onSocketClose();
      try {
        while (remaining > 0) {
          while (!failure && free.length === 0 && made >= BUFFERS) await new Promise<void>((resolve) => (wake = resolve));
          if (failure) throw failure;
          const buffer = free.pop() ?? (made++, takeBuffer());
          const n = await read(fd, buffer, Math.min(CHUNK, remaining), position);
          if (n === 0) break;
          if (position !== undefined) position += n;
          remaining -= n;
          const ok = socket.write(n === buffer.length ? buffer : buffer.subarray(0, n), (err) => {
            if (err) failure ??= err;
            else free.push(buffer);
            signal();
          });
          if (!ok) await socketEvent(socket, 'drain');
        }
        if (failure) throw failure;
        socket.end();
        await finished(socket, { readable: false });
      } finally {
        socket.off('error', onSocketError);
        socket.off('close', onSocketClose);
        // Only the buffers the socket is done with; one still being sent after a failure is left to the GC.
        for (const b of free) giveBuffer(b);
      }
      source.destroy();
    } catch (err) {
      if (!source.destroyed) {
        source.on('error', () => undefined);
        source.destroy();
      }
      throw err;
    }
  }
}

/** The stream's file descriptor, once its (asynchronous) open is done. */
function openFd(source: fs.ReadStream): Promise<number> {
  const fd = (source as unknown as { fd: number | null }).fd;
  if (typeof fd === 'number') return Promise.resolve(fd);
  return new Promise((resolve, reject) => {
    const onReady = () => {
      source.off('error', onError);
      resolve((source as unknown as { fd: number }).fd);
    };
    const onError = (err: Error) => {
      source.off('ready', onReady);
      reject(err);
    };
    source.once('ready', onReady);
    source.once('error', onError);
  });
}

function read(fd: number, buffer: Buffer, length: number, position: number | undefined): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buffer, 0, length, position ?? null, (err, n) => (err ? reject(err) : resolve(n))),
  );
}
