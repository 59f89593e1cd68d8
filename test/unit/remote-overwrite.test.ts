import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { normalizeConnection } from '../../src/remote/config';
import { Site } from '../../src/remote/site';
import { downloadTo } from '../../src/remote/download';
import { answersForAll, type ExistingFile, type OverwriteAnswer, type OverwriteChoice } from '../../src/remote/transfers';
import { uploadTo } from '../../src/remote/upload';
import { Deferred, FakeServer, fsError } from './remote-fake-client';
import { tempDirPerTest } from './tempDir';

/**
 * TransferContext.onExisting: a download or upload asks before it replaces a file that exists (a local one, a
 * remote one), one question at a time although files move several at once; 'skip' keeps the file byte for
 * byte and lists it in `kept`, 'cancel' stops, an answer for all answers the questions still to come.
 */
function makeSite(server: FakeServer): Site {
  return new Site(normalizeConnection({ name: 'site', host: 'h', username: 'bob' }).config!, 'saved:site', {
    connect: () => server.connect(),
    poolSize: 2,
  });
}

/** An onExisting that answers from `answers` (by file name), recording the questions and how many were open at once. */
function asker<A extends OverwriteChoice>(answers: (f: ExistingFile) => A) {
  const asked: string[] = [];
  let open = 0;
  let maxOpen = 0;
  const ask = async (f: ExistingFile): Promise<A> => {
    asked.push(path.basename(f.local));
    open++;
    maxOpen = Math.max(maxOpen, open);
    // Answered a little later, as a person would: other files may ask meanwhile.
    await new Promise<void>((resolve) => setImmediate(resolve));
    open--;
    return answers(f);
  };
  return { asked, ask, maxOpen: () => maxOpen };
}

describe('remote/transfers: onExisting, before a file is replaced', () => {
  const { dir: tmp } = tempDirPerTest('ftpx-overwrite-');
  let sites: Site[];
  beforeEach(() => {
    sites = [];
  });
  afterEach(async () => {
    for (const s of sites) await s.dispose();
  });
  const site = (server: FakeServer) => {
    const s = makeSite(server);
    sites.push(s);
    return s;
  };
  const local = (...p: string[]) => path.join(tmp(), ...p);

  async function localFiles(files: Record<string, string>): Promise<void> {
    for (const [f, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(local(f)), { recursive: true });
      await fs.writeFile(local(f), content);
    }
  }

  it('download: asks only for files that exist locally, one at a time; overwrite replaces, skip keeps the file as it was', async () => {
    const server = new FakeServer();
    for (const n of ['a', 'b', 'c', 'd', 'e']) server.file(`/www/${n}.txt`, `new ${n}`);
    await localFiles({ 'www/a.txt': 'old a', 'www/b.txt': 'old b', 'www/c.txt': 'old c' });
    const q = asker((f): OverwriteAnswer => (path.basename(f.local) === 'b.txt' ? 'skip' : 'overwrite'));
    const r = await downloadTo(site(server), '/www', tmp(), { onExisting: q.ask });
    assert.deepEqual(q.asked.sort(), ['a.txt', 'b.txt', 'c.txt']);
    assert.equal(q.maxOpen(), 1, 'two questions open at once');
    assert.equal(await fs.readFile(local('www/a.txt'), 'utf8'), 'new a');
    assert.equal(await fs.readFile(local('www/b.txt'), 'utf8'), 'old b');
    assert.equal(await fs.readFile(local('www/d.txt'), 'utf8'), 'new d');
    assert.deepEqual(r.kept, [local('www/b.txt')]);
    assert.equal(r.files, 4);
    assert.deepEqual((await fs.readdir(local('www'))).sort(), ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt'], 'no temporary file left');
  });

  it('download: what the question says of the file (size, time, both paths, part of a folder or not)', async () => {
    const server = new FakeServer().file('/f.txt', 'new');
    await localFiles({ 'f.txt': 'old!' });
    const seen: ExistingFile[] = [];
    await downloadTo(site(server), '/f.txt', tmp(), {
      onExisting: async (f) => {
        seen.push(f);
        return 'skip';
      },
    });
    assert.equal(seen.length, 1);
    const st = await fs.stat(local('f.txt'));
    assert.deepEqual(seen[0], { direction: 'download', local: local('f.txt'), remote: '/f.txt', size: 4, mtime: st.mtimeMs, oneOfMany: false });
  });

  it('download: cancel stops the transfer, the local file byte-identical, nothing of the file downloaded', async () => {
    const server = new FakeServer().file('/www/a.txt', 'new a').file('/www/b.txt', 'new b');
    await localFiles({ 'www/a.txt': 'old a' });
    const e = await fsError(downloadTo(site(server), '/www', tmp(), { onExisting: async () => 'cancel' }));
    assert.equal(e.kind, 'Cancelled');
    assert.equal(await fs.readFile(local('www/a.txt'), 'utf8'), 'old a');
    assert.ok(!server.calls.some((c) => c.includes('download /www/a.txt')), 'downloaded a file it was told to leave');
    assert.ok((await fs.readdir(local('www'))).every((n) => !n.endsWith('.ftpx-part')));
  });

  it('download: a local file made while the download ran is asked about too, not replaced unasked', async () => {
    const server = new FakeServer().file('/late.txt', 'from the server');
    const gate = server.hold('download', '/late.txt');
    const asked = new Deferred<ExistingFile>();
    const running = downloadTo(site(server), '/late.txt', tmp(), {
      onExisting: async (f) => {
        asked.resolve(f);
        return 'skip';
      },
    });
    await gate.reached.promise;
    await fs.writeFile(local('late.txt'), 'made meanwhile');
    gate.release();
    const r = await running;
    assert.equal((await asked.promise).local, local('late.txt'));
    assert.equal(await fs.readFile(local('late.txt'), 'utf8'), 'made meanwhile');
    assert.deepEqual(r.kept, [local('late.txt')]);
    assert.deepEqual(await fs.readdir(tmp()), ['late.txt']);
  });

  it('download: "skip all" and "overwrite all" answer every question after them (answersForAll)', async () => {
    for (const [all, expected] of [
      ['skip-all', 'old'],
      ['overwrite-all', 'new'],
    ] as const) {
      const server = new FakeServer();
      const files: Record<string, string> = {};
      for (let i = 0; i < 6; i++) {
        server.file(`/www/f${i}.txt`, `new ${i}`);
        files[`${all}/www/f${i}.txt`] = `old ${i}`;
      }
      await localFiles(files);
      const q = asker((): OverwriteChoice => all);
      const r = await downloadTo(site(server), '/www', local(all), { onExisting: answersForAll(q.ask) });
      assert.equal(q.asked.length, 1, `asked ${q.asked.length} times`);
      for (let i = 0; i < 6; i++) assert.equal(await fs.readFile(local(all, 'www', `f${i}.txt`), 'utf8'), `${expected} ${i}`);
      assert.equal(r.kept.length, all === 'skip-all' ? 6 : 0);
    }
  });

  it('upload: asks for names the folder listing shows (also another case of the name), skip keeps the remote file', async () => {
    await localFiles({ 'src/a.txt': 'new a', 'src/b.txt': 'new b', 'src/README.txt': 'new readme', 'src/new.txt': 'brand new' });
    const server = new FakeServer().file('/up/src/a.txt', 'old a').file('/up/src/b.txt', 'old b').file('/up/src/README.TXT', 'OLD');
    const q = asker((f): OverwriteAnswer => (f.remote.endsWith('/a.txt') ? 'overwrite' : 'skip'));
    const r = await uploadTo(site(server), [local('src')], '/up', { onExisting: q.ask });
    assert.deepEqual(q.asked.sort(), ['README.txt', 'a.txt', 'b.txt']);
    assert.equal(q.maxOpen(), 1);
    assert.equal(server.content('/up/src/a.txt'), 'new a');
    assert.equal(server.content('/up/src/b.txt'), 'old b');
    assert.equal(server.content('/up/src/README.TXT'), 'OLD');
    assert.equal(server.content('/up/src/new.txt'), 'brand new');
    assert.deepEqual(r.kept.sort(), ['/up/src/README.txt', '/up/src/b.txt']);
    assert.equal(r.files, 2);
  });

  it('upload: cancel stops before the file is touched; no onExisting replaces as before', async () => {
    await localFiles({ 'x.txt': 'new x' });
    const server = new FakeServer().file('/up/x.txt', 'old x');
    const e = await fsError(uploadTo(site(server), [local('x.txt')], '/up', { onExisting: async (): Promise<OverwriteAnswer> => 'cancel' }));
    assert.equal(e.kind, 'Cancelled');
    assert.equal(server.content('/up/x.txt'), 'old x');
    assert.ok(!server.calls.some((c) => / upload /.test(c)), 'uploaded although cancelled');
    await uploadTo(site(server), [local('x.txt')], '/up');
    assert.equal(server.content('/up/x.txt'), 'new x');
  });
});
