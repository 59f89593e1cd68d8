import type * as IconvLite from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { FtpInputError } from './errors';
import { t as l10nT } from './l10n';
import { encodeWithEscapes, escapeByte, hasEscapes } from './names/rawText';

/**
 * One character encoding of names on the wire, both ways. `decode` never loses a byte: what does not decode
 * comes out as escape characters (names/rawText.ts), and `encode` turns those back into the same bytes, so
 * `encode(decode(b))` is `b` for any bytes.
 */
export interface Charset {
  /** The name as configured, normalised: utf8, gb18030, big5, shiftjis, euckr, windows1251 ... */
  readonly name: string;
  encode(text: string): Buffer;
  decode(bytes: Uint8Array): string;
}

let loaded: typeof IconvLite | undefined;

/**
 * iconv-lite, loaded the first time a connection uses another encoding than UTF-8. It is four fifths of the
 * bundle's code, and most users never need it: the bundles keep it in a file of its own (dist/iconv-lite.js, see
 * scripts/bundle.mjs), so starting the extension or the CLI does not parse it.
 */
function iconvLite(): typeof IconvLite {
  return (loaded ??= require('iconv-lite') as typeof IconvLite);
}

export const utf8: Charset = {
  name: 'utf8',
  encode: (text) => encodeWithEscapes(text, (run) => Buffer.from(run, 'utf8')),
  decode: (bytes) => {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (isUtf8(b)) {
      const text = b.toString('utf8');
      if (!hasEscapes(text)) return text;
    }
    return decodeBytewise(b, (seg) => seg.toString('utf8'), (text) => Buffer.from(text, 'utf8'));
  },
};

const cache = new Map<string, Charset>();

/** The normalised form of an encoding's name: lower case, letters and digits only ('Shift_JIS' -> 'shiftjis'). */
export function normalizeEncodingName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Paths are UTF-8 by default (RFC 2640 §2.2); servers that predate it use a local code page (gbk, big5,
 * shift_jis, latin1...). iconv-lite covers those without native code.
 */
export function charsetFor(name: string | undefined): Charset {
  const n = normalizeEncodingName(name ?? 'utf8');
  if (n === 'utf8') return utf8;
  const known = cache.get(n);
  if (known) return known;
  const iconv = iconvLite();
  if (!iconv.encodingExists(n)) {
    throw new FtpInputError(l10nT('Unknown encoding "{0}": use auto, or a name like utf8, latin1, gbk, gb18030, big5 or shift_jis', String(name)));
  }
  const enc = (text: string) => iconv.encode(text, n);
  const dec = (bytes: Buffer) => iconv.decode(bytes, n);
  // iconv-lite writes "?" for a character the code page lacks: a file would be made under another name.
  const encodeExactly = (text: string) => {
    const bytes = enc(text);
    if (dec(bytes) !== text) {
      const lost = [...text].filter((ch) => dec(enc(ch)) !== ch);
      throw new FtpInputError(
        l10nT("\"{0}\" has characters the server's encoding ({1}) cannot hold: {2}. Use other characters, or set the connection's encoding.", text, n, lost.join(' ')),
      );
    }
    return bytes;
  };
  const cs: Charset = {
    name: n,
    encode: (text) => encodeWithEscapes(text, encodeExactly),
    decode: (bytes) => {
      const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return roundTrips(b, dec, enc) ?? decodeBytewise(b, dec, enc);
    },
  };
  cache.set(n, cs);
  return cs;
}

/** The text of `bytes` when it decodes and encodes back to the same bytes; else undefined. */
function roundTrips(bytes: Buffer, dec: (b: Buffer) => string, enc: (t: string) => Buffer): string | undefined {
  const text = dec(bytes);
  if (text.includes('\ufffd') || hasEscapes(text)) return undefined;
  return enc(text).equals(bytes) ? text : undefined;
}

/**
 * Character by character: at each byte, the shortest run of 1 to 4 bytes that decodes and encodes back to
 * itself; a byte that starts no such run is kept as an escape. ASCII is always itself (FTP's '/' and ' ' must
 * stay what they are, and every encoding a server uses for names is ASCII-compatible).
 */
function decodeBytewise(bytes: Buffer, dec: (b: Buffer) => string, enc: (t: string) => Buffer): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    let taken = 0;
    for (let n = 1; n <= 4 && i + n <= bytes.length; n++) {
      const text = roundTrips(bytes.subarray(i, i + n), dec, enc);
      if (text !== undefined) {
        out += text;
        taken = n;
        break;
      }
    }
    if (taken === 0) {
      out += escapeByte(b);
      i++;
    } else {
      i += taken;
    }
  }
  return out;
}
