/**
 * Safe save: replace a remote file so that, whatever fails (a cut connection, a full disk, a server that
 * lies), the file is afterwards either its old content or the new one, byte for byte, never a truncated or
 * mixed file.
 *
 * 1. Upload to a temporary name in the same folder (same file system, so the rename below is atomic on
 *    Unix servers): `.<name>.<random>.ftpx-tmp`.
 * 2. Check the stored size (SIZE, RFC 3659 §4; else the folder's listing) against the bytes sent: a data
 *    connection cut while the server still said 226 leaves a short file, which must never replace the original.
 * 3. Give the temporary file the original's permissions (SITE CHMOD, from the listing's mode), where the
 *    server allows it.
 * 4. RNFR/RNTO the temporary file over the original. POSIX rename replaces the target atomically.
 *    Servers that refuse RNTO onto an existing file: rename the original aside, rename the temporary file
 *    into place, delete the aside copy; if the second rename fails, rename the original back. (Deleting the
 *    original first would lose it if the connection dropped in between.)
 * 5. Only when the server cannot do this at all (it refuses to create the temporary file, or to rename the
 *    original), upload straight onto the file, and say so once in the log.
 *
 * On failure the temporary file is deleted (the client reconnects by itself if the connection dropped) and
 * the error is rethrown. When a rename's reply was lost with the connection, the outcome is checked before
 * anything is reported: a save that did happen is not reported as failed, and never the reverse.
 */
import { posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FileEntry } from './entry';
import { FtpCancelledError, FtpError, FtpIncompleteError, FtpProtocolError, FtpReplyError, FtpTimeoutError, isFileUnavailable } from './errors';
import { t as l10nT } from './l10n';
import type { TransferOptions } from './options';
import type { FtpReply } from './reply';
import { sizeOfReply } from './replyParsers';
import { batchedTail, notImplemented, refusedName, renameAfter } from './safeSaveTail';
import { reportKept, resumeInto, resumeTempName, worthKeeping, type ResumeSource } from './resumeUpload';
import type { SafeSaveMemory } from './traits';

/** What safe save needs of a client (FtpClient has it all; size, stat, chmod and traits are optional). */
export interface SafeSaveClient {
  /** What was learned about the server (ServerTraits): safe save keeps its memory in `traits.save`. */
  readonly traits?: { readonly save: SafeSaveMemory };
  upload(source: Readable | Buffer | Uint8Array, path: string, opts?: TransferOptions): Promise<number>;
  rename(from: string, to: string): Promise<void>;
  delete(path: string): Promise<void>;
  list(path?: string): Promise<FileEntry[]>;
  size?(path: string): Promise<number>;
  stat?(path: string): Promise<FileEntry | undefined>;
  chmod?(path: string, mode: string): Promise<void>;
  /** A raw command and its final reply; with sendBatch, the size check, mode and rename go in one round trip. */
  send?(command: string): Promise<FtpReply>;
  /** Commands in one write, their final replies in order (FtpClient.sendBatch). */
  sendBatch?(commands: readonly string[]): Promise<FtpReply[]>;
}

/** What a server was found to allow, kept per site or connection (ServerTraits.save) so each fallback is said once. */

export interface SafeSaveOptions extends Pick<TransferOptions, 'onProgress' | 'signal'> {
  /** false: upload straight onto the file (STOR); the size is still checked. Default true. */
  safe?: boolean;
  /** The file's entry when the caller knows it; null when it is known not to exist; undefined: look it up. */
  existing?: FileEntry | null;
  /** For the log: fallbacks and leftovers, in words. */
  log?: (text: string) => void;
  /** Where to remember what the server allows. Default: the client's `traits.save` (a fresh memory without). */
  memory?: SafeSaveMemory;
  /** The number of bytes the source holds, when known (a stream's file size): checked against what was sent. */
  expectedBytes?: number;
  /**
   * Continue an interrupted upload (resumeUpload.ts): the temporary file is named from `resume.key`, kept on the
   * server when the upload fails (not when cancelled), and continued from its stored length by the next save with
   * the same key. Needs `expectedBytes`.
   */
  resume?: ResumeSource;
  /**
   * A command that only reads the saved file (its MLST or MDTM), sent in the same write as the RNTO that puts the
   * file in place, or as the size check of a file stored straight onto its name (RFC 959 §4.2: replies in order):
   * the file's new entry without a round trip of its own.
   */
  after?: string;
  /**
   * Awaited once before anything can change the file at `path` (its rename into place, or a STOR straight onto it):
   * a check that decides whether the save may replace it (its verdict thrown), made while the upload to the
   * temporary name runs. The temporary file is deleted when it throws.
   */
  beforeReplace?: () => Promise<void>;
}

export interface SafeSaveResult {
  bytes: number;
  /** The reply to `opts.after`, where it went with the RNTO or a direct STOR's SIZE (not when the size was checked another way). */
  after?: FtpReply;
  /** How the file got into place. */
  method: 'rename' | 'rename-aside' | 'direct';
  /** How the stored size was checked ('none': the server offers no way). */
  verified: 'size' | 'listing' | 'none';
}

export type SaveSource = Buffer | Uint8Array | (() => Readable);

/** Save `source` as `path` on the server, safely unless `opts.safe === false`. */
export async function safeSave(client: SafeSaveClient, path: string, source: SaveSource, opts: SafeSaveOptions = {}): Promise<SafeSaveResult> {
  return saver(client, path, source, opts).run();
}

/**
 * The check of a file uploaded to `path` (`bytes` sent) as a save with `safe: false` makes it: SIZE, else the
 * listing; FtpIncompleteError when the server stored less. For a caller whose SIZE could not be read otherwise.
 */
export function verifyStored(client: Pick<SafeSaveClient, 'size' | 'list'>, path: string, bytes: number, opts: Pick<SafeSaveOptions, 'memory' | 'log'> = {}): Promise<SafeSaveResult['verified']> {
  return saver(client as SafeSaveClient, path, Buffer.alloc(0), opts).verify(path, bytes);
}

function saver(client: SafeSaveClient, path: string, source: SaveSource, opts: SafeSaveOptions): Saver {
  const memory = opts.memory ?? client.traits?.save ?? {};
  const say = (key: string, text: string) => {
    memory.said ??= new Set();
    if (memory.said.has(key)) return;
    memory.said.add(key);
    opts.log?.(text);
  };
  return new Saver(client, path, source, opts, memory, say);
}

/** A temporary name in the folder of `path`: hidden, recognisable, and short enough for any server. */
export function tempName(path: string, kind: 'tmp' | 'old'): string {
  const dir = posix.dirname(path);
  const base = posix.basename(path).slice(0, 80);
  return posix.join(dir, `.${base}.${randomBytes(4).toString('hex')}.ftpx-${kind}`);
}

/** Is this the name of a temporary file of safe save (to hide or clean up)? */
export function isSafeSaveTemp(name: string): boolean {
  return /^\..*\.[0-9a-f]{8}\.ftpx-(tmp|old)$/.test(name);
}

class Saver {
  private readonly expected: number | undefined;
  /** The reply to `opts.after`, sent with the RNTO. */
  private answer: FtpReply | undefined;
  private replaceChecked: Promise<void> | undefined;

  constructor(
    private readonly c: SafeSaveClient,
    private readonly path: string,
    private readonly source: SaveSource,
    private readonly opts: SafeSaveOptions,
    private readonly memory: SafeSaveMemory,
    private readonly say: (key: string, text: string) => void,
  ) {
    this.expected = source instanceof Uint8Array ? source.byteLength : opts.expectedBytes;
  }

  async run(): Promise<SafeSaveResult> {
    this.checkCancelled();
    const existing = this.opts.existing === undefined ? await this.lookup(this.path) : this.opts.existing ?? undefined;
    if (existing?.type === 'dir') throw new FtpError(l10nT('{0} is a folder', this.path), `STOR ${this.path}`);
    if (this.opts.safe === false) return this.direct();

    const resume = this.opts.resume && this.expected !== undefined ? this.opts.resume : undefined;
    const temp = resume ? resumeTempName(this.path, resume.key) : tempName(this.path, 'tmp');
    let bytes: number;
    let offset = 0;
    let sent = 0;
    const onProgress = (n: number) => {
      sent = n;
      this.opts.onProgress?.(n);
    };
    try {
      if (resume) ({ bytes, offset } = await resumeInto(this.c, temp, resume, this.expected!, { signal: this.opts.signal, onProgress }, this.memory, this.say, (t) => this.opts.log?.(t)));
      else bytes = await this.c.upload(this.data(), temp, { signal: this.opts.signal, onProgress });
    } catch (err) {
      if (resume && worthKeeping(err, this.opts.signal)) {
        await reportKept(this.c, this.path, temp, err, (t) => this.opts.log?.(t));
        throw err;
      }
      await this.cleanup(temp, err);
      // A refusal after bytes moved is a failed transfer, not a refused name (ftp-srv answers a data connection
      // reset halfway with "550 read ECONNRESET"): writing straight onto the file then could leave it cut short.
      if (!this.opts.signal?.aborted && sent === 0 && refusedName(err)) {
        this.say(
          `temp:${posix.dirname(this.path)}`,
          `The server refused to create a temporary file in ${posix.dirname(this.path)} (${(err as FtpReplyError).code} ${(err as FtpReplyError).replyText}); ` +
            `saving directly onto the files there, so an interrupted save can leave a file cut short.`,
        );
        return this.direct();
      }
      throw err;
    }
    try {
      await this.mayReplace();
      this.checkSent(bytes);
      // A fresh upload to an absolute path: its size check, its mode and the RNFR in one write (below).
      const tail = offset === 0 ? await batchedTail(this.c, this.path, temp, bytes, existing, this.memory, this.say) : undefined;
      if (tail) {
        this.checkCancelled();
        const method = await this.place(temp, bytes, existing !== undefined, tail.rnfr);
        if (method === 'direct') {
          await this.cleanup(temp, undefined);
          return this.direct();
        }
        await this.dropLeftovers();
        return { bytes, method, verified: 'size', after: this.answer };
      }
      const verified = await this.verify(temp, bytes).catch(async (err: unknown) => {
        // A continued upload whose size is wrong (a server that took REST but wrote from the start): once more, whole.
        if (!(offset > 0 && err instanceof FtpIncompleteError && resume)) throw err;
        this.opts.log?.(`Continuing the upload of ${this.path} did not give the expected size (${err.message}): uploading it from the start.`);
        this.memory.resumeUpload = false;
        bytes = await this.c.upload(resume.from(0), temp, { signal: this.opts.signal, onProgress: this.opts.onProgress });
        this.checkSent(bytes);
        return this.verify(temp, bytes);
      });
      this.checkCancelled();
      if (existing?.mode !== undefined) await this.copyMode(temp, existing.mode);
      const method = await this.place(temp, bytes, existing !== undefined);
      if (method === 'direct') {
        await this.cleanup(temp, undefined);
        return this.direct();
      }
      await this.dropLeftovers();
      return { bytes, method, verified };
    } catch (err) {
      await this.cleanup(temp, err);
      throw err;
    }
  }

  private data(): Readable | Buffer | Uint8Array {
    return typeof this.source === 'function' ? this.source() : this.source;
  }

  private checkCancelled(): void {
    if (this.opts.signal?.aborted) throw new FtpCancelledError(l10nT('The save was cancelled'), `STOR ${this.path}`);
  }

  private checkSent(bytes: number): void {
    if (this.expected !== undefined && bytes !== this.expected) {
      throw new FtpIncompleteError(l10nT('Only {0} of {1} bytes of {2} were sent', bytes, this.expected, this.path), `STOR ${this.path}`, this.expected, bytes);
    }
  }

  private async lookup(path: string): Promise<FileEntry | undefined> {
    if (this.c.stat) return this.c.stat(path);
    const name = posix.basename(path);
    try {
      return (await this.c.list(posix.dirname(path))).find((e) => e.name === name);
    } catch (err) {
      if (isFileUnavailable(err)) return undefined;
      throw err;
    }
  }

  /**
   * The stored size of `file` must be `bytes`: SIZE, else the listing, else (no way to tell) trust the 226.
   * `asked`: the reply to `SIZE file` when that went already (with other commands in one write).
   */
  async verify(file: string, bytes: number, asked?: FtpReply): Promise<SafeSaveResult['verified']> {
    const short = (size: number) =>
      new FtpIncompleteError(
        l10nT('The server stored {0} of {1} bytes of {2} (the upload was cut short)', size, bytes, this.path),
        `STOR ${this.path}`,
        bytes,
        size,
      );
    if ((asked || this.c.size) && this.memory.size !== false) {
      try {
        const n = asked ? sizeOfReply(asked, `SIZE ${file}`) : await this.c.size!(file);
        this.memory.size = true;
        if (n !== bytes) throw short(n);
        return 'size';
      } catch (err) {
        // ftp-srv answers SIZE of an empty file with "213 File status": ask the listing instead, this time.
        const unreadable = err instanceof FtpProtocolError && err.command === 'SIZE';
        if (!unreadable) {
          if (!(err instanceof FtpReplyError) || !notImplemented(err.code) || this.memory.size === true) throw err;
          this.memory.size = false;
        }
      }
    }
    const name = posix.basename(file);
    const entry = (await this.c.list(posix.dirname(file))).find((e) => e.name === name);
    if (entry?.size !== undefined) {
      if (entry.size !== bytes) throw short(entry.size);
      return 'listing';
    }
    this.say('verify', `The server offers no way to check the size of an upload (no SIZE, no sizes in listings): trusting its 226 replies.`);
    return 'none';
  }

  private async copyMode(file: string, mode: number): Promise<void> {
    if (!this.c.chmod || this.memory.chmod === false) return;
    const octal = (mode & 0o7777).toString(8).padStart(3, '0');
    try {
      await this.c.chmod(file, octal);
      this.memory.chmod = true;
    } catch (err) {
      if (!(err instanceof FtpReplyError)) throw err;
      this.memory.chmod = false;
      this.say('chmod', `The server refused SITE CHMOD (${err.code} ${err.replyText}): saved files get the server's default permissions.`);
    }
  }

  /** Put the temporary file in place. 'direct' when the server cannot rename at all. */
  private async place(temp: string, bytes: number, existed: boolean, rnfr?: FtpReply): Promise<SafeSaveResult['method'] | 'direct'> {
    if (!existed || this.memory.renameOver !== false) {
      try {
        if (rnfr) this.answer = await renameAfter(this.c, temp, this.path, rnfr, this.opts.after);
        else await this.c.rename(temp, this.path);
        if (existed) this.memory.renameOver = true;
        return 'rename';
      } catch (err) {
        if (!(err instanceof FtpReplyError) || err.code === 421) {
          if (await this.landed(temp, bytes)) return 'rename';
          throw err;
        }
        if (err.command?.startsWith('RNFR')) {
          this.say('rename', `The server refuses to rename files (${err.code} ${err.replyText}): saving directly onto the file, so an interrupted save can leave it cut short.`);
          return 'direct';
        }
        if (!existed) throw err;
        // RNTO onto an existing file refused: is it really there (another client may have removed it)?
        if (!(await this.lookup(this.path))) {
          await this.c.rename(temp, this.path);
          return 'rename';
        }
        this.memory.renameOver = false;
        this.say(
          'rename-over',
          `The server refuses to rename onto an existing file (${err.code} ${err.replyText}): saving by renaming the original aside, the new file into place, then deleting the original.`,
        );
      }
    }
    return this.placeAside(temp, bytes);
  }

  private async placeAside(temp: string, bytes: number): Promise<'rename-aside' | 'direct'> {
    const aside = tempName(this.path, 'old');
    try {
      await this.c.rename(this.path, aside);
    } catch (err) {
      if (!(err instanceof FtpReplyError) || err.code === 421) {
        // Did the original move before the connection dropped?
        if (!(await this.exists(aside))) throw err;
      } else {
        this.say('rename-aside', `The server refuses to rename ${this.path} (${err.code} ${err.replyText}): saving directly onto the file, so an interrupted save can leave it cut short.`);
        return 'direct';
      }
    }
    try {
      await this.c.rename(temp, this.path);
    } catch (err) {
      if ((!(err instanceof FtpReplyError) || err.code === 421) && (await this.landed(temp, bytes).catch(() => false))) {
        await this.dropAside(aside);
        return 'rename-aside';
      }
      try {
        await this.c.rename(aside, this.path);
      } catch (restoreErr) {
        throw new FtpError(
          l10nT('Saving {0} failed ({1}), and the original could not be put back ({2}): it is kept as {3}', this.path, (err as Error).message, (restoreErr as Error).message, aside),
          `RNTO ${this.path}`,
        );
      }
      throw err;
    }
    await this.dropAside(aside);
    return 'rename-aside';
  }

  private async dropAside(aside: string): Promise<void> {
    try {
      await this.c.delete(aside);
    } catch (err) {
      this.opts.log?.(`The new ${this.path} is in place, but the old copy ${aside} could not be deleted: ${(err as Error).message}`);
    }
  }

  /** Delete what earlier saves had to leave behind, now that the server answers again. */
  private async dropLeftovers(): Promise<void> {
    for (const file of [...(this.memory.leftovers ?? [])]) {
      try {
        await this.c.delete(file);
        this.memory.leftovers!.delete(file);
      } catch (err) {
        if (isFileUnavailable(err)) this.memory.leftovers!.delete(file);
        else return; // try again after the next save
      }
    }
  }

  /** After a rename whose reply was lost: did the temporary file reach its place? */
  private async landed(temp: string, bytes: number): Promise<boolean> {
    try {
      if (await this.exists(temp)) return false;
      const e = await this.lookup(this.path);
      return e !== undefined && (e.size === undefined || e.size === bytes);
    } catch {
      return false;
    }
  }

  private async exists(path: string): Promise<boolean> {
    if (this.c.size && this.memory.size === true) {
      try {
        await this.c.size(path);
        return true;
      } catch (err) {
        if (isFileUnavailable(err)) return false;
        if (err instanceof FtpProtocolError && err.command === 'SIZE') return true; // 213 without a number: it is there
        throw err;
      }
    }
    return (await this.lookup(path)) !== undefined;
  }

  /** The caller's check before the file at `path` is replaced (opts.beforeReplace), awaited once. */
  private mayReplace(): Promise<void> {
    return (this.replaceChecked ??= this.opts.beforeReplace?.() ?? Promise.resolve());
  }

  /** Upload straight onto the file, then check its size. */
  private async direct(): Promise<SafeSaveResult> {
    await this.mayReplace();
    const bytes = await this.c.upload(this.data(), this.path, { signal: this.opts.signal, onProgress: this.opts.onProgress });
    this.checkSent(bytes);
    const after = this.opts.after;
    if (after && this.c.sendBatch && this.memory.size !== false && this.path.startsWith('/')) {
      // The size check and `after` in one write: the stored file's entry without a round trip of its own.
      const [size, answer] = await this.c.sendBatch([`SIZE ${this.path}`, after]);
      return { bytes, method: 'direct', verified: await this.verify(this.path, bytes, size), after: answer };
    }
    const verified = await this.verify(this.path, bytes);
    return { bytes, method: 'direct', verified };
  }

  /**
   * Delete the temporary file after a failure. Not after a timeout: a server that stopped answering would
   * make the reconnect wait as long again; the file then stays, and the log says so.
   */
  private async cleanup(temp: string, cause: unknown): Promise<void> {
    if (cause instanceof FtpTimeoutError) {
      (this.memory.leftovers ??= new Set()).add(temp);
      this.opts.log?.(`The server stopped answering; the temporary file ${temp} may be left on the server (the next save removes it).`);
      return;
    }
    try {
      await this.c.delete(temp);
    } catch (err) {
      if (isFileUnavailable(err)) return; // never created, or gone
      this.opts.log?.(`Could not delete the temporary file ${temp}: ${(err as Error).message}`);
    }
  }
}
