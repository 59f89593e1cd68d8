/**
 * Downloads and uploads of one file over a session's data transfers (RETR, STOR, APPE; REST to resume, RFC 959
 * §4.1.3 and RFC 3659 §5), and how their bytes meet the caller's streams: a local file through reused buffers
 * (FileSink, FileSource), a buffer through MemorySink, anything else through a pipeline with back-pressure.
 */
import type * as net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { socketEvent } from './socketWait';
import { FileSink } from './fileSink';
import { FileSource } from './fileSource';
import { prematureClose } from './errors';
import { MemorySink } from './memorySink';
import type { TransferOptions } from './options';
import type { Session } from './session';
import { replyMessage, type FtpReply } from './reply';
import type { AfterData } from './aheadReplies';
import { parseMdtm } from './replyParsers';
import { learnOffsetFromUpload, mdtmToUtc } from './timeZone';

/** opts.onModified: MDTM written ahead of the transfer's EPSV/EPRT, its reply handed over by that command's read. */
function askModified(s: Session, abs: string, opts: TransferOptions): void {
  const tell = opts.onModified;
  if (!tell) return;
  s.ctl.writeAhead(`MDTM ${abs}`, (r) => {
    const d = r.code === 213 ? parseMdtm(replyMessage(r)) : undefined;
    try {
      tell({ time: d ? new Date(mdtmToUtc(s, d.getTime())) : undefined, code: r.code, text: replyMessage(r) });
    } catch {
      // The caller's own failure must not fail the download (nor put the replies out of step).
    }
  });
}

/** RETR into a writable stream, ended afterwards unless `end: false`. Returns the bytes received. */
export async function downloadTo(s: Session, abs: string, dest: Writable, opts: TransferOptions & { end?: boolean }): Promise<number> {
  if (opts.offset) await s.expect(`REST ${opts.offset}`, (c) => c === 350);
  // Into a file: reused buffers, no copies (FileSink). Anything else: a pipeline with back-pressure.
  const sink = FileSink.accepts(dest) ? new FileSink(dest, opts.onProgress) : undefined;
  askModified(s, abs, opts);
  return s.transfers.run(
    `RETR ${abs}`,
    'download',
    async (socket, direct) => {
      if (direct && sink) {
        await sink.finish(socket, opts.end ?? true);
        return sink.bytes;
      }
      await pipeline(socket, dest, { end: opts.end ?? true });
    },
    opts,
    sink?.direct,
  );
}

/** RETR into one Buffer. */
export async function downloadToBuffer(s: Session, abs: string, opts: TransferOptions): Promise<Buffer> {
  if (opts.offset) await s.expect(`REST ${opts.offset}`, (c) => c === 350);
  // No Writable or pipeline in between, and on a plain connection no 'data' events either (MemorySink):
  // small files are mostly per-transfer cost.
  const sink = new MemorySink(opts.onProgress);
  askModified(s, abs, opts);
  await s.transfers.run(
    `RETR ${abs}`,
    'download',
    async (socket, direct) => {
      if (direct) return sink.finish(socket);
      sink.chunks.length = 0;
      await collect(socket, sink.chunks);
    },
    opts,
    sink.direct,
  );
  return sink.chunks.length === 1 ? sink.chunks[0] : Buffer.concat(sink.chunks);
}

/** STOR, or APPE with `append`, from a stream or a buffer. Returns the bytes sent. */
export async function uploadFrom(
  s: Session,
  source: Readable | Buffer | Uint8Array,
  abs: string,
  opts: TransferOptions & { append?: boolean },
): Promise<number> {
  if (opts.offset) await s.expect(`REST ${opts.offset}`, (c) => c === 350);
  const verb = opts.append ? 'APPE' : 'STOR';
  s.sizeAsked = undefined;
  const bytes = await s.transfers.run(
    `${verb} ${abs}`,
    'upload',
    async (socket) => {
      if (source instanceof Uint8Array) {
        socket.end(source);
        await sent(socket);
      } else if (FileSource.accepts(source)) {
        await FileSource.send(source, socket); // a local file: reused buffers (FileSource)
      } else {
        await pipeline(source, socket);
      }
    },
    opts.sizeAfter && !opts.append ? { ...opts, sizeWith: () => askSize(s, `SIZE ${abs}`) } : opts,
  );
  if (!opts.append) await learnOffsetFromUpload(s, abs, Date.now());
  return bytes;
}

/** The stored file's SIZE, sent with the next port asked ahead: its reply kept for FtpClient.sizeAlong. */
function askSize(s: Session, command: string): AfterData {
  let check!: (r: FtpReply) => void;
  let lost!: (err: Error) => void;
  const reply = new Promise<FtpReply>((resolve, reject) => {
    check = resolve;
    lost = reject;
  });
  reply.catch(() => undefined); // (a caller that never asks for it: the next operation read it, or it was lost)
  s.sizeAsked = { command, reply };
  return { command, check, lost };
}

/** Every chunk of the socket until it ends; a close before the end is an error, as in pipeline(). */
async function collect(socket: net.Socket, chunks: Buffer[]): Promise<void> {
  const onData = (chunk: Buffer) => chunks.push(chunk);
  socket.on('data', onData);
  try {
    await socketEvent(socket, 'end');
  } finally {
    socket.off('data', onData);
  }
}

/**
 * The data connection of an upload has closed after everything written to it went out (and our end with it); else
 * its error, or a premature close. One listener: an error is always followed by 'close', with `errored` set.
 */
function sent(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = () => {
      if (socket.errored) reject(socket.errored);
      else if (!socket.writableFinished) reject(prematureClose());
      else resolve();
    };
    if (socket.closed) settle();
    else socket.once('close', settle);
  });
}
