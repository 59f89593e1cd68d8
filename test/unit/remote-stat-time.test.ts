/**
 * stat of a file gives its time to the second (MLST or MDTM) where the listing's is LIST's minute, so VS Code's
 * save notices a change someone else made within the same minute. Asked once per listing, only for files.
 */
import * as assert from 'node:assert/strict';
import { FtpConnectionError } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { Site } from '../../src/remote/site';
import { FakeServer } from './remote-fake-client';

/** 10:00:00 UTC on a day in 2024; the file times below are seconds into that minute. */
const MINUTE = Date.UTC(2024, 2, 5, 10, 0, 0);
const at = (seconds: number) => new Date(MINUTE + seconds * 1000);

/** A LIST server (times to the minute) with MDTM, holding /www/a.txt written at 10:00:12. */
function listServer(): FakeServer {
  const server = new FakeServer().file('/www/a.txt', 'hello', at(12)).dir('/www/sub').file('/www/package.json', '{}', at(5));
  server.minuteTimes = true;
  server.mdtm = true;
  return server;
}

function makeSite(server: FakeServer, clock = { t: 0 }) {
  const logs: string[] = [];
  const site: Site = new Site(normalizeConnection({ name: 'site', host: 'h', username: 'bob' }).config!, 'saved:site', {
    connect: () => server.connect(site.traits),
    poolSize: 2,
    now: () => clock.t,
    info: (t) => logs.push(t),
  });
  return { site, clock, logs };
}

/**
 * A file opened (its folder listed first: the editor's copy has its time to the second), then, 30 s later, VS Code's
 * save: its stat (a new listing and the time), and writeFile 300 ms after it (the caller's next step).
 */
async function statAsSaving() {
  const server = listServer();
  server.sizeAlong = true;
  const { site, clock } = makeSite(server);
  await site.readDirectory('/www');
  await site.readFile('/www/a.txt');
  clock.t += 30_000;
  await site.stat('/www/a.txt');
  clock.t += 300;
  return { server, site, clock };
}

describe('remote/site: stat of a file has its time to the second', () => {
  it('uses MDTM where the listing gives minutes', async () => {
    const server = listServer();
    const { site } = makeSite(server);
    const s = await site.stat('/www/a.txt');
    assert.equal(s.mtime, at(12).getTime(), 'MDTM time, not the listing minute');
    assert.equal(s.size, 5);
    assert.equal(server.count('mdtm'), 1);
  });

  it('asks once per listing: again only when the listing is renewed', async () => {
    const server = listServer();
    const { site, clock } = makeSite(server);
    await Promise.all([site.stat('/www/a.txt'), site.stat('/www/a.txt')]);
    await site.stat('/www/a.txt');
    assert.equal(server.count('mdtm'), 1, 'concurrent and later stats of the same listing share one MDTM');
    clock.t += 10_000;
    await site.stat('/www/a.txt');
    assert.deepEqual([server.count('list'), server.count('mdtm')], [2, 2]);
  });

  it('asks nothing for folders and VS Code probes; a symlink to a file gets the time of that file', async () => {
    const server = listServer().link('/www/l', '/www/a.txt');
    const { site } = makeSite(server);
    await site.stat('/www/sub');
    await site.stat('/www/package.json');
    await site.stat('/');
    assert.equal(server.count('mdtm'), 0);
    await site.stat('/www/l');
    assert.deepEqual(server.calls.filter((c) => c.split(' ')[1] === 'mdtm').map((c) => c.split(' ')[2]), ['/www/a.txt']);
  });

  it('sees a change someone else made within the same minute, same size or not', async () => {
    const server = listServer();
    const { site, clock } = makeSite(server);
    const opened = await site.stat('/www/a.txt');
    server.file('/www/a.txt', 'HELLO', at(40));
    clock.t += 10_000;
    const sameSize = await site.stat('/www/a.txt');
    assert.equal(sameSize.size, opened.size);
    assert.ok(sameSize.mtime > opened.mtime, 'the time moved on although the minute is the same');
    server.file('/www/a.txt', 'hello again', at(50));
    clock.t += 10_000;
    const otherSize = await site.stat('/www/a.txt');
    assert.ok(otherSize.mtime > sameSize.mtime);
    assert.equal(otherSize.size, 11);
  });

  it('gives the same time while nobody changes the file', async () => {
    const server = listServer();
    const { site, clock } = makeSite(server);
    const first = await site.stat('/www/a.txt');
    for (let i = 0; i < 3; i++) {
      clock.t += 10_000;
      assert.deepEqual(await site.stat('/www/a.txt'), first);
    }
  });

  it('after our own save, stat has the new file time and size', async () => {
    const server = listServer();
    const { site } = makeSite(server);
    const before = await site.stat('/www/a.txt');
    server.uploadTime = () => at(30);
    await site.writeFile('/www/a.txt', Buffer.from('hello, world'), { create: false, overwrite: true });
    const after = await site.stat('/www/a.txt');
    assert.equal(after.mtime, at(30).getTime());
    assert.equal(after.size, 12);
    assert.ok(after.mtime > before.mtime);
  });

  it('opening a listed file asks its time on the connection that downloads it, not on a second one', async () => {
    const server = listServer();
    const { site } = makeSite(server);
    await site.readDirectory('/www');
    const data = await site.readFile('/www/a.txt');
    assert.equal(Buffer.from(data).toString(), 'hello');
    const ops = server.calls.filter((c) => / (mdtm|download) /.test(c));
    assert.deepEqual(ops.map((c) => c.split(' ').slice(1).join(' ')), ['mdtm /www/a.txt', 'download /www/a.txt']);
    assert.equal(new Set(ops.map((c) => c.split(' ')[0])).size, 1, `one connection: ${ops.join(', ')}`);
    assert.equal(server.clients.length, 1, 'no second login');
    // The base is that time: a same-size change someone makes afterwards is refused at the save.
    server.file('/www/a.txt', 'HELLO', at(40));
    await assert.rejects(site.writeFile('/www/a.txt', Buffer.from('hullo'), { create: false, overwrite: true }), { name: 'SaveConflict' });
  });

  it('after our own save: one MDTM, no listing again, and the stat after it answers from the listing', async () => {
    const server = listServer();
    const { site, clock } = makeSite(server);
    await site.readFile('/www/a.txt');
    server.uploadTime = () => at(30);
    const lists = server.count('list');
    const mdtms = server.count('mdtm');
    await site.writeFile('/www/a.txt', Buffer.from('hello, world'), { create: false, overwrite: true });
    // The save's own look at the folder and its size check (this server has no SIZE): 2 listings; its conflict
    // check and the new time: 2 MDTM. Nothing after the save.
    assert.deepEqual([server.count('list') - lists, server.count('mdtm') - mdtms], [2, 2]);
    const after = await site.stat('/www/a.txt');
    assert.deepEqual([after.size, after.mtime, after.mtimeExact], [12, at(30).getTime(), true]);
    assert.deepEqual([server.count('list') - lists, server.count('mdtm') - mdtms], [2, 2], 'the stat asked nothing');
    // The base is the saved version: the next save goes through; someone's same-size change after it does not.
    await site.writeFile('/www/a.txt', Buffer.from('hello, WORLD'), { create: false, overwrite: true });
    server.file('/www/a.txt', 'HELLO, WORLD', at(45));
    clock.t += 10_000;
    await assert.rejects(site.writeFile('/www/a.txt', Buffer.from('hello, there'), { create: false, overwrite: true }), { name: 'SaveConflict' });
    assert.equal(server.content('/www/a.txt'), 'HELLO, WORLD');
  });

  it('a save just after VS Code\'s stat takes its listing (under a second old) and asks the file\'s time anew: a change since is refused', async () => {
    const { server, site } = await statAsSaving();
    server.file('/www/a.txt', 'HELLO', at(40));
    const [lists, mdtms] = [server.count('list'), server.count('mdtm')];
    await assert.rejects(site.writeFile('/www/a.txt', Buffer.from('hullo'), { create: false, overwrite: true }), { name: 'SaveConflict' });
    assert.deepEqual([server.count('list') - lists, server.count('mdtm') - mdtms], [0, 1], 'no listing again; the time asked anew');
    assert.equal(server.content('/www/a.txt'), 'HELLO');
  });

  it('a save just after VS Code\'s stat, nothing changed: no listing before it; a listing a second old is asked again', async () => {
    const { server, site, clock } = await statAsSaving();
    let lists = server.count('list');
    await site.writeFile('/www/a.txt', Buffer.from('hullo'), { create: false, overwrite: true });
    // Only safe save's size check (this server has no SIZE) lists the folder.
    assert.equal(server.count('list') - lists, 1);
    assert.equal(server.content('/www/a.txt'), 'hullo');
    clock.t += 30_000;
    await site.stat('/www/a.txt');
    clock.t += 1000;
    lists = server.count('list');
    await site.writeFile('/www/a.txt', Buffer.from('hallo'), { create: false, overwrite: true });
    assert.equal(server.count('list') - lists, 2, 'the folder looked at again, and the size check');
    assert.equal(server.content('/www/a.txt'), 'hallo');
  });

  it('a save of a name a recent listing does not show looks at a new listing: a file made since is not replaced', async () => {
    const server = listServer();
    const { site, clock } = makeSite(server);
    await assert.rejects(site.stat('/www/b.txt'));
    clock.t += 300;
    server.file('/www/b.txt', 'theirs', at(50));
    await assert.rejects(site.writeFile('/www/b.txt', Buffer.from('mine'), { create: true, overwrite: false }), { kind: 'FileExists' });
    assert.equal(server.content('/www/b.txt'), 'theirs');
  });

  it('a new file saved: its entry joins the listing the save read, with the time MDTM gave', async () => {
    const server = listServer();
    const { site } = makeSite(server);
    server.uploadTime = () => at(33);
    const lists = server.count('list');
    await site.writeFile('/www/new.txt', Buffer.from('fresh'), { create: true, overwrite: false });
    const listed = server.count('list') - lists;
    // The folder looked at before the save and safe save's size check (this server has no SIZE): no listing after.
    assert.equal(listed, 2);
    const s = await site.stat('/www/new.txt');
    assert.deepEqual([s.size, s.mtime, s.mtimeExact], [5, at(33).getTime(), true]);
    assert.equal(server.count('list') - lists, listed, 'the stat after the save listed nothing');
    assert.deepEqual((await site.readDirectory('/www')).map(([n]) => n).sort(), ['a.txt', 'new.txt', 'package.json', 'sub']);
    assert.equal(server.count('list') - lists, listed);
  });

  it('prefers MLST when the server has it (time and size of one moment)', async () => {
    const server = listServer();
    server.mlst = true;
    const { site } = makeSite(server);
    const s = await site.stat('/www/a.txt');
    assert.equal(s.mtime, at(12).getTime());
    assert.deepEqual([server.count('mlst'), server.count('mdtm')], [1, 0]);
  });

  it('asks nothing when the listing came from MLSD (its times have seconds)', async () => {
    const server = listServer();
    server.minuteTimes = false;
    const { site } = makeSite(server);
    site.traits.mlsd = true;
    assert.equal((await site.stat('/www/a.txt')).mtime, at(12).getTime());
    assert.equal(server.count('mdtm'), 0);
  });

  it('keeps the listing time on a server without MDTM, asking once per site and saying so once', async () => {
    const server = listServer();
    server.mdtm = 'refused';
    const { site, clock, logs } = makeSite(server);
    assert.equal((await site.stat('/www/a.txt')).mtime, MINUTE);
    clock.t += 10_000;
    assert.equal((await site.stat('/www/a.txt')).mtime, MINUTE);
    assert.equal(server.count('mdtm'), 1);
    assert.equal(logs.filter((l) => /neither MLST nor MDTM/.test(l)).length, 1);
  });

  it('keeps the listing time when MDTM fails for the file (550)', async () => {
    const server = listServer();
    const { site } = makeSite(server);
    await site.readDirectory('/www');
    // Gone between the listing and MDTM: stat answers from the listing, not with an error.
    server.nodes.delete('/www/a.txt');
    assert.equal((await site.stat('/www/a.txt')).mtime, MINUTE);
    assert.equal((await site.stat('/www/a.txt')).mtime, MINUTE);
    assert.equal(server.count('mdtm'), 1, 'not asked again for the same listing');
  });

  it('answers from the listing when the connection breaks during MDTM, and asks again next time', async () => {
    const server = listServer();
    const { site } = makeSite(server);
    await site.readDirectory('/www');
    const drop = () => new FtpConnectionError('The control connection closed', 'MDTM');
    server.failNext('mdtm', drop);
    server.failNext('mdtm', drop);
    assert.equal((await site.stat('/www/a.txt')).mtime, MINUTE);
    assert.equal((await site.stat('/www/a.txt')).mtime, at(12).getTime());
  });
});
