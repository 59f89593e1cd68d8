/**
 * What has been learned about one server, in one place: which data-connection commands work, the order of an
 * FTPS data connection's handshake and reply, whether MLSD/MLST and `LIST -a` work, the LIST format, and what
 * safe save may do. Several clients of one site (a pool's connections, the CLI) may share one record through
 * `FtpConnectOptions.traits`, so each fact is learned once; without it each client keeps its own.
 *
 * Not here: the data mode a client fell back to (`FtpClient.activeMode`), which holds for that session only.
 */
import type { DataStrategy } from './data';
import type { ListingFormat } from './entry';
import type { SafeSaveMemory } from './safeSave';

export class ServerTraits {
  /** Which of EPSV/PASV and EPRT/PORT work, and whether a passive data connection has been made (data.ts). */
  readonly data: DataStrategy = {};
  /** FTPS: the server wants the data connection's TLS handshake before its 1xx reply (transfer.ts). */
  tlsBeforeReply?: boolean;
  /** MLSD (RFC 3659 §7) works; false once refused as not implemented. */
  mlsd?: boolean;
  /** MLST (RFC 3659 §7) works; false once refused as not implemented. */
  mlst?: boolean;
  /** MDTM (RFC 3659 §3) works; false once refused as not implemented. */
  mdtm?: boolean;
  /** `LIST -a` shows dotfiles on most servers; false once a server took `-a` as a path. */
  listHidden?: boolean;
  /** The LIST format this server's listings were last read in. */
  listFormat?: ListingFormat;
  /** What safe save found the server to allow (safeSave.ts). */
  readonly save: SafeSaveMemory = {};
}
