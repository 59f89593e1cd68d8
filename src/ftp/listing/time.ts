/**
 * Date arithmetic shared by the listing parsers.
 *
 * Every listing time is treated as UTC: LIST and DOS listings carry no zone at all (the server prints its
 * local time, which we cannot know), and MLSD/MLST times are UTC by definition (RFC 3659 §2.3).
 *
 * We compute epoch milliseconds with integer arithmetic instead of `Date.UTC`, because this runs once per
 * listing line and a 100,000-line listing should not pay for a builtin call with seven arguments each time.
 * The result is checked against `Date.UTC` in the unit tests.
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a proleptic Gregorian date (month 1..12). Howard Hinnant's days_from_civil. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // 0..399
  const mp = month > 2 ? month - 3 : month + 9; // March = 0 so that leap days come last
  const doy = ((153 * mp + 2) / 5 | 0) + day - 1; // 0..365
  const doe = yoe * 365 + (yoe / 4 | 0) - (yoe / 100 | 0) + doy; // 0..146096
  return era * 146_097 + doe - 719_468;
}

/** Epoch milliseconds for a UTC date and time (month 1..12). Inputs are assumed already range-checked. */
export function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  return daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month (1..12) of a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * How far into the future a year-less Unix date may land before we decide it belongs to the previous year.
 *
 * `ls -l` (and the FTP servers imitating it) prints `Mon DD HH:MM` for "recent" files and `Mon DD  YYYY` for
 * files older than about six months, so a year-less date is either from the last six months or in the future
 * (pyftpdlib, proftpd, pure-ftpd and ftp-srv print every future date without a year; vsftpd and GNU ls print
 * the year). A date can therefore be at most ~6 months old, and we allow it to be up to this many days ahead
 * (clock skew, time zones, files touched into the future such as `future-10d.txt` in the fixtures).
 * The window (now + tolerance - 1 year, now + tolerance] still covers the 6 months back with room to spare for
 * servers that only print the year when it differs from the current one.
 */
export const FUTURE_TOLERANCE_DAYS = 92;

/** The reference point for year inference, computed once per listing. */
export interface Clock {
  nowMs: number;
  nowYear: number;
  /** Latest acceptable time for a year-less date: now + FUTURE_TOLERANCE_DAYS, in ms and as UTC fields. */
  limitMs: number;
  limitYear: number;
  /** month * 1_000_000 + day * 10_000 + hour * 100 + minute of the limit, for a cheap comparison. */
  limitKey: number;
  /**
   * The server's time zone: its local time minus UTC, in ms. LIST shows local times (RFC 959 says nothing of a
   * zone; MLSD and MDTM are UTC, RFC 3659 §2.3): a time with hours and minutes is shifted by this; a date alone
   * (older Unix entries) is left at midnight UTC of its day.
   */
  offsetMs: number;
}

export function makeClock(now: Date | undefined, offsetMinutes = 0): Clock {
  let nowMs = NaN;
  try {
    if (now != null) nowMs = Number(now.getTime()); // also a Date from another realm; nothing else has getTime
  } catch {
    // not a Date after all (untyped caller): use the current time
  }
  if (!Number.isFinite(nowMs)) nowMs = Date.now(); // an Invalid Date must not turn every mtime into NaN
  const offsetMs = Number.isFinite(offsetMinutes) ? offsetMinutes * 60_000 : 0;
  // Year-less dates are the server's local dates: "now" as the server's clock shows it.
  nowMs += offsetMs;
  const limitMs = nowMs + FUTURE_TOLERANCE_DAYS * MS_PER_DAY;
  const limit = new Date(limitMs);
  return {
    offsetMs,
    nowMs,
    nowYear: new Date(nowMs).getUTCFullYear(),
    limitMs,
    limitYear: limit.getUTCFullYear(),
    limitKey: (limit.getUTCMonth() + 1) * 1_000_000 + limit.getUTCDate() * 10_000 + limit.getUTCHours() * 100 + limit.getUTCMinutes(),
  };
}

/**
 * Epoch ms for a Unix listing date shown without a year (`Nov 21 08:09`): the latest year that does not put
 * the date more than FUTURE_TOLERANCE_DAYS after "now". That is the limit's own year when month/day/time
 * fall on or before the limit's, else the year before. Returns NaN for a day that exists in no nearby year
 * (e.g. `Feb 30`), so the caller can reject the line. `Feb 29` goes back to the latest leap year.
 */
export function inferYearMs(clock: Clock, month: number, day: number, hour: number, minute: number): number {
  const key = month * 1_000_000 + day * 10_000 + hour * 100 + minute;
  let year = key <= clock.limitKey ? clock.limitYear : clock.limitYear - 1;
  if (day > 28) {
    // Rare path: a day that not every year has. Walk back to a year that has it (at most 3 steps for Feb 29).
    for (let tries = 0; day > daysInMonth(year, month); tries++) {
      if (tries === 4) return NaN;
      year--;
    }
  }
  return utcMs(year, month, day, hour, minute, 0, 0) - clock.offsetMs;
}
