/**
 * The server's time zone, for LIST. LIST shows times in the server's local time (RFC 959 gives no zone); MLSD's
 * `modify` and MDTM are UTC (RFC 3659 §2.3). Unless the connection sets `timeZoneOffset`, the offset is found once
 * per server as FileZilla does: one file's LIST time against its MDTM time. LIST has minutes, MDTM seconds, and
 * zones are whole quarter hours: the difference rounded to 15 minutes is the offset.
 */
import type { FileEntry } from './entry';
import { replyMessage } from './reply';
import { parseMdtm } from './replyParsers';
import type { Session } from './session';

const QUARTER_HOUR = 15 * 60_000;
const DAY = 86_400_000;
/** Real zones lie within UTC-12 and UTC+14. */
const MAX_OFFSET_MINUTES = 14 * 60;

/** The offset to read LIST times with, in minutes (server local time minus UTC); undefined: not known yet. */
export function listOffset(s: Session): number | undefined {
  return s.options.timeZoneOffset ?? s.traits.timeZoneOffset;
}

/**
 * Learn the offset from `entries` of the LIST of `folder` (read as UTC) when it is not known yet: MDTM of the
 * newest file whose LIST time has hours and minutes. Returns the offset learned, or undefined.
 */
export async function learnOffset(s: Session, folder: string, entries: readonly FileEntry[]): Promise<number | undefined> {
  const traits = s.traits;
  if (listOffset(s) !== undefined || traits.timeZoneChecked || traits.mdtm === false || !s.features.has('MDTM')) return undefined;
  let probe: FileEntry | undefined;
  for (const e of entries) {
    // A date alone (older Unix entries) is midnight: no time to compare.
    if (e.type !== 'file' || e.mtimeMs === undefined || e.mtimeMs % DAY === 0) continue;
    if (!probe || e.mtimeMs > probe.mtimeMs!) probe = e;
  }
  if (!probe) return undefined;
  const path = folder.endsWith('/') ? `${folder}${probe.name}` : `${folder}/${probe.name}`;
  const r = await s.ctl.send(`MDTM ${path}`);
  traits.timeZoneChecked = true;
  if (r.code !== 213) {
    if (r.code === 500 || r.code === 502) traits.mdtm = false;
    return undefined;
  }
  const utc = parseMdtm(replyMessage(r))?.getTime();
  if (utc === undefined) return undefined;
  const minutes = (Math.round((probe.mtimeMs! - utc) / QUARTER_HOUR) * QUARTER_HOUR) / 60_000 || 0; // (never -0)
  if (Math.abs(minutes) > MAX_OFFSET_MINUTES) return undefined; // not a zone: a file changed between the two
  traits.timeZoneOffset = minutes;
  if (minutes === 0) return minutes;
  s.log({
    kind: 'info',
    text: `server time zone: LIST times are ${formatOffset(minutes)} (from the LIST and MDTM times of ${probe.name}); set timeZoneOffset if that is wrong`,
  });
  return minutes;
}

/**
 * With `timeZoneOffset` set: whether MDTM is in the same local time as LIST (vsftpd's use_localtime does that, where
 * RFC 3659 §2.3 wants UTC), found once from one file's two times. Then MDTM's times are shifted by the offset too.
 */
export async function checkMdtmZone(s: Session, folder: string, entries: readonly FileEntry[]): Promise<void> {
  const offset = s.options.timeZoneOffset;
  const traits = s.traits;
  if (!offset || traits.mdtmLocal !== undefined || traits.mdtm === false || !s.features.has('MDTM')) return;
  const probe = entries.find((e) => e.type === 'file' && e.mtimeMs !== undefined && (e.mtimeMs + offset * 60_000) % DAY !== 0);
  if (!probe) return;
  const path = folder.endsWith('/') ? `${folder}${probe.name}` : `${folder}/${probe.name}`;
  const r = await s.ctl.send(`MDTM ${path}`);
  if (r.code !== 213) {
    traits.mdtmLocal = false;
    return;
  }
  const mdtm = parseMdtm(replyMessage(r))?.getTime();
  if (mdtm === undefined) return;
  const local = probe.mtimeMs! + offset * 60_000; // the LIST time as the server wrote it
  traits.mdtmLocal = Math.abs(local - mdtm) < QUARTER_HOUR;
  if (traits.mdtmLocal) s.log({ kind: 'info', text: `MDTM answers in the server's local time too (${formatOffset(offset)}): its times are shifted as LIST's` });
}

/**
 * Where LIST and MDTM agreed (offset 0 found), they may both be in local time (vsftpd's use_localtime): the MDTM of
 * a file this client has just written, against this machine's clock, tells. Only a difference within a minute of a
 * whole quarter hour counts: a server clock that is merely wrong by some minutes is no time zone.
 */
export async function learnOffsetFromUpload(s: Session, path: string, nowMs: number): Promise<void> {
  const traits = s.traits;
  if (s.options.timeZoneOffset !== undefined || traits.timeZoneOffset !== 0 || traits.mdtmLocal !== undefined) return;
  if (traits.mdtm === false || !s.features.has('MDTM')) return;
  traits.mdtmLocal = false;
  const r = await s.ctl.send(`MDTM ${path}`);
  const mdtm = r.code === 213 ? parseMdtm(replyMessage(r))?.getTime() : undefined;
  if (mdtm === undefined) return;
  const diff = mdtm - nowMs;
  const minutes = (Math.round(diff / QUARTER_HOUR) * QUARTER_HOUR) / 60_000 || 0;
  if (minutes === 0 || Math.abs(minutes) > MAX_OFFSET_MINUTES || Math.abs(diff - minutes * 60_000) > 60_000) return;
  traits.timeZoneOffset = minutes;
  traits.mdtmLocal = true;
  s.log({
    kind: 'info',
    text: `server time zone: LIST and MDTM times are ${formatOffset(minutes)} (from the MDTM of a file just written); set timeZoneOffset if that is wrong`,
  });
}

/** An MDTM time in ms since the epoch, UTC: shifted when the server answers in local time (checkMdtmZone). */
export function mdtmToUtc(s: Session, ms: number): number {
  const offset = s.options.timeZoneOffset ?? s.traits.timeZoneOffset;
  return s.traits.mdtmLocal && offset ? ms - offset * 60_000 : ms;
}

/** 480 -> "UTC+08:00", -330 -> "UTC-05:30", 0 -> "UTC". */
export function formatOffset(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const a = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
