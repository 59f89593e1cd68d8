/**
 * One error type per kind of failure. Every error carries the command that failed (with PASS masked)
 * and, where the server answered, the reply code and text.
 */
export class FtpError extends Error {
  override name = 'FtpError';
  /**
   * Set when the failure was on a data connection (RFC 959 §3.2) whatever the error's kind (a TLS handshake, a
   * connection that broke mid-transfer): switching between passive and active mode may help. For programs, so that
   * nothing has to read the (translated) message.
   */
  onDataConnection?: true;
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

/** The server answered with a 4xx/5xx (or an unexpected) reply. */
export class FtpReplyError extends FtpError {
  override name = 'FtpReplyError';
  constructor(readonly code: number, readonly replyText: string, command?: string) {
    super(`${command ? `${command}: ` : ''}${code} ${replyText}`, command);
  }
  /** RFC 959 §4.2: 4yz is a transient negative completion, 5yz permanent. */
  get transient(): boolean {
    return this.code >= 400 && this.code < 500;
  }
}

/** The control connection could not be made, or it closed or failed under us. */
export class FtpConnectionError extends FtpError {
  override name = 'FtpConnectionError';
  constructor(message: string, command?: string, override readonly cause?: unknown) {
    super(message, command);
  }
}

/** A wait took longer than the configured timeout. */
export class FtpTimeoutError extends FtpError {
  override name = 'FtpTimeoutError';
  constructor(message: string, command?: string, readonly timeoutMs?: number) {
    super(message, command);
  }
}

/** Why a data connection could not be made, for programs (probe, a diagnose command); `diagnosis` says it in words. */
export type DataConnectionFailure =
  /** the server refused EPSV, PASV, EPRT or PORT (`code` has its reply) */
  | 'command-refused'
  /** passive: nothing answered at the address within the timeout (a firewall dropping, an unreachable address) */
  | 'connect-timeout'
  /** passive: the port refused the connection (closed, or rejected by a firewall) */
  | 'connect-refused'
  /** passive: another socket error (no route, network unreachable) */
  | 'connect-failed'
  /** active: the server accepted the address but never connected within the wait */
  | 'no-connect-back'
  /** the server answered 425: it could not open or did not see the data connection */
  | 'server-could-not-connect'
  /** active: no free local port in the configured range */
  | 'no-local-port';

/**
 * The data connection could not be established or broke. `diagnosis` says in plain words what probably
 * happened on the network (firewall, NAT, wrong address) and what to change; `reason` says it for programs.
 */
export class FtpDataConnectionError extends FtpError {
  override name = 'FtpDataConnectionError';
  constructor(
    message: string,
    command: string | undefined,
    readonly diagnosis: string,
    readonly mode: 'passive' | 'active',
    readonly code?: number,
    readonly reason?: DataConnectionFailure,
  ) {
    super(`${message}. ${diagnosis}`, command);
  }
}

/** The server broke the protocol: a malformed reply, an over-long line, a bad address tuple. */
export class FtpProtocolError extends FtpError {
  override name = 'FtpProtocolError';
  constructor(message: string, command?: string, readonly code?: number) {
    super(message, command);
  }
}

/** The caller gave something that must not be sent (CR, LF or NUL in a path or credential, a bad option). */
export class FtpInputError extends FtpError {
  override name = 'FtpInputError';
}

/** The operation was cancelled by the caller. */
export class FtpCancelledError extends FtpError {
  override name = 'FtpCancelledError';
}

/** TLS could not be set up: AUTH TLS refused, a handshake failed, PBSZ/PROT refused. Never a silent downgrade. */
export class FtpTlsError extends FtpError {
  override name = 'FtpTlsError';
}

/**
 * The server's certificate is not trusted ('untrusted': chain fails; 'hostname': not for this host; 'changed':
 * differs from the fingerprint trusted before). Carries the certificate so the user can decide.
 */
export class FtpCertificateError extends FtpTlsError {
  override name = 'FtpCertificateError';
  constructor(
    message: string,
    readonly reason: 'untrusted' | 'hostname' | 'changed',
    readonly certificate: {
      subject: string;
      issuer: string;
      validFrom: string;
      validTo: string;
      fingerprint256: string;
    },
  ) {
    super(message);
  }
}

/**
 * A transfer ended as if complete, but fewer bytes arrived than there are: the server stored a short upload
 * (a data connection cut while the server still said 226), or a download ended before the size it announced.
 */
export class FtpIncompleteError extends FtpError {
  override name = 'FtpIncompleteError';
  constructor(message: string, command: string | undefined, readonly expectedBytes: number, readonly actualBytes: number) {
    super(message, command);
  }
}

/**
 * An error after which the control connection cannot be trusted: a 421 (RFC 959 §4.2: "Service not available,
 * closing control connection"), a reset or refused socket, a timeout, a broken reply. The client drops the
 * connection and the next operation opens a new one; an idempotent operation may be retried.
 */
export function isConnectionLost(err: unknown): boolean {
  if (err instanceof FtpConnectionError || err instanceof FtpTimeoutError || err instanceof FtpProtocolError) return true;
  if (err instanceof FtpReplyError && err.code === 421) return true;
  if (err && typeof err === 'object' && 'code' in err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|ENOTCONN|ECONNABORTED)$/.test(code)) return true;
  }
  return false;
}

/**
 * The login was refused (RFC 959 §4.2: 530 not logged in; 331/332 a password or an account still wanted), for
 * the credentials: not a limit on connections, which some servers also answer with 530 (see isConnectionLimit).
 */
export function isLoginFailure(err: unknown): boolean {
  return err instanceof FtpReplyError && (err.code === 530 || err.code === 331 || err.code === 332) && !isConnectionLimit(err);
}

/**
 * The server refused one more connection, not the credentials. RFC 959 has no code for it: proftpd answers
 * MaxClientsPerUser with "530 Sorry, the maximum number of clients (1) for this user are already connected.",
 * vsftpd and pyftpdlib their limits with 421 ("There are too many connections from your internet address.",
 * "Too many connections from the same IP address."), pure-ftpd with 421 too. The words tell.
 */
export function isConnectionLimit(err: unknown): boolean {
  return err instanceof FtpReplyError && (err.code === 530 || err.code === 421) && CONNECTION_LIMIT_TEXT.test(err.replyText);
}

const CONNECTION_LIMIT_TEXT = /too many (connected )?(connections|users|clients|sessions)|maximum number of (clients|connections|users|sessions)|connection limit|(clients|users|connections|sessions) limit|already connected/i;

/**
 * RFC 959 §4.2: 550 "Requested action not taken. File unavailable (e.g., file not found, no access)" and its
 * transient twin 450 "File unavailable (e.g., file busy)": the file itself is the problem, not the command.
 */
export function fileUnavailable(code: number): boolean {
  return code === 550 || code === 450;
}

/** A reply error saying the file is unavailable (550/450, see `fileUnavailable`): usually, it is not there. */
export function isFileUnavailable(err: unknown): err is FtpReplyError {
  return err instanceof FtpReplyError && fileUnavailable(err.code);
}

/** A socket closed before its end: the same error stream.pipeline() gives, so callers see one kind. */
export function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
