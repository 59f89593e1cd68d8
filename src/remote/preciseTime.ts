/**
 * A file's modification time to the second, for stat. VS Code's save compares the time stat gives now with the
 * one it read when it opened the file, and says "the content of the file is newer" only when the time moved on
 * (and the size changed). LIST gives times to the minute (older files: to the day), so on a server without MLSD
 * (vsftpd, ftp-srv) a change someone else made within the same minute kept the file's time, and the save
 * overwrote it without a word. MLSD's `modify` fact has seconds (RFC 3659 §7.5.3): nothing to ask there.
 *
 * Elsewhere one MLST (RFC 3659 §7) when the server has it, else one MDTM (RFC 3659 §3), asked once per listing:
 * the answer is kept with the listing's entry object, which lives exactly as long as that listing. A new listing
 * (after the cache's few seconds, or after a write of ours) has new entries, so the time is asked again and a
 * stat after our own save has the new file's time. Only files: a folder's time means nothing to a save, and VS
 * Code's own probes (.vscode/settings.json, ...) are not files someone edits. A server with neither command keeps
 * the listing's time.
 */
import { FtpProtocolError, FtpReplyError, replyMessage, type FileEntry, type FtpReply, type TransferOptions } from '../ftp';
import { isProbe } from './probes';
import type { SiteCore } from './siteCore';
import type { RemoteClient } from './siteTypes';

/** Listing entry -> the same entry with its precise time (or itself when the server could not say). */
const precise = new WeakMap<FileEntry, Promise<FileEntry>>();
/** Entries whose time MLST or MDTM gave, to the second. */
const exact = new WeakSet<FileEntry>();

/** Whether `entry` (as withPreciseTime returned it) has a time to the second. */
export function hasExactTime(site: SiteCore, entry: FileEntry): boolean {
  if (entry.mtimeMs === undefined) return false;
  return exact.has(entry) || (entry.type === 'file' && site.traits.mlsd === true);
}

/** `entry` (from the listing of `p`'s folder) with a time to the second where the listing's is not. */
export async function withPreciseTime(site: SiteCore, p: string, entry: FileEntry): Promise<FileEntry> {
  if (entry.type !== 'file' || isProbe(p)) return entry;
  if (site.traits.mlsd === true && entry.mtimeMs !== undefined) return entry;
  let known = precise.get(entry);
  if (!known) {
    known = ask(site, p, entry);
    precise.set(entry, known);
  }
  return known;
}

/**
 * Ask the precise time of `entry` (from the listing of `p`'s folder) on the connection `c` the caller holds (the
 * one about to download the file), so that withPreciseTime then answers without a connection of its own. Nothing
 * when it would ask nothing, or has asked already.
 */
export async function primePreciseTime(site: SiteCore, c: RemoteClient, p: string, entry: FileEntry): Promise<void> {
  if (entry.type !== 'file' || isProbe(p) || precise.has(entry)) return;
  if (site.traits.mlsd === true && entry.mtimeMs !== undefined) return;
  const known = (async () => {
    try {
      return (await byMlst(site, c, p, entry)) ?? (await byMdtm(site, c, p, entry));
    } catch {
      // The connection broke: the listing's time this once (the download fails too, and is tried again).
      precise.delete(entry);
      return entry;
    }
  })();
  precise.set(entry, known);
  await known;
}

/**
 * For a download of `entry` on `c`: the transfer option that asks its MDTM in the same write as the data
 * connection's request (TransferOptions.onModified), and `settle`, to call after the download whatever happened (a
 * time never told leaves the listing's this once). Undefined when it is not to be asked that way: nothing to ask,
 * asked already, or a server with MLST (primePreciseTime asks that, one round trip).
 */
export function modifiedAlong(
  site: SiteCore,
  c: RemoteClient,
  p: string,
  entry: FileEntry,
): { onModified: NonNullable<TransferOptions['onModified']>; settle: () => void } | undefined {
  const traits = site.traits;
  if (entry.type !== 'file' || isProbe(p) || precise.has(entry)) return undefined;
  if (traits.mlsd === true && entry.mtimeMs !== undefined) return undefined;
  if ((c.stat && c.features?.has('MLST') && traits.mlst !== false) || !c.lastModified || traits.mdtm === false) return undefined;
  let resolve!: (e: FileEntry) => void;
  precise.set(entry, new Promise<FileEntry>((r) => (resolve = r)));
  let told = false;
  return {
    onModified: (m) => {
      told = true;
      const ms = m.time?.getTime();
      if (ms !== undefined && Number.isFinite(ms)) {
        traits.mdtm = true;
        return resolve(exactly({ ...entry, mtimeMs: ms }));
      }
      if ((m.code === 500 || m.code === 502) && traits.mdtm !== true) noMdtm(site);
      // 550 and the like, or a reply that is not a time: the listing's time.
      resolve(entry);
    },
    settle: () => {
      if (told) return;
      // Never told (the download failed before its first reply, or a client without onModified).
      precise.delete(entry);
      resolve(entry);
    },
  };
}

/**
 * The entry of the file `p` we have just written (`entry`: its old entry with the new size) with its time to the
 * second, asked on the connection that wrote it (one MLST or MDTM: no listing); undefined when the server cannot
 * say or the question failed (the caller then lists the folder as for any stat).
 */
export async function writtenEntry(site: SiteCore, c: RemoteClient, p: string, entry: FileEntry, answer?: FtpReply): Promise<FileEntry | undefined> {
  try {
    const e = answered(site, c, p, entry, answer) ?? (await byMlst(site, c, p, entry)) ?? (await byMdtm(site, c, p, entry));
    if (e === entry || e.mtimeMs === undefined || !exact.has(e)) return undefined;
    precise.set(e, Promise.resolve(e));
    return e;
  } catch {
    return undefined;
  }
}

/**
 * The file `p` as the server has it at this moment, for a save that looks at a listing asked a moment ago (`listed`
 * is its entry): MLST where the server has it (RFC 3659 §7: type, size and time), else SIZE and MDTM in one write
 * (RFC 3659 §4, §3). Undefined when the server can say neither this way, or does not show a plain file there now
 * (gone, a folder): the caller then lists the folder again.
 */
export function fileNow(site: SiteCore, p: string, listed: FileEntry): Promise<FileEntry | undefined> {
  return site.pool.run((c) => fileNowOn(site, c, p, listed), { idempotent: true });
}

/** fileNow on the connection `c` the caller holds. */
export async function fileNowOn(site: SiteCore, c: RemoteClient, p: string, listed: FileEntry): Promise<FileEntry | undefined> {
  const traits = site.traits;
  if (c.stat && c.features?.has('MLST') && traits.mlst !== false) {
    const m = await c.stat(p);
    // (Without MLST after all, FtpClient.stat read the parent's listing: MDTM then, as byMlst does.)
    if (traits.mlst === true) return asFile(listed, m);
  }
  if (!c.lastModified || !c.sizeAlong || traits.mdtm === false) return undefined;
  // SIZE in MDTM's write (one round trip): the size of this moment too, not the listing's.
  const sized = c.sizeAlong(p).catch(() => undefined);
  try {
    const ms = (await c.lastModified(p)).getTime();
    traits.mdtm = true;
    const size = await sized;
    return Number.isFinite(ms) && size !== undefined ? exactly({ ...listed, size, mtimeMs: ms }) : undefined;
  } catch (err) {
    // Refused (gone, a folder) or not a time: the listing again says what is there.
    if ((err instanceof FtpReplyError && err.code !== 421) || (err instanceof FtpProtocolError && err.command?.startsWith('MDTM'))) return undefined;
    throw err;
  }
}

/**
 * fileNow's question written ahead of the next operation on `c` (RemoteClient.askAlong: in the write of an upload's
 * EPSV), so it costs no round trip of its own; the answer is read when awaited. Only where the server is known to
 * answer it (MLST, or SIZE and MDTM, having worked); undefined otherwise (ask fileNowOn first).
 */
export function fileNowAlong(site: SiteCore, c: RemoteClient, p: string, listed: FileEntry): (() => Promise<FileEntry | undefined>) | undefined {
  const traits = site.traits;
  if (!c.askAlong || !c.readAnswer) return undefined;
  const quietly = (r: Promise<FtpReply>) => r.then((x) => x, (err: unknown) => err as Error);
  if (c.features?.has('MLST') && traits.mlst === true) {
    const mlst = quietly(c.askAlong(`MLST ${p}`));
    return async () => {
      const r = await mlst;
      if (r instanceof Error) throw r;
      return asFile(listed, c.readAnswer!(p, r)?.entry);
    };
  }
  if (traits.mdtm !== true || traits.save.size !== true) return undefined;
  const size = quietly(c.askAlong(`SIZE ${p}`));
  const mdtm = quietly(c.askAlong(`MDTM ${p}`));
  return async () => {
    const [s, m] = [await size, await mdtm];
    if (s instanceof Error) throw s;
    if (m instanceof Error) throw m;
    const n = s.code === 213 ? Number(replyMessage(s)) : NaN;
    const ms = c.readAnswer!(p, m)?.time?.getTime();
    return Number.isSafeInteger(n) && n >= 0 && ms !== undefined && Number.isFinite(ms) ? exactly({ ...listed, size: n, mtimeMs: ms }) : undefined;
  };
}

/**
 * The command that asks the time of the file `p` just written, as writtenEntry would ask it, to go in the write of
 * the save's RNTO (SafeSaveOptions.after); undefined where the client cannot read its reply back.
 */
export function writtenQuery(site: SiteCore, c: RemoteClient, p: string): string | undefined {
  const mlst = mlstQuery(site, c, p);
  if (mlst) return mlst;
  if (c.readAnswer && c.sendBatch && c.lastModified && site.traits.mdtm !== false) return `MDTM ${p}`;
  return undefined;
}

/**
 * `MLST p` for the write of an upload's last command (SafeSaveOptions.after), where the server has MLST and the
 * client can read its reply back: the file's entry as an MLSD listing gives it (UploadOptions.onWritten).
 */
export function mlstQuery(site: SiteCore, c: RemoteClient, p: string): string | undefined {
  if (!c.readAnswer || !c.sendBatch || !c.stat || !c.features?.has('MLST') || site.traits.mlst === false) return undefined;
  return `MLST ${p}`;
}

/** The plain file with a size and a time that the reply to mlstQuery's command shows; undefined for anything else. */
export function mlstAnswer(site: SiteCore, c: RemoteClient, p: string, answer: FtpReply | undefined): FileEntry | undefined {
  const e = answer && c.readAnswer?.(p, answer)?.entry;
  if (!e) return undefined;
  site.traits.mlst = true;
  return e.type === 'file' && e.size !== undefined && e.mtimeMs !== undefined ? e : undefined;
}

/** `entry` with what the reply to writtenQuery's command said; undefined when it said nothing usable (asked then). */
function answered(site: SiteCore, c: RemoteClient, p: string, entry: FileEntry, answer: FtpReply | undefined): FileEntry | undefined {
  const told = answer && c.readAnswer?.(p, answer);
  if (told?.entry) {
    site.traits.mlst = true;
    return asFile(entry, told.entry) ?? entry;
  }
  const ms = told?.time?.getTime();
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  site.traits.mdtm = true;
  return exactly({ ...entry, mtimeMs: ms });
}

async function ask(site: SiteCore, p: string, entry: FileEntry): Promise<FileEntry> {
  try {
    return await site.pool.run(async (c) => (await byMlst(site, c, p, entry)) ?? (await byMdtm(site, c, p, entry)), {
      idempotent: true,
    });
  } catch {
    // The connection broke (after the pool's retry): the listing's time this once; the next stat asks again.
    precise.delete(entry);
    return entry;
  }
}

/** MLST's entry (type, size and time of one moment), or undefined when the server has no MLST. */
async function byMlst(site: SiteCore, c: RemoteClient, p: string, entry: FileEntry): Promise<FileEntry | undefined> {
  const traits = site.traits;
  if (!c.stat || !c.features?.has('MLST') || traits.mlst === false) return undefined;
  const m = await c.stat(p);
  // Without MLST after all (500/502), FtpClient.stat reads the parent's listing: its time is LIST's again.
  if (traits.mlst !== true) return undefined;
  // Gone or no longer a file since the listing: the listing's entry; the next listing says what is there.
  return asFile(entry, m) ?? entry;
}

/** `entry` with the size and time of an MLST answer `m` (RFC 3659 §7), where `m` shows a plain file with a time. */
function asFile(entry: FileEntry, m: FileEntry | undefined): FileEntry | undefined {
  return m?.type === 'file' && m.mtimeMs !== undefined ? exactly({ ...entry, size: m.size ?? entry.size, mtimeMs: m.mtimeMs }) : undefined;
}

async function byMdtm(site: SiteCore, c: RemoteClient, p: string, entry: FileEntry): Promise<FileEntry> {
  const traits = site.traits;
  if (!c.lastModified || traits.mdtm === false) return entry;
  try {
    const ms = (await c.lastModified(p)).getTime();
    traits.mdtm = true;
    return Number.isFinite(ms) ? exactly({ ...entry, mtimeMs: ms }) : entry;
  } catch (err) {
    // A reply that is not a time: the dialogue is in step, the listing's time stands.
    if (err instanceof FtpProtocolError && err.command?.startsWith('MDTM')) return entry;
    if (!(err instanceof FtpReplyError) || err.code === 421) throw err;
    if ((err.code === 500 || err.code === 502) && traits.mdtm !== true) noMdtm(site);
    // 550 and the like (gone, not a plain file, not allowed): the listing's time.
    return entry;
  }
}

function noMdtm(site: SiteCore): void {
  site.traits.mdtm = false;
  site.opts.info?.(
    'The server has neither MLST nor MDTM, so file times are to the minute: a change someone else makes to an ' +
      'open file within the same minute may go unnoticed when you save.',
  );
}

function exactly(e: FileEntry): FileEntry {
  exact.add(e);
  return e;
}
