import * as assert from 'node:assert/strict';
import { FtpReplyError } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { findFiles, namePattern, searchInFiles, SEARCH_LIMITS, FIND_LIMITS } from '../../src/remote/search';
import { Site } from '../../src/remote/site';
import { FakeServer, fsError } from './remote-fake-client';

function makeSite(server: FakeServer): Site {
  const config = normalizeConnection({ name: 'site', host: 'h', username: 'bob' }).config!;
  return new Site(config, 'saved:site', { connect: () => server.connect(), poolSize: 1 });
}

describe('remote/search: FTP: Find Files and FTP: Search in Files', () => {
  it('a name pattern: a part of the name, or * and ? as in a shell; case-insensitive; empty is an error', () => {
    assert.ok(namePattern('NEEDLE')('a-needle-file.txt'));
    assert.ok(namePattern('*.PHP')('index.php'));
    assert.ok(!namePattern('*.php')('index.php.bak'));
    assert.ok(namePattern('a?c.txt')('abc.txt'));
    assert.ok(namePattern('(x)+')('a(x)+b'));
    assert.throws(() => namePattern('  '), /Enter a part of a file name/);
  });

  it('finds files and folders by name, nearer ones first, and never walks into a link', async () => {
    const server = new FakeServer()
      .file('/www/deep/er/needle.txt', 'x')
      .file('/www/needle-top.txt', 'x')
      .dir('/www/needles')
      .file('/www/other.txt', 'x')
      .link('/www/loop', '/www');
    const site = makeSite(server);
    const { found, truncated } = await findFiles(site, '/www', 'needle');
    assert.deepEqual(found.map((f) => f.path), ['/www/needle-top.txt', '/www/needles', '/www/deep/er/needle.txt']);
    assert.equal(truncated, undefined);
    assert.ok(!server.calls.some((c) => c.includes('/www/loop')), server.calls.join('\n'));
    await site.dispose();
  });

  it('stops at the depth, folder and result limits, and says so', async () => {
    const server = new FakeServer().file('/a/b/c/d/n.txt', 'x').file('/n1.txt', 'x').file('/n2.txt', 'x');
    const site = makeSite(server);
    const deep = await findFiles(site, '/', 'n', { ...FIND_LIMITS, maxDepth: 2 });
    assert.deepEqual(deep.found.map((f) => f.path), ['/n1.txt', '/n2.txt']);
    assert.match(deep.truncated ?? '', /2 folder levels deep/);
    const few = await findFiles(site, '/', 'n', { ...FIND_LIMITS, maxResults: 1 });
    assert.equal(few.found.length, 1);
    assert.match(few.truncated ?? '', /1 results/);
    await site.dispose();
  });

  it('searches the text files for a text (case-insensitive), with line and column; skips large and binary files', async () => {
    const server = new FakeServer()
      .file('/www/a.txt', 'one\nthe Needle-42 here\nthree')
      .file('/www/sub/b.php', '<?php // needle-42\n')
      .file('/www/big.txt', `${'x'.repeat(2000)}needle-42`)
      .file('/www/bin.dat', Buffer.concat([Buffer.from([110, 101, 0, 1]), Buffer.from('needle-42')]));
    const site = makeSite(server);
    const { matches, skipped } = await searchInFiles(site, '/www', 'NEEDLE-42', { ...SEARCH_LIMITS, maxFileBytes: 1000 });
    assert.deepEqual(matches.map((m) => `${m.path}:${m.line}:${m.column}`), ['/www/a.txt:2:4', '/www/sub/b.php:1:9']);
    assert.equal(matches[0].preview, 'the Needle-42 here');
    assert.equal(skipped, 1);
    await site.dispose();
  });

  it('a file the server refuses to give is left out and counted, not the end of the search', async () => {
    const server = new FakeServer().file('/a.txt', 'hit').file('/b.txt', 'hit');
    const site = makeSite(server);
    server.failNext('download', () => new FtpReplyError(550, 'Failed to open file.', 'RETR /a.txt'), '/a.txt');
    const r = await searchInFiles(site, '/', 'hit');
    assert.deepEqual(r.matches.map((m) => m.path), ['/b.txt']);
    assert.equal(r.unreadable, 1);
    await site.dispose();
  });

  it('reads at most maxFiles files; cancelling stops it', async () => {
    const server = new FakeServer().file('/1.txt', 'no').file('/2.txt', 'no').file('/3.txt', 'hit');
    const site = makeSite(server);
    const r = await searchInFiles(site, '/', 'hit', { ...SEARCH_LIMITS, maxFiles: 2 });
    assert.deepEqual(r.matches, []);
    assert.match(r.truncated ?? '', /first 2 files/);
    const abort = new AbortController();
    abort.abort();
    const e = await fsError(searchInFiles(site, '/', 'hit', SEARCH_LIMITS, { signal: abort.signal }));
    assert.equal(e.kind, 'Cancelled');
    await site.dispose();
  });
});
