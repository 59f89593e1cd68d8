/**
 * The names of one server, both ways: paths in commands to bytes, names in listings and replies to text.
 *
 * Setting 'auto' (the default): a name that is valid UTF-8 is UTF-8 (RFC 2640 §2.2); the others are in the code
 * page detect.ts finds from the first such names the server sends, learned once for the server (NameMemory lives
 * in its ServerTraits, shared by a site's connections) and said in the log. Any other setting is that encoding
 * for every name.
 *
 * No name is lost: bytes that do not decode stay as escapes (rawText.ts), and the bytes of every name that
 * encoding its text would not give back (a UTF-8 name on a GBK server, a Big5 name in a GBK folder) are kept by
 * its path, so a command about it sends exactly the bytes the server sent.
 */
import { isUtf8 } from 'node:buffer';
import { charsetFor, utf8, type Charset } from '../encoding';
import type { FtpLogger } from '../log';
import { codePageOfName, detectNameEncoding, oddUtf8, readsBetterIn, type CodePage } from './detect';
import { bytesToRaw, hasEscapes, isAscii, rawToBytes } from './rawText';

/** What was learned of a server's names (ServerTraits.names). */
export interface NameMemory {
  /** 'auto': the code page of the names that are not UTF-8, once some were seen. */
  codePage?: CodePage;
  /**
   * Decoded absolute path -> its bytes as raw text (rawText.ts), or '' for "its text in UTF-8", for names whose
   * text encoded in the server's code page would not give them back.
   */
  readonly raw: Map<string, string>;
}

/** A kept path whose bytes are its text in UTF-8 (a name read before any code page was learned). */
const AS_UTF8 = '';

/** Names the code page is judged on, at most. */
const EVIDENCE = 300;

/** Paths whose bytes are kept, at most: past this the oldest go (they are then encoded as usual). */
const MAX_KEPT = 100_000;

/** How a listing's text is parsed and its names read (listings.ts). */
export interface ListingText {
  text: string;
  /** The name of a parsed entry from its raw text; absent when the text's names are final. */
  name?: (raw: string) => string;
  /** A link target from its raw text. */
  path?: (raw: string) => string;
}

export class PathCodec {
  /** The setting: 'auto', or the normalised name of one encoding. */
  readonly setting: string;
  private readonly fixed: Charset | undefined;

  constructor(
    setting: string | undefined,
    readonly memory: NameMemory,
    private readonly log: FtpLogger,
  ) {
    const s = (setting ?? 'auto').trim().toLowerCase();
    this.fixed = s === 'auto' || s === '' ? undefined : charsetFor(s);
    this.setting = this.fixed?.name ?? 'auto';
  }

  /** The encoding of names the server did not send (new files, typed paths). */
  get main(): Charset {
    return this.fixed ?? (this.memory.codePage ? charsetFor(this.memory.codePage) : utf8);
  }

  /** Whether the server may be asked for UTF-8 (OPTS UTF8 ON, RFC 2640 §3.1). */
  get wantsUtf8(): boolean {
    return this.fixed === undefined || this.fixed === utf8;
  }

  /** A command line as bytes, or as a string when UTF-8 gives its bytes. A path argument (from " /") by its kept bytes. */
  encodeLine(line: string): string | Buffer {
    if (isAscii(line)) return line;
    const main = this.main;
    if (main === utf8 && this.memory.raw.size === 0 && !hasEscapes(line)) return line;
    const sp = line.indexOf(' /');
    if (sp < 0) return main.encode(line);
    return Buffer.concat([main.encode(line.slice(0, sp + 1)), this.encodePath(line.slice(sp + 1))]);
  }

  /** An absolute path as bytes: the longest part of it whose bytes were kept, then the rest in `main`. */
  encodePath(path: string): Buffer {
    const raw = this.memory.raw;
    if (raw.size > 0) {
      for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
        const kept = raw.get(path.slice(0, end));
        if (kept === AS_UTF8) return Buffer.concat([Buffer.from(path.slice(0, end), 'utf8'), this.main.encode(path.slice(end))]);
        if (kept !== undefined) return Buffer.concat([rawToBytes(kept), this.main.encode(path.slice(end))]);
      }
    }
    return this.main.encode(path);
  }

  /** One reply line (PWD's path, a message naming a file). */
  decodeLine(bytes: Buffer): string {
    if (this.fixed) return this.fixed.decode(bytes);
    if (!bytes.some((b) => b >= 0x80)) return bytes.toString('latin1');
    const usual = this.memory.codePage;
    if (isUtf8(bytes)) {
      const text = utf8.decode(bytes);
      if (!usual || !readsBetterIn(bytes, text, usual)) return text;
    }
    return charsetFor(usual ?? detectNameEncoding([bytes]).encoding).decode(bytes);
  }

  /** The text of a listing of `folder` (an absolute path) to parse, and how its names are read. */
  listing(bytes: Buffer, folder: string): ListingText {
    if (!bytes.some((b) => b >= 0x80)) return { text: bytes.toString('latin1') };
    const fixed = this.fixed;
    if (fixed === utf8 && isUtf8(bytes)) {
      const text = bytes.toString('utf8');
      if (!hasEscapes(text)) return { text };
    }
    const prefix = folder.endsWith('/') ? folder : `${folder}/`;
    if (!fixed && this.memory.codePage === undefined && isUtf8(bytes)) {
      // UTF-8 so far (the usual case): read as it is, each name kept as UTF-8 in case a code page is learned later.
      const text = bytes.toString('utf8');
      if (!hasEscapes(text) && !oddUtf8(text)) {
        const name = (n: string) => {
          if (!isAscii(n)) this.keep(prefix + n, AS_UTF8);
          return n;
        };
        return { text, name, path: (p) => p };
      }
    }
    const text = bytesToRaw(bytes);
    if (fixed) return { text, name: (raw) => fixed.decode(rawToBytes(raw)), path: (raw) => fixed.decode(rawToBytes(raw)) };
    const folderRaw = bytesToRaw(this.encodePath(folder));
    const prefixRaw = folderRaw.endsWith('/') ? folderRaw : `${folderRaw}/`;
    let learned = false;
    return {
      text,
      name: (raw) => {
        if (isAscii(raw)) return raw;
        const b = rawToBytes(raw);
        if (!learned && this.memory.codePage === undefined && notUtf8(b)) {
          learned = true;
          this.learn(text);
        }
        const [name, usual] = this.decodeName(b);
        if (!usual) this.keep(prefix + name, prefixRaw + raw);
        return name;
      },
      path: (raw) => this.decodeLine(rawToBytes(raw)),
    };
  }

  /** A name, and whether encoding it in `main` gives its bytes back for sure (then they need not be kept). */
  private decodeName(b: Buffer): [string, boolean] {
    const usual = this.memory.codePage;
    if (isUtf8(b) || !usual) {
      const text = utf8.decode(b);
      if (!usual || !readsBetterIn(b, text, usual)) return [text, false];
    }
    const page = codePageOfName(b, usual);
    return [charsetFor(page).decode(b), page === usual];
  }

  /**
   * The code page of this server's names that are not UTF-8, judged on all such lines of the first listing that
   * has any (more evidence than the one name that raised the question).
   */
  private learn(rawListing: string): void {
    const lines: Buffer[] = [];
    for (const line of rawListing.split('\n')) {
      if (isAscii(line)) continue;
      const b = rawToBytes(line);
      if (notUtf8(b)) lines.push(b);
      // A few hundred names tell the code page as well as a hundred thousand.
      if (lines.length === EVIDENCE) break;
    }
    const v = detectNameEncoding(lines);
    if (v.encoding === 'utf8') return;
    this.memory.codePage = v.encoding;
    this.log({
      kind: 'info',
      text:
        `file names are not UTF-8: reading them as ${v.encoding} (found from ${lines.length} name(s)). ` +
        `If they look wrong, set the connection's encoding.`,
    });
  }

  /**
   * `path` was deleted or renamed: the bytes kept for it and for what was under it go, so a new name of the same
   * text is written in the usual encoding, not with the old name's bytes.
   */
  forget(path: string): void {
    const kept = this.memory.raw;
    if (kept.size === 0) return;
    kept.delete(path);
    const under = path.endsWith('/') ? path : `${path}/`;
    for (const k of kept.keys()) if (k.startsWith(under)) kept.delete(k);
  }

  private keep(path: string, raw: string): void {
    const kept = this.memory.raw;
    kept.delete(path); // (re-inserted last: the oldest are the first the cap drops)
    kept.set(path, raw);
    if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
  }
}

/** Bytes that are not UTF-8, or whose UTF-8 reading makes no word (detect.ts: oddUtf8). */
function notUtf8(b: Buffer): boolean {
  return !isUtf8(b) || oddUtf8(b.toString('utf8'));
}
