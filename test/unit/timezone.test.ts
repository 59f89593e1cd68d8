import { strict as assert } from 'node:assert';
import { parseList } from '../../src/ftp/listing';
import { parseTimeZoneOffset } from '../../src/remote/config';
import { formatOffset } from '../../src/ftp/timeZone';

/** LIST times are the server's local time: a connection's offset turns them into UTC; dates alone stay as they are. */
describe('server time zones in LIST', () => {
  const now = new Date(Date.UTC(2024, 5, 15, 12, 0, 0));
  const unix = [
    '-rw-r--r--   1 ftp ftp    12 Jun 15 10:30 recent.txt',
    '-rw-r--r--   1 ftp ftp    12 Jan  3  2020 old.txt',
  ].join('\r\n');
  const dos = '06-15-24  10:30AM                   12 dos.txt';

  it('reads the times as UTC without an offset', () => {
    const e = parseList(unix, { now }).entries;
    assert.equal(new Date(e[0].mtimeMs!).toISOString(), '2024-06-15T10:30:00.000Z');
  });

  it('shifts times with hours and minutes by the offset (UTC+8: 10:30 local is 02:30 UTC)', () => {
    const e = parseList(unix, { now, timeZoneOffsetMinutes: 480 }).entries;
    assert.equal(new Date(e[0].mtimeMs!).toISOString(), '2024-06-15T02:30:00.000Z');
    assert.equal(new Date(e[1].mtimeMs!).toISOString(), '2020-01-03T00:00:00.000Z', 'a date alone moved');
    const d = parseList(dos, { now, timeZoneOffsetMinutes: -330 }).entries;
    assert.equal(new Date(d[0].mtimeMs!).toISOString(), '2024-06-15T16:00:00.000Z');
  });

  it("infers a year-less date's year from the server's own clock", () => {
    // 00:30 on 1 January UTC is 08:30 on 1 January in UTC+8; a file listed "Jan  1 08:00" is from this year.
    const newYear = new Date(Date.UTC(2025, 0, 1, 0, 30));
    const e = parseList('-rw-r--r-- 1 a a 1 Jan  1 08:00 x', { now: newYear, timeZoneOffsetMinutes: 480 }).entries;
    assert.equal(new Date(e[0].mtimeMs!).toISOString(), '2025-01-01T00:00:00.000Z');
  });

  it('reads the setting: auto, hours, +HH:MM; refuses the rest', () => {
    assert.equal(parseTimeZoneOffset(undefined), undefined);
    assert.equal(parseTimeZoneOffset('auto'), undefined);
    assert.equal(parseTimeZoneOffset(8), 480);
    assert.equal(parseTimeZoneOffset(-5.5), -330);
    assert.equal(parseTimeZoneOffset('+08:00'), 480);
    assert.equal(parseTimeZoneOffset('UTC-3'), -180);
    assert.equal(parseTimeZoneOffset('UTC'), 0);
    assert.equal(parseTimeZoneOffset(0), 0);
    assert.equal(parseTimeZoneOffset('eight'), null);
    assert.equal(parseTimeZoneOffset(20), null);
    assert.equal(formatOffset(480), 'UTC+08:00');
    assert.equal(formatOffset(-330), 'UTC-05:30');
  });
});
