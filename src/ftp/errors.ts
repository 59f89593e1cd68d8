/**
 * One error type per kind of failure. Every error carries the command that failed (with PASS masked)
 * and, where the server answered, the reply code and text.
 */
export class FtpError extends Error {
  override name = 'FtpError';
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
