import { FtpInputError } from './errors';
import { t as l10nT } from './l10n';

/**
 * RFC 959 §4.1 ends every command with CRLF: a CR, LF or NUL inside an argument would let a file name inject
 * a second command (e.g. "a.txt\r\nDELE b.txt"). Refuse such values before anything is sent.
 */
export function assertSafeArgument(value: string, what: ArgumentKind): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0) {
      const name = c === 0 ? 'NUL' : c === 0x0d ? 'CR' : 'LF';
      throw new FtpInputError(unsendable(what, name, JSON.stringify(value)));
    }
  }
}

/** What assertSafeArgument checks (one message each, so that each translates whole). */
export type ArgumentKind = 'host' | 'user name' | 'password' | 'account' | 'path' | 'command' | 'mode';

function unsendable(what: ArgumentKind, name: string, shown: string): string {
  switch (what) {
    case 'host':
      return l10nT('The host contains a {0} character, which FTP cannot send: {1}', name, shown);
    case 'user name':
      return l10nT('The user name contains a {0} character, which FTP cannot send: {1}', name, shown);
    // A secret is never echoed, not even in an error about it.
    case 'password':
      return l10nT('The password contains a {0} character, which FTP cannot send', name);
    case 'account':
      return l10nT('The account contains a {0} character, which FTP cannot send', name);
    case 'path':
      return l10nT('The path contains a {0} character, which FTP cannot send: {1}', name, shown);
    case 'command':
      return l10nT('The command contains a {0} character, which FTP cannot send: {1}', name, shown);
    case 'mode':
      return l10nT('The mode contains a {0} character, which FTP cannot send: {1}', name, shown);
  }
}
