import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FtpClient } from '../../src/ftp';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';
import { clientOf } from './connect';

/**
 * A folder swapped on the server (renamed away and made again, as an atomic deploy does) lists its new content
 * at once on a connection that listed it before: the client never relies on being "in" a folder already.
 */
for (const name of SERVER_NAMES) {
  describe(`a folder swapped under the client on ${name}`, function () {
    this.timeout(30000);
    let srv: RunningServer;
    let client: FtpClient | undefined;

    before(async () => {
      srv = await startServer(name);
    });
    after(async () => {
      client?.destroy();
      await srv?.stop();
    });

    const make = (rel: string, files: string[]) => {
      const { uid, gid } = fs.statSync(srv.root);
      fs.mkdirSync(path.join(srv.root, rel));
      fs.chownSync(path.join(srv.root, rel), uid, gid);
      for (const f of files) fs.writeFileSync(path.join(srv.root, rel, f), f);
    };

    it('lists the new folder right after the swap, on the same connection', async () => {
      make('site', ['old.html']);
      client = await clientOf(srv);
      assert.deepEqual((await client.list('/site')).map((e) => e.name), ['old.html']);
      fs.renameSync(path.join(srv.root, 'site'), path.join(srv.root, 'site-old'));
      make('site', ['new.html']);
      assert.deepEqual((await client.list('/site')).map((e) => e.name), ['new.html']);
    });
  });
}
