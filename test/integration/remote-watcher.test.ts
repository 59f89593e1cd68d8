import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../src/ftp';
import type { Change } from '../../src/remote/changes';
import { normalizeConnection } from '../../src/remote/config';
import { Site } from '../../src/remote/site';
import { Watchers } from '../../src/remote/watcher';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';

/**
 * Polling for changes made by others (src/remote/watcher.ts) against the real servers, changing files on their
 * disks: a change of size, a change of the same size within the same minute (vsftpd's LIST shows whole minutes:
 * only MDTM tells), a new file, and no events when nothing changed. The polls are called directly (no timers).
 */
for (const name of SERVER_NAMES) {
  describe(`watching for changes on ${name}`, function () {
    this.timeout(30000);
    let srv: RunningServer;
    let site: Site;
    let watchers: Watchers;
    const changes: Change[] = [];
    const disk = (p: string) => path.join(srv.root, 'w', p);
    // A time in the middle of a minute, long enough ago that no server shows it as "now".
    const t0 = new Date(Date.UTC(2024, 4, 1, 12, 30, 10));

    before(async () => {
      srv = await startServer(name);
      fs.mkdirSync(disk(''));
      fs.writeFileSync(disk('a.txt'), 'one');
      fs.utimesSync(disk('a.txt'), t0, t0);
      const st = fs.statSync(srv.root);
      for (const p of [disk(''), disk('a.txt')]) fs.chownSync(p, st.uid, st.gid);
      const cfg = normalizeConnection({ name: 'w', host: srv.host, port: srv.port, username: srv.user }).config!;
      site = new Site(cfg, 'saved:w', {
        poolSize: 1,
        connect: () => FtpClient.connect({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, timeoutMs: 10000 }),
      });
      site.onDidChangeFiles((c) => changes.push(...c));
      watchers = new Watchers({ sites: () => [site], timers: { set: () => 0, clear: () => undefined } });
    });
    after(async () => {
      watchers?.dispose();
      await site?.dispose();
      await srv?.stop();
    });

    const poll = async () => {
      changes.length = 0;
      await watchers.poll('w');
      return changes.map((c) => `${c.type} ${c.path}`);
    };

    it('a watched file: nothing while nothing changes; a change of size; the same size within the same minute', async () => {
      await site.stat('/w/a.txt');
      watchers.watch('w', '/w/a.txt', { recursive: false });
      assert.deepEqual(await poll(), []);
      assert.deepEqual(await poll(), [], 'still nothing (the first poll was the baseline of the exact time)');
      fs.writeFileSync(disk('a.txt'), 'three');
      fs.utimesSync(disk('a.txt'), t0, t0);
      assert.deepEqual(await poll(), ['changed /w/a.txt'], 'size');
      fs.writeFileSync(disk('a.txt'), 'THREE');
      const later = new Date(t0.getTime() + 30_000);
      fs.utimesSync(disk('a.txt'), later, later);
      assert.deepEqual(await poll(), ['changed /w/a.txt'], 'same size, same minute');
      assert.deepEqual(await poll(), []);
    });

    it('a watched folder: a file added on the disk is "created"', async () => {
      const stop = watchers.watch('w', '/w', { recursive: false, folder: true });
      await poll();
      fs.writeFileSync(disk('b.txt'), 'b');
      assert.deepEqual(await poll(), ['created /w/b.txt']);
      assert.deepEqual((await site.readDirectory('/w')).map(([n]) => n).sort(), ['a.txt', 'b.txt']);
      stop();
    });
  });
}
