// What test/e2e/ftps-host.test.ts (Node) and test/e2e/host/tls.test.ts (extension host) agree on: how the
// servers are passed (E2E_TLS_SERVERS, JSON) and the file the TLS servers hold. No imports: both sides load it.

/** One server as the outer test passes it. */
export interface TlsServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  /** PEM of its certificate (TLS servers). */
  certPem?: string;
}

export interface TlsServers {
  /** vsftpd, explicit TLS, self-signed certificate; its root holds SECURE_FILE. */
  tls: TlsServerInfo;
  /** vsftpd, explicit TLS, another self-signed certificate (the "changed" one); also holds SECURE_FILE. */
  changed: TlsServerInfo;
  /** vsftpd without TLS, for the diagnosis. */
  plain: TlsServerInfo;
}

export const TLS_SERVERS_ENV = 'E2E_TLS_SERVERS';
export const SECURE_FILE = 'secure.txt';
export const SECURE_TEXT = 'over FTPS\n';
