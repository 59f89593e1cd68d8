/**
 * Continuing an interrupted upload into safe save's temporary file (safeSave.ts `resume`): the temporary file's
 * name comes from the caller's key, so the next save of the same local file finds what the server stored of it.
 * REST n + STOR (RFC 959 §4.1.3, RFC 3659 §5: the server writes from byte n on), else APPE (RFC 959 §4.1.3: appends
 * to the file), else from the start, said once in the log. Only the temporary file is ever continued: the size
 * check and the rename over the original come after, so resume never weakens the safe save.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { FtpCancelledError, FtpProtocolError, FtpReplyError, FtpTimeoutError, isConnectionLost, isFileUnavailable } from './errors';
import type { SafeSaveClient, SafeSaveOptions } from './safeSave';
import type { SafeSaveMemory } from './traits';

/** How a save continues an interrupted upload: the temporary file's key, and the local content from an offset. */
export interface ResumeSource {
  /** Eight hex digits naming this local file's version and target (the caller's choice). */
  key: string;
  /** The local content from byte `offset` on. */
  from: (offset: number) => Readable;
}

/** `.<name>.<key>.ftpx-tmp`: the temporary file of a resumable save (isSafeSaveTemp knows it). */
export function resumeTempName(path: string, key: string): string {
  if (!/^[0-9a-f]{8}$/.test(key)) throw new Error(`resume key must be 8 hex digits, not "${key}"`);
  return posix.join(posix.dirname(path), `.${posix.basename(path).slice(0, 80)}.${key}.ftpx-tmp`);
}

/** Upload into `temp`, continuing what is stored of it. Returns the size of `temp` afterwards and where it started. */
export async function resumeInto(
  c: SafeSaveClient,
  temp: string,
  r: ResumeSource,
  expected: number,
  opts: Pick<SafeSaveOptions, 'onProgress' | 'signal'>,
  memory: SafeSaveMemory,
  say: (key: string, text: string) => void,
  log: (text: string) => void,
): Promise<{ bytes: number; offset: number }> {
  const fresh = async () => ({ bytes: await c.upload(r.from(0), temp, opts), offset: 0 });
  const have = await storedSize(c, temp);
  if (!have) return fresh();
  if (have >= expected || memory.resumeUpload === false) {
    log(
      have >= expected
        ? `${temp} on the server holds ${have} bytes, not fewer than the ${expected} to send: uploading from the start.`
        : `${temp} holds ${have} bytes of an interrupted upload, but this server cannot continue one: uploading from the start.`,
    );
    return fresh();
  }
  log(`Continuing the interrupted upload in ${temp} from byte ${have} of ${expected}.`);
  const progress = (k: number) => opts.onProgress?.(have + k);
  const ways: ('rest' | 'appe')[] = memory.resumeUpload === 'appe' ? ['appe'] : ['rest', 'appe'];
  for (const way of ways) {
    try {
      const n = await c.upload(r.from(have), temp, { signal: opts.signal, onProgress: progress, ...(way === 'rest' ? { offset: have } : { append: true }) });
      memory.resumeUpload = way;
      return { bytes: have + n, offset: have };
    } catch (err) {
      if (!(err instanceof FtpReplyError) || isConnectionLost(err) || opts.signal?.aborted) throw err;
      const what = way === 'rest' ? `REST ${have} + STOR` : 'APPE';
      say(`resume:${way}`, `The server refused to continue an upload with ${what} (${err.code} ${err.replyText})${way === 'rest' ? ': trying APPE.' : ': uploads start from the beginning.'}`);
    }
  }
  memory.resumeUpload = false;
  return fresh();
}

/** Bytes stored of `path` (SIZE, else the listing); 0 when it is not there or the server cannot say. */
async function storedSize(c: SafeSaveClient, path: string): Promise<number> {
  if (c.size) {
    try {
      return await c.size(path);
    } catch (err) {
      if (isFileUnavailable(err)) return 0;
      if (!(err instanceof FtpReplyError || err instanceof FtpProtocolError) || isConnectionLost(err)) throw err;
    }
  }
  const name = posix.basename(path);
  const entry = (await c.list(posix.dirname(path))).find((e) => e.name === name);
  return entry?.type === 'file' ? entry.size ?? 0 : 0;
}

/**
 * Whether a failed upload into a resumable temporary file may have stored bytes worth keeping: not after a cancel,
 * nor when the server refused the command before anything moved (a name or permission it refuses).
 */
export function worthKeeping(err: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted || err instanceof FtpCancelledError || (err instanceof Error && err.name === 'AbortError')) return false;
  if (err instanceof FtpReplyError) return ![450, 500, 501, 502, 504, 530, 532, 550, 553].includes(err.code) || isConnectionLost(err);
  return true;
}

/**
 * After a failed upload into a resumable temporary file: say what the next upload can continue from. Some servers
 * delete what a broken upload stored (pure-ftpd, unless started with --keepallfiles): then nothing is claimed.
 * Not asked after a timeout (a server that stopped answering would make this wait as long again).
 */
export async function reportKept(c: SafeSaveClient, path: string, temp: string, err: unknown, log: (text: string) => void): Promise<void> {
  const why = `The upload of ${path} failed (${(err as Error)?.message ?? err})`;
  if (err instanceof FtpTimeoutError) {
    log(`${why}; what arrived may be kept in ${temp}, and uploading the file again continues from there.`);
    return;
  }
  const kept = await storedSize(c, temp).catch(() => undefined);
  if (kept === undefined) log(`${why}; what arrived may be kept in ${temp}, and uploading the file again continues from there.`);
  else if (kept > 0) log(`${why}; the ${kept} bytes that arrived are kept in ${temp}, and uploading the file again continues from there.`);
  else log(`${why}, and the server kept nothing of it (some delete a broken upload, as pure-ftpd does unless started with --keepallfiles): uploading it again starts from the beginning.`);
}
