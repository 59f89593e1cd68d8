import { FtpInputError } from './errors';

/**
 * RFC 959 §4.1 ends every command with CRLF: a CR, LF or NUL inside an argument would let a file name inject
 * a second command (e.g. "a.txt\r\nDELE b.txt"). Refuse such values before anything is sent.
 */
export function assertSafeArgument(value: string, what: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0) {
      const name = c === 0 ? 'NUL' : c === 0x0d ? 'CR' : 'LF';
      // A secret is never echoed, not even in an error about it.
      const shown = /password|account/i.test(what) ? '' : `: ${JSON.stringify(value)}`;
      throw new FtpInputError(`The ${what} contains a ${name} character, which FTP cannot send${shown}`);
    }
  }
}
