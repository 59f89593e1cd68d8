/**
 * What has been learned about one server, in one place: which data-connection commands work, the order of an
 * FTPS data connection's handshake and reply, whether MLSD/MLST and `LIST -a` work, the LIST format, and what
 * safe save may do. Several clients of one site (a pool's connections, the CLI) may share one record through
 * `FtpConnectOptions.traits`, so each fact is learned once; without it each client keeps its own.
 *
 * Not here: the data mode a client fell back to (`FtpClient.activeMode`), which holds for that session only.
 */
import type { ListingFormat } from './entry';
import type { NameMemory } from './names/pathCodec';

/** Which data-connection commands work on this server (data.ts), so later transfers skip refused ones. */
export interface DataStrategy {
  epsv?: boolean;
  eprt?: boolean;
  /**
   * A passive data connection to this server has been made. From then on the transfer command
   * goes out while the next data connection is still being made (see PendingData.early).
   */
  passiveConnected?: boolean;
  /**
   * The quickest answer seen from this server to a command it answers at once (USER, the FEAT of the login,
   * EPSV, PASV), in ms: about the network's round trip. Uploads send their command with the passive request, and
   * their data without waiting for the 1xx, only when it is long enough for that to save time (transfer.ts).
   */
  quickestReplyMs?: number;
  /** How many answers quickestReplyMs is the quickest of (one alone may be quick or slow for other reasons). */
  quickReplies?: number;
}

/**
 * Whether 3 or more answers the server gives at once have shown a round trip of a few ms or more (a real network,
 * not loopback or a LAN): from there uploads send their command and data ahead (transfer.ts) and folder transfers
 * use more connections (src/remote/transfers.ts). One answer alone may be quick or slow for other reasons.
 */
export function longRoundTrip(d: DataStrategy): boolean {
  return (d.quickReplies ?? 0) >= 3 && (d.quickestReplyMs ?? 0) >= LONG_ROUND_TRIP_MS;
}

/** The quickest answer (about the round trip) from which longRoundTrip holds. */
const LONG_ROUND_TRIP_MS = 4;

/** Note the time a command that the server answers at once took (DataStrategy.quickestReplyMs). */
export function noteQuickReply(d: DataStrategy, ms: number): void {
  if (d.quickestReplyMs === undefined || ms < d.quickestReplyMs) d.quickestReplyMs = ms;
  d.quickReplies = (d.quickReplies ?? 0) + 1;
}

/** What safe save (safeSave.ts) found the server to allow, and what it left to clean up. */
export interface SafeSaveMemory {
  /** false once RNTO onto an existing file was refused (then: rename aside). */
  renameOver?: boolean;
  /** false once SIZE was refused (then: the listing). */
  size?: boolean;
  /** false once SITE CHMOD was refused. */
  chmod?: boolean;
  /** How an interrupted upload is continued (resumeUpload.ts): REST+STOR, APPE, or not at all (false). */
  resumeUpload?: 'rest' | 'appe' | false;
  /** Log texts already said. */
  said?: Set<string>;
  /** Temporary files a failed save could not delete (the server stopped answering): removed by a later save. */
  leftovers?: Set<string>;
}

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
  /** The server's local time minus UTC in minutes, found from LIST and MDTM (timeZone.ts); LIST times are shifted by it. */
  timeZoneOffset?: number;
  /** The offset was looked for once (found or not): not again. */
  timeZoneChecked?: boolean;
  /** MDTM answers in the server's local time, like LIST (timeZone.ts checkMdtmZone): shifted by timeZoneOffset. */
  mdtmLocal?: boolean;
  /** The LIST format this server's listings were last read in. */
  listFormat?: ListingFormat;
  /** What safe save found the server to allow (safeSave.ts). */
  readonly save: SafeSaveMemory = {};
  /** The code page of names that are not UTF-8, and the bytes of names kept for sending back (names/pathCodec.ts). */
  readonly names: NameMemory = { raw: new Map() };
}
