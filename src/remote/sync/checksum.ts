/**
 * --checksum: whether a local file and a remote one of the same size have the same content. Where the server
 * offers it (FEAT), the server computes a digest: `HASH` (draft-bryan-ftpext-hash: the reply names its
 * algorithm, `213 SHA-256 0-49 <hex> <name>`, so none has to be chosen first), else `XSHA256`, `XMD5` or `XCRC`
 * (the hex digest is the last word of the reply); otherwise the file is downloaded into a digest, never to disk.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FtpReplyError, type FtpReply } from '../../ftp';
import type { Site } from '../site';
import type { RemoteClient } from '../siteTypes';

type Algorithm = 'sha1' | 'sha256' | 'sha512' | 'md5' | 'crc32';

/** HASH's algorithm names (the IANA hash function textual names) to ours. */
const HASH_NAMES: Record<string, Algorithm> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512', MD5: 'md5', CRC32: 'crc32' };

/** The older commands, best first. */
const X_COMMANDS: [string, Algorithm][] = [
  ['XSHA256', 'sha256'],
  ['XSHA1', 'sha1'],
  ['XMD5', 'md5'],
  ['XCRC', 'crc32'],
];

/** Commands a site turned out not to have after all (500/502/504), whatever FEAT said. */
const refused = new WeakMap<Site, Set<string>>();

export type ChecksumMethod = 'HASH' | 'XSHA256' | 'XSHA1' | 'XMD5' | 'XCRC' | 'download';

/** Whether the remote file `remotePath` has the content of the local file `localPath`, and how that was told. */
export async function sameContent(site: Site, remotePath: string, localPath: string, signal?: AbortSignal): Promise<{ same: boolean; method: ChecksumMethod }> {
  const remote = await site.pool.run((c) => serverDigest(site, c, remotePath), { idempotent: true, signal });
  if (remote) return { same: (await localDigest(localPath, remote.algorithm)) === remote.hex, method: remote.method };
  const d = digest('sha256');
  await site.download(remotePath, () => d.sink, { signal });
  return { same: d.hex() === (await localDigest(localPath, 'sha256')), method: 'download' };
}

async function serverDigest(site: Site, c: RemoteClient, path: string): Promise<{ algorithm: Algorithm; hex: string; method: ChecksumMethod } | undefined> {
  if (!c.send || !c.features) return undefined;
  const no = refused.get(site) ?? new Set<string>();
  refused.set(site, no);
  const tries: [ChecksumMethod, string][] = [];
  if (c.features.has('HASH') && !no.has('HASH')) tries.push(['HASH', `HASH ${path}`]);
  // The X commands take "path [start end]": a name with spaces is quoted; one with quotes cannot be sent.
  const arg = /\s/.test(path) ? (path.includes('"') ? undefined : `"${path}"`) : path;
  for (const [cmd] of X_COMMANDS) if (arg && c.features.has(cmd) && !no.has(cmd)) tries.push([cmd as ChecksumMethod, `${cmd} ${arg}`]);
  for (const [method, command] of tries) {
    const r = await c.send(command);
    if (r.code === 500 || r.code === 502 || r.code === 504) {
      no.add(method);
      continue;
    }
    if (r.code >= 400) throw new FtpReplyError(r.code, r.text, command);
    const parsed = method === 'HASH' ? parseHashReply(r) : parseXReply(r, X_COMMANDS.find(([x]) => x === method)![1]);
    if (parsed) return { ...parsed, method };
    no.add(method); // a reply we cannot read: do not ask again
  }
  return undefined;
}

/** `213 SHA-256 0-49 <hex> <name>` (the last line of a multi-line reply). */
export function parseHashReply(r: Pick<FtpReply, 'code' | 'lines'>): { algorithm: Algorithm; hex: string } | undefined {
  if (r.code !== 213) return undefined;
  const last = r.lines[r.lines.length - 1] ?? '';
  const m = /^213[ -](\S+) (\d+)-(\d*) ([0-9a-fA-F]+)(?: |$)/.exec(last);
  const algorithm = m && HASH_NAMES[m[1].toUpperCase()];
  return algorithm ? { algorithm, hex: m[4].toLowerCase() } : undefined;
}

/** `250 <HEX>` or `213 <hex>`: the last word of the last line. */
export function parseXReply(r: Pick<FtpReply, 'code' | 'lines'>, algorithm: Algorithm): { algorithm: Algorithm; hex: string } | undefined {
  if (r.code !== 250 && r.code !== 213 && r.code !== 251) return undefined;
  const words = (r.lines[r.lines.length - 1] ?? '').slice(4).trim().split(/\s+/);
  // A CRC may come without its leading zeros; a digest is at least MD5's 32 digits.
  const hex = words.find((w) => (algorithm === 'crc32' ? /^[0-9a-fA-F]{1,8}$/ : /^[0-9a-fA-F]{32,}$/).test(w));
  return hex ? { algorithm, hex: hex.toLowerCase().padStart(algorithm === 'crc32' ? 8 : 0, '0') } : undefined;
}

async function localDigest(path: string, algorithm: Algorithm): Promise<string> {
  const d = digest(algorithm);
  await pipeline(fs.createReadStream(path), d.sink);
  return d.hex();
}

/** A Writable that digests what is written to it. */
function digest(algorithm: Algorithm): { sink: Writable; hex: () => string } {
  if (algorithm === 'crc32') {
    let crc = 0xffffffff;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        crc = crc32Update(crc, chunk);
        done();
      },
    });
    return { sink, hex: () => ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0') };
  }
  const h = crypto.createHash(algorithm);
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      h.update(chunk);
      done();
    },
  });
  let hex: string | undefined;
  return { sink, hex: () => (hex ??= h.digest('hex')) };
}

let table: Uint32Array | undefined;

/** CRC-32 (ISO 3309, the polynomial of zip and XCRC), one chunk at a time. */
export function crc32Update(crc: number, data: Buffer): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = crc;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}
