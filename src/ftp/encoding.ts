import type * as IconvLite from 'iconv-lite';
import { FtpInputError } from './errors';

/** Encodes paths sent to the server and decodes names received, in the connection's encoding. */
export interface Codec {
  readonly name: string;
  encode(text: string): Buffer;
  decode(bytes: Buffer): string;
}

const utf8: Codec = {
  name: 'utf8',
  encode: (text) => Buffer.from(text, 'utf8'),
  decode: (bytes) => bytes.toString('utf8'),
};

let loaded: typeof IconvLite | undefined;

/**
 * iconv-lite, loaded the first time a connection uses another encoding than UTF-8. It is four fifths of the
 * bundle's code, and most users never need it: the bundles keep it in a file of its own (dist/iconv-lite.js, see
 * scripts/bundle.mjs), so starting the extension or the CLI does not parse it.
 */
function iconvLite(): typeof IconvLite {
  return (loaded ??= require('iconv-lite') as typeof IconvLite);
}

/**
 * Paths are UTF-8 by default (RFC 2640 §2.2); servers that predate it use a local code page (gbk, big5,
 * shift_jis, latin1...). iconv-lite covers those without native code.
 */
export function codecFor(name: string | undefined): Codec {
  const n = (name ?? 'utf8').toLowerCase().replace(/[^a-z0-9]/g, '');
  if (n === 'utf8') return utf8;
  const iconv = iconvLite();
  if (!iconv.encodingExists(n)) {
    throw new FtpInputError(`Unknown encoding "${name}": use a name like utf8, latin1, gbk, gb18030, big5 or shift_jis`);
  }
  return {
    name: n,
    encode: (text) => iconv.encode(text, n),
    decode: (bytes) => iconv.decode(bytes, n),
  };
}
