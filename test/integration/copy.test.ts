import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { copyName, copyPath, moveBetween } from '../../src/remote/copy';
import { FsError } from '../../src/remote/fsErrors';
import type { Site } from '../../src/remote/site';
import { FaultProxy } from '../faults/proxy';
import { startServer, type RunningServer, type ServerName } from '../servers';
import { siteOf } from './connect';
import { serverDisk } from './serverDisk';

/**
 * Copy on the server (FTP has none: down and up again through a local file) within one connection and between two
 * servers, and a move between two that deletes the original only once the copy has its size. Checked on the
 * servers' disks.
 */
const PAIRS: [ServerName, ServerName][] = [
  ['vsftpd', 'pyftpdlib'],
  ['proftpd', 'pure-ftpd'],
];
const BIG = 20 * 1024 * 1024;

for (const [one, other] of PAIRS) {
  describe(`copy on ${one}, and from ${one} to ${other}`, function () {
    this.timeout(120000);
    let a: RunningServer;
    let b: RunningServer;
    let proxy: FaultProxy;
    let siteA: Site;
    let siteB: Site;
    let siteBcut: Site;
    const diskA = serverDisk(() => a.root);
    const diskB = serverDisk(() => b.root);
    const big = crypto.randomBytes(BIG);

    before(async () => {
      [a, b] = await Promise.all([startServer(one), startServer(other)]);
      proxy = await FaultProxy.start({ host: b.host, port: b.port });
      siteA = siteOf(a, { name: 'a', poolSize: 2 });
      siteB = siteOf(b, { name: 'b', poolSize: 1 });
      siteBcut = siteOf(b, { name: 'b-cut', via: proxy });
      for (const s of [a, b]) fs.chmodSync(s.root, 0o777);
    });
    after(async () => {
      await Promise.all([siteA?.dispose(), siteB?.dispose(), siteBcut?.dispose()]);
      await proxy?.close();
      await Promise.all([a?.stop(), b?.stop()]);
    });
    beforeEach(() => {
      for (const s of [siteA, siteB, siteBcut]) s.cache.clear();
    });

    it('a large file within the connection: byte-identical, the original untouched', async () => {
      diskA.write('big.bin', big);
      await copyPath(siteA, '/big.bin', siteA, '/big copy.bin');
      assert.ok(fs.readFileSync(diskA.abs('big copy.bin')).equals(big));
      assert.ok(fs.readFileSync(diskA.abs('big.bin')).equals(big));
    });

    it('a folder within the connection: its files and subfolders; a link to a folder is not followed', async () => {
      diskA.mkdir('tree/sub');
      diskA.write('tree/x.txt', 'x');
      diskA.write('tree/sub/y.txt', 'y');
      diskA.mkdir('elsewhere');
      diskA.write('elsewhere/z.txt', 'z');
      diskA.link('tree/away', '../elsewhere');
      const r = await copyPath(siteA, '/tree', siteA, '/tree2');
      assert.equal(diskA.read('tree2/x.txt'), 'x');
      assert.equal(diskA.read('tree2/sub/y.txt'), 'y');
      assert.ok(!diskA.exists('tree2/away'), 'the link was followed');
      assert.deepEqual(r.links, ['/tree/away']);
    });

    it('onto a name that exists: FileExists, unless overwrite; never into itself', async () => {
      diskA.write('p.txt', 'new');
      diskA.write('q.txt', 'old');
      await assert.rejects(copyPath(siteA, '/p.txt', siteA, '/q.txt'), (e: unknown) => e instanceof FsError && e.kind === 'FileExists');
      assert.equal(diskA.read('q.txt'), 'old');
      await copyPath(siteA, '/p.txt', siteA, '/q.txt', { overwrite: true });
      assert.equal(diskA.read('q.txt'), 'new');
      await assert.rejects(copyPath(siteA, '/tree', siteA, '/tree/inner'), /into itself/);
    });

    it(`a large file and a folder from ${one} to ${other} (a pool of one there)`, async () => {
      await copyPath(siteA, '/big.bin', siteB, '/from-a.bin');
      assert.ok(fs.readFileSync(diskB.abs('from-a.bin')).equals(big));
      await copyPath(siteA, '/tree', siteB, '/tree-from-a');
      assert.equal(diskB.read('tree-from-a/sub/y.txt'), 'y');
    });

    it('a move between connections deletes the original only after the copy has its size', async () => {
      diskA.write('move.txt', 'moving');
      await moveBetween(siteA, '/move.txt', siteB, '/moved.txt');
      assert.equal(diskB.read('moved.txt'), 'moving');
      assert.ok(!diskA.exists('move.txt'), 'the original is still there');
    });

    it('a move whose upload the server stored short keeps the original', async () => {
      diskA.write('keep.bin', big.subarray(0, 1024 * 1024));
      proxy.hooks = { data: (t) => (t.verb === 'STOR' ? { truncateAt: 1000 } : undefined) };
      try {
        await assert.rejects(moveBetween(siteA, '/keep.bin', siteBcut, '/kept.bin'));
      } finally {
        proxy.hooks = {};
      }
      assert.ok(diskA.exists('keep.bin'), 'the original was deleted');
      assert.equal(fs.statSync(diskA.abs('keep.bin')).size, 1024 * 1024);
      assert.ok(!diskB.exists('kept.bin'), 'a short copy was left in place');
    });
  });
}

describe('copyName', () => {
  it('"name copy.ext", then "name copy 2.ext"', () => {
    assert.equal(copyName('a.txt', new Set(['a.txt'])), 'a copy.txt');
    assert.equal(copyName('a.txt', new Set(['a.txt', 'a copy.txt'])), 'a copy 2.txt');
    assert.equal(copyName('dir', new Set(['dir'])), 'dir copy');
    assert.equal(copyName('.env', new Set(['.env'])), '.env copy');
  });
});

describe('opening a large file: VS Code reads it three times, it is downloaded once', function () {
  this.timeout(60000);
  let srv: RunningServer;
  let proxy: FaultProxy;
  let site: Site;
  const disk = serverDisk(() => srv.root);
  before(async () => {
    srv = await startServer('vsftpd');
    proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
    site = siteOf(srv, { via: proxy });
  });
  after(async () => {
    await site?.dispose();
    await proxy?.close();
    await srv?.stop();
  });
  const retrs = () => proxy.sessions.flatMap((s) => s.commands).filter((c) => c.startsWith('RETR ')).length;

  it('stat, read, read, read: one RETR; after a change on the server, read again', async () => {
    const data = crypto.randomBytes(3 * 1024 * 1024);
    disk.write('large.bin', data);
    for (let i = 0; i < 3; i++) {
      await site.stat('/large.bin');
      assert.ok(Buffer.from(await site.readFile('/large.bin')).equals(data));
    }
    assert.equal(retrs(), 1);
    disk.write('large.bin', data.subarray(1));
    site.cache.clear();
    await site.stat('/large.bin');
    assert.equal((await site.readFile('/large.bin')).byteLength, data.length - 1);
    assert.equal(retrs(), 2);
  });
});
