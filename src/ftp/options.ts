import type { FtpLogger } from './log';
import type { ServerTraits } from './traits';
import type { TlsMode } from './tls';

export type DataMode = 'passive' | 'active';

/** Everything needed to open one control connection. Only host is required. */
export interface FtpConnectOptions {
  host: string;
  /** Default 21. */
  port?: number;
  /** Default 'anonymous'. */
  user?: string;
  /** Default 'anonymous@' for anonymous, else ''. Never logged. */
  password?: string;
  /** RFC 959 ACCT, sent when the server answers PASS with 332. */
  account?: string;
  /** Data-connection mode. Default 'passive'. */
  mode?: DataMode;
  /** When the data connection cannot be established, try the other mode once. Default true. */
  fallback?: boolean;
  /**
   * Trust the address in a 227 PASV reply. Default false: connect to the control connection's peer address
   * instead, which fixes servers behind NAT and closes the PASV-spoofing hole (RFC 2577 §5).
   */
  trustPasvAddress?: boolean;
  /** Active mode: the address to advertise in PORT/EPRT (a client behind NAT). Default: control socket's local address. */
  activeAddress?: string;
  /** Active mode: listen within this inclusive port range. Default: any free port. */
  activePortRange?: [number, number];
  /**
   * Encoding of paths and names on the wire: 'auto' (the default: UTF-8 names as UTF-8, the others in the code
   * page found from their bytes, see names/detect.ts), or an iconv-lite name (utf8, gbk, big5, shift_jis ...).
   */
  encoding?: string;
  /**
   * The server's local time minus UTC, in minutes, for the times of LIST (MLSD and MDTM are UTC). Default: found
   * from one file's LIST and MDTM times (timeZone.ts).
   */
  timeZoneOffset?: number;
  /** Timeout of every wait (connect, reply, data connection, idle data). Default 30000 ms. */
  timeoutMs?: number;
  /** Active mode: how long to wait for the server to connect back. Default min(timeoutMs, 10000). */
  activeAcceptTimeoutMs?: number;
  /** Receives the dialogue log. */
  logger?: FtpLogger;
  /**
   * FTPS (RFC 4217): 'explicit' sends AUTH TLS before login; 'implicit' speaks TLS from the first byte (port 990
   * by default). Default 'none'. A server that refuses AUTH TLS is an error, never a silent downgrade.
   */
  tls?: TlsMode;
  /** The SHA-256 fingerprint of a certificate the user trusted (self-signed servers). */
  trustedFingerprint?: string;
  /** Highest TLS version to offer ('TLSv1.2' for servers whose TLS 1.3 is broken). Default: the highest available. */
  tlsMaxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Extra CA certificates (PEM) to trust. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Cap on one reply line, against hostile servers. Default 8192 bytes. */
  maxLineLength?: number;
  /** Cap on one listing (MLSD/LIST data), against hostile servers and runaway folders. Default 64 MiB. */
  maxListingBytes?: number;
  /**
   * What has been learned about this server, shared by several clients of one site (a pool's connections) so
   * each learns it once. Default: a record of this client's own.
   */
  traits?: ServerTraits;
}

/** How to list a folder (`FtpClient.list`). */
export interface ListOptions {
  /**
   * LIST even where MLSD works: LIST shows a symbolic link as `l` with `name -> target`, where some servers'
   * MLSD follows it (pyftpdlib says `type=file`) or omits its target (proftpd, pure-ftpd). RFC 3659 §7.5.1
   * leaves the type of a link to the server. The entries carry no MLSD facts (LIST's own sizes and times).
   */
  useList?: boolean;
}

export interface TransferOptions {
  /** Resume: REST offset before RETR/STOR. */
  offset?: number;
  /** Called as bytes move, with the running total. */
  onProgress?: (bytes: number) => void;
  /** Abort the transfer. */
  signal?: AbortSignal;
  /**
   * Downloads: the file's MDTM (RFC 3659 §3) in the same write as the data connection's request, its reply read
   * before that one's (RFC 959 §4.2: replies in order), so the time costs no round trip of its own. Called with the
   * reply before any byte moves (`time` when it was 213 with a time, in UTC); a refusal does not fail the download.
   */
  onModified?: (modified: { time?: Date; code: number; text: string }) => void;
  /**
   * Another transfer follows on this connection at once (the next file of a folder): in passive mode a transfer
   * asks for the next data port (EPSV/PASV) as soon as the server has closed its data connection (a download's
   * data has arrived; an upload's data was taken and the server closed too), before its final reply, so the next
   * transfer starts without that round trip. A function is asked at that moment. A port asked for and not used
   * costs the server a listener until the next EPSV, PASV or transfer (pyftpdlib closes it after 30 s with a 421,
   * and the next operation then logs in again).
   */
  followedByTransfer?: boolean | (() => boolean);
  /**
   * Uploads: when the next port is asked ahead (followedByTransfer), the stored file's SIZE (RFC 3659 §4) goes in
   * the same write, before it, for FtpClient.sizeAlong to take: the size check then costs no wait of its own.
   */
  sizeAfter?: boolean;
}
