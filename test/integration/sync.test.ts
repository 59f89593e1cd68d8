import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Site } from '../../src/remote/site';
import { applyPlan, planSync, type Seen } from '../../src/remote/sync';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';
import { siteOf } from './connect';
import { serverDisk } from './serverDisk';
import { noFailures, planOnly, snapshot, syncOnce, touch } from './sync-helpers';

/**
 * The sync engine (src/remote/sync) on the five real servers: a plan with every case of the issue (new, changed by
 * size, by time only, the same, only on the server, deleted on either side since the last sync, a file where the
 * other side has a folder, names with spaces and UTF-8, links on the server, ignored files), applying it leaves
 * the server's disk byte-identical to the local folder (and the other way round), a second sync plans nothing,
 * and a change on the side being replaced is a conflict.
 */
const HOUR = 3600 * 1000;
const UNI = 'ünï 名前.txt';

for (const name of SERVER_NAMES) {
  describe(`sync engine on ${name}`, function () {
    this.timeout(60000);
    let srv: RunningServer;
    let site: Site;
    let tmp: string;
    let local: string;
    const disk = serverDisk(() => srv.root);
    /** ftp-srv's LIST follows links: nothing over FTP shows a link there (README). */
    const showsLinks = name !== 'ftp-srv';
    let seen: Seen = new Map();
    const T = Math.floor(Date.now() / 1000) * 1000;

    before(async () => {
      srv = await startServer(name);
      site = siteOf(srv, { poolSize: 2 });
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-sync-'));
      local = path.join(tmp, 'local');
    });
    after(async () => {
      await site?.dispose();
      await srv?.stop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    const lw = (rel: string, content: string | Buffer, mtime?: number) => {
      fs.mkdirSync(path.dirname(path.join(local, rel)), { recursive: true });
      fs.writeFileSync(path.join(local, rel), content);
      if (mtime !== undefined) touch(path.join(local, rel), mtime);
    };
    const sw = (rel: string, content: string, mtime?: number) => {
      disk.write(rel, content);
      if (mtime !== undefined) touch(disk.abs(rel), mtime);
    };
    /** What both sides must agree on: not the conflict, the links, what is ignored. */
    const compared = (rel: string) => /^(clash|link-|node_modules|debug\.log|\.ftpexplorer-sync)/.test(rel);

    it('upload: a plan with every case, applied, leaves the server byte-identical; a second sync plans nothing', async () => {
      disk.mkdir('site/node_modules');
      sw('site/node_modules/m.js', 'server only, ignored');
      sw('site/same.txt', 'same', T - 2 * HOUR);
      sw('site/size.txt', 'short', T - 2 * HOUR);
      sw('site/time.txt', 'aaaa', T - 3 * HOUR);
      sw('site/extra.txt', 'only on the server');
      disk.mkdir('site/extra-dir');
      sw('site/extra-dir/f.txt', 'only on the server, in a folder');
      sw('site/clash', 'a file here, a folder locally');
      if (showsLinks) {
        sw('outside.txt', 'outside the synced folder');
        disk.mkdir('outside-dir');
        sw('outside-dir/keep.txt', 'must survive');
        disk.link('site/link-file', '../outside.txt');
        disk.link('site/link-dir', '../outside-dir');
      }
      lw('same.txt', 'same', T - 3 * HOUR);
      lw('size.txt', 'a longer content');
      lw('time.txt', 'bbbb', T - HOUR);
      lw('new file.txt', 'new');
      lw(UNI, 'unicode');
      lw('dir/nested.txt', 'nested');
      lw('dir/deeper/x.bin', crypto.randomBytes(300 * 1024 + 7));
      lw('clash/x.txt', 'in the folder');
      lw('.gitignore', '*.log\n');
      lw('debug.log', 'ignored by .gitignore');
      lw('node_modules/m.js', 'ignored by default');

      const { rows, result } = await syncOnce(site, { direction: 'upload', localRoot: local, remoteRoot: '/site', seen, delete: true });
      assert.deepEqual(rows, {
        '.gitignore': 'copy new',
        clash: 'conflict type',
        'clash/x.txt': 'skip blocked',
        dir: 'mkdir new',
        'dir/deeper': 'mkdir new',
        'dir/deeper/x.bin': 'copy new',
        'dir/nested.txt': 'copy new',
        'extra-dir': 'delete extra',
        'extra-dir/f.txt': 'delete extra',
        'extra.txt': 'delete extra',
        ...(showsLinks ? { 'link-dir': 'skip link', 'link-file': 'skip link' } : {}),
        'new file.txt': 'copy new',
        'size.txt': 'copy size',
        'time.txt': 'copy time',
        [UNI]: 'copy new',
      });
      noFailures(result);
      assert.deepEqual(result.conflicts.map((r) => r.path), ['clash']);
      assert.deepEqual(snapshot(disk.abs('site'), compared), snapshot(local, compared));
      assert.equal(disk.read('site/node_modules/m.js'), 'server only, ignored');
      if (showsLinks) {
        assert.ok(disk.isLink('site/link-dir') && disk.isLink('site/link-file'), 'the links are still links');
        assert.equal(disk.read('outside-dir/keep.txt'), 'must survive');
      }
      seen = result.seen;
      assert.deepEqual(await planOnly(site, 'upload', local, '/site', seen, { delete: true }), {
        clash: 'conflict type',
        'clash/x.txt': 'skip blocked',
        ...(showsLinks ? { 'link-dir': 'skip link', 'link-file': 'skip link' } : {}),
      });
    });

    it('after a sync: a change here is uploaded, one on the server (or on both) is a conflict, deletions on either side are seen', async () => {
      lw('size.txt', 'changed here');
      sw('site/same.txt', 'changed on the server', T - HOUR);
      lw('time.txt', 'both changed here');
      sw('site/time.txt', 'both changed there');
      fs.rmSync(path.join(local, 'new file.txt'));
      fs.rmSync(disk.abs('site/dir/nested.txt'));
      const rows = await planOnly(site, 'upload', local, '/site', seen, { delete: true });
      delete rows.clash;
      delete rows['clash/x.txt'];
      delete rows['link-dir'];
      delete rows['link-file'];
      assert.deepEqual(rows, {
        'size.txt': 'copy size',
        'same.txt': 'conflict changed-target',
        'time.txt': 'conflict changed-both',
        'new file.txt': 'delete deleted',
        'dir/nested.txt': 'copy new',
      });
      // Without --delete, a file deleted here stays on the server; with --overwrite the conflicts are replaced.
      const { rows: applied, result } = await syncOnce(site, { direction: 'upload', localRoot: local, remoteRoot: '/site', seen, overwrite: true });
      assert.equal(applied['new file.txt'], 'keep deleted');
      assert.equal(applied['same.txt'], 'copy size');
      noFailures(result);
      assert.equal(disk.read('site/same.txt'), 'same');
      assert.equal(disk.read('site/time.txt'), 'both changed here');
      assert.equal(disk.read('site/dir/nested.txt'), 'nested');
      assert.ok(disk.exists('site/new file.txt'));
      seen = result.seen;
    });

    it('upload into a remote folder that does not exist makes it; a missing local folder is an error, not an empty one', async () => {
      const { rows, result } = await syncOnce(site, { direction: 'upload', localRoot: path.join(local, 'dir'), remoteRoot: '/new/deeper', seen: new Map() });
      noFailures(result);
      assert.equal(rows['nested.txt'], 'copy new');
      assert.deepEqual(snapshot(disk.abs('new/deeper')), snapshot(path.join(local, 'dir')));
      await assert.rejects(planOnly(site, 'upload', path.join(tmp, 'no such folder'), '/site', new Map(), { delete: true }), /No such local folder: .*no such folder/);
      await assert.rejects(planOnly(site, 'download', path.join(tmp, 'x'), '/site/same.txt', new Map()), /\/site\/same\.txt is a file on the server, not a folder/);
      await assert.rejects(planOnly(site, 'download', path.join(tmp, 'x'), '/nothing here', new Map()), /\/nothing here does not exist on the server/);
      assert.ok(disk.exists('site/same.txt'), 'nothing was deleted');
    });

    it('cancel: the files not started stay as they were, the progress counts the rows, the next sync does the rest', async () => {
      const src = path.join(tmp, 'cancel');
      for (const n of ['a', 'b', 'c', 'd']) lw(`../cancel/${n}.txt`, n.repeat(1000));
      const { plan } = await planSync(site, { direction: 'upload', localRoot: src, remoteRoot: '/cancel', seen: new Map(), parallel: 1 });
      const abort = new AbortController();
      const progress: string[] = [];
      const r = await applyPlan(site, plan, {
        localRoot: src,
        remoteRoot: '/cancel',
        parallel: 1,
        seen: new Map(),
        signal: abort.signal,
        onRow: () => abort.abort(),
        onProgress: (p) => progress.push(`${p.done}/${p.total}`),
      });
      assert.equal(r.cancelled, true);
      assert.deepEqual(progress, ['1/4']);
      assert.deepEqual(r.done.map((x) => x.path), ['a.txt']);
      assert.deepEqual(fs.readdirSync(disk.abs('cancel')), ['a.txt']);
      const next = await syncOnce(site, { direction: 'upload', localRoot: src, remoteRoot: '/cancel', seen: r.seen });
      assert.deepEqual(next.rows, { 'b.txt': 'copy new', 'c.txt': 'copy new', 'd.txt': 'copy new' });
      assert.deepEqual(snapshot(disk.abs('cancel')), snapshot(src));
    });

    it('a remote folder made seconds after its parent was listed (and cached) is synced all the same', async () => {
      await site.entries('/');
      disk.mkdir('made-just-now');
      sw('made-just-now/a.txt', 'new on the server');
      const down = path.join(tmp, 'just-now');
      const { rows, result } = await syncOnce(site, { direction: 'download', localRoot: down, remoteRoot: '/made-just-now', seen: new Map() });
      noFailures(result);
      assert.deepEqual(rows, { 'a.txt': 'copy new' });
      assert.equal(fs.readFileSync(path.join(down, 'a.txt'), 'utf8'), 'new on the server');
    });

    it('download: a new local folder becomes byte-identical to the server; a second sync plans nothing', async () => {
      const down = path.join(tmp, 'down');
      const { rows, result } = await syncOnce(site, { direction: 'download', localRoot: down, remoteRoot: '/site', seen: new Map() });
      noFailures(result);
      assert.equal(rows[UNI], 'copy new');
      assert.equal(rows['dir/deeper'], 'mkdir new');
      if (showsLinks) assert.equal(rows['link-dir'], 'skip link');
      const skip = (rel: string) => /^(link-|node_modules)/.test(rel);
      assert.deepEqual(snapshot(down, skip), snapshot(disk.abs('site'), skip));
      assert.deepEqual(await planOnly(site, 'download', down, '/site', result.seen), showsLinks ? { 'link-dir': 'skip link', 'link-file': 'skip link' } : {});
      // Without a record too: the local copies took the server's times.
      assert.deepEqual(await planOnly(site, 'download', down, '/site', new Map()), showsLinks ? { 'link-dir': 'skip link', 'link-file': 'skip link' } : {});
    });
  });
}
