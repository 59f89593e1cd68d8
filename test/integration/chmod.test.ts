import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normalizeConnection } from '../../src/remote/config';
import { FsError } from '../../src/remote/fsErrors';
import { Site } from '../../src/remote/site';
import { uploadTo } from '../../src/remote/upload';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';
import { clientOf } from './connect';
import { serverDisk } from './serverDisk';

/**
 * Permissions on the real servers, checked with stat on the server's disk: SITE CHMOD of a file, of a folder
 * recursively (never through a link: what a link leads to keeps its mode), files only; the connection's default
 * mode for new files and folders; and a save that keeps the file's mode.
 */
for (const name of SERVER_NAMES) {
  describe(`permissions on ${name}`, function () {
    this.timeout(60000);
    let srv: RunningServer;
    let site: Site;
    let tmp: string;
    const infos: string[] = [];
    const disk = serverDisk(() => srv.root);
    const modeOf = (rel: string) => fs.lstatSync(disk.abs(rel)).mode & 0o7777;

    before(async () => {
      srv = await startServer(name);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-chmod-'));
      const cfg = normalizeConnection({ name: 'perm', host: srv.host, port: srv.port, username: srv.user, fileMode: '640', folderMode: '0750' }).config!;
      site = new Site(cfg, 'saved:perm', { poolSize: 1, info: (t) => infos.push(t), connect: () => clientOf(srv, { traits: site.traits }) });
    });
    after(async () => {
      await site?.dispose();
      await srv?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });
    beforeEach(() => {
      infos.length = 0;
      site.cache.clear();
    });

    it('SITE CHMOD of a file', async () => {
      disk.write('one.txt', 'x');
      fs.chmodSync(disk.abs('one.txt'), 0o644);
      const r = await site.chmod('/one.txt', 0o600);
      assert.equal(r.changed, 1);
      assert.equal(modeOf('one.txt'), 0o600);
    });

    it('recursively: every file and folder inside, never what a link leads to', async () => {
      disk.mkdir('tree/sub');
      disk.write('tree/a.txt', 'a');
      disk.write('tree/sub/b.txt', 'b');
      disk.mkdir('outside');
      disk.write('outside/c.txt', 'c');
      fs.chmodSync(disk.abs('outside'), 0o755);
      fs.chmodSync(disk.abs('outside/c.txt'), 0o644);
      disk.link('tree/to-outside', '../outside');
      disk.link('tree/to-c', '../outside/c.txt');
      const r = await site.chmod('/tree', 0o750, { recursive: true });
      for (const rel of ['tree', 'tree/sub', 'tree/a.txt', 'tree/sub/b.txt']) assert.equal(modeOf(rel).toString(8), '750', rel);
      // ftp-srv's LIST follows links and it has no MLSD: nothing over FTP shows a link there, so the walk meets
      // them as a folder and a file (README, "Symbolic links"). Everywhere else they are left alone.
      if (name === 'ftp-srv') return;
      assert.equal(modeOf('outside').toString(8), '755', 'a folder a link leads to changed');
      assert.equal(modeOf('outside/c.txt').toString(8), '644', 'a file a link leads to changed');
      assert.deepEqual(r.links.sort(), ['/tree/to-c', '/tree/to-outside']);
    });

    it('recursively, files only: the folders keep their mode', async () => {
      disk.mkdir('fo/sub');
      disk.write('fo/sub/f.txt', 'f');
      fs.chmodSync(disk.abs('fo'), 0o755);
      fs.chmodSync(disk.abs('fo/sub'), 0o755);
      await site.chmod('/fo', 0o600, { recursive: true, applyTo: 'files' });
      assert.equal(modeOf('fo/sub/f.txt').toString(8), '600');
      assert.equal(modeOf('fo').toString(8), '755');
      assert.equal(modeOf('fo/sub').toString(8), '755');
    });

    it('a link itself is refused, and what it leads to keeps its mode', async () => {
      disk.write('target.txt', 't');
      fs.chmodSync(disk.abs('target.txt'), 0o644);
      disk.link('link.txt', 'target.txt');
      if (name === 'ftp-srv') return; // nothing over FTP shows a link there
      await assert.rejects(site.chmod('/link.txt', 0o600), (e: unknown) => e instanceof FsError && /is a link/.test(e.message));
      assert.equal(modeOf('target.txt').toString(8), '644');
    });

    it("new files and folders get the connection's fileMode and folderMode", async () => {
      fs.chmodSync(srv.root, 0o777);
      await site.createDirectory('/made');
      assert.equal(modeOf('made').toString(8), '750');
      await site.writeFile('/made/new.txt', Buffer.from('new'), { create: true, overwrite: false });
      assert.equal(modeOf('made/new.txt').toString(8), '640');
      const local = path.join(tmp, 'up.txt');
      fs.writeFileSync(local, 'up');
      await uploadTo(site, [local], '/made');
      assert.equal(modeOf('made/up.txt').toString(8), '640');
    });

    it('saving an existing file keeps its mode (not the default for new files)', async () => {
      disk.write('kept.txt', 'old');
      fs.chmodSync(disk.abs('kept.txt'), 0o604);
      await site.writeFile('/kept.txt', Buffer.from('new content'), { create: true, overwrite: true });
      assert.equal(fs.readFileSync(disk.abs('kept.txt'), 'utf8'), 'new content');
      assert.equal(modeOf('kept.txt').toString(8), '604');
    });
  });
}
