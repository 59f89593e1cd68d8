/**
 * Listings of a session: a folder (MLSD, RFC 3659 §7, else LIST with a per-line format detection), one path's
 * entry (MLST, else the parent's listing), and the text of a listing read over a data connection, bounded.
 * What works on the server (MLSD, MLST, `LIST -a`, the LIST format) is learned into its ServerTraits.
 */
import { posix } from 'node:path';
import { maskCommand } from './control';
import type { DataMethod } from './data';
import type { FileEntry } from './entry';
import { FtpError, FtpReplyError, fileUnavailable, isFileUnavailable } from './errors';
import { t as l10nT } from './l10n';
import { formatBytes } from './bytes';
import { parseList, parseMlsd, parseMlstLine } from './listing';
import { replyMessage, type FtpReply } from './reply';
import type { Session } from './session';
import type { ListingText } from './names/pathCodec';
import { checkMdtmZone, learnOffset, listOffset } from './timeZone';

const DEFAULT_MAX_LISTING_BYTES = 64 * 1024 * 1024;

/**
 * List a folder. `method`: through exactly this data-connection method (probe), learning nothing about which
 * methods or whether MLSD work; what `LIST -a` does and the listing format are the server's whatever the method.
 * `useList`: LIST even where MLSD works (see ListOptions).
 */
export async function listFolder(s: Session, abs: string, method?: DataMethod, useList = false): Promise<FileEntry[]> {
  const traits = s.traits;
  if (!useList && traits.mlsd !== false && (s.features.has('MLST') || s.features.has('MLSD'))) {
    try {
      const text = s.codec.listing(await readBytes(s, `MLSD ${abs}`, method), abs);
      if (!method) traits.mlsd = true;
      return named(parseMlsd(text.text).entries, text);
    } catch (err) {
      if (!(err instanceof FtpReplyError) || (err.code !== 500 && err.code !== 502)) throw err;
      if (!method) traits.mlsd = false;
    }
  }
  // LIST's argument is ambiguous (servers read "-name" as options and split on spaces), so change into the
  // folder and list it without a path. The CWD goes with the data connection's EPSV (or EPRT): a refused CWD
  // fails that command's read, and the passive port it opened goes unused.
  s.changeDirAhead(abs);
  let bytes: Buffer;
  if (traits.listHidden !== false) {
    try {
      bytes = await readBytes(s, 'LIST -a', method);
      traits.listHidden = true;
    } catch (err) {
      // (A refused CWD fails here too, ahead of the LIST: not a verdict on `LIST -a`.)
      if (!(err instanceof FtpReplyError) || traits.listHidden === true || s.cwd !== abs) throw err;
      traits.listHidden = false;
      bytes = await readBytes(s, 'LIST', method);
    }
  } else {
    bytes = await readBytes(s, 'LIST', method);
  }
  const text = s.codec.listing(bytes, abs);
  const now = new Date();
  let result = parseList(text.text, { now, format: traits.listFormat, timeZoneOffsetMinutes: listOffset(s) });
  if (listOffset(s) === undefined && !method) {
    const offset = await learnOffset(s, abs, named(parseList(text.text, { now }).entries, text));
    if (offset) result = parseList(text.text, { now, format: traits.listFormat, timeZoneOffsetMinutes: offset });
  } else if (s.options.timeZoneOffset && traits.mdtmLocal === undefined && !method) {
    await checkMdtmZone(s, abs, named(parseList(text.text, { now, timeZoneOffsetMinutes: s.options.timeZoneOffset }).entries, text));
  }
  if (result.format) traits.listFormat = result.format;
  if (result.unparsed.count > 0) {
    s.log({
      kind: 'info',
      text: `${result.unparsed.count} listing line(s) fit no known format, e.g. ${JSON.stringify(text.path?.(result.unparsed.sample[0]) ?? result.unparsed.sample[0])}`,
    });
  }
  return named(result.entries, text);
}

/** Entries parsed from a listing's raw text (names/pathCodec.ts) with their names and link targets read. */
function named(entries: FileEntry[], text: ListingText): FileEntry[] {
  const { name, path } = text;
  if (!name || !path) return entries;
  for (const e of entries) {
    e.name = name(e.name);
    if (e.target !== undefined) e.target = path(e.target);
  }
  return entries;
}

/** One path's entry, or undefined when it does not exist. MLST when available, else the parent's listing. */
export async function statPath(s: Session, abs: string): Promise<FileEntry | undefined> {
  if (abs === '/') return { name: '/', type: 'dir' } as FileEntry;
  if (s.traits.mlst !== false && s.features.has('MLST')) {
    const r = await s.ctl.send(`MLST ${abs}`);
    if (r.code === 250) {
      s.traits.mlst = true;
      const entry = mlstEntry(abs, r);
      if (entry) return entry;
    } else if (fileUnavailable(r.code) || r.code === 501) {
      return undefined;
    } else if (r.code === 500 || r.code === 502) {
      s.traits.mlst = false;
    } else {
      throw new FtpReplyError(r.code, replyMessage(r), `MLST ${abs}`);
    }
  }
  const parent = posix.dirname(abs);
  const name = posix.basename(abs);
  let entries: FileEntry[];
  try {
    entries = await listFolder(s, parent);
  } catch (err) {
    if (isFileUnavailable(err)) return undefined;
    throw err;
  }
  return entries.find((e) => e.name === name);
}

/** The entry in a 250 reply to `MLST abs` (RFC 3659 §7.2: the facts on a line of their own, after a space). */
export function mlstEntry(abs: string, r: FtpReply): FileEntry | undefined {
  if (r.code !== 250) return undefined;
  const factLine = r.lines.find((l, i) => i > 0 && l.startsWith(' '));
  const entry = factLine ? parseMlstLine(factLine) : undefined;
  return entry ? { ...entry, name: posix.basename(abs) } : undefined;
}

/** The bytes a listing command sends over its data connection, at most `maxListingBytes`. */
async function readBytes(s: Session, command: string, method?: DataMethod): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const max = s.options.maxListingBytes ?? DEFAULT_MAX_LISTING_BYTES;
  await s.transfers.run(
    command,
    'list',
    async (socket) => {
      chunks.length = 0;
      let total = 0;
      for await (const chunk of socket) {
        total += (chunk as Buffer).length;
        // A hostile or broken server must not make us hold an endless listing in memory.
        if (total > max) {
          chunks.length = 0;
          throw new FtpError(
            l10nT('The listing ({0}) is larger than {1}: stopped reading it. If the folder is really that large, raise maxListingBytes.', maskCommand(command), formatBytes(max)),
            maskCommand(command),
          );
        }
        chunks.push(chunk as Buffer);
      }
    },
    { method },
  );
  return Buffer.concat(chunks);
}
