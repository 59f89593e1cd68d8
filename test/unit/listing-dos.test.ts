/** DOS / IIS LIST lines (test/fixtures/listings/dos-*.txt); no recorded server sends them. */
import * as assert from 'node:assert/strict';
import type { FileEntry } from '../../src/ftp/entry';
import { parseDosListLine, parseList } from '../../src/ftp/listing';
import { RECORDED_NOW, assertWellFormed, readFixture } from './listing-helpers';

const d = (s: string) => Date.parse(s);

describe('DOS/IIS LIST', () => {
  it('IIS default: 2-digit years, 12-hour clock, <DIR>, names with spaces (dos-iis.txt, CR LF)', () => {
    const result = parseList(readFixture('listings', 'dos-iis.txt'), { now: RECORDED_NOW });
    assertWellFormed(result, 'dos-iis.txt');
    const expected: FileEntry[] = [
      { name: 'subdir', type: 'dir', mtimeMs: d('2024-03-05T06:07Z') },
      { name: 'normal.txt', type: 'file', size: 12, mtimeMs: d('2024-03-05T06:07Z') },
      { name: 'file with spaces.txt', type: 'file', size: 7, mtimeMs: d('2024-03-05T06:07Z') },
      { name: 'just-after-midnight.txt', type: 'file', size: 5, mtimeMs: d('2026-11-21T00:09Z') }, // 12:09AM
      { name: 'just-after-noon.txt', type: 'file', size: 5, mtimeMs: d('2026-11-21T12:09Z') }, // 12:09PM
      { name: '1999.txt', type: 'file', size: 100, mtimeMs: d('1999-12-31T23:59Z') }, // 99 -> 1999
      { name: '2000.txt', type: 'file', size: 100, mtimeMs: d('2000-01-01T01:00Z') }, // 00 -> 2000
      // IIS pads <DIR> with ten spaces and puts one space after a size; anything beyond is the name's.
      { name: ' leading space dir', type: 'dir', mtimeMs: d('2024-03-05T18:07Z') },
      { name: ' leading space.txt', type: 'file', size: 12, mtimeMs: d('2024-03-05T06:07Z') },
      { name: 'sparse-3G.bin', type: 'file', size: 3221225472, mtimeMs: d('2024-03-05T06:07Z') },
      { name: '中文文件名.txt', type: 'file', size: 5, mtimeMs: d('2024-03-05T06:07Z') },
    ];
    assert.deepEqual(result, { entries: expected, unparsed: { count: 0, sample: [] }, format: 'dos' });
  });

  it('4-digit years, 24-hour clock, ISO dates, `PM` after a space, digit grouping (dos-4digit-24h.txt, LF)', () => {
    const result = parseList(readFixture('listings', 'dos-4digit-24h.txt'), { now: RECORDED_NOW });
    assertWellFormed(result, 'dos-4digit-24h.txt');
    const expected: FileEntry[] = [
      { name: 'normal.txt', type: 'file', size: 12, mtimeMs: d('2024-03-05T06:07Z') },
      { name: 'Program Files', type: 'dir', mtimeMs: d('2024-03-05T18:07Z') },
      { name: 'empty.txt', type: 'file', size: 0, mtimeMs: d('2026-11-21T00:00Z') },
      { name: 'iso date.txt', type: 'file', size: 7, mtimeMs: d('2024-03-05T23:59Z') },
      { name: 'spaced pm.txt', type: 'file', size: 1, mtimeMs: d('2024-03-05T18:07Z') },
      { name: 'commas.txt', type: 'file', size: 1234, mtimeMs: d('2024-03-05T06:07Z') },
      { name: 'short-dir-padding', type: 'dir', mtimeMs: d('2024-03-05T06:07Z') },
    ];
    assert.deepEqual(result, { entries: expected, unparsed: { count: 0, sample: [] }, format: 'dos' });
  });

  it('rejects impossible dates and times', () => {
    for (const line of [
      '13-05-24  06:07AM                   12 month13.txt',
      '02-30-24  06:07AM                   12 feb30.txt',
      '03-05-24  13:07AM                   12 hour13am.txt',
      '03-05-24  00:07PM                   12 hour0pm.txt',
      '03-05-24  24:07                     12 hour24.txt',
      '03-05-24  06:60                     12 minute60.txt',
      '03-05-2  06:07AM                    12 year1digit.txt',
      '03-05/24  06:07AM                   12 mixed-separators.txt',
      '03-05-24  06:07AM                   1a bad-size.txt',
      '03-05-24  06:07AM                   12,',
      '03-05-24  06:07AM       <DIR>',
      '03-05-24  06:07AM       <FILE>         x',
    ]) {
      assert.equal(parseDosListLine(line), undefined, line);
    }
  });

  it('reads <dir> in any case and am/pm in lower case', () => {
    assert.deepEqual(parseDosListLine('03-05-24  06:07pm       <dir>          x'), { name: 'x', type: 'dir', mtimeMs: d('2024-03-05T18:07Z') });
  });

  it('drops `.` and `..`', () => {
    assert.equal(parseDosListLine('03-05-24  06:07AM       <DIR>          .'), undefined);
    const r = parseList('03-05-24  06:07AM       <DIR>          ..\r\n');
    assert.deepEqual(r, { entries: [], unparsed: { count: 0, sample: [] }, format: 'dos' });
  });
});
