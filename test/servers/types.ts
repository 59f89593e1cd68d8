// Public types of the real-FTP-server test harness (see index.ts and README.md).

export type ServerName = 'vsftpd' | 'pure-ftpd' | 'proftpd' | 'pyftpdlib' | 'ftp-srv';

export const SERVER_NAMES: ServerName[] = ['vsftpd', 'pure-ftpd', 'proftpd', 'pyftpdlib', 'ftp-srv'];

export type TlsMode = 'explicit' | 'implicit';

export interface ServerOptions {
  /** listen on ::1 instead of 127.0.0.1 */
  ipv6?: boolean;
  /**
   * listen on this loopback address instead (any of 127.0.0.0/8, or ::1). Servers that connect
   * from port 20 in active mode share that port's TIME_WAIT state per address: a server of its
   * own address is not disturbed by the others' earlier active transfers (see README.md).
   */
  host?: string;
  /** passive port range (inclusive); default: a free range of 20 ports picked at run time */
  pasvPorts?: [number, number];
  /**
   * vsftpd only: run the server inside this Linux network namespace (`ip netns exec NAME`, see
   * test/network). `host` must then be an address of that namespace inside 10.200.0.0/16; the port
   * defaults to 21 and pasvPorts to 40000-40019 (nothing else listens there), and readiness is
   * checked from inside the namespace.
   */
  netns?: string;
  /** control port; default: a free port picked at run time (21 with `netns`) */
  port?: number;
  /** vsftpd only: active-mode data connections come from port 20 (`connect_from_port_20=YES`) */
  connectFromPort20?: boolean;
  /** FTPS with a self-signed certificate for localhost/127.0.0.1/::1 made in the temp folder */
  tls?: TlsMode;
  /** With `tls`: a certificate of its own instead of the one shared by the test process (to test a changed certificate) */
  freshCertificate?: boolean;
  /**
   * Raw server-specific configuration, appended after the harness's own:
   * - vsftpd: `key=value` lines of vsftpd.conf (a later line wins)
   * - proftpd: `Directive args` lines of proftpd.conf
   * - pure-ftpd: extra command-line arguments: key is the flag (`-D`, `--displaydotfiles`), value its argument or ''
   * - pyftpdlib: attributes set on the handler class; value is JSON (`"10"`, `"true"`, `"\"text\""`) or a plain string
   * - ftp-srv: FtpSrv constructor options; value is JSON or a plain string
   */
  extraConfig?: Record<string, string>;
  /**
   * pyftpdlib only: without the harness's mend of its active-mode bug (a descriptor number unregistered
   * twice, which can stop another connection: see pyftpdlib.ts)
   */
  asShipped?: boolean;
  /** how long to wait for the 220 banner (default 10000 ms) */
  startTimeoutMs?: number;
}

/** What the harness knows of a server (of this running instance, with these options). */
export interface ServerCapabilities {
  /** MLSD/MLST implemented */
  mlsd: boolean;
  /** can listen on ::1 (this harness supports `ipv6: true` for it) */
  ipv6: boolean;
  /** PASV over an IPv6 control connection gives a usable 227 reply (none does: use EPSV) */
  pasvOverIpv6: boolean;
  /** EPSV / EPRT implemented */
  epsv: boolean;
  eprt: boolean;
  /** active mode (PORT/EPRT) works back to 127.0.0.1 / ::1 */
  active: boolean;
  /** active data connections come from source port 20 (this instance) */
  activeFromPort20: boolean;
  /** PORT/EPRT to an address other than the control connection's peer is refused */
  refusesForeignPort: boolean;
  /** explicit FTPS (AUTH TLS) can be enabled with `tls: 'explicit'` */
  tlsExplicit: boolean;
  /** implicit FTPS can be enabled with `tls: 'implicit'` */
  tlsImplicit: boolean;
  /** with TLS, the data connection must resume the control connection's TLS session */
  tlsSessionReuseRequired: boolean;
  /** `OPTS UTF8 ON` answers 2xx */
  optsUtf8: boolean;
  /** log() has the FTP dialogue (commands and replies), so serverSawActiveTransfer() can judge it */
  protocolLog: boolean;
}

export interface ServerTlsInfo {
  mode: TlsMode;
  /** PEM of the self-signed certificate (use as `ca` to verify) */
  certPem: string;
  certFile: string;
  keyFile: string;
}

export interface RunningServer {
  name: ServerName;
  /** '127.0.0.1' or '::1' */
  host: string;
  port: number;
  user: string;
  password: string;
  /** local folder that is the user's FTP root ('/' for the client); writable through FTP, readable by the test process */
  root: string;
  /** passive port range the server was given */
  pasvPorts: [number, number];
  capabilities: ServerCapabilities;
  tls?: ServerTlsInfo;
  /** pid of the main server process (gone after stop()) */
  pid: number;
  /** the temp folder holding config, logs and root */
  dir: string;
  /** the server's own protocol/transfer log where it can write one; '' otherwise */
  log(): Promise<string>;
  /** what the server processes wrote on stdout/stderr (startup messages, errors) */
  output(): string;
  /** stops the process (and children), waits for exit, removes the temp folder; safe to call twice */
  stop(): Promise<void>;
}
