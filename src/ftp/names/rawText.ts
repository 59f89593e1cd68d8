/**
 * Bytes as text without loss: ASCII as itself, every byte 0x80-0xFF as one character of the Private Use Area,
 * U+F780-U+F7FF. Listings are parsed in this form before any name is decoded, so the parsers only ever see ASCII
 * structure (a GBK trail byte 0xA0 read as Latin-1 would be a no-break space, which `\s` matches), and each
 * name's own bytes can then be decoded on their own. The same characters mark the bytes of a name that do not
 * decode in its encoding: encoding such a name gives the server's bytes back (see encoding.ts).
 *
 * Private Use characters survive everywhere a name travels (URIs, JSON, the tree), unlike lone surrogates,
 * which `encodeURIComponent` refuses.
 */

const BASE = 0xf700;
const FIRST = 0xf780;
const LAST = 0xf7ff;
const ESCAPE = /[\uf780-\uf7ff]/;
/** A character that is neither ASCII nor an escape: not raw text. */
const NOT_RAW = /[^\x00-\x7f\uf780-\uf7ff]/;
const NON_ASCII = /[^\x00-\x7f]/;

/** The character that stands for byte `b` (0x80-0xFF). */
export function escapeByte(b: number): string {
  return String.fromCharCode(BASE + b);
}

export function isEscape(code: number): boolean {
  return code >= FIRST && code <= LAST;
}

/** Whether `text` holds bytes that did not decode (or a raw text's high bytes). */
export function hasEscapes(text: string): boolean {
  return ESCAPE.test(text);
}

export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Bytes to raw text: ASCII as is, 0x80-0xFF escaped. */
export function bytesToRaw(bytes: Uint8Array): string {
  const codes = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    codes[i] = b < 0x80 ? b : BASE + b;
  }
  return Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength).toString('utf16le');
}

/** Raw text back to its bytes. A character that is neither ASCII nor an escape goes as UTF-8 (not produced by bytesToRaw). */
export function rawToBytes(raw: string): Buffer {
  // Latin-1 keeps the low byte of each character: ASCII as itself, U+F780-U+F7FF as 0x80-0xFF.
  if (!NOT_RAW.test(raw)) return Buffer.from(raw, 'latin1');
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x80) out.push(c);
    else if (isEscape(c)) out.push(c - BASE);
    else {
      const cp = raw.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b);
      if (cp > 0xffff) i++;
    }
  }
  return Buffer.from(out);
}

/**
 * Text to bytes: escapes as the bytes they stand for, the runs between them through `encode`. A name decoded
 * with escapes (a byte that is not a character in its encoding) goes back as exactly the bytes the server sent.
 */
export function encodeWithEscapes(text: string, encode: (run: string) => Buffer): Buffer {
  if (!ESCAPE.test(text)) return encode(text);
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isEscape(c)) continue;
    if (i > start) parts.push(encode(text.slice(start, i)));
    parts.push(Buffer.of(c - BASE));
    start = i + 1;
  }
  if (start < text.length) parts.push(encode(text.slice(start)));
  return Buffer.concat(parts);
}

/** A name for people to read: each escape as \xNN (the byte it stands for), the rest as it is. */
export function visibleName(text: string): string {
  return ESCAPE.test(text)
    ? text.replace(/[\uf780-\uf7ff]/g, (c) => `\\x${(c.charCodeAt(0) - BASE).toString(16).toUpperCase().padStart(2, '0')}`)
    : text;
}
