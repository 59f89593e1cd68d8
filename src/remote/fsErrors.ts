/**
 * Map FTP client errors to the kinds of vscode.FileSystemError. No vscode import: `FsError` carries the kind,
 * and provider.ts turns it into the matching `vscode.FileSystemError.*`.
 */
import {
  FtpCancelledError,
  FtpCertificateError,
  FtpConnectionError,
  FtpDataConnectionError,
  FtpError,
  FtpInputError,
  FtpProtocolError,
  FtpReplyError,
  FtpTimeoutError,
  FtpTlsError,
  fileUnavailable,
  isConnectionLost,
  isConnectionLimit,
} from '../ftp';
import { t } from './l10n';

export type FsErrorKind =
  | 'FileNotFound'
  | 'FileExists'
  | 'FileNotADirectory'
  | 'FileIsADirectory'
  | 'NoPermissions'
  | 'Unavailable'
  | 'Cancelled'
  | 'Unknown';

export class FsError extends Error {
  override name = 'FsError';
  constructor(
    readonly kind: FsErrorKind,
    message: string,
    /** Expected (a probe by VS Code for a file that is not there): do not log or notify. */
    readonly quiet = false,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const NOT_FOUND_TEXT = /no such|not found|not exist|doesn'?t exist|does not exist|cannot find|can't find|unknown file|no files found|file unavailable/i;
const PERMISSION_TEXT = /permission|denied|not allowed|forbidden|access|read-?only|not authori[sz]ed|prohibited/i;
const EXISTS_TEXT = /already exists|file exists|directory exists|exists already|\bexists\b/i;
const NOT_EMPTY_TEXT = /not empty/i;

/** Decided in src/ftp/errors.ts; the old names stay so callers compile. */

/**
 * FTPS failures. A certificate that is not trusted is NoPermissions (the user has to decide: FTP Explorer asks
 * when connecting); any other TLS failure (AUTH TLS refused, handshake failed, PROT refused) is Unavailable,
 * usually the wrong "tls" setting for this server.
 */
function tlsFsError(err: FtpTlsError, what: string, msg: (m: string) => string): FsError {
  if (err instanceof FtpCertificateError) {
    const fp = `SHA-256 ${err.certificate.fingerprint256}`;
    const todo =
      err.reason === 'changed'
        ? t('The server\'s certificate is not the one trusted for this connection (now {0}). Ask the server\'s admin whether it was renewed; connect again ("FTP: Connect") to see both fingerprints and decide.', fp)
        : t('Connect again ("FTP: Connect") and choose "Trust This Certificate" if {0} is the server\'s certificate (ask its admin), or run "FTP: Diagnose Connection".', fp);
    return new FsError('NoPermissions', msg(`${what}: ${err.message}. ${todo}`), false, err);
  }
  return new FsError(
    'Unavailable',
    msg(
      t(
        '{0}: {1}. Check the connection\'s "tls" setting: "explicit" sends AUTH TLS on the FTP port (usually 21), "implicit" speaks TLS from the start (usually port 990), "none" is plain FTP. "FTP: Diagnose Connection" tells which one the server takes.',
        what,
        err.message,
      ),
    ),
    false,
    err,
  );
}

/**
 * Classify an error of the FTP client for the operation `op` ("read", "write", ...) on `path`.
 * The message says what failed, with the server's reply, and what to do next where that is clear.
 */
/** The operation's name in the user's language ("read", "write" ... as the callers name them). */
export function opWord(op: string): string {
  switch (op) {
    case 'read':
      return t('read');
    case 'write':
      return t('write');
    case 'list':
      return t('list');
    case 'connect':
      return t('connect');
    case 'download':
      return t('download');
    case 'upload':
      return t('upload');
    case 'delete':
      return t('delete');
    case 'rename':
      return t('rename');
    case 'create folder':
      return t('create folder');
    case 'change permissions':
      return t('change permissions');
    default:
      return op;
  }
}

export function toFsError(err: unknown, op: string, path: string): FsError {
  if (err instanceof FsError) return err;
  const what = `${opWord(op)} ${path}`;
  // The client masks PASS where it sends it; the texts here carry commands as the client recorded them.
  const msg = (m: string) => m;
  if (err instanceof FtpCancelledError || (err instanceof Error && err.name === 'AbortError')) {
    return new FsError('Cancelled', msg(t('{0}: cancelled', what)), false, err);
  }
  if (err instanceof FtpReplyError) {
    const reply = `${err.code} ${err.replyText}`.trim();
    const text = err.replyText;
    const at = msg(`${what}: ${reply}`);
    if (isConnectionLimit(err)) {
      return new FsError(
        'Unavailable',
        msg(t('{0}: the server allows no more connections ({1}). Close other FTP programs connected as this user, or lower "poolSize" for this connection.', what, reply)),
        false,
        err,
      );
    }
    if (err.code === 421) return new FsError('Unavailable', msg(t('{0}: the server closed the connection ({1}). Try again.', what, reply)), false, err);
    if (err.code === 530 || err.code === 332 || err.code === 532) {
      return new FsError('NoPermissions', msg(t('{0}: not logged in ({1}). Check the user name and password.', what, reply)), false, err);
    }
    if (err.code === 425 || err.code === 426) {
      return new FsError('Unavailable', msg(t('{0}: {1}. Try the other data connection mode ("FTP: Switch Data Connection Mode").', what, reply)), false, err);
    }
    // Not only 550: pyftpdlib answers MLSD of a missing folder "501 No such directory.", ftp-srv a missing file
    // "551 ENOENT: no such file or directory".
    const notFound = (err.code === 501 || err.code === 551) && NOT_FOUND_TEXT.test(text);
    // ftp-srv answers a file it may not open "551 EACCES: permission denied, open ...".
    if (err.code === 551 && PERMISSION_TEXT.test(text) && !notFound) return new FsError('NoPermissions', at, false, err);
    if (fileUnavailable(err.code) || notFound) {
      if (PERMISSION_TEXT.test(text) && !NOT_FOUND_TEXT.test(text)) return new FsError('NoPermissions', at, false, err);
      if (NOT_EMPTY_TEXT.test(text)) return new FsError('Unknown', at, false, err);
      if (EXISTS_TEXT.test(text) && !NOT_FOUND_TEXT.test(text)) return new FsError('FileExists', at, false, err);
      if (err.code === 550 || NOT_FOUND_TEXT.test(text)) return new FsError('FileNotFound', at, false, err);
      return new FsError('Unavailable', msg(t('{0}: {1}. The file is busy; try again.', what, reply)), false, err);
    }
    if (err.code === 553 || err.code === 552 || err.code === 532) {
      if (EXISTS_TEXT.test(text)) return new FsError('FileExists', at, false, err);
      return new FsError('NoPermissions', at, false, err);
    }
    if (err.code === 451 || err.code === 452) return new FsError('Unavailable', msg(t('{0}: {1}. Try again later.', what, reply)), false, err);
    return new FsError('Unknown', at, false, err);
  }
  if (err instanceof FtpDataConnectionError) {
    return new FsError('Unavailable', msg(`${what}: ${err.message}`), false, err);
  }
  if (err instanceof FtpTimeoutError) {
    return new FsError('Unavailable', msg(t('{0}: {1}. Check the connection, or raise ftpExplorer.timeoutSeconds.', what, err.message)), false, err);
  }
  if (err instanceof FtpConnectionError) {
    return new FsError('Unavailable', msg(t('{0}: {1}. Check host and port, then try again.', what, err.message)), false, err);
  }
  if (err instanceof FtpProtocolError) return new FsError('Unavailable', msg(`${what}: ${err.message}`), false, err);
  if (err instanceof FtpTlsError) return tlsFsError(err, what, msg);
  if (err instanceof FtpInputError) return new FsError('NoPermissions', msg(`${what}: ${err.message}`), false, err);
  if (err instanceof FtpError) return new FsError('Unknown', msg(`${what}: ${err.message}`), false, err);
  if (isConnectionLost(err)) return new FsError('Unavailable', msg(`${what}: ${(err as Error).message}`), false, err);
  const m = err instanceof Error ? err.message : String(err);
  return new FsError('Unknown', msg(`${what}: ${m}`), false, err);
}
