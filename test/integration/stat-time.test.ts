import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { Site } from '../../src/remote/site';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';

/**
 * stat of a file gives its time to the second on the five real servers, so VS Code's save (which compares the
 * time stat gives now with the one it read) sees a change someone else made on the server within the same
 * minute. vsftpd and ftp-srv list with LIST (minutes): MDTM gives the seconds; the others list with MLSD.
 */
for (const name of SERVER_NAMES) {
  describe(`stat's file time on ${name}`, function () {
    this.timeout(60000);
    let srv: RunningServer;
    let site: Site;
    /** The site's clock: moved on to outlive a listing instead of waiting for it. */
    let clock = Date.now();
    /** Two moments in the last whole minute: the file as opened, and as someone else changed it. */
    let opened: number;
    let changed: number;

    /** Written on the server's disk behind the client's back, with the given time, owned by the FTP user. */
    const write = (rel: string, content: string, mtimeMs: number) => {
      const file = path.join(srv.root, rel);
      fs.writeFileSync(file, content);
      const { uid, gid } = fs.statSync(srv.root);
      fs.chownSync(file, uid, gid);
      fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
    };
    const nextListing = () => {
      clock += 10_000;
    };

    before(async () => {
      srv = await startServer(name);
      const cfg = normalizeConnection({ name: 'it', host: srv.host, port: srv.port, username: srv.user }).config!;
      site = new Site(cfg, 'saved:it', {
        poolSize: 1,
        now: () => clock,
        // As connector.ts does: the site's traits (what its listings are made with) shared with its client.
        connect: () =>
          FtpClient.connect({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, timeoutMs: 10000, traits: site.traits }),
      });
      const minute = Math.floor(Date.now() / 60000) * 60000 - 60000;
      opened = minute + 12_000;
      changed = minute + 41_000;
    });
    // Each test's file is new: a listing from before it was written must not answer for it.
    beforeEach(nextListing);
    after(async () => {
      await site?.dispose();
      await srv?.stop();
    });

    it('sees a change within the same minute that keeps the size', async () => {
      write('same-size.txt', 'version 1\n', opened);
      const before = await site.stat('/same-size.txt');
      assert.equal(before.mtime, opened, 'the time to the second');
      write('same-size.txt', 'version 2\n', changed);
      nextListing();
      const after = await site.stat('/same-size.txt');
      assert.equal(after.size, before.size);
      assert.equal(after.mtime, changed);
    });

    it('sees a change within the same minute that changes the size', async () => {
      write('other-size.txt', 'version 1\n', opened);
      const before = await site.stat('/other-size.txt');
      write('other-size.txt', 'version 2, longer\n', changed);
      nextListing();
      const after = await site.stat('/other-size.txt');
      assert.deepEqual([after.mtime, after.size], [changed, 18]);
      assert.ok(after.mtime > before.mtime);
    });

    it('after our own save: the new file time and size, then the same while nobody changes it', async () => {
      write('saved.txt', 'version 1\n', opened);
      const before = await site.stat('/saved.txt');
      await site.writeFile('/saved.txt', Buffer.from('saved by us, longer\n'), { create: false, overwrite: true });
      const after = await site.stat('/saved.txt');
      const disk = fs.statSync(path.join(srv.root, 'saved.txt'));
      assert.equal(after.size, 20);
      assert.equal(Math.floor(after.mtime / 1000), Math.floor(disk.mtimeMs / 1000), 'the saved file time, to the second');
      assert.ok(after.mtime > before.mtime);
      nextListing();
      assert.deepEqual(await site.stat('/saved.txt'), after);
    });
  });
}
