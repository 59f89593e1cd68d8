/** parseList: per-line format detection, the remembered format, line ends, unparsed reporting. */
import * as assert from 'node:assert/strict';
import { parseList, parseMlsd } from '../../src/ftp/listing';
import { daysFromCivil, utcMs } from '../../src/ftp/listing/time';
import { RECORDED_NOW, prng, readFixture } from './listing-helpers';

const UNIX = [
  '-rw-r--r--   1 tester   tester         12 Mar  5  2024 normal.txt',
  'drwxr-xr-x   2 tester   tester       4096 Mar  5  2024 subdir',
  'lrwxrwxrwx   1 tester   tester         10 Mar  5  2024 link-to-normal -> normal.txt',
];
const DOS = [
  '03-05-24  06:07AM       <DIR>          dos dir',
  '03-05-24  06:07AM                   12 dos file.txt',
];

describe('parseList: line ends', () => {
  const want = parseList(UNIX.join('\r\n') + '\r\n', { now: RECORDED_NOW });

  it('CR LF, LF, bare CR, mixed, and no final line end all give the same entries', () => {
    assert.equal(want.entries.length, 3);
    for (const text of [
      UNIX.join('\n') + '\n',
      UNIX.join('\r\n'),
      UNIX.join('\n'),
      UNIX.join('\r') + '\r',
      `${UNIX[0]}\r\n${UNIX[1]}\n${UNIX[2]}`,
      `\r\n\n${UNIX.join('\r\n\r\n')}\n\n`,
    ]) {
      assert.deepEqual(parseList(text, { now: RECORDED_NOW }), want, JSON.stringify(text));
    }
  });

  it('an empty listing, or one of blank lines, has no entries, nothing unparsed and no format', () => {
    for (const text of ['', '\r\n', '\n\n', '   \r\n\t\n', ' ']) {
      assert.deepEqual(parseList(text), { entries: [], unparsed: { count: 0, sample: [] }, format: undefined });
    }
    assert.deepEqual(parseMlsd(''), { entries: [], unparsed: { count: 0, sample: [] }, format: 'mlsd' });
  });

  it('a name never keeps a CR: a bare CR ends the line', () => {
    const r = parseList('-rw-r--r-- 1 u g 1 Mar  5  2024 a\rb\r\n', { now: RECORDED_NOW });
    assert.deepEqual(r.entries.map(e => e.name), ['a']);
    assert.deepEqual(r.unparsed, { count: 1, sample: ['b'] });
  });
});

describe('parseList: format detection', () => {
  it('detects Unix and DOS per line and reports the format of most lines', () => {
    const r = parseList([UNIX[0], DOS[0], UNIX[1], DOS[1], UNIX[2]].join('\r\n'), { now: RECORDED_NOW });
    assert.deepEqual(r.entries.map(e => e.name), ['normal.txt', 'dos dir', 'subdir', 'dos file.txt', 'link-to-normal']);
    assert.equal(r.format, 'unix');
    assert.equal(parseList([...DOS, UNIX[0]].join('\n')).format, 'dos');
  });

  it('a remembered format is tried first but does not stop the others', () => {
    const text = [...UNIX, ...DOS].join('\n');
    const plain = parseList(text, { now: RECORDED_NOW });
    for (const format of ['dos', 'unix', 'mlsd'] as const) {
      const hinted = parseList(text, { now: RECORDED_NOW, format });
      assert.deepEqual(hinted.entries, plain.entries, format);
      assert.equal(hinted.format, 'unix', format);
    }
  });

  it('a tie goes to the remembered format, else to Unix', () => {
    const text = [UNIX[0], DOS[0]].join('\n');
    assert.equal(parseList(text, { now: RECORDED_NOW }).format, 'unix');
    assert.equal(parseList(text, { now: RECORDED_NOW, format: 'dos' }).format, 'dos');
  });

  it('ignores a remembered format that is not one', () => {
    const r = parseList(UNIX.join('\n'), { now: RECORDED_NOW, format: 'vms' as never });
    assert.equal(r.entries.length, 3);
    assert.equal(r.format, 'unix');
  });

  it('a real server listing comes out the same whatever format is remembered', () => {
    const text = readFixture('servers', 'proftpd', 'LIST-a.txt');
    const plain = parseList(text, { now: RECORDED_NOW });
    assert.deepEqual(parseList(text, { now: RECORDED_NOW, format: 'dos' }), plain);
    assert.deepEqual(parseList(text, { now: RECORDED_NOW, format: 'mlsd' }), plain);
  });
});

describe('parseList: unparsed lines', () => {
  it('counts every line that fits no format and keeps the first five verbatim', () => {
    const junk = Array.from({ length: 8 }, (_, i) => `junk line ${i}`);
    const r = parseList([junk[0], UNIX[0], ...junk.slice(1)].join('\r\n'), { now: RECORDED_NOW });
    assert.deepEqual(r.entries.map(e => e.name), ['normal.txt']);
    assert.deepEqual(r.unparsed, { count: 8, sample: junk.slice(0, 5) });
    assert.equal(r.format, 'unix');
  });

  it('does not report `total`, `.`, `..` or blank lines', () => {
    const text = ['total 12', 'drwxr-xr-x 3 u g 4096 Mar  5  2024 .', 'drwxr-xr-x 3 u g 4096 Mar  5  2024 ..', '', '  ', UNIX[0]].join('\n');
    const r = parseList(text, { now: RECORDED_NOW });
    assert.deepEqual(r.unparsed, { count: 0, sample: [] });
    assert.equal(r.entries.length, 1);
  });

  it('does report a `total` line without a number, and `total 1.5M` from ls -h is a total', () => {
    const r = parseList('total 1.5M\ntotal\ntotal of nothing\n', { now: RECORDED_NOW });
    assert.deepEqual(r.unparsed, { count: 2, sample: ['total', 'total of nothing'] });
  });
});

describe('parseList: results are independent objects', () => {
  it('entries are separate objects: changing one changes no other', () => {
    const r = parseList(UNIX.join('\n'), { now: RECORDED_NOW });
    assert.equal(r.entries[0].mtimeMs, r.entries[1].mtimeMs);
    assert.notEqual(r.entries[0], r.entries[1]);
    r.entries[0].mtimeMs = 0;
    assert.equal(new Date(r.entries[1].mtimeMs!).toISOString(), '2024-03-05T00:00:00.000Z');
  });
});

describe('listing time arithmetic', () => {
  it('utcMs agrees with Date.UTC (seeded random dates, 1600-2400, plus edges)', () => {
    const rnd = prng(7);
    const cases: number[][] = [[1970, 1, 1], [2000, 2, 29], [1900, 2, 28], [1900, 3, 1], [2100, 3, 1], [1600, 2, 29], [2400, 12, 31]];
    for (let i = 0; i < 2000; i++) {
      const year = 1600 + Math.floor(rnd() * 800);
      const month = 1 + Math.floor(rnd() * 12);
      cases.push([year, month, 1 + Math.floor(rnd() * new Date(Date.UTC(year, month, 0)).getUTCDate())]);
    }
    for (const [y, m, day] of cases) {
      const h = (y * 7) % 24, mi = (y * 13) % 60, s = (y * 17) % 60, ms = (y * 31) % 1000;
      assert.equal(utcMs(y, m, day, h, mi, s, ms), Date.UTC(y, m - 1, day, h, mi, s, ms), `${y}-${m}-${day}`);
      assert.equal(daysFromCivil(y, m, day) * 86_400_000, Date.UTC(y, m - 1, day));
    }
  });
});
