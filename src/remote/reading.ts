/** A site's reading operations: stat, folder listings, reading a file into memory, streaming one to disk. */
import type { Writable } from 'node:stream';
import { FtpError, FtpProtocolError, FtpReplyError, isFileUnavailable, type FileEntry } from '../ftp';
import { BufferSink } from './bufferSink';
import { formatBytes } from './bytes';
import { FsError } from './fsErrors';
import { t as l10nT } from './l10n';
import { hasExactTime, modifiedAlong, primePreciseTime, withPreciseTime } from './preciseTime';
import { isProbe } from './probes';
import type { SiteCore } from './siteCore';
import { FileType, isLong, MAX_READ_BYTES, type ReadOptions, type RemoteClient, type SizedTransfer, type Stat, type Transfer } from './siteTypes';
import type { TransferOptions } from '../ftp';
import { joinPath, normalizePath, parentPath } from './uri';
import { versionOf, type Version } from './versions';

/** readFile's "too large" error, an FtpError so the client passes it through unchanged (not a broken connection). */
class TooLargeError extends FtpError {
  override name = 'TooLargeError';
}

export async function stat(site: SiteCore, path: string): Promise<Stat> {
  const p = normalizePath(path);
  const s = await lookStat(site, p);
  // What VS Code's own conflict check before a save sees (versions.ts).
  if (s.type & FileType.File) site.versions.stat(p, versionOf(s));
  return s;
}

/** stat without noting it: what is on the server at `p` (through the listing cache). */
export async function lookStat(site: SiteCore, p: string): Promise<Stat> {
  const entry = await site.lookup(p);
  if (!entry) throw site.notFound(p);
  if (entry.type === 'symlink') return linkStat(site, p, entry);
  // A file's time to the second (LIST gives minutes): VS Code's save compares it with the one it read.
  return preciseStat(site, p, await withPreciseTime(site, p, entry));
}

function preciseStat(site: SiteCore, p: string, e: FileEntry, link?: 'dir' | 'file'): Stat {
  return { ...site.toStat(p, e, link), mtimeExact: hasExactTime(site, e) };
}

/**
 * A link's stat is what it leads to (type, size, mtime; as stat(2), and VS Code's own stat of a local link), so
 * VS Code sees a change of the linked file. A loop leads nowhere: a link to nothing, with the link's own facts.
 * Where the server does not say where a link leads, CWD tells a folder from a file (the link's own facts).
 */
async function linkStat(site: SiteCore, p: string, entry: FileEntry): Promise<Stat> {
  // A listing the server refuses (a folder it may not read): the link's own facts, as below.
  const r = await site.links.resolve(p, entry, false).catch(() => undefined);
  if (r?.kind === 'dir' || r?.kind === 'file') {
    const target = r.kind === 'file' ? await withPreciseTime(site, r.path, r.entry) : r.entry;
    return { ...preciseStat(site, r.path, target), type: FileType.SymbolicLink | (r.kind === 'dir' ? FileType.Directory : FileType.File) };
  }
  if (r?.kind === 'loop') return { ...site.toStat(p, entry), type: FileType.SymbolicLink };
  return site.toStat(p, entry, await site.links.kind(p));
}

/** [name, FileType] of the folder's entries, from a listing at most a few seconds old. */
export async function readDirectory(site: SiteCore, path: string): Promise<[string, number][]> {
  const p = normalizePath(path);
  if (isProbe(p)) {
    const e = await site.lookup(p);
    if (!e) throw site.notFound(p);
  }
  const listing = await site.listing(p);
  if (listing === 'missing') throw site.notFound(p);
  const entries = site.usable(p, listing);
  await site.links.typeAll(p, entries);
  return entries.map((e) => {
    if (e.type !== 'symlink') return [e.name, site.typeOf(e)];
    const kind = site.links.get(joinPath(p, e.name));
    // A loop leads nowhere: a link to nothing (VS Code's own type for a dangling link), never entered.
    return [e.name, kind === 'loop' ? FileType.SymbolicLink : site.typeOf(e, kind)];
  });
}

/** The entries of a folder, as FileEntry (for transfers that need sizes). */
export async function entries(site: SiteCore, path: string): Promise<FileEntry[]> {
  const p = normalizePath(path);
  const listing = await site.listing(p);
  if (listing === 'missing') throw site.notFound(p);
  return site.usable(p, listing);
}

export async function readFile(site: SiteCore, path: string, t: ReadOptions = {}): Promise<Uint8Array> {
  const p = normalizePath(path);
  // The editor's copy comes from this version (versions.ts): VS Code stats a file just before it reads it, so its
  // listing (and precise time) are at hand now, before a download that may outlast the listing. A read without one
  // (not an editor's) costs no listing and sets no base; a read that failed leaves the base as it was.
  const noted = !t.peek && !isProbe(p);
  const known = noted ? site.cache.lookup(p) : undefined;
  let version: Promise<Version | undefined> | undefined;
  const note = () => (version = lookStat(site, p).then(versionOf, () => undefined));
  // A file's time to the second (MDTM where the listing has minutes) is asked on the connection that downloads
  // it, in the same write as the data connection's request (TransferOptions.onModified; MLST just before it): no
  // round trip of its own, where a stat apart would wait for the download or log in a second connection. Anything
  // else (a link) is looked at as stat does.
  const file = known?.state === 'found' && known.entry.type === 'file' ? known.entry : undefined;
  if (known?.state === 'found' && !file) note();
  const before = file
    ? async (c: RemoteClient): Promise<Prepared> => {
        const along = modifiedAlong(site, c, p, file);
        if (!along) await primePreciseTime(site, c, p, file);
        note();
        return along ? { opts: { onModified: along.onModified }, settle: along.settle } : {};
      }
    : undefined;
  const data = await readBytes(site, p, t, before);
  if (file && !version) note(); // (answered from a read just made, without a connection)
  if (noted) site.versions.based(p, await version);
  return data;
}

/** What readBytes adds to the download on the connection it got: options, and what to do after it either way. */
interface Prepared {
  opts?: Pick<TransferOptions, 'onModified'>;
  settle?: () => void;
}

async function readBytes(site: SiteCore, p: string, t: Transfer, before?: (c: RemoteClient) => Promise<Prepared>): Promise<Uint8Array> {
  // A probe is answered from the listing (no RETR of a file that is not there); otherwise use what the cache knows.
  let entry: FileEntry | undefined;
  if (isProbe(p)) {
    entry = await site.lookup(p);
    if (!entry) throw site.notFound(p);
  } else {
    const known = site.cache.lookup(p);
    if (known.state === 'found') entry = known.entry;
  }
  if (entry?.type === 'dir') throw new FsError('FileIsADirectory', l10nT('{0} is a folder', p));
  // The size from the listing (not a symlink's: that is the length of its target's name).
  const listed = entry?.type === 'file' && entry.size !== undefined ? entry.size : undefined;
  const max = site.opts.maxReadBytes ?? MAX_READ_BYTES;
  if (listed !== undefined && listed > max) throw tooLarge(p, listed, max);
  const recent = site.recentReads.get(p, entry);
  if (recent) return recent;
  try {
    const data = await site.pool.run(
      async (c) => {
        const prepared = (await before?.(c)) ?? {};
        try {
          // Unknown size: ask (one SIZE), so the file lands in one buffer of its size instead of chunks joined
          // at the end (which holds it twice).
          const size = listed ?? (await sizeOf(site, c, p));
          if (size !== undefined && size > max) throw new TooLargeError(tooLarge(p, size, max).message, `RETR ${p}`);
          const sink = new BufferSink(size, max, (n) => new TooLargeError(tooLarge(p, n, max, true).message, `RETR ${p}`));
          await c.download(p, sink.stream, { onProgress: t.onProgress, signal: t.signal, ...prepared.opts });
          return sink.result();
        } finally {
          prepared.settle?.();
        }
      },
      {
        idempotent: true,
        transfer: true,
        signal: t.signal,
      },
    );
    site.recentReads.remember(p, entry, data);
    return data;
  } catch (err) {
    if (err instanceof TooLargeError) throw new FsError('Unknown', err.message, false, err);
    const fe = site.fsError(err, 'read', p);
    if (fe.kind === 'FileNotFound') {
      site.cache.invalidate(parentPath(p));
      const e = await site.lookup(p).catch(() => undefined);
      if (e?.type === 'dir') throw new FsError('FileIsADirectory', l10nT('{0} is a folder', p));
      if (e && isFileUnavailable(err)) throw site.refused(err, 'read', p, l10nT('it is there'));
    }
    throw fe;
  }
}

/** The size of a file by SIZE, or undefined when the server cannot say (then readFile collects chunks). */
async function sizeOf(site: SiteCore, c: RemoteClient, p: string): Promise<number | undefined> {
  const memory = site.traits.save;
  if (!c.size || memory.size === false) return undefined;
  try {
    const n = await c.size(p);
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  } catch (err) {
    // 550 (no such file, or a folder): RETR says it properly. ftp-srv answers SIZE of an empty file "213 File
    // status" (no number): the connection is fine. A broken connection is not a missing size.
    if (err instanceof FtpProtocolError && err.command?.startsWith('SIZE')) return undefined;
    if (!(err instanceof FtpReplyError) || err.code === 421) throw err;
    if ((err.code === 500 || err.code === 502 || err.code === 504) && memory.size !== true) memory.size = false;
    return undefined;
  }
}

function tooLarge(p: string, bytes: number, max: number, atLeast = false): FsError {
  return new FsError(
    'Unknown',
    l10nT(
      '{0} is {1}, too large to open: VS Code keeps a whole file in memory, and FTP Explorer opens files of up to {2}. Download it instead: right-click it in the FTP Explorer view and choose "Download to Local Folder...".',
      p,
      atLeast ? l10nT('more than {0}', formatBytes(bytes)) : formatBytes(bytes),
      formatBytes(max),
    ),
  );
}

/** Stream a file into `dest` (downloads to disk), from byte `t.offset` on (REST) when given. Returns the bytes moved. */
export async function download(site: SiteCore, path: string, dest: () => Writable, t: SizedTransfer = {}): Promise<number> {
  const p = normalizePath(path);
  let into: Writable | undefined;
  let reached = false;
  const onProgress = (n: number) => {
    if (n > 0) reached = true;
    t.onProgress?.(n);
  };
  try {
    return await site.pool.run((c) => c.download(p, (into = dest()), { onProgress, signal: t.signal, offset: t.offset, followedByTransfer: t.followedByTransfer }), {
      transfer: isLong(t.bytes),
      signal: t.signal,
      // A control connection lost before any byte reached the destination (a server's idle cut crossing our EPSV,
      // an extra connection of a folder transfer that the server drops): RETR changes nothing on the server and
      // the destination is as it was, so once more on a new connection rather than a failed file.
      idempotent: () => !reached && into !== undefined && !into.destroyed && !into.writableEnded,
    });
  } catch (err) {
    throw site.fsError(err, 'download', p);
  }
}
