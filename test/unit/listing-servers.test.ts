/**
 * Every LIST*.txt and MLSD*.txt recorded from real servers (test/fixtures/servers, see its README.md),
 * checked entry by entry against the truth table of the `listing-test` folder, plus one test per server quirk.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EntryType, FileEntry } from '../../src/ftp/entry';
import { parseList, parseMlsd, parseMlstLine } from '../../src/ftp/listing';
import { FIXTURES, RECORDED_NOW, assertWellFormed, byName, iso, readFixture } from './listing-helpers';

const SERVERS_DIR = path.join(FIXTURES, 'servers');

// ---------------------------------------------------------------------------------------------------------
// The truth (README.md of the recordings), plus `subdir/inner.txt`, which the subdir listings show.
// ---------------------------------------------------------------------------------------------------------
interface Truth { type: EntryType; size?: number; mtime: string; target?: string }
const TRUTH: Record<string, Truth> = {
  'normal.txt': { type: 'file', size: 12, mtime: '2024-03-05T06:07:08Z' },
  'file with spaces.txt': { type: 'file', size: 7, mtime: '2024-03-05T06:07:08Z' },
  '中文文件名.txt': { type: 'file', size: 5, mtime: '2024-03-05T06:07:08Z' },
  '-dash-leading.txt': { type: 'file', size: 5, mtime: '2024-03-05T06:07:08Z' },
  '.hidden': { type: 'file', size: 7, mtime: '2024-03-05T06:07:08Z' },
  'empty.txt': { type: 'file', size: 0, mtime: '2024-03-05T06:07:08Z' },
  'sparse-3G.bin': { type: 'file', size: 3221225472, mtime: '2024-03-05T06:07:08Z' },
  'old-2y.txt': { type: 'file', size: 4, mtime: '2024-11-21T12:34:56Z' },
  'future.txt': { type: 'file', size: 7, mtime: '2027-11-21T08:09:10Z' },
  'future-10d.txt': { type: 'file', size: 5, mtime: '2026-12-01T08:09:10Z' },
  'link-to-normal': { type: 'symlink', size: 10, mtime: '2024-03-05T06:07:08Z', target: 'normal.txt' },
  'subdir': { type: 'dir', mtime: '2024-03-05T06:07:08Z' },
  'inner.txt': { type: 'file', size: 6, mtime: '2024-03-05T06:07:08Z' },
};

const ALL = ['normal.txt', 'file with spaces.txt', '中文文件名.txt', '-dash-leading.txt', '.hidden', 'empty.txt',
  'sparse-3G.bin', 'old-2y.txt', 'future.txt', 'future-10d.txt', 'link-to-normal', 'subdir'];
const VISIBLE = ALL.filter(n => !n.startsWith('.'));

/**
 * What each recording lists, by server and file name (the ipv6/, tls/ and vsftpd/port20/ copies list the
 * same; only the time of `..` differs). Decided by reading each file and its command in transcript.txt.
 */
const EXPECTED_NAMES: Record<string, Record<string, string[]>> = {
  'ftp-srv': {
    // ftp-srv lists dotfiles even without -a and has no `.`/`..` lines.
    'LIST.txt': ALL, 'LIST-a.txt': ALL, 'LIST-active.txt': ALL,
    'LIST-dashfile.txt': ['-dash-leading.txt'],
    'LIST-file-spaces.txt': ['file with spaces.txt'],
    'LIST-file.txt': ['normal.txt'],
    'LIST-subdir.txt': ['inner.txt'],
    'LIST-symlink.txt': ['link-to-normal'],
  },
  'proftpd': {
    'LIST.txt': VISIBLE, 'LIST-active.txt': VISIBLE,
    'LIST-a.txt': ALL, 'LIST-la.txt': ALL, // plus `.` and `..`, which are dropped
    'LIST-dashdash-dashfile.txt': [], // proftpd does not take `--`: empty listing
    'LIST-dashfile.txt': ['-dash-leading.txt'],
    'LIST-file-spaces.txt': ['file with spaces.txt'],
    'LIST-file.txt': ['normal.txt'],
    'LIST-nonexistent.txt': [],
    'LIST-subdir.txt': ['inner.txt'],
    'LIST-symlink.txt': ['link-to-normal'],
    'MLSD.txt': ALL, // plus cdir and pdir, dropped
    'MLSD-subdir.txt': ['inner.txt'],
  },
  'pure-ftpd': {
    'LIST.txt': VISIBLE, 'LIST-active.txt': VISIBLE,
    'LIST-a.txt': ALL, 'LIST-la.txt': ALL,
    // pure-ftpd reads a leading `-` as options and splits arguments at spaces: "226 0 matches total".
    'LIST-dashdash-dashfile.txt': [], 'LIST-dashfile.txt': [], 'LIST-file-spaces.txt': [],
    'LIST-file.txt': ['normal.txt'],
    'LIST-nonexistent.txt': [],
    'LIST-subdir.txt': ['inner.txt'],
    'LIST-symlink.txt': ['link-to-normal'],
    'MLSD.txt': ALL,
    'MLSD-subdir.txt': ['inner.txt'],
  },
  'pyftpdlib': {
    // pyftpdlib lists dotfiles without -a, and no `.`/`..` even with it.
    'LIST.txt': ALL, 'LIST-a.txt': ALL, 'LIST-la.txt': ALL, 'LIST-active.txt': ALL,
    'LIST-dashfile.txt': ['-dash-leading.txt'],
    'LIST-file-spaces.txt': ['file with spaces.txt'],
    'LIST-file.txt': ['normal.txt'],
    'LIST-subdir.txt': ['inner.txt'],
    'LIST-symlink.txt': ['link-to-normal'],
    'MLSD.txt': ALL,
    'MLSD-subdir.txt': ['inner.txt'],
  },
  'vsftpd': {
    'LIST.txt': VISIBLE, 'LIST-active.txt': VISIBLE, // dotfiles hidden without -a
    'LIST-a.txt': ALL, 'LIST-la.txt': ALL,
    'LIST-dashdash-dashfile.txt': ['-dash-leading.txt'],
    // `LIST -dash-leading.txt`: vsftpd takes the argument as ls options (a = all, t = by time) and lists
    // the whole folder, dotfiles included, newest first.
    'LIST-dashfile.txt': ALL,
    'LIST-file-spaces.txt': ['file with spaces.txt'],
    // `LIST normal.txt` also matched the link, whose listed text is `link-to-normal -> normal.txt`, and
    // `LIST link-to-normal` matched nothing: vsftpd filters on the displayed name including the arrow.
    'LIST-file.txt': ['link-to-normal', 'normal.txt'],
    'LIST-nonexistent.txt': [], // empty listing (and 226) for a missing path
    'LIST-subdir.txt': ['inner.txt'],
    'LIST-symlink.txt': [],
  },
};

/** Servers that print the year for dates in the future, like GNU ls (the others print `Nov 21 08:09`). */
const YEAR_FOR_FUTURE = new Set(['vsftpd']);
/** Servers that follow symlinks and list the target's details instead. */
const FOLLOWS_SYMLINKS = new Set(['ftp-srv']);

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * What a LIST line can tell about the truth: dates with a year have no time (midnight UTC), dates without
 * a year have minute precision and a year inferred from "now" (2026-11-21 01:25).
 *
 * future.txt (really 2027-11-21 08:09:10) is shown as `Nov 21 08:09` by all but vsftpd. The year is simply
 * not in the listing; the rule (latest year that puts the date at most FUTURE_TOLERANCE_DAYS = 92 days
 * after now) places it on 2026-11-21 08:09, seven hours ahead of the recording, which is the only sensible
 * reading of that line. future-10d.txt (2026-12-01 08:09) comes out exactly, 10 days ahead.
 */
function expectedListMtime(server: string, name: string): string {
  const truth = Date.parse(TRUTH[name].mtime);
  const shownWithTime = !YEAR_FOR_FUTURE.has(server) && (name === 'future.txt' || name === 'future-10d.txt');
  if (!shownWithTime) return new Date(Math.floor(truth / DAY) * DAY).toISOString();
  if (name === 'future.txt') return '2026-11-21T08:09:00.000Z';
  return new Date(Math.floor(truth / MINUTE) * MINUTE).toISOString();
}

/** Owner and group as each server's LIST columns (or MLSD facts) name them: numbers or the user's name. */
const LIST_OWNER: Record<string, { owner: string; group: string }> = {
  vsftpd: { owner: '1001', group: '1001' },
  proftpd: { owner: 'tester', group: 'tester' },
  'pure-ftpd': { owner: '1001', group: 'tester' },
  pyftpdlib: { owner: 'tester', group: 'tester' },
  'ftp-srv': { owner: '1001', group: '1001' },
};
const MLSD_OWNER: Record<string, { owner: string; group: string } | Record<string, never>> = {
  proftpd: { owner: 'tester', group: 'tester' }, // UNIX.ownername/groupname win over UNIX.owner/group
  'pure-ftpd': { owner: '1001', group: '1001' }, // UNIX.uid/gid
  pyftpdlib: {},
};

function expectedList(server: string, name: string): Partial<FileEntry> {
  return { ...expectedListFacts(server, name), ...LIST_OWNER[server] };
}

function expectedListFacts(server: string, name: string): Partial<FileEntry> {
  const t = TRUTH[name];
  const mtime = Date.parse(expectedListMtime(server, name));
  if (t.type === 'dir') return { type: 'dir', size: 4096, permissions: 'rwxr-xr-x', mode: 0o755, mtimeMs: mtime };
  if (t.type === 'symlink') {
    if (FOLLOWS_SYMLINKS.has(server)) {
      // ftp-srv stats the target: a regular 12-byte file.
      return { type: 'file', size: TRUTH['normal.txt'].size, permissions: 'rw-r--r--', mode: 0o644, mtimeMs: mtime };
    }
    return { type: 'symlink', size: 10, target: 'normal.txt', permissions: 'rwxrwxrwx', mode: 0o777, mtimeMs: mtime };
  }
  return { type: 'file', size: t.size, permissions: 'rw-r--r--', mode: 0o644, mtimeMs: mtime };
}

function expectedMlsd(server: string, name: string): Partial<FileEntry> {
  return { ...expectedMlsdFacts(server, name), ...MLSD_OWNER[server] };
}

function expectedMlsdFacts(server: string, name: string): Partial<FileEntry> {
  const t = TRUTH[name];
  const mtimeMs = Date.parse(t.mtime); // MLSD has seconds, in UTC (RFC 3659 §2.3)
  if (server === 'pyftpdlib') {
    // perm facts only, no UNIX.mode; follows symlinks; gives `size` for folders.
    if (t.type === 'dir') return { type: 'dir', size: 4096, mtimeMs, permissions: 'eldfmMTcp' };
    if (t.type === 'symlink') return { type: 'file', size: 12, mtimeMs, permissions: 'radfwMT' };
    return { type: 'file', size: t.size, mtimeMs, permissions: 'radfwMT' };
  }
  if (server === 'proftpd') {
    // perm + UNIX.mode; `type=OS.unix=symlink` without target; no size for folders.
    if (t.type === 'dir') return { type: 'dir', mtimeMs, permissions: 'flcdmpe', mode: 0o755 };
    if (t.type === 'symlink') return { type: 'symlink', size: 10, mtimeMs, permissions: 'adfrw', mode: 0o777 };
    return { type: 'file', size: t.size, mtimeMs, permissions: 'adfrw', mode: 0o644 };
  }
  // pure-ftpd: no perm fact, so `permissions` is the UNIX.mode text; `sizd` for folders;
  // `type=OS.unix=slink:` with an empty target.
  if (t.type === 'dir') return { type: 'dir', size: 4096, mtimeMs, permissions: '0755', mode: 0o755 };
  if (t.type === 'symlink') return { type: 'symlink', size: 10, mtimeMs, permissions: '0777', mode: 0o777 };
  return { type: 'file', size: t.size, mtimeMs, permissions: '0644', mode: 0o644 };
}

function listingFiles(): { rel: string; server: string; file: string }[] {
  const out: { rel: string; server: string; file: string }[] = [];
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) walk(full);
      else if (/^(LIST|MLSD).*\.txt$/.test(d.name)) {
        const rel = path.relative(SERVERS_DIR, full).split(path.sep).join('/');
        out.push({ rel, server: rel.split('/')[0], file: d.name });
      }
    }
  };
  walk(SERVERS_DIR);
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

function parseFixture(rel: string, file: string) {
  const text = readFixture('servers', rel);
  return file.startsWith('MLSD') ? parseMlsd(text) : parseList(text, { now: RECORDED_NOW });
}

describe('listing parsers on real server recordings', () => {
  const files = listingFiles();

  it('finds every recording (5 servers, ipv6/, tls/, vsftpd/port20/)', () => {
    assert.equal(files.length, 163);
    for (const server of Object.keys(EXPECTED_NAMES)) assert.ok(files.some(f => f.server === server), server);
    for (const sub of ['/ipv6/', '/tls/', 'vsftpd/port20/']) assert.ok(files.some(f => f.rel.includes(sub)), sub);
  });

  for (const { rel, server, file } of files) {
    it(`${rel}: every entry matches the truth`, () => {
      const expectedNames = EXPECTED_NAMES[server]?.[file];
      assert.ok(expectedNames, `no expectation written for ${rel}`);
      const result = parseFixture(rel, file);
      assertWellFormed(result, rel);
      assert.deepEqual(result.unparsed, { count: 0, sample: [] }, 'every line parsed');
      assert.deepEqual(result.entries.map(e => e.name).sort(), [...expectedNames].sort());
      if (file.startsWith('MLSD')) assert.equal(result.format, 'mlsd');
      else assert.equal(result.format, expectedNames.length > 0 ? 'unix' : undefined);

      const entries = byName(result);
      for (const name of expectedNames) {
        const entry = entries.get(name)!;
        const want = file.startsWith('MLSD') ? expectedMlsd(server, name) : expectedList(server, name);
        const got: Partial<FileEntry> = {};
        for (const key of Object.keys(want) as (keyof FileEntry)[]) (got as Record<string, unknown>)[key] = entry[key];
        assert.deepEqual(got, want, `${rel}: ${name}`);
        // Nothing beyond what we expect (a stray `target` on a file, `size` on a proftpd folder, ...).
        assert.deepEqual(Object.keys(entry).sort(), ['name', ...Object.keys(want)].sort(), `${rel}: ${name} keys`);
      }
    });
  }
});

describe('server quirks', () => {
  const list = (rel: string) => parseList(readFixture('servers', rel), { now: RECORDED_NOW });
  const names = (rel: string) => list(rel).entries.map(e => e.name);

  it('vsftpd hides dotfiles without -a', () => {
    assert.ok(!names('vsftpd/LIST.txt').includes('.hidden'));
    assert.ok(names('vsftpd/LIST-a.txt').includes('.hidden'));
  });

  it('vsftpd pads days with zeros (`Mar 05`), pure-ftpd and proftpd with spaces (`Mar  5`): same date', () => {
    const raw = readFixture('servers', 'vsftpd/LIST.txt');
    assert.match(raw, / Mar 05 {2}2024 normal\.txt/);
    assert.match(readFixture('servers', 'pure-ftpd/LIST.txt'), / Mar {2}5 {2}2024 normal\.txt/);
    const v = byName(list('vsftpd/LIST.txt')).get('normal.txt')!;
    const p = byName(list('pure-ftpd/LIST.txt')).get('normal.txt')!;
    assert.equal(iso(v.mtimeMs), '2024-03-05T00:00:00.000Z');
    assert.equal(iso(p.mtimeMs), iso(v.mtimeMs));
  });

  it('vsftpd prints a year for future dates; the others print a time and the year is inferred', () => {
    assert.equal(iso(byName(list('vsftpd/LIST.txt')).get('future.txt')!.mtimeMs), '2027-11-21T00:00:00.000Z');
    for (const server of ['proftpd', 'pure-ftpd', 'pyftpdlib', 'ftp-srv']) {
      const e = byName(list(`${server}/LIST-a.txt`));
      assert.equal(iso(e.get('future.txt')!.mtimeMs), '2026-11-21T08:09:00.000Z', server);
      assert.equal(iso(e.get('future-10d.txt')!.mtimeMs), '2026-12-01T08:09:00.000Z', server);
    }
  });

  it('vsftpd answers a missing path with an empty listing: no entries, nothing unparsed, no format', () => {
    assert.equal(readFixture('servers', 'vsftpd/LIST-nonexistent.txt'), '');
    assert.deepEqual(list('vsftpd/LIST-nonexistent.txt'), { entries: [], unparsed: { count: 0, sample: [] }, format: undefined });
  });

  it('vsftpd reads `LIST -dash-leading.txt` as options: whole folder, newest first, order kept', () => {
    const got = names('vsftpd/LIST-dashfile.txt');
    assert.deepEqual(got.slice(0, 3), ['future.txt', 'future-10d.txt', 'old-2y.txt']);
    assert.deepEqual(names('vsftpd/LIST-dashdash-dashfile.txt'), ['-dash-leading.txt']);
  });

  it('vsftpd filters on the displayed text, so `LIST normal.txt` also shows the link to it', () => {
    const e = byName(list('vsftpd/LIST-file.txt'));
    assert.deepEqual(e.get('link-to-normal'), {
      name: 'link-to-normal', type: 'symlink', size: 10, mtimeMs: Date.parse('2024-03-05T00:00:00Z'),
      permissions: 'rwxrwxrwx', mode: 0o777, target: 'normal.txt', owner: '1001', group: '1001',
    });
    assert.deepEqual(names('vsftpd/LIST-symlink.txt'), []);
  });

  it('pure-ftpd has a numeric owner and a named group; vsftpd and ftp-srv numeric both; proftpd names', () => {
    assert.match(readFixture('servers', 'pure-ftpd/LIST.txt'), /^-rw-r--r-- {4}1 1001 {7}tester /m);
    for (const rel of ['pure-ftpd/LIST.txt', 'vsftpd/LIST.txt', 'ftp-srv/LIST.txt', 'proftpd/LIST.txt']) {
      assert.equal(byName(list(rel)).get('sparse-3G.bin')!.size, 3221225472, rel);
    }
  });

  it('sizes wider than the column still parse (ftp-srv `1001   3221225472`, vsftpd `1001     3221225472`)', () => {
    assert.match(readFixture('servers', 'vsftpd/LIST.txt'), / 1001 {5}3221225472 Mar/);
    assert.equal(byName(list('vsftpd/LIST.txt')).get('sparse-3G.bin')!.size, 3221225472);
  });

  it('ftp-srv follows symlinks and shows folders with link count 1', () => {
    const e = byName(list('ftp-srv/LIST.txt'));
    assert.equal(e.get('link-to-normal')!.type, 'file');
    assert.equal(e.get('link-to-normal')!.size, 12);
    assert.equal(e.get('link-to-normal')!.target, undefined);
    assert.match(readFixture('servers', 'ftp-srv/LIST.txt'), /^drwxr-xr-x 1 1001 1001 +4096 Mar 05 {2}2024 subdir\r$/m);
    assert.equal(e.get('subdir')!.type, 'dir');
  });

  it('symlinks from LIST carry their target, from proftpd, pure-ftpd, pyftpdlib and vsftpd', () => {
    for (const server of ['proftpd', 'pure-ftpd', 'pyftpdlib', 'vsftpd']) {
      const link = byName(list(`${server}/LIST.txt`)).get('link-to-normal')!;
      assert.equal(link.type, 'symlink', server);
      assert.equal(link.target, 'normal.txt', server);
      assert.equal(link.size, 10, server);
    }
  });

  it('`LIST -a` from proftpd, pure-ftpd and vsftpd includes `.` and `..`, which are dropped silently', () => {
    for (const server of ['proftpd', 'pure-ftpd', 'vsftpd']) {
      const raw = readFixture('servers', `${server}/LIST-a.txt`);
      assert.match(raw, / \.\.\r\n/, server);
      const r = list(`${server}/LIST-a.txt`);
      assert.equal(r.entries.length, 12, server);
      assert.equal(r.unparsed.count, 0, server);
    }
  });

  it('UTF-8 names (decoded) come through unchanged', () => {
    for (const rel of ['proftpd/LIST.txt', 'pure-ftpd/MLSD.txt']) {
      const r = rel.includes('MLSD') ? parseMlsd(readFixture('servers', rel)) : list(rel);
      assert.ok(byName(r).has('中文文件名.txt'), rel);
    }
  });

  it('MLSD: cdir and pdir are dropped (proftpd, pure-ftpd); pyftpdlib sends neither', () => {
    for (const server of ['proftpd', 'pure-ftpd', 'pyftpdlib']) {
      const raw = readFixture('servers', `${server}/MLSD.txt`);
      assert.equal(/type=cdir/.test(raw), server !== 'pyftpdlib', server);
      const r = parseMlsd(raw);
      assert.equal(r.entries.length, 12, server);
      assert.ok(!r.entries.some(e => e.name === '.' || e.name === '..'), server);
    }
  });

  it('MLSD symlinks: proftpd `OS.unix=symlink`, pure-ftpd `OS.unix=slink:` (empty target), pyftpdlib follows', () => {
    const link = (server: string) => byName(parseMlsd(readFixture('servers', `${server}/MLSD.txt`))).get('link-to-normal')!;
    assert.deepEqual([link('proftpd').type, link('proftpd').target], ['symlink', undefined]);
    assert.deepEqual([link('pure-ftpd').type, link('pure-ftpd').target], ['symlink', undefined]);
    assert.deepEqual([link('pyftpdlib').type, link('pyftpdlib').size], ['file', 12]);
  });

  it('MLSD keeps the seconds that LIST loses', () => {
    const e = byName(parseMlsd(readFixture('servers', 'proftpd/MLSD.txt')));
    assert.equal(iso(e.get('old-2y.txt')!.mtimeMs), '2024-11-21T12:34:56.000Z');
    assert.equal(iso(e.get('future.txt')!.mtimeMs), '2027-11-21T08:09:10.000Z');
  });
});

describe('MLST replies of real servers (mlst.txt)', () => {
  /** The entry lines (a space, then facts) of each `> MLST arg` exchange in an mlst.txt transcript. */
  function mlstEntries(rel: string): Map<string, string> {
    const out = new Map<string, string>();
    let command = '';
    for (const line of readFixture('servers', rel).split('\n')) {
      if (line.startsWith('> MLST')) command = line.slice(2).trim();
      else if (line.startsWith(' ')) out.set(command, line);
    }
    return out;
  }

  it('proftpd: full paths as names, symlink shown as the link itself with type=file', () => {
    const lines = mlstEntries('proftpd/mlst.txt');
    assert.equal(lines.size, 6);
    assert.deepEqual(parseMlstLine(lines.get('MLST normal.txt')!), {
      name: '/listing-test/normal.txt', type: 'file', size: 12, mtimeMs: Date.parse('2024-03-05T06:07:08Z'),
      permissions: 'adfrw', mode: 0o644, owner: 'tester', group: 'tester',
    });
    assert.equal(parseMlstLine(lines.get('MLST')!)!.type, 'dir');
    assert.equal(parseMlstLine(lines.get('MLST sparse-3G.bin')!)!.size, 3221225472);
  });

  it('pure-ftpd: bare `MLST` answers `type=cdir; .`, kept for MLST (unlike MLSD) as a folder', () => {
    const lines = mlstEntries('pure-ftpd/mlst.txt');
    assert.deepEqual(parseMlstLine(lines.get('MLST')!), {
      name: '.', type: 'dir', size: 4096, mtimeMs: Date.parse('2024-03-05T06:07:08Z'), permissions: '0755', mode: 0o755, owner: '1001', group: '1001',
    });
    const link = parseMlstLine(lines.get('MLST link-to-normal')!)!;
    assert.deepEqual([link.name, link.type, link.target], ['link-to-normal', 'symlink', undefined]);
  });

  it('every MLST entry line of proftpd, pure-ftpd and pyftpdlib parses, over all transports', () => {
    let count = 0;
    for (const server of ['proftpd', 'pure-ftpd', 'pyftpdlib']) {
      for (const sub of ['', 'ipv6/', 'tls/']) {
        for (const [command, line] of mlstEntries(`${server}/${sub}mlst.txt`)) {
          const e = parseMlstLine(line);
          assert.ok(e, `${server}/${sub}: ${command}`);
          const arg = command.slice(5);
          assert.ok(arg === '' || e.name.endsWith(arg), `${command} -> ${e.name}`);
          count++;
        }
      }
    }
    assert.equal(count, 54);
  });
});
