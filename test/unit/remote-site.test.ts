import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { FtpConnectionError, FtpReplyError } from '../../src/ftp';
import { MAX_POOL_SIZE, normalizeConnection, type ConnectionConfig } from '../../src/remote/config';
import { FsError } from '../../src/remote/fsErrors';
import type { Change } from '../../src/remote/changes';
import { FileType, Site } from '../../src/remote/site';
import { SiteRegistry } from '../../src/remote/sites';
import { downloadTo } from '../../src/remote/download';
import { folderConnections, isSafeLocalName, WIDE_FOLDER_CONNECTIONS, wideConnections } from '../../src/remote/transfers';
import { noteQuickReply } from '../../src/ftp/traits';
import { uploadTo } from '../../src/remote/upload';
import { tempDirPerTest } from './tempDir';
import { FakeServer, fsError } from './remote-fake-client';

function config(extra: Record<string, unknown> = {}): ConnectionConfig {
  return normalizeConnection({ name: 'site', host: 'h', username: 'bob', ...extra }).config!;
}

function makeSite(server: FakeServer, extra: Record<string, unknown> = {}, clock = { t: 0 }) {
  const changes: Change[] = [];
  const site = new Site(config(extra), 'saved:site', {
    connect: () => server.connect(),
    poolSize: 2,
    now: () => clock.t,
  });
  site.onDidChangeFiles((c) => changes.push(...c));
  return { site, changes, clock };
}

describe('remote/site: reading', () => {
  it('answers stat of many children from one listing of their parent', async () => {
    const server = new FakeServer().file('/www/a.txt', 'aaa').file('/www/b.txt', 'b').dir('/www/sub');
    const { site } = makeSite(server);
    const [a, b, sub] = await Promise.all([site.stat('/www/a.txt'), site.stat('/www/b.txt'), site.stat('/www/sub')]);
    assert.equal(a.type, FileType.File);
    assert.equal(a.size, 3);
    assert.equal(b.size, 1);
    assert.equal(sub.type, FileType.Directory);
    assert.equal(server.count('list'), 1);
    await assert.rejects(site.stat('/www/nope'));
    assert.equal(server.count('list'), 1, 'a missing sibling is known from the same listing');
  });

  it('takes the login folder from the login itself: no second PWD (a round trip less per connect)', async () => {
    const server = new FakeServer().file('/home/bob/a.txt', 'a');
    const site = new Site(config(), 'saved:site', {
      connect: async () => Object.assign(await server.connect(), { homeDirectory: '/home/bob' }),
      poolSize: 2,
    });
    assert.equal(await site.root(), '/home/bob');
    assert.equal(server.count('pwd'), 0);
  });

  it('lists again once the listing is a few seconds old', async () => {
    const server = new FakeServer().file('/a', 'x');
    const { site, clock } = makeSite(server);
    await site.stat('/a');
    clock.t += 10_000;
    await site.stat('/a');
    assert.equal(server.count('list'), 2);
  });

  it('answers VS Code probes (.vscode/settings.json, .git, node_modules) from the folder listing, quietly', async () => {
    const server = new FakeServer().file('/www/index.html', 'hi');
    const { site } = makeSite(server);
    const errors = await Promise.all(
      ['/www/.vscode/settings.json', '/www/.vscode/tasks.json', '/www/.git/HEAD', '/www/node_modules/x/package.json', '/www/.devcontainer/devcontainer.json'].map(
        (p) => fsError(site.stat(p)),
      ),
    );
    for (const e of errors) {
      assert.equal(e.kind, 'FileNotFound');
      assert.equal(e.quiet, true);
    }
    const readErr = await fsError(site.readFile('/www/.vscode/settings.json'));
    assert.equal(readErr.kind, 'FileNotFound');
    assert.equal(readErr.quiet, true);
    assert.deepEqual(server.calls.filter((c) => !c.endsWith('pwd ')), ['1 list /www'], 'only /www was listed, nothing was downloaded');
  });

  it('reports a missing ordinary file as FileNotFound with the path, not quiet', async () => {
    const server = new FakeServer().dir('/www');
    const { site } = makeSite(server);
    const e = await fsError(site.stat('/www/missing.txt'));
    assert.equal(e.kind, 'FileNotFound');
    assert.equal(e.quiet, false);
    assert.match(e.message, /\/www\/missing\.txt/);
  });

  it('reads a file, and says a folder is a folder', async () => {
    const server = new FakeServer().file('/a.txt', 'hello').dir('/d');
    const { site } = makeSite(server);
    assert.equal(Buffer.from(await site.readFile('/a.txt')).toString(), 'hello');
    await site.stat('/d');
    assert.equal((await fsError(site.readFile('/d'))).kind, 'FileIsADirectory');
  });

  it('puts the server reply into the message of a failed read', async () => {
    const server = new FakeServer().dir('/d');
    const { site } = makeSite(server);
    const e = await fsError(site.readFile('/d/x.bin'));
    assert.equal(e.kind, 'FileNotFound');
    assert.match(e.message, /550 No such file or directory/);
  });

  it('lists a folder with types, telling symlinked folders from symlinked files', async () => {
    const server = new FakeServer().file('/d/f', 'x').dir('/d/sub').dir('/target').file('/t.txt', 't').link('/d/ldir', '/target').link('/d/lfile', '/t.txt');
    const { site } = makeSite(server);
    const entries = new Map(await site.readDirectory('/d'));
    assert.equal(entries.get('f'), FileType.File);
    assert.equal(entries.get('sub'), FileType.Directory);
    assert.equal(entries.get('ldir'), FileType.SymbolicLink | FileType.Directory);
    assert.equal(entries.get('lfile'), FileType.SymbolicLink | FileType.File);
  });

  it('reopens a connection the server dropped, without an error', async () => {
    const server = new FakeServer().file('/a', 'x');
    const { site, clock } = makeSite(server);
    await site.readDirectory('/');
    server.dropAll();
    clock.t += 10_000;
    assert.deepEqual(await site.readDirectory('/'), [['a', FileType.File]]);
    assert.equal(server.clients.length, 2);
  });

  it('retries a listing once when the connection breaks under it', async () => {
    const server = new FakeServer().file('/a', 'x');
    const { site } = makeSite(server);
    server.failNext('list', () => {
      server.clients[0].drop();
      return new FtpConnectionError('ECONNRESET');
    });
    assert.deepEqual(await site.readDirectory('/'), [['a', FileType.File]]);
    assert.equal(server.count('list'), 2);
  });

  it('maps a dead server to Unavailable', async () => {
    const server = new FakeServer();
    server.connectError = () => new FtpConnectionError('connect ECONNREFUSED');
    const { site } = makeSite(server);
    const e = await fsError(site.stat('/x'));
    assert.equal(e.kind, 'Unavailable');
    assert.match(e.message, /ECONNREFUSED/);
  });
});

describe('remote/site: Disconnect sticks', () => {
  it('after Disconnect nothing connects (stat, readFile, readDirectory of anything fail Unavailable) until resume()', async () => {
    const server = new FakeServer().file('/www/a.txt', 'aaa');
    const { site } = makeSite(server);
    await site.readFile('/www/a.txt');
    await site.disconnect();
    const clients = server.clients.length;
    for (const op of [() => site.stat('/www/a.txt'), () => site.readFile('/www/a.txt'), () => site.readDirectory('/www')]) {
      const e = await fsError(op());
      assert.equal(e.kind, 'Unavailable');
      assert.match(e.message, /is disconnected\. Connect again with "FTP: Connect"/);
    }
    assert.equal(server.clients.length, clients, 'no new connection after Disconnect');
    assert.ok(site.disconnectedByUser);
    site.resume();
    assert.equal(new TextDecoder().decode(await site.readFile('/www/a.txt')), 'aaa');
    assert.ok(!site.disconnectedByUser);
  });

  it('connect() is the user acting: it connects again', async () => {
    const server = new FakeServer().file('/a.txt', 'a');
    const { site } = makeSite(server);
    await site.disconnect();
    await site.connect();
    assert.ok(site.connected);
    assert.equal((await site.stat('/a.txt')).size, 1);
  });
});

describe('remote/site: writing', () => {
  it('writeFile looks at the server now: a file someone made since the listing is not overwritten as new', async () => {
    const server = new FakeServer().dir('/d');
    const { site } = makeSite(server);
    assert.deepEqual(await site.readDirectory('/d'), []);
    server.file('/d/x.txt', 'a colleague\'s');
    const err = await fsError(site.writeFile('/d/x.txt', new TextEncoder().encode('mine'), { create: true, overwrite: false }));
    assert.equal(err.kind, 'FileExists');
    assert.equal(server.content('/d/x.txt'), 'a colleague\'s');
    await site.dispose();
  });

  it('honours create and overwrite in writeFile', async () => {
    const server = new FakeServer().file('/d/old.txt', 'old');
    const { site } = makeSite(server);
    const data = new TextEncoder().encode('new');
    assert.equal((await fsError(site.writeFile('/d/none.txt', data, { create: false, overwrite: true }))).kind, 'FileNotFound');
    assert.equal((await fsError(site.writeFile('/d/old.txt', data, { create: true, overwrite: false }))).kind, 'FileExists');
    assert.equal((await fsError(site.writeFile('/d', data, { create: true, overwrite: true }))).kind, 'FileIsADirectory');
    assert.equal((await fsError(site.writeFile('/nodir/x.txt', data, { create: true, overwrite: true }))).kind, 'FileNotFound');
    assert.equal(server.count('upload'), 0, 'nothing was uploaded for the refused writes');
    await site.writeFile('/d/old.txt', data, { create: false, overwrite: true });
    assert.equal(server.content('/d/old.txt'), 'new');
  });

  it('invalidates the listing and fires the right change for its own writes', async () => {
    const server = new FakeServer().file('/d/a.txt', 'a');
    const { site, changes } = makeSite(server);
    await site.stat('/d/a.txt');
    await site.writeFile('/d/b.txt', new TextEncoder().encode('bbbb'), { create: true, overwrite: false });
    await site.writeFile('/d/a.txt', new TextEncoder().encode('aa'), { create: true, overwrite: true });
    assert.deepEqual(changes, [
      { type: 'created', path: '/d/b.txt' },
      { type: 'changed', path: '/d/a.txt' },
    ]);
    const lists = server.count('list');
    assert.equal((await site.stat('/d/b.txt')).size, 4, 'the new file is seen at once');
    assert.equal((await site.stat('/d/a.txt')).size, 2);
    // At most one listing for both (the save itself may have listed the folder again, for its stat).
    assert.ok(server.count('list') <= lists + 1, `${server.count('list') - lists} listings`);
  });

  it('creates folders, refusing existing ones and missing parents', async () => {
    const server = new FakeServer().dir('/d');
    const { site, changes } = makeSite(server);
    await site.createDirectory('/d/new');
    assert.equal(server.nodes.get('/d/new')?.type, 'dir');
    assert.deepEqual(changes, [{ type: 'created', path: '/d/new' }]);
    assert.equal((await fsError(site.createDirectory('/d/new'))).kind, 'FileExists');
    assert.equal((await fsError(site.createDirectory('/x/y'))).kind, 'FileNotFound');
    const lists = server.count('list');
    assert.deepEqual(await site.readDirectory('/d/new'), [], 'a new folder is known to be empty');
    assert.equal(server.count('list'), lists);
  });

  it('keeps the parent listing it looked at when it makes folders beside each other', async () => {
    const server = new FakeServer().dir('/d').file('/d/f', 'F');
    const { site } = makeSite(server);
    await site.createDirectory('/d/a');
    const lists = server.count('list');
    await site.createDirectory('/d/b');
    await site.createDirectory('/d/c');
    assert.equal(server.count('list'), lists, 'the listing of /d showed the names missing; each folder made is added to it');
    assert.deepEqual((await site.readDirectory('/d')).map(([n]) => n).sort(), ['a', 'b', 'c', 'f']);
    assert.equal(server.count('list'), lists);
    // Made meanwhile by someone else (the cached listing does not show it): MKD refuses, and nothing is assumed.
    server.dir('/d/e');
    assert.equal((await fsError(site.createDirectory('/d/e'))).kind, 'FileExists');
    assert.deepEqual((await site.readDirectory('/d')).map(([n]) => n).sort(), ['a', 'b', 'c', 'e', 'f'], 'the refusal forgot the listing');
  });

  it('deletes files and, recursively, folders', async () => {
    const server = new FakeServer().file('/d/a', '1').file('/d/sub/b', '2').file('/d/sub/deep/c', '3').file('/keep', 'k');
    const { site, changes } = makeSite(server);
    assert.equal((await fsError(site.delete('/d', { recursive: false }))).kind, 'Unknown', '550 Directory not empty');
    await site.delete('/d', { recursive: true });
    assert.deepEqual([...server.nodes.keys()].sort(), ['/', '/keep']);
    assert.deepEqual(changes, [{ type: 'deleted', path: '/d' }]);
    assert.equal((await fsError(site.delete('/d', { recursive: true }))).kind, 'FileNotFound');
    await site.delete('/keep', { recursive: false });
    assert.equal(server.nodes.has('/keep'), false);
  });

  it('renames, honouring overwrite', async () => {
    const server = new FakeServer().file('/a', 'A').file('/b', 'B');
    const { site, changes } = makeSite(server);
    assert.equal((await fsError(site.rename('/a', '/b', { overwrite: false }))).kind, 'FileExists');
    assert.equal(server.content('/b'), 'B');
    await site.rename('/a', '/b', { overwrite: true });
    assert.equal(server.content('/b'), 'A');
    assert.equal(server.nodes.has('/a'), false);
    await site.rename('/b', '/c', { overwrite: false });
    assert.equal(server.content('/c'), 'A');
    assert.deepEqual(changes, [
      { type: 'deleted', path: '/a' },
      { type: 'created', path: '/b' },
      { type: 'deleted', path: '/b' },
      { type: 'created', path: '/c' },
    ]);
    assert.equal((await fsError(site.rename('/nope', '/x', { overwrite: false }))).kind, 'FileNotFound');
  });

  it('refuses every change on a read-only connection, without asking the server', async () => {
    const server = new FakeServer().file('/a', 'A').dir('/d');
    const { site } = makeSite(server, { readOnly: true });
    assert.equal((await site.stat('/a')).readonly, true);
    const data = new Uint8Array(1);
    for (const p of [
      site.writeFile('/a', data, { create: true, overwrite: true }),
      site.delete('/a', { recursive: false }),
      site.rename('/a', '/b', { overwrite: false }),
      site.createDirectory('/d/x'),
    ]) {
      const e = await fsError(p);
      assert.equal(e.kind, 'NoPermissions');
      assert.match(e.message, /read-only/);
    }
    assert.equal(server.calls.filter((c) => /upload|delete|rename|mkdir/.test(c)).length, 0);
  });

  it('switches the data connection mode of its connections', async () => {
    const server = new FakeServer().file('/a', 'A');
    const { site } = makeSite(server);
    await site.readFile('/a');
    site.setMode('active');
    assert.equal(site.mode, 'active');
    assert.equal(server.clients[0].mode, 'active');
  });
});

describe('remote/sites: the registry', () => {
  it('resolves names and one-off authorities to one site each', async () => {
    const server = new FakeServer();
    let connections = [config()];
    const sites = new SiteRegistry({
      connections: () => connections,
      settings: () => ({ timeoutSeconds: 30, poolSize: 2, poolSizeChosen: false, keepAliveSeconds: 0 }),
      connect: () => server.connect(),
    });
    const a = sites.resolve('site');
    assert.equal(sites.resolve('SITE'), a);
    assert.equal(sites.resolve('bob@h'), a, 'the same account as the saved connection');
    const other = sites.resolve('alice@h:2121');
    assert.notEqual(other, a);
    assert.equal(other.name, 'alice@h:2121');
    assert.throws(() => sites.resolve('no such name'), FsError);
    connections = [{ ...config(), mode: 'active' }];
    await sites.reconcile();
    assert.equal(sites.resolve('site'), a, 'a mode change keeps the site');
    assert.equal(a.mode, 'active');
    connections = [{ ...config(), host: 'elsewhere' }];
    await sites.reconcile();
    assert.notEqual(sites.resolve('site'), a, 'a new host needs new connections');
    await sites.dispose();
  });

  it('a pool size the user set in the settings is what folder transfers use; the default widens over a long round trip', async () => {
    let chosen = true;
    const sites = new SiteRegistry({
      connections: () => [config()],
      settings: () => ({ timeoutSeconds: 30, poolSize: 2, poolSizeChosen: chosen, keepAliveSeconds: 0 }),
      connect: () => new FakeServer().connect(),
    });
    const a = sites.resolve('site');
    for (let i = 0; i < 3; i++) noteQuickReply(a.traits.data, 50);
    assert.equal(folderConnections(a), 2, 'set by the user: kept to');
    chosen = false;
    await sites.reconcile();
    assert.equal(folderConnections(a), WIDE_FOLDER_CONNECTIONS, 'the default: widened');
    await sites.dispose();
  });

  it('over a longer round trip a folder transfer uses more connections, up to the pool\'s most', async () => {
    const sites = new SiteRegistry({
      connections: () => [config()],
      settings: () => ({ timeoutSeconds: 30, poolSize: 2, poolSizeChosen: false, keepAliveSeconds: 0 }),
      connect: () => new FakeServer().connect(),
    });
    const a = sites.resolve('site');
    const at = (ms: number) => {
      a.traits.data.quickestReplyMs = undefined;
      a.traits.data.quickReplies = 0;
      for (let i = 0; i < 3; i++) noteQuickReply(a.traits.data, ms);
      return folderConnections(a);
    };
    assert.deepEqual([1, 20, 50, 65].map(at), [2, 4, 4, 4]);
    assert.deepEqual([80, 100, 120, 150, 600].map(at), [5, 6, 8, 8, MAX_POOL_SIZE]);
    assert.deepEqual([0, 20, 100, 1000].map(wideConnections), [WIDE_FOLDER_CONNECTIONS, 4, 6, MAX_POOL_SIZE]);
    // Active mode with a port range of 5: each transfer at once listens on its own port.
    a.config = { ...a.config, activePortRange: '50000-50004' };
    assert.equal(at(150), MAX_POOL_SIZE, 'passive: the range does not matter');
    a.setMode('active');
    assert.equal(at(150), 5);
    a.config = { ...a.config, activePortRange: '50000-50000' };
    assert.equal(at(150), 2, 'never below the pool');
    await sites.dispose();
  });

  it('a malformed authority holding a password is refused without showing the password', async () => {
    const sites = new SiteRegistry({
      connections: () => [],
      settings: () => ({ timeoutSeconds: 30, poolSize: 2, poolSizeChosen: false, keepAliveSeconds: 0 }),
      connect: () => new FakeServer().connect(),
    });
    assert.throws(
      () => sites.resolve('bob:hunter22@bad host'),
      (e: Error) => e instanceof FsError && e.message.includes('bob:****@bad host') && !e.message.includes('hunter22'),
    );
    await sites.dispose();
  });
});

describe('remote/transfers', () => {
  const { dir: tmp } = tempDirPerTest('ftp-explorer-');

  it('downloads a folder recursively', async () => {
    const server = new FakeServer().file('/www/index.html', '<h1>').file('/www/css/site.css', 'body{}').dir('/www/empty');
    const { site } = makeSite(server);
    const seen: number[] = [];
    const r = await downloadTo(site, '/www', tmp(), { onBytes: (n) => seen.push(n) });
    assert.equal(r.files, 2);
    assert.equal(r.bytes, 10);
    assert.equal(await fs.readFile(path.join(tmp(), 'www/index.html'), 'utf8'), '<h1>');
    assert.equal(await fs.readFile(path.join(tmp(), 'www/css/site.css'), 'utf8'), 'body{}');
    assert.ok((await fs.stat(path.join(tmp(), 'www/empty'))).isDirectory());
    assert.equal(seen[seen.length - 1], 10);
  });

  it('uploads local files and folders', async () => {
    await fs.mkdir(path.join(tmp(), 'src/lib'), { recursive: true });
    await fs.writeFile(path.join(tmp(), 'src/a.txt'), 'A');
    await fs.writeFile(path.join(tmp(), 'src/lib/b.txt'), 'BB');
    await fs.writeFile(path.join(tmp(), 'single.txt'), 'S');
    const server = new FakeServer().dir('/up');
    const { site } = makeSite(server);
    const r = await uploadTo(site, [path.join(tmp(), 'src'), path.join(tmp(), 'single.txt')], '/up');
    assert.equal(r.files, 3);
    assert.equal(server.content('/up/src/a.txt'), 'A');
    assert.equal(server.content('/up/src/lib/b.txt'), 'BB');
    assert.equal(server.content('/up/single.txt'), 'S');
  });

  it('stops when cancelled and removes the partial file', async () => {
    const server = new FakeServer().file('/big.bin', 'x'.repeat(100)).file('/next.bin', 'y');
    const { site } = makeSite(server);
    const abort = new AbortController();
    const gate = server.hold('download', '/big.bin');
    const running = fsError(downloadTo(site, '/big.bin', tmp(), { signal: abort.signal }));
    await gate.reached.promise;
    abort.abort();
    gate.release();
    const e = await running;
    assert.equal(e.kind, 'Cancelled');
    await assert.rejects(fs.stat(path.join(tmp(), 'big.bin')), /ENOENT/);
    assert.equal((await fsError(downloadTo(site, '/next.bin', tmp(), { signal: abort.signal }))).kind, 'Cancelled');
    assert.equal(server.count('download'), 1, 'nothing more starts after a cancel');
    const r = await downloadTo(site, '/next.bin', tmp());
    assert.equal(r.files, 1, 'the connection is still usable');
  });

  it('never writes outside the chosen folder', () => {
    assert.ok(isSafeLocalName('a.txt'));
    for (const bad of ['..', '.', '', 'a/b', 'a\\b', 'x\u0000']) assert.ok(!isSafeLocalName(bad), bad);
  });
});

describe('remote/site: the pool under it', () => {
  it('keeps browsing on a second connection while a download holds the first', async () => {
    const server = new FakeServer().file('/big.bin', 'x').file('/d/a', 'a');
    const { site } = makeSite(server);
    const gate = server.hold('download', '/big.bin');
    const download = site.readFile('/big.bin');
    await gate.reached.promise;
    assert.deepEqual(await site.readDirectory('/d'), [['a', FileType.File]]);
    gate.release();
    assert.equal(Buffer.from(await download).toString(), 'x');
    assert.equal(server.violations, 0);
    assert.equal(server.clients.length, 2);
  });

  it('a 550 on a listing means "missing", a permission error does not', async () => {
    const server = new FakeServer().dir('/d');
    const { site } = makeSite(server);
    server.failNext('list', () => new FtpReplyError(550, 'Permission denied', 'MLSD /d'), '/d');
    const e = await fsError(site.readDirectory('/d'));
    assert.equal(e.kind, 'NoPermissions');
    assert.match(e.message, /Permission denied/);
  });
});
