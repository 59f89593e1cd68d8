/** Unix `ls -l` LIST lines: odd cases (test/fixtures/listings/unix-odd.txt) and the year inference rule. */
import * as assert from 'node:assert/strict';
import type { FileEntry } from '../../src/ftp/entry';
import { FUTURE_TOLERANCE_DAYS, parseList, parseUnixListLine } from '../../src/ftp/listing';
import { RECORDED_NOW, assertWellFormed, iso, readFixture } from './listing-helpers';

const d = (s: string) => Date.parse(s);

describe('Unix LIST: odd cases (unix-odd.txt)', () => {
  const result = parseList(readFixture('listings', 'unix-odd.txt'), { now: RECORDED_NOW });

  it('parses every entry line, in order, exactly', () => {
    assertWellFormed(result, 'unix-odd.txt');
    const expected: FileEntry[] = [
      // Devices: `major, minor` instead of a size, so no size; not a file to open.
      { name: 'null', type: 'unknown', mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-rw-rw-', mode: 0o666 },
      { name: 'sda', type: 'unknown', mtimeMs: d('2026-11-20T10:00Z'), permissions: 'rw-rw----', mode: 0o660 },
      // Group column missing.
      { name: 'no-group.txt', type: 'file', size: 12, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: 'numeric-owner.txt', type: 'file', size: 5, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      // Set-id and sticky bits (s = with execute, S/T = without).
      { name: 'setuid-bin', type: 'file', size: 1234, mtimeMs: d('2023-01-10T00:00Z'), permissions: 'rwsr-xr-x', mode: 0o4755 },
      { name: 'sticky-tmp', type: 'dir', size: 4096, mtimeMs: d('2026-11-20T23:59Z'), permissions: 'rwxrwxrwt', mode: 0o1777 },
      { name: 'odd-bits', type: 'file', size: 1, mtimeMs: d('2024-02-29T00:00Z'), permissions: 'rwxr-S--T', mode: 0o3740 },
      // ACL `+` and extended-attribute `@` markers after the permissions.
      { name: 'acl-plus.txt', type: 'file', size: 10, mtimeMs: d('2026-10-01T12:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: 'xattr.txt', type: 'file', size: 10, mtimeMs: d('2026-06-15T09:30Z'), permissions: 'rw-r--r--', mode: 0o644 },
      // The first ` -> ` separates name and target.
      { name: 'arrow name', type: 'symlink', size: 11, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rwxrwxrwx', mode: 0o777, target: 'with -> arrows' },
      { name: 'link-without-target', type: 'symlink', size: 3, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rwxrwxrwx', mode: 0o777 },
      // Exactly one space after the time/year; the rest is the name.
      { name: ' leading space.txt', type: 'file', size: 7, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: 'trailing space.txt ', type: 'file', size: 7, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: '-> not a link.txt', type: 'file', size: 7, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: 'fifo', type: 'unknown', size: 0, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: 'socket', type: 'unknown', size: 0, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rwxrwxrwx', mode: 0o777 },
      { name: 'huge.iso', type: 'file', size: 123456789012, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: 'lowercase-month.txt', type: 'file', size: 7, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: '1999.txt', type: 'file', size: 7, mtimeMs: d('1999-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: 'single-digit-hour.txt', type: 'file', size: 7, mtimeMs: d('2026-03-05T09:05Z'), permissions: 'rw-r--r--', mode: 0o644 },
      { name: '名前 with 中文 and émoji 😀.txt', type: 'file', size: 7, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
      // Owner `Mar`, group `12`: `Mar 12 7` is not a date, the real one comes after the size.
      { name: 'owner-named-like-a-month.txt', type: 'file', size: 7, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644 },
    ];
    // Owner and group are checked below, on the lines that say something about them.
    assert.deepEqual(result.entries.map(({ owner: _o, group: _g, ...rest }) => rest), expected);
    const e = new Map(result.entries.map((x) => [x.name, x]));
    assert.deepEqual([e.get('owner-named-like-a-month.txt')?.owner, e.get('owner-named-like-a-month.txt')?.group], ['Mar', '12']);
  });

  it('reports the two lines that are not entries; `total` and the blank line are not counted', () => {
    assert.deepEqual(result.unparsed, {
      count: 2,
      sample: ['this line is garbage', '-rw-r--r--   1 user     staff           7 Foo  5  2024 bad-month.txt'],
    });
    assert.equal(result.format, 'unix');
  });
});

describe('Unix LIST: year inference for dates without a year', () => {
  /** mtime for `Mon DD HH:MM` given "now". */
  function yearless(date: string, now: string): string | undefined {
    const line = `-rw-r--r--   1 u g 1 ${date} f`;
    return iso(parseUnixListLine(line, new Date(now))?.mtimeMs);
  }

  it(`takes the latest year that is at most ${FUTURE_TOLERANCE_DAYS} days after now`, () => {
    const now = '2026-11-21T01:25:00Z';
    const table: [string, string][] = [
      ['Nov 21 08:09', '2026-11-21T08:09:00.000Z'], // future.txt: seven hours ahead
      ['Nov 21 01:24', '2026-11-21T01:24:00.000Z'],
      ['Nov 20 23:00', '2026-11-20T23:00:00.000Z'],
      ['Dec  1 08:09', '2026-12-01T08:09:00.000Z'], // future-10d.txt
      ['Jan  1 00:00', '2027-01-01T00:00:00.000Z'], // 41 days ahead
      ['Feb 20 10:00', '2027-02-20T10:00:00.000Z'], // 91 days ahead: still this side of the limit
      ['Feb 22 10:00', '2026-02-22T10:00:00.000Z'], // 93 days ahead: too far, so last year's
      ['May 21 10:00', '2026-05-21T10:00:00.000Z'], // six months ago, as ls shows recent files
      ['Nov 22 00:00', '2026-11-22T00:00:00.000Z'],
    ];
    for (const [date, want] of table) assert.equal(yearless(date, now), want, date);
  });

  it('crosses year ends both ways', () => {
    assert.equal(yearless('Dec 31 23:59', '2026-01-02T00:00:00Z'), '2025-12-31T23:59:00.000Z');
    assert.equal(yearless('Jan  3 00:00', '2026-01-02T00:00:00Z'), '2026-01-03T00:00:00.000Z');
    assert.equal(yearless('Jan  1 00:10', '2024-12-31T23:30:00Z'), '2025-01-01T00:10:00.000Z');
    assert.equal(yearless('Mar 30 12:00', '2024-12-31T23:30:00Z'), '2025-03-30T12:00:00.000Z'); // 89 days ahead
    assert.equal(yearless('Apr 30 12:00', '2024-12-31T23:30:00Z'), '2024-04-30T12:00:00.000Z');
  });

  it('puts Feb 29 in a leap year and rejects days that do not exist', () => {
    assert.equal(yearless('Feb 29 12:00', '2026-11-21T00:00:00Z'), '2024-02-29T12:00:00.000Z');
    assert.equal(yearless('Feb 29 12:00', '2028-03-15T00:00:00Z'), '2028-02-29T12:00:00.000Z');
    assert.equal(yearless('Feb 30 12:00', '2026-11-21T00:00:00Z'), undefined);
    assert.equal(yearless('Apr 31 12:00', '2026-11-21T00:00:00Z'), undefined);
    assert.equal(parseUnixListLine('-rw-r--r-- 1 u g 1 Feb 29  2023 f'), undefined);
  });

  it('uses the current time when no "now" is given, and survives an invalid one', () => {
    const thisMonth = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][new Date().getUTCMonth()];
    const e = parseUnixListLine(`-rw-r--r-- 1 u g 1 ${thisMonth}  1 00:00 f`);
    assert.equal(new Date(e!.mtimeMs!).getUTCFullYear(), new Date().getUTCFullYear());
    const r = parseList('-rw-r--r-- 1 u g 1 Mar  1 00:00 f\n', { now: new Date(NaN) });
    assert.ok(Number.isFinite(r.entries[0].mtimeMs));
  });

  it('rejects impossible times', () => {
    for (const date of ['Mar  5 24:00', 'Mar  5 12:60', 'Mar  0 12:00', 'Mar 32 12:00', 'Mar  5 123:00', 'Mar  5 12:0']) {
      assert.equal(parseUnixListLine(`-rw-r--r-- 1 u g 1 ${date} f`, RECORDED_NOW), undefined, date);
    }
  });
});

describe('Unix LIST: single lines', () => {
  it('accepts a line with its CR LF, rejects one with more than one line', () => {
    assert.equal(parseUnixListLine('-rw-r--r-- 1 u g 1 Mar  5  2024 f\r\n')?.name, 'f');
    assert.equal(parseUnixListLine('-rw-r--r-- 1 u g 1 Mar  5  2024 f\nx'), undefined);
  });

  it('gives `.`, `..` and `total` as undefined, and needs a name', () => {
    assert.equal(parseUnixListLine('drwxr-xr-x 1 u g 1 Mar  5  2024 .'), undefined);
    assert.equal(parseUnixListLine('drwxr-xr-x 1 u g 1 Mar  5  2024 ..'), undefined);
    assert.equal(parseUnixListLine('total 12'), undefined);
    assert.equal(parseUnixListLine('-rw-r--r-- 1 u g 1 Mar  5  2024'), undefined);
    assert.equal(parseUnixListLine('-rw-r--r-- 1 u g 1 Mar  5  2024 '), undefined);
    assert.equal(parseUnixListLine('-rw-r--r-- 1 u g 1 Mar  5  2024  ')?.name, ' ');
  });

  it('rejects broken permission strings and file types', () => {
    for (const perms of ['-rw-r--r-x-', 'xrw-r--r--', '-rwxrwxrwz', '-rw-r--r', 'd---------x']) {
      assert.equal(parseUnixListLine(`${perms} 1 u g 1 Mar  5  2024 f`), undefined, perms);
    }
  });

  it('accepts tabs between columns', () => {
    assert.deepEqual(parseUnixListLine('-rw-r--r--\t1\tu\tg\t12\tMar\t5\t2024 f'), {
      name: 'f', type: 'file', size: 12, mtimeMs: d('2024-03-05T00:00Z'), permissions: 'rw-r--r--', mode: 0o644, owner: 'u', group: 'g',
    });
  });

  it('reads the owner and the group, or the owner alone where the group column is missing', () => {
    const one = parseUnixListLine('-rw-r--r--   1 ftp            12 Nov 21  2024 no-group.txt')!;
    assert.deepEqual([one.owner, one.group, one.size], ['ftp', undefined, 12]);
    const two = parseUnixListLine('-rw-r--r--   1 www-data staff  12 Nov 21  2024 both.txt')!;
    assert.deepEqual([two.owner, two.group, two.size], ['www-data', 'staff', 12]);
    const none = parseUnixListLine('-rw-r--r--   1   12 Nov 21  2024 none.txt')!;
    assert.deepEqual([none.owner, none.group, none.size], [undefined, undefined, 12]);
  });
});
