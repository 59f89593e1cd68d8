import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSeen, saveSeen } from '../../src/remote/sync';
import { uploadLinked, versionKey, type LinkedUploadResult } from '../../src/remote/sync/linkedUpload';
import type { Version, VersionStore } from '../../src/remote/versions';
import { SERVER_NAMES } from '../servers';
import { withSite } from './connect';
import { serverDisk } from './serverDisk';
import { planOnly, syncOnce, touch } from './sync-helpers';

/**
 * Upload on save of a linked file (src/remote/sync/linkedUpload.ts) on the five real servers: what the server
 * held after our last upload is kept, and an upload over anything else (a change of the same size within the same
 * minute, a file nobody here has seen) is not made: it says conflict and the server's disk stays as it was, until
 * the user says Overwrite. The last sync's record counts as seen, and an upload brings it up to date, so the next
 * sync plans nothing for the file.
 */
for (const name of SERVER_NAMES) {
  describe(`upload on save of a linked file on ${name}`, function () {
    this.timeout(60000);
    const ctx = withSite(name);
    const disk = serverDisk(() => ctx.srv.root);
    let tmp: string;
    const records = new Map<string, Version>();
    const store: VersionStore = { get: (k) => records.get(k), set: (k, v) => (v ? records.set(k, v) : records.delete(k)) };
    const local = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
      return path.join(tmp, rel);
    };
    const kind = (r: LinkedUploadResult) => r.kind;

    before(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-linked-'));
      disk.mkdir('site');
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('uploads a new file, then each save; the record is the server file after the upload', async () => {
      const file = local('a.txt', 'first\n');
      assert.equal(kind(await uploadLinked(ctx.site, file, '/site/a.txt', { store })), 'uploaded');
      assert.equal(disk.read('site/a.txt'), 'first\n');
      const seen = records.get(versionKey(ctx.site, '/site/a.txt'));
      assert.equal(seen?.size, 6);
      assert.equal(Math.floor(seen!.mtimeMs / 1000), Math.floor(fs.statSync(disk.abs('site/a.txt')).mtimeMs / 1000));
      local('a.txt', 'second save\n');
      assert.equal(kind(await uploadLinked(ctx.site, file, '/site/a.txt', { store })), 'uploaded');
      assert.equal(disk.read('site/a.txt'), 'second save\n');
    });

    it('a change on the server of the same size, seconds later: conflict, the server untouched; Overwrite replaces it', async () => {
      const file = local('b.txt', 'mine 1\n');
      await uploadLinked(ctx.site, file, '/site/b.txt', { store });
      const up = fs.statSync(disk.abs('site/b.txt')).mtimeMs;
      disk.write('site/b.txt', 'theirs\n');
      // The same minute where possible: only a time to the second tells this change.
      touch(disk.abs('site/b.txt'), up - (up % 60000) + ((up % 60000) + 7000 < 60000 ? (up % 60000) + 7000 : (up % 60000) - 7000));
      local('b.txt', 'mine 2\n');
      const r = await uploadLinked(ctx.site, file, '/site/b.txt', { store });
      assert.equal(r.kind, 'conflict');
      assert.equal(r.server.size, 7);
      assert.equal(r.kind === 'conflict' && r.seen?.size, 7);
      assert.equal(disk.read('site/b.txt'), 'theirs\n');
      assert.equal(kind(await uploadLinked(ctx.site, file, '/site/b.txt', { store, force: true })), 'uploaded');
      assert.equal(disk.read('site/b.txt'), 'mine 2\n');
      // Overwritten: the next save goes up without a question.
      local('b.txt', 'mine 3\n');
      assert.equal(kind(await uploadLinked(ctx.site, file, '/site/b.txt', { store })), 'uploaded');
      assert.equal(disk.read('site/b.txt'), 'mine 3\n');
    });

    it('a file on the server nobody here has seen is not replaced unasked; one deleted on the server since is uploaded again', async () => {
      disk.write('site/c.txt', 'made on the server\n');
      const r = await uploadLinked(ctx.site, local('c.txt', 'local\n'), '/site/c.txt', { store });
      assert.deepEqual([r.kind, r.kind === 'conflict' && r.seen], ['conflict', undefined]);
      assert.equal(disk.read('site/c.txt'), 'made on the server\n');
      const file = local('d.txt', 'one\n');
      await uploadLinked(ctx.site, file, '/site/d.txt', { store });
      fs.unlinkSync(disk.abs('site/d.txt'));
      assert.equal(kind(await uploadLinked(ctx.site, file, '/site/d.txt', { store })), 'uploaded');
      assert.equal(disk.read('site/d.txt'), 'one\n');
    });

    it('a file in folders the server does not have yet: the folders are made, then the file', async () => {
      assert.equal(kind(await uploadLinked(ctx.site, local('new/deeper/e.txt', 'e\n'), '/site/new/deeper/e.txt', { store })), 'uploaded');
      assert.equal(disk.read('site/new/deeper/e.txt'), 'e\n');
    });

    it("the last sync's record counts as seen, and the upload updates it: the next sync plans nothing", async () => {
      const root = path.join(tmp, 'synced');
      local('synced/index.html', '<p>v1</p>\n');
      local('synced/about.html', '<p>about</p>\n');
      disk.mkdir('synced');
      const stateFile = path.join(root, '.ftpexplorer-sync.json');
      const key = `${ctx.srv.user}@synced`;
      const first = await syncOnce(ctx.site, { direction: 'upload', localRoot: root, remoteRoot: '/synced', seen: new Map() });
      await saveSeen(stateFile, key, first.result.seen);
      const file = local('synced/index.html', '<p>version 2</p>\n');
      const syncState = { file: stateFile, key, rel: 'index.html' };
      // No record of its own: the sync's is the one (other records, empty).
      assert.equal(kind(await uploadLinked(ctx.site, file, '/synced/index.html', { store: { get: () => undefined, set: () => undefined }, syncState })), 'uploaded');
      assert.equal(disk.read('synced/index.html'), '<p>version 2</p>\n');
      assert.deepEqual(await planOnly(ctx.site, 'upload', root, '/synced', await loadSeen(stateFile, key)), {});
      // A change on the server after that sync is a conflict for the sync as for the upload.
      disk.write('synced/about.html', '<p>changed there</p>\n');
      const r = await uploadLinked(ctx.site, local('synced/about.html', '<p>about 2</p>\n'), '/synced/about.html', { store, syncState: { ...syncState, rel: 'about.html' } });
      assert.equal(r.kind, 'conflict');
      assert.equal(disk.read('synced/about.html'), '<p>changed there</p>\n');
    });
  });
}
