import * as assert from 'node:assert/strict';
import { FtpReplyError } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import type { Change } from '../../src/remote/changes';
import { MAX_LINK_LISTINGS, MAX_LINK_PROBES } from '../../src/remote/links';
import { FileType, Site } from '../../src/remote/site';
import { FakeServer, fsError } from './remote-fake-client';

/** Symbolic links through a Site, on the fake server: where they lead, at what cost, and saving through them. */
function makeSite(server: FakeServer) {
  const infos: string[] = [];
  const changes: Change[] = [];
  const site = new Site(normalizeConnection({ name: 'site', host: 'h', username: 'bob' }).config!, 'saved:site', {
    connect: () => server.connect(),
    poolSize: 2,
    now: () => 0,
    info: (t) => infos.push(t),
  });
  // The site's listings come from MLSD where the fake server imitates one.
  if (server.listing !== 'links') site.traits.mlsd = true;
  site.onDidChangeFiles((c) => changes.push(...c));
  return { site, infos, changes };
}

const LINK_DIR = FileType.SymbolicLink | FileType.Directory;
const LINK_FILE = FileType.SymbolicLink | FileType.File;

describe('remote/links: where links lead', () => {
  it('types every link of a folder of 100 from the listings, with no CWD when the targets are listed', async () => {
    const server = new FakeServer().dir('/www/assets').file('/www/index.html', 'hi');
    for (let i = 0; i < 100; i++) server.link(`/www/l${i}`, i % 2 ? 'assets' : '/www/index.html');
    const { site } = makeSite(server);
    const types = new Map(await site.readDirectory('/www'));
    for (let i = 0; i < 100; i++) assert.equal(types.get(`l${i}`), i % 2 ? LINK_DIR : LINK_FILE, `l${i}`);
    assert.equal(server.count('cd'), 0);
    assert.equal(server.count('list'), 1, 'the folder holds the targets: its own listing answers');
  });

  it('links into many folders: a few folders listed, the rest told by CWD, in batches', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 70; i++) {
      if (i % 2) server.dir(`/t${i}/x`);
      else server.file(`/t${i}/x`, 'x');
      server.link(`/www/l${i}`, `/t${i}/x`);
    }
    const { site } = makeSite(server);
    const types = new Map(await site.readDirectory('/www'));
    for (let i = 0; i < 70; i++) assert.equal(types.get(`l${i}`), i % 2 ? LINK_DIR : LINK_FILE, `l${i}`);
    assert.equal(server.count('list'), 1 + MAX_LINK_LISTINGS);
    assert.equal(server.count('cd'), 70 - MAX_LINK_LISTINGS, `in batches of ${MAX_LINK_PROBES}, each one pool operation`);
    await site.dispose();
  });

  it('where the listing gives no targets (proftpd, pure-ftpd MLSD), one LIST of the folder tells them', async () => {
    const server = new FakeServer().dir('/www/assets').file('/www/index.html', 'hi');
    server.listing = 'no-targets';
    for (let i = 0; i < 40; i++) server.link(`/www/l${i}`, i % 2 ? 'assets' : 'index.html');
    const { site } = makeSite(server);
    const types = new Map(await site.readDirectory('/www'));
    for (let i = 0; i < 40; i++) assert.equal(types.get(`l${i}`), i % 2 ? LINK_DIR : LINK_FILE, `l${i}`);
    assert.equal(server.count('LIST'), 1);
    assert.equal(server.count('cd'), 0);
  });

  it('a LIST the server refuses leaves the links to CWD: the folder still lists', async () => {
    const server = new FakeServer().dir('/www/assets').file('/www/index.html', 'hi');
    server.listing = 'no-targets';
    server.link('/www/ldir', 'assets').link('/www/lfile', 'index.html');
    server.failNext('LIST', () => new FtpReplyError(550, 'Permission denied', 'LIST -a'));
    const { site } = makeSite(server);
    assert.deepEqual(new Map(await site.readDirectory('/www')).get('ldir'), LINK_DIR);
    assert.equal((await site.stat('/www/lfile')).type, LINK_FILE);
  });

  it('a loop of links is a link to nothing, said once; a link to a folder that holds it is a link to a folder', async () => {
    const server = new FakeServer().file('/d/plain', 'p');
    server.link('/d/self', 'self').link('/d/a', 'b').link('/d/b', '/d/a').link('/d/dot', '.').link('/d/root', '/');
    const { site, infos } = makeSite(server);
    const types = new Map(await site.readDirectory('/d'));
    assert.equal(types.get('self'), FileType.SymbolicLink);
    assert.equal(types.get('a'), FileType.SymbolicLink);
    assert.equal(types.get('b'), FileType.SymbolicLink);
    assert.equal(types.get('dot'), LINK_DIR);
    assert.equal(types.get('root'), LINK_DIR);
    assert.equal(types.get('plain'), FileType.File);
    assert.ok(infos.some((t) => t.includes('/d/a is a loop of links: it leads back to itself (/d/a -> /d/b -> /d/a)')), infos.join('\n'));
    assert.ok(infos.some((t) => t.includes('/d/dot is a loop of links: it leads back to a folder that holds it (/d/dot -> /d)')), infos.join('\n'));
    assert.equal(server.count('cd'), 0, 'never entered');
    const said = infos.length;
    assert.equal((await site.stat('/d/self')).type, FileType.SymbolicLink);
    await site.readDirectory('/d');
    assert.equal(infos.length, said, 'said once');
  });

  it('stat of a link is the type, size and time of what it leads to, through a chain', async () => {
    const when = new Date(Date.UTC(2020, 1, 2, 3, 4, 5));
    const server = new FakeServer().file('/shared/config.php', 'x'.repeat(1234), when).dir('/shared/img');
    server.link('/www/config.php', '../shared/config.php').link('/www/alias.php', 'config.php').link('/www/img', '/shared/img');
    const { site } = makeSite(server);
    for (const p of ['/www/config.php', '/www/alias.php']) {
      const s = await site.stat(p);
      assert.deepEqual([s.type, s.size, s.mtime], [LINK_FILE, 1234, when.getTime()], p);
    }
    assert.equal((await site.stat('/www/img')).type, LINK_DIR);
  });
});

describe('remote/links: saving through a link', () => {
  it('writes the file the link leads to (a chain too); the link stays a link; said once per link', async () => {
    const server = new FakeServer().file('/shared/config.php', 'old');
    server.link('/www/config.php', '../shared/config.php').link('/www/alias.php', 'config.php');
    const { site, infos, changes } = makeSite(server);
    await site.writeFile('/www/config.php', Buffer.from('new'), { create: false, overwrite: true });
    assert.equal(server.content('/shared/config.php'), 'new');
    assert.equal(server.nodes.get('/www/config.php')?.type, 'symlink');
    assert.deepEqual(changes, [
      { type: 'changed', path: '/www/config.php' },
      { type: 'changed', path: '/shared/config.php' },
    ]);
    assert.equal(infos.filter((t) => t.includes('/www/config.php is a link to /shared/config.php')).length, 1, infos.join('\n'));
    await site.writeFile('/www/config.php', Buffer.from('newer'), { create: false, overwrite: true });
    assert.equal(infos.filter((t) => t.includes('is a link to')).length, 1, 'said once');
    await site.upload(Buffer.from('uploaded'), '/www/alias.php');
    assert.equal(server.content('/shared/config.php'), 'uploaded');
    assert.equal(server.nodes.get('/www/alias.php')?.type, 'symlink');
    assert.deepEqual([...server.nodes.keys()].filter((k) => k.includes('ftpx-')), []);
  });

  it('where MLSD shows a link as its file (pyftpdlib), LIST tells the link before the save', async () => {
    const server = new FakeServer().file('/shared/config.php', 'old');
    server.listing = 'follows';
    server.link('/www/config.php', '/shared/config.php');
    const { site } = makeSite(server);
    assert.deepEqual(await site.readDirectory('/www'), [['config.php', FileType.File]]);
    await site.writeFile('/www/config.php', Buffer.from('new'), { create: false, overwrite: true });
    assert.equal(server.content('/shared/config.php'), 'new');
    assert.equal(server.nodes.get('/www/config.php')?.type, 'symlink');
  });

  it('a server that refuses LIST where MLSD works: the save goes ahead as before, said once', async () => {
    const server = new FakeServer().file('/www/a.txt', 'old');
    server.listing = 'follows';
    server.failNext('LIST', () => new FtpReplyError(502, 'Command not implemented', 'LIST -a'));
    const { site, infos } = makeSite(server);
    await site.writeFile('/www/a.txt', Buffer.from('new'), { create: false, overwrite: true });
    assert.equal(server.content('/www/a.txt'), 'new');
    assert.ok(infos.some((t) => t.includes('The server refused LIST (502 Command not implemented)')), infos.join('\n'));
  });

  it('a loop of links, or a link to nothing, is not replaced by a file: the save is refused and says why', async () => {
    const server = new FakeServer().dir('/d');
    server.link('/d/a', 'b').link('/d/b', 'a').link('/d/gone', 'missing.txt');
    const { site } = makeSite(server);
    const loop = await fsError(site.writeFile('/d/a', Buffer.from('x'), { create: true, overwrite: true }));
    assert.match(loop.message, /\/d\/a is a loop of links \(\/d\/a -> \/d\/b -> \/d\/a\): nothing was saved/);
    const gone = await fsError(site.writeFile('/d/gone', Buffer.from('x'), { create: true, overwrite: true }));
    assert.match(gone.message, /\/d\/gone is a link to \/d\/missing.txt, which does not exist: nothing was saved/);
    assert.equal(server.count('upload'), 0);
    assert.equal(server.nodes.get('/d/a')?.type, 'symlink');
    assert.equal(server.nodes.get('/d/gone')?.type, 'symlink');
  });

  it('where MLSD leaves a loop out (pyftpdlib, proftpd), a new file of its name is not saved over it', async () => {
    const server = new FakeServer().dir('/d');
    server.listing = 'follows';
    server.link('/d/a', 'b').link('/d/b', 'a');
    const { site } = makeSite(server);
    assert.deepEqual(await site.readDirectory('/d'), []);
    const e = await fsError(site.writeFile('/d/a', Buffer.from('x'), { create: true, overwrite: false }));
    assert.match(e.message, /loop of links/);
    assert.equal(server.nodes.get('/d/a')?.type, 'symlink');
  });
});
