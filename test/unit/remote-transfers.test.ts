import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { mock } from 'node:test';
import { FtpReplyError } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { ChangeBatch, type Change } from '../../src/remote/changes';
import { SHORT_TRANSFER_BYTES, Site, type RemoteClient } from '../../src/remote/site';
import { downloadTo } from '../../src/remote/download';
import { uploadTo } from '../../src/remote/upload';
import { applyPlan, planSync } from '../../src/remote/sync';
import { inParallel, walkInParallel } from '../../src/remote/transfers';
import { tempDirPerTest } from './tempDir';
import { FakeServer, fsError, type FakeClient } from './remote-fake-client';

/**
 * Folder transfers over the fake server: what each file costs (one upload and one SIZE for a new name; a safe
 * save with a rename for a name that exists), that the folder is listed once, not per file, that the change
 * events come in batches, that files move over both connections, and that a failed upload of a new name leaves
 * no partial file.
 */

/** The fake client, with SIZE (recorded as "<id> size <path>"); `lie` changes the answer. */
function withSize(server: FakeServer, c: FakeClient, lie?: (p: string, n: number) => number): RemoteClient {
  return Object.assign(c, {
    size: async (p: string) => {
      server.calls.push(`${c.id} size ${p}`);
      const n = server.nodes.get(p);
      if (n?.type !== 'file') throw new FtpReplyError(550, 'No such file', `SIZE ${p}`);
      return lie ? lie(p, n.content!.length) : n.content!.length;
    },
  });
}

function makeSite(server: FakeServer, opts: { lie?: (p: string, n: number) => number; maxReadBytes?: number } = {}) {
  const events: Change[][] = [];
  const infos: string[] = [];
  const site = new Site(normalizeConnection({ name: 'site', host: 'h', username: 'bob' }).config!, 'saved:site', {
    connect: async () => withSize(server, await server.connect(), opts.lie),
    poolSize: 2,
    info: (t) => infos.push(t),
    maxReadBytes: opts.maxReadBytes,
  });
  site.onDidChangeFiles((c) => events.push(c));
  return { site, events, infos };
}

const ops = (server: FakeServer, op: string) => server.calls.filter((c) => c.split(' ')[1] === op);

describe('sync: the listing of the next folder is asked while this folder\'s files move', () => {
  const { dir: tmp } = tempDirPerTest('ftpx-sync-ahead-');

  it('a sync up lists folder b while the uploads into folder a are still running', async () => {
    const local = tmp();
    for (const f of ['a/1.txt', 'a/2.txt', 'b/3.txt']) {
      await fs.mkdir(path.dirname(path.join(local, f)), { recursive: true });
      await fs.writeFile(path.join(local, f), f);
    }
    const server = new FakeServer().dir('/site/a').dir('/site/b');
    const { site } = makeSite(server);
    const o = { localRoot: local, remoteRoot: '/site', parallel: 2 };
    const { plan } = await planSync(site, { ...o, direction: 'upload', seen: new Map() });
    const gates = ['/site/a/1.txt', '/site/a/2.txt'].map((p) => server.hold('upload', p));
    const planned = server.calls.length;
    const running = applyPlan(site, plan, { ...o, seen: new Map() });
    await Promise.all(gates.map((g) => g.reached.promise));
    // Both connections are busy with a's files: b's listing was asked with a's (before, only a worker free for b/3
    // would list it, after a's files).
    const listedB = () => server.calls.slice(planned).some((c) => c.split(' ')[1] === 'list' && c.endsWith(' /site/b'));
    try {
      await server.until(listedB, 'no listing of /site/b while the uploads into /site/a run');
    } finally {
      for (const g of gates) g.release();
    }
    const r = await running;
    assert.equal(r.failed.length, 0, r.failed.map((f) => f.error.message).join('\n'));
    assert.equal(server.content('/site/b/3.txt'), 'b/3.txt');
    await site.dispose();
  });
});

describe('sync: two sides already alike', () => {
  const { dir: tmp } = tempDirPerTest('ftpx-sync-alike-');

  it('are recorded as seen, so a later edit on the server alone is a conflict, not an upload over it', async () => {
    const local = tmp();
    await fs.writeFile(path.join(local, 'a.txt'), 'same');
    const time = new Date(Date.UTC(2024, 0, 1));
    await fs.utimes(path.join(local, 'a.txt'), time, time);
    const server = new FakeServer().file('/site/a.txt', 'same', time);
    const { site } = makeSite(server);
    const o = { localRoot: local, remoteRoot: '/site', parallel: 2 };
    const { plan } = await planSync(site, { ...o, direction: 'upload', seen: new Map() });
    assert.deepEqual(plan.rows.map((r) => `${r.action} ${r.path}`), ['same a.txt']);
    const r = await applyPlan(site, plan, { ...o, seen: new Map() });
    assert.deepEqual([...r.seen.keys()], ['a.txt'], 'nothing to do, and what both sides hold is recorded');
    // Someone edits it on the server; the local copy is unchanged.
    server.file('/site/a.txt', 'edited on the server', new Date(Date.UTC(2024, 0, 2)));
    const next = await planSync(site, { ...o, direction: 'upload', seen: r.seen });
    assert.deepEqual(next.plan.rows.map((x) => `${x.action} ${x.path}`), ['conflict a.txt']);
    await site.dispose();
  });
});

describe('sync: folders the plan saw missing are made with MKD alone', () => {
  const { dir: tmp } = tempDirPerTest('ftpx-sync-mkdir-');

  async function syncUp(names: string[], meanwhile?: (server: FakeServer) => void) {
    const local = tmp();
    for (const f of names) {
      await fs.mkdir(path.dirname(path.join(local, f)), { recursive: true });
      await fs.writeFile(path.join(local, f), f);
    }
    const server = new FakeServer().dir('/site');
    const { site } = makeSite(server);
    const o = { localRoot: local, remoteRoot: '/site', parallel: 2 };
    const { plan } = await planSync(site, { ...o, direction: 'upload', seen: new Map() });
    meanwhile?.(server);
    const planned = server.calls.length;
    const r = await applyPlan(site, plan, { ...o, seen: new Map() });
    assert.equal(r.failed.length, 0, r.failed.map((f) => f.error.message).join('\n'));
    for (const f of names) assert.equal(server.content(`/site/${f}`), f);
    await site.dispose();
    return server.calls.slice(planned);
  }

  it('no listing of their parent before each MKD', async () => {
    const after = await syncUp(['a/1.txt', 'b/2.txt', 'c/3.txt', 'd/4.txt']);
    assert.equal(after.filter((c) => c.split(' ')[1] === 'mkdir').length, 4);
    // (Before: a lookup of each new name, which lists /site again once the MKD before it has changed it.)
    assert.deepEqual(after.filter((c) => c.split(' ')[1] === 'list' && c.endsWith(' /site')), []);
  });

  it('a folder made meanwhile by someone else: its MKD is refused, and a folder there is what the row wanted', async () => {
    const after = await syncUp(['a/1.txt', 'b/2.txt', 'c/3.txt'], (server) => server.dir('/site/b'));
    assert.equal(after.filter((c) => c.split(' ')[1] === 'mkdir').length, 3);
  });
});

describe('remote/transfers: what a folder transfer costs per file', () => {
  const { dir: tmp } = tempDirPerTest('ftpx-transfers-');

  async function localFolder(name: string, files: Record<string, string>): Promise<string> {
    const dir = path.join(tmp(), name);
    for (const [f, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await fs.writeFile(path.join(dir, f), content);
    }
    return dir;
  }

  it('a new folder: one listing (of its parent), MKD, then per file one upload onto its name and one SIZE', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`f${i}.txt`] = `content ${i}`;
    const local = await localFolder('src', files);
    const server = new FakeServer().dir('/up');
    const { site, events } = makeSite(server);
    // While the first file is held on one connection, the other keeps going.
    const first = server.hold('upload', '/up/src/f0.txt');
    const running = uploadTo(site, [local], '/up');
    await first.reached.promise;
    await server.until(() => ops(server, 'upload').length >= 3, 'only one file moved at a time');
    first.release();
    const r = await running;
    assert.equal(r.files, 40);
    for (const [f, content] of Object.entries(files)) assert.equal(server.content(`/up/src/${f}`), content);
    // Before MKD: is /up/src there, is /up a folder (the listings of /up and /). None after.
    assert.deepEqual(ops(server, 'list').map((c) => c.split(' ')[2]).sort(), ['/', '/up']);
    assert.equal(ops(server, 'mkdir').length, 1);
    assert.equal(ops(server, 'upload').length, 40);
    assert.equal(ops(server, 'size').length, 40);
    assert.equal(ops(server, 'rename').length, 0, 'a new name needs no temporary file');
    assert.ok(ops(server, 'upload').every((c) => !c.includes('ftpx-tmp')));
    assert.equal(server.calls.filter((c) => !/^\d+ (quit|pwd)/.test(c)).length, 2 + 1 + 40 * 2);
    assert.equal(server.violations, 0);
    // Change events in bulk: the folder, then all files in one event.
    const all = events.flat();
    assert.equal(all.filter((c) => c.type === 'created').length, 41);
    assert.ok(events.length <= 2, `${events.length} change events`);
    await site.dispose();
  });

  it('an existing folder: listed once; names that exist get a safe save (temporary file, rename), new names do not', async () => {
    const local = await localFolder('site', { 'a.txt': 'new a', 'b.txt': 'new b', 'c.txt': 'new c', 'README.txt': 'readme' });
    const server = new FakeServer().file('/up/site/a.txt', 'old a').file('/up/site/README.TXT', 'OLD');
    const { site, events } = makeSite(server);
    await uploadTo(site, [local], '/up');
    assert.equal(server.content('/up/site/a.txt'), 'new a');
    assert.equal(server.content('/up/site/b.txt'), 'new b');
    assert.equal(ops(server, 'list').length, 2, 'the parent (for MKD) and the folder, once each');
    const renamed = ops(server, 'rename').map((c) => c.split(' -> ')[1]);
    // a.txt exists; README.txt differs from README.TXT only in case (one file on a case-insensitive server).
    assert.deepEqual(renamed.sort(), ['/up/site/README.txt', '/up/site/a.txt']);
    assert.deepEqual(
      ops(server, 'upload').filter((c) => !c.includes('ftpx-tmp')).map((c) => c.split(' ')[2]).sort(),
      ['/up/site/b.txt', '/up/site/c.txt'],
    );
    const all = events.flat();
    assert.deepEqual(all.filter((c) => c.type === 'changed').map((c) => c.path), ['/up/site/a.txt']);
    assert.equal(all.filter((c) => c.type === 'created').length, 3);
    await site.dispose();
  });

  it('two top-level files of the same name: both take the safe path', async () => {
    const a = await localFolder('one', { 'same.txt': 'first' });
    const b = await localFolder('two', { 'same.txt': 'second' });
    const server = new FakeServer().dir('/up');
    const { site } = makeSite(server);
    await uploadTo(site, [path.join(a, 'same.txt'), path.join(b, 'same.txt')], '/up');
    assert.equal(ops(server, 'rename').length, 2);
    assert.ok(['first', 'second'].includes(server.content('/up/same.txt')!));
    await site.dispose();
  });

  it('a new file the server stored short is deleted, and the upload fails', async () => {
    const local = await localFolder('src', { 'ok.txt': 'fine', 'short.txt': 'cut short' });
    const server = new FakeServer().dir('/up');
    const { site, infos } = makeSite(server, { lie: (p, n) => (p.endsWith('short.txt') ? n - 3 : n) });
    const e = await fsError(uploadTo(site, [local], '/up'));
    assert.match(e.message, /short\.txt/);
    assert.equal(server.nodes.has('/up/src/short.txt'), false, 'the short file is still there');
    assert.deepEqual(ops(server, 'delete').map((c) => c.split(' ')[2]), ['/up/src/short.txt']);
    assert.deepEqual(infos, []);
    await site.dispose();
  });

  it('a refused STOR deletes nothing (whatever has that name is not ours)', async () => {
    const local = await localFolder('src', { 'x.txt': 'x' });
    const server = new FakeServer().dir('/up/src');
    const { site } = makeSite(server);
    server.failNext('upload', () => new FtpReplyError(553, 'Permission denied', 'STOR /up/src/x.txt'));
    const e = await fsError(uploadTo(site, [local], '/up'));
    assert.equal(e.kind, 'NoPermissions');
    assert.equal(ops(server, 'delete').length, 0);
    await site.dispose();
  });

  it('a connection lost during the upload of a new file: retried once on a new connection', async () => {
    const local = await localFolder('src', { 'x.txt': 'x' });
    const server = new FakeServer().dir('/up/src');
    const { site } = makeSite(server);
    server.failNext('upload', () => Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    await uploadTo(site, [local], '/up');
    assert.equal(server.content('/up/src/x.txt'), 'x');
    await site.dispose();
  });

  it('a failed download leaves the local file of that name as it was, and no temporary file', async () => {
    const big = Buffer.alloc(SHORT_TRANSFER_BYTES + 1, 7);
    const server = new FakeServer().file('/www/big.bin', big).file('/www/small.txt', 'new');
    const { site } = makeSite(server);
    const dir = path.join(tmp(), 'here');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'big.bin'), 'old big');
    await fs.writeFile(path.join(dir, 'small.txt'), 'old small');
    for (const name of ['big.bin', 'small.txt']) {
      server.failNext('download', () => new FtpReplyError(426, 'Connection closed; transfer aborted.', `RETR /www/${name}`), `/www/${name}`);
      await fsError(downloadTo(site, `/www/${name}`, dir));
    }
    assert.equal(await fs.readFile(path.join(dir, 'big.bin'), 'utf8'), 'old big');
    assert.equal(await fs.readFile(path.join(dir, 'small.txt'), 'utf8'), 'old small');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['big.bin', 'small.txt']);
    // The next download replaces them, in place.
    await downloadTo(site, '/www/big.bin', dir);
    await downloadTo(site, '/www/small.txt', dir);
    assert.deepEqual(await fs.readFile(path.join(dir, 'big.bin')), big);
    assert.equal(await fs.readFile(path.join(dir, 'small.txt'), 'utf8'), 'new');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['big.bin', 'small.txt']);
    await site.dispose();
  });

  it('download: links to folders are not followed (a loop, or a folder elsewhere); a link to a file brings its content', async () => {
    const server = new FakeServer().file('/www/a.txt', 'a').file('/elsewhere/secret.txt', 's');
    server.link('/www/loop', '/www').link('/www/out', '/elsewhere').link('/www/alias.txt', '/www/a.txt');
    const { site } = makeSite(server);
    const r = await downloadTo(site, '/www', tmp());
    assert.deepEqual(r.links.sort(), ['/www/loop', '/www/out']);
    assert.deepEqual((await fs.readdir(path.join(tmp(), 'www'))).sort(), ['a.txt', 'alias.txt']);
    assert.equal(await fs.readFile(path.join(tmp(), 'www/alias.txt'), 'utf8'), 'a');
    assert.equal(r.files, 2);
    await site.dispose();
  });

  it('download: one listing per folder, then files over both connections, nothing else per file', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 30; i++) server.file(`/www/f${i}.txt`, `file ${i}`);
    server.file('/www/sub/deep.txt', 'deep');
    const { site } = makeSite(server);
    const first = server.hold('download', '/www/f0.txt');
    const running = downloadTo(site, '/www', tmp());
    await first.reached.promise;
    // While f0 is held on one connection, the other keeps going.
    await server.until(() => ops(server, 'download').length >= 3, 'only one file moved at a time');
    first.release();
    const r = await running;
    assert.equal(r.files, 31);
    assert.equal(await fs.readFile(path.join(tmp(), 'www/f7.txt'), 'utf8'), 'file 7');
    assert.equal(await fs.readFile(path.join(tmp(), 'www/sub/deep.txt'), 'utf8'), 'deep');
    // "/" (for the stat of /www), /www and /www/sub: one listing each.
    assert.equal(ops(server, 'list').length, 3);
    assert.equal(ops(server, 'download').length, 31);
    assert.equal(ops(server, 'size').length, 0);
    assert.equal(server.violations, 0);
    await site.dispose();
  });
});

describe('remote/site: readFile into one buffer', () => {
  it('reads exact bytes with the size from the listing, from SIZE, and when SIZE lies either way', async () => {
    const data = Buffer.from('x'.repeat(70000) + 'tail');
    for (const lie of [undefined, (_p: string, n: number) => n - 1000, (_p: string, _n: number) => 3, (_p: string, n: number) => n * 4]) {
      const server = new FakeServer().file('/d/f.bin', data);
      const { site } = makeSite(server, { lie });
      assert.ok(Buffer.from(await site.readFile('/d/f.bin')).equals(data), 'from SIZE');
      await site.stat('/d/f.bin');
      assert.ok(Buffer.from(await site.readFile('/d/f.bin')).equals(data), 'from the listing');
      assert.equal(ops(server, 'size').length, 1, 'SIZE only when the listing did not tell');
      await site.dispose();
    }
  });

  it('refuses a file larger than the cap, saying what to do instead, before downloading it', async () => {
    const server = new FakeServer().file('/d/big.bin', 'x'.repeat(101)).file('/d/ok.bin', 'y'.repeat(100));
    const { site } = makeSite(server, { maxReadBytes: 100 });
    const e = await fsError(site.readFile('/d/big.bin'));
    assert.match(e.message, /too large to open/);
    assert.match(e.message, /Download to Local Folder/);
    assert.equal(ops(server, 'download').length, 0);
    assert.equal((await site.readFile('/d/ok.bin')).length, 100);
    await site.dispose();
  });

  it('a server that sends more than the cap (its SIZE said less) is stopped, with the same advice', async () => {
    const server = new FakeServer().file('/d/big.bin', 'x'.repeat(150));
    const { site } = makeSite(server, { maxReadBytes: 100, lie: () => 10 });
    const e = await fsError(site.readFile('/d/big.bin'));
    assert.match(e.message, /too large to open.*Download to Local Folder/s);
    // The connection is still usable.
    server.file('/d/small.bin', 'ok');
    assert.equal(Buffer.from(await site.readFile('/d/small.bin')).toString(), 'ok');
    await site.dispose();
  });
});

describe('remote/site: ChangeBatch', () => {
  it('applies changes in batches: at maxCount, after the delay, and at close', () => {
    // The delay is what is tested: node's fake timers move it (mocha has none of its own).
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const applied: Change[][] = [];
      const b = new ChangeBatch((c) => applied.push(c), 20, 3);
      for (let i = 0; i < 7; i++) b.add({ type: 'created', path: `/f${i}` });
      assert.deepEqual(applied.map((a) => a.length), [3, 3]);
      mock.timers.tick(19);
      assert.deepEqual(applied.map((a) => a.length), [3, 3], 'applied before the delay');
      mock.timers.tick(1);
      assert.deepEqual(applied.map((a) => a.length), [3, 3, 1], 'not applied at the delay');
      b.add({ type: 'changed', path: '/x' });
      b.close();
      assert.deepEqual(applied.map((a) => a.length), [3, 3, 1, 1]);
      mock.timers.tick(20);
      b.close();
      assert.equal(applied.length, 4, 'nothing pending: nothing applied');
    } finally {
      mock.timers.reset();
    }
  });
});

describe('remote/transfers: inParallel', () => {
  it("more() keeps an item for the worker that asked: the others stop before it, and it says no when none is left", async () => {
    const workers = new Map<() => boolean, string>();
    const took: Record<string, number[]> = {};
    let secondDone!: () => void;
    const second = new Promise<void>((resolve) => (secondDone = resolve));
    await inParallel([0, 1, 2, 3], 2, undefined, async (item, more) => {
      if (!workers.has(more)) workers.set(more, workers.size === 0 ? 'A' : 'B');
      const w = workers.get(more)!;
      (took[w] ??= []).push(item);
      if (item === 0) {
        assert.equal(more(), true);
        // The other worker moves on meanwhile (items 1 and 2), and stops: the last item is kept for this one.
        await second;
      }
      if (item === 2) secondDone();
      if (item === 3) assert.equal(more(), false, 'nothing is left after the last item');
    });
    assert.deepEqual(took, { A: [0, 3], B: [1, 2] });
  });
});

describe('remote/transfers: walkInParallel', () => {
  /** A tree: folder name -> its files and subfolders. */
  const tree: Record<string, { files: string[]; dirs: string[] }> = {
    '/': { files: ['a'], dirs: ['/x', '/y'] },
    '/x': { files: ['x1', 'x2', 'x3'], dirs: ['/x/deep'] },
    '/x/deep': { files: ['d1'], dirs: [] },
    '/y': { files: [], dirs: [] },
  };

  it('moves every file of the tree once, listing each folder once, with at most n things at once', async () => {
    const listed: string[] = [];
    const moved: string[] = [];
    let now = 0;
    let most = 0;
    const busy = async <T>(f: () => T): Promise<T> => {
      most = Math.max(most, ++now);
      await new Promise((r) => setImmediate(r));
      now--;
      return f();
    };
    await walkInParallel<string, string>(
      '/',
      () => 2,
      undefined,
      (d) => busy(() => (listed.push(d), tree[d])),
      (f) => busy(() => void moved.push(f)),
    );
    assert.deepEqual(listed.sort(), ['/', '/x', '/x/deep', '/y']);
    assert.deepEqual(moved.sort(), ['a', 'd1', 'x1', 'x2', 'x3']);
    assert.equal(most, 2);
  });

  it("listings and files overlap (folder by folder, a folder's files and its subfolders' listings waited for each other)", async () => {
    const ticks = (n: number): Promise<void> => (n > 0 ? new Promise<void>((r) => setImmediate(r)).then(() => ticks(n - 1)) : Promise.resolve());
    let listing = 0;
    let moving = 0;
    let overlapped = 0;
    const note = () => void (listing > 0 && moving > 0 && overlapped++);
    await walkInParallel<string, string>(
      '/',
      () => 2,
      undefined,
      async (d) => {
        listing++;
        note();
        await ticks(d === '/y' ? 1 : 3);
        listing--;
        return tree[d];
      },
      async () => {
        moving++;
        note();
        await ticks(3);
        moving--;
      },
    );
    assert.ok(overlapped > 0, 'a file moved while a folder was listed');
  });

  it('adds workers when n() grows after a listing (the round trip known, the pool widened), never more than it says', async () => {
    let wide = false;
    let now = 0;
    let most = 0;
    await walkInParallel<string, string>(
      '/',
      () => (wide ? 3 : 1),
      undefined,
      async (d) => {
        wide = true;
        return tree[d];
      },
      async () => {
        most = Math.max(most, ++now);
        await new Promise((r) => setImmediate(r));
        now--;
      },
    );
    assert.equal(most, 3);
  });

  it('after the first failure nothing new starts; the running ones finish; that failure is thrown', async () => {
    const moved: string[] = [];
    await assert.rejects(
      walkInParallel<string, string>(
        '/',
        () => 1,
        undefined,
        async (d) => {
          if (d === '/x') throw new Error('listing /x failed');
          return tree[d];
        },
        async (f) => void moved.push(f),
      ),
      /listing \/x failed/,
    );
    assert.deepEqual(moved, [], 'one worker lists before it moves: nothing moved after the failure');
  });

  it('tells how many files and folders wait after each listing (to widen the pool), and more() keeps one file', async () => {
    const waits: number[] = [];
    const answers: boolean[] = [];
    await walkInParallel<string, string>(
      '/x',
      () => 1,
      undefined,
      async (d) => tree[d],
      async (f, more) => void answers.push(more()),
      (n) => waits.push(n),
    );
    // /x: three files and one folder wait; then /x/deep is listed first (folders before files): four files wait.
    assert.deepEqual(waits, [4, 4]);
    // One worker: it lists /x/deep first, then x1, x2, x3, d1 (more() says yes while a file waits).
    assert.deepEqual(answers, [true, true, true, false]);
  });
});
