/** MLSD and MLST (RFC 3659 §7): odd cases (test/fixtures/listings/mlsd-odd.txt) and single lines. */
import * as assert from 'node:assert/strict';
import type { FileEntry } from '../../src/ftp/entry';
import { parseList, parseMlsd, parseMlstLine } from '../../src/ftp/listing';
import { assertWellFormed, readFixture } from './listing-helpers';

const d = (s: string) => Date.parse(s);
const T = d('2024-03-05T06:07:08Z');

describe('MLSD: odd cases (mlsd-odd.txt)', () => {
  const result = parseMlsd(readFixture('listings', 'mlsd-odd.txt'));

  it('parses every entry line, in order, exactly', () => {
    assertWellFormed(result, 'mlsd-odd.txt');
    const expected: FileEntry[] = [
      // Fact names in any case (§7.1), fractional seconds (§2.3).
      { name: 'Mixed Case Facts.txt', type: 'file', size: 12, mtimeMs: d('2024-03-05T06:07:08.123Z'), permissions: 'rw' },
      // The name starts right after the first space: the second one belongs to it.
      { name: ' two spaces before the name.txt', type: 'file', size: 7, mtimeMs: T },
      // No facts at all: a line that starts with the space.
      { name: 'no facts at all.txt', type: 'unknown' },
      { name: 'dir with sizd', type: 'dir', size: 4096, mtimeMs: T },
      { name: 'link-with-target', type: 'symlink', size: 20, mtimeMs: T, target: '../target/file.txt' },
      { name: 'link-without-colon', type: 'symlink', mtimeMs: T },
      { name: 'link-upper-case', type: 'symlink', mtimeMs: T },
      { name: 'block-device', type: 'unknown', mtimeMs: T },
      { name: 'half-second.txt', type: 'file', mtimeMs: d('2024-03-05T06:07:08.500Z') },
      { name: 'microseconds.txt', type: 'file', mtimeMs: d('2024-03-05T06:07:08.123Z') },
      // Broken fact values cost the fact, not the entry.
      { name: 'bad-modify.txt', type: 'file' },
      { name: 'february-30.txt', type: 'file' },
      { name: 'bad-size.txt', type: 'file' },
      { name: 'setuid.txt', type: 'file', permissions: 'r', mode: 0o4755 },
      { name: 'mode-only.txt', type: 'file', permissions: '0644', mode: 0o644 },
      // A last fact without its `;` is tolerated.
      { name: 'no-semicolon-after-last-fact.txt', type: 'file', size: 5 },
      // Unknown facts and an empty one are skipped (§7.1).
      { name: 'unknown facts and an empty one.txt', type: 'file', size: 9, mtimeMs: T },
      // cdir, pdir, `.` are not folder contents. `;` and `=` in a name are just characters.
      { name: 'name;with=semicolons and = signs.txt', type: 'file', size: 3 },
    ];
    assert.deepEqual(result.entries, expected);
  });

  it('reports lines that are not MLSD entries', () => {
    assert.deepEqual(result.unparsed, {
      count: 3,
      sample: ['garbage line without facts', 'type=file;size=1; ', 'noequals;type=file; broken-fact.txt'],
    });
    assert.equal(result.format, 'mlsd');
  });

  it('facts in any order give the same entry', () => {
    const facts = ['type=file', 'size=12', 'modify=20240305060708', 'perm=adfrw', 'UNIX.mode=0644'];
    const want: FileEntry = { name: 'f', type: 'file', size: 12, mtimeMs: T, permissions: 'adfrw', mode: 0o644 };
    for (let i = 0; i < facts.length; i++) {
      const rotated = [...facts.slice(i), ...facts.slice(0, i)];
      assert.deepEqual(parseMlsd(`${rotated.join(';')}; f\r\n`).entries, [want], rotated.join(';'));
      assert.deepEqual(parseMlsd(`${[...rotated].reverse().join(';')}; f`).entries, [want]);
    }
  });

  it("reads UNIX.mode in Python's 0o form too (pyftpdlib)", () => {
    assert.equal(parseMlsd('type=file;unix.mode=0o640; f').entries[0].mode, 0o640);
    assert.equal(parseMlsd('type=file;UNIX.mode=0O755; f').entries[0].mode, 0o755);
    assert.equal(parseMlsd('type=file;UNIX.mode=0o; f').entries[0].mode, undefined);
    assert.equal(parseMlsd('type=file;UNIX.mode=0x1ff; f').entries[0].mode, undefined);
  });

  it('size wins over sizd when both are given', () => {
    assert.equal(parseMlsd('type=dir;sizd=4096;size=10; x').entries[0].size, 10);
    assert.equal(parseMlsd('type=dir;size=10;sizd=4096; x').entries[0].size, 10);
  });

  it('only parseMlsd (or format: mlsd) reads MLSD; LIST parsing does not guess it', () => {
    const text = 'type=file;size=1; a\r\ntype=dir; b\r\n';
    assert.deepEqual(parseList(text).entries, []);
    assert.equal(parseList(text).unparsed.count, 2);
    const hinted = parseList(text, { format: 'mlsd' });
    assert.deepEqual(hinted.entries.map(e => [e.name, e.type]), [['a', 'file'], ['b', 'dir']]);
    assert.equal(hinted.format, 'mlsd');
  });
});

describe('MLST entry lines', () => {
  it('takes the reply line with its leading space and line end', () => {
    assert.deepEqual(parseMlstLine(' type=file;size=12;modify=20240305060708; /dir/normal.txt\r\n'), {
      name: '/dir/normal.txt', type: 'file', size: 12, mtimeMs: T,
    });
  });

  it('also takes the line without the leading space', () => {
    assert.equal(parseMlstLine('type=dir; /dir')?.type, 'dir');
  });

  it('keeps cdir/pdir and `.` (the object asked about), as folders', () => {
    assert.deepEqual(parseMlstLine(' type=cdir;sizd=4096; .'), { name: '.', type: 'dir', size: 4096 });
    assert.deepEqual(parseMlstLine(' type=pdir; ..'), { name: '..', type: 'dir' });
  });

  it('gives undefined for what is not an entry line', () => {
    for (const line of ['', ' ', '250 End', '250-Begin', ' type=file;', ' type=file; ', ' type=file; a\r\n b', 'x']) {
      assert.equal(parseMlstLine(line), undefined, JSON.stringify(line));
    }
  });

  it('keeps a symlink target with colons and slashes', () => {
    assert.deepEqual(parseMlstLine(' type=OS.unix=slink:/a:b/c;modify=20240305060708; l'), {
      name: 'l', type: 'symlink', mtimeMs: T, target: '/a:b/c',
    });
  });
});
