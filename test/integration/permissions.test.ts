import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsError } from '../../src/remote/fsErrors';
import type { Site } from '../../src/remote/site';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';
import { siteOf } from './connect';

/**
 * What the server refuses for lack of permission is NoPermissions with the server's words, and said in the log;
 * never "not found" for a file the listing shows. (vsftpd answers all three with a bare 550: "Failed to open
 * file.", "Delete operation failed.", "Create directory operation failed.")
 */
for (const name of SERVER_NAMES) {
  describe(`permission refusals on ${name}`, function () {
    this.timeout(30000);
    let srv: RunningServer;
    let site: Site;
    const infos: string[] = [];

    before(async () => {
      srv = await startServer(name);
      // A folder the FTP user may read but not change, holding a file it may not read (all root's).
      const locked = path.join(srv.root, 'locked');
      fs.mkdirSync(locked);
      fs.writeFileSync(path.join(locked, 'secret.txt'), 'no');
      fs.chmodSync(path.join(locked, 'secret.txt'), 0o000);
      fs.writeFileSync(path.join(locked, 'keep.txt'), 'keep');
      fs.chmodSync(locked, 0o755);
      site = siteOf(srv, { name: 'perm', info: (t) => infos.push(t) });
    });
    after(async () => {
      await site?.dispose();
      await srv?.stop();
    });

    const kindOf = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        assert.ok(err instanceof FsError, String(err));
        return err;
      }
      assert.fail('expected a refusal');
    };

    it('reading a file it may not read, deleting from and making a folder in a folder it may not change', async () => {
      for (const [what, op] of [
        ['read', () => site.readFile('/locked/secret.txt')],
        ['delete', () => site.delete('/locked/keep.txt', { recursive: false })],
        ['create folder', () => site.createDirectory('/locked/new')],
      ] as const) {
        infos.length = 0;
        const err = await kindOf(op());
        assert.equal(err.kind, 'NoPermissions', `${what}: ${err.message}`);
        assert.match(err.message, /\b5\d\d\b/, `${what}: the server's reply is in the message`);
        // A bare 550 (vsftpd) is told from "not found" by the listing, and that is said in the log.
        if (name === 'vsftpd') assert.ok(infos.some((t) => t.includes(`The server refused to ${what} '`)), `${what}: logged:\n${infos.join('\n')}`);
      }
      assert.equal(fs.readFileSync(path.join(srv.root, 'locked', 'keep.txt'), 'utf8'), 'keep');
    });
  });
}
