/**
 * The end of a safe save (safeSave.ts) in one round trip instead of three: SIZE of the temporary file, SITE CHMOD
 * to the original's mode and RNFR, sent together (RFC 959 §4.2: replies in order), then RNTO alone once the size
 * is known right. Nothing depends on a reply before it: a wrong size stops the save before RNTO (the server
 * forgets the RNFR at the next command, the temporary file's DELE), and a refused CHMOD is said as it is when
 * sent alone.
 */
import type { FileEntry } from './entry';
import { FtpIncompleteError, FtpReplyError } from './errors';
import { t as l10nT } from './l10n';
import { replyMessage, type FtpReply } from './reply';
import type { SafeSaveClient } from './safeSave';
import type { SafeSaveMemory } from './traits';

/**
 * The batch for the upload of `bytes` bytes to `temp`, to be renamed over `path`. Returns the RNFR's reply for
 * the rename, or undefined when the batch does not apply or the size could not be read this way (no SIZE, a
 * reply without a number: the usual path then checks it, and renames with its own RNFR).
 */
export async function batchedTail(
  c: SafeSaveClient,
  path: string,
  temp: string,
  bytes: number,
  existing: FileEntry | undefined,
  memory: SafeSaveMemory,
  say: (key: string, text: string) => void,
): Promise<{ rnfr: FtpReply } | undefined> {
  if (!c.sendBatch || !c.send || memory.size === false || !temp.startsWith('/') || !path.startsWith('/')) return undefined;
  if (existing && memory.renameOver === false) return undefined;
  const mode = existing?.mode !== undefined && c.chmod && memory.chmod !== false ? (existing.mode & 0o7777).toString(8).padStart(3, '0') : undefined;
  const commands = [`SIZE ${temp}`, ...(mode ? [`SITE CHMOD ${mode} ${temp}`] : []), `RNFR ${temp}`];
  const replies = await c.sendBatch(commands);
  const size = replies[0];
  const n = size.code === 213 ? Number(replyMessage(size)) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    if (size.code === 213) return undefined; // ftp-srv's "213 File status" for an empty file: the listing tells
    if (notImplemented(size.code) && memory.size !== true) {
      memory.size = false;
      return undefined;
    }
    throw new FtpReplyError(size.code, replyMessage(size), `SIZE ${temp}`);
  }
  memory.size = true;
  if (n !== bytes) {
    throw new FtpIncompleteError(l10nT('The server stored {0} of {1} bytes of {2} (the upload was cut short)', n, bytes, path), `STOR ${path}`, bytes, n);
  }
  if (mode) {
    const r = replies[1];
    if (r.code >= 200 && r.code < 300) {
      memory.chmod = true;
    } else {
      memory.chmod = false;
      say('chmod', `The server refused SITE CHMOD (${r.code} ${replyMessage(r)}): saved files get the server's default permissions.`);
    }
  }
  return { rnfr: replies[replies.length - 1] };
}

/**
 * RNFR (sent already, its reply `rnfr`) then RNTO: what client.rename does, with its errors. `after`: a command that
 * only reads (SafeSaveOptions.after), in RNTO's write; its reply is returned (read, and dropped, on a refusal too).
 */
export async function renameAfter(c: SafeSaveClient, temp: string, path: string, rnfr: FtpReply, after?: string): Promise<FtpReply | undefined> {
  if (rnfr.code !== 350) throw new FtpReplyError(rnfr.code, replyMessage(rnfr), `RNFR ${temp}`);
  const [r, answer] = after && c.sendBatch ? await c.sendBatch([`RNTO ${path}`, after]) : [await c.send!(`RNTO ${path}`)];
  if (r.code < 200 || r.code >= 300) throw new FtpReplyError(r.code, replyMessage(r), `RNTO ${path}`);
  return answer;
}

/** 500/502/504: the command is not implemented (as opposed to failing on this file). */
export function notImplemented(code: number): boolean {
  return code === 500 || code === 502 || code === 504;
}

/**
 * STOR of the temporary name refused for a reason that a direct STOR may not share: permission to create
 * files, or the name. Never for a full disk or quota (552, 452, "space"): writing over the original then
 * would lose it.
 */
export function refusedName(err: unknown): boolean {
  if (!(err instanceof FtpReplyError)) return false;
  if (err.code !== 550 && err.code !== 553 && err.code !== 532) return false;
  return !/space|quota|full|storage/i.test(err.replyText);
}
