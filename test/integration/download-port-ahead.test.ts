import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { downloadTo } from '../../src/remote/download';
import { SERVER_NAMES } from '../servers';
import type { ProxySession } from '../faults/proxy';
import { withProxiedSite } from './connect';
import { assertPortsAhead, holdFinalUntilNextPort } from './portsAhead';
import { serverDisk } from './serverDisk';

/**
 * A folder download asks for each next file's passive port as soon as a file's data has arrived, before its 226
 * (TransferOptions.followedByTransfer): one round trip less per file. On the five servers, through the fault proxy:
 * each RETR's 226 is held until the next EPSV or PASV arrives (or 2 s), so a client that waits for the 226 first
 * shows as a file whose 226 waited the whole time; and a control connection cut where that early port's reply
 * should be loses nothing. A download whose connection is lost before any of its bytes arrived is asked for again
 * on a new connection (a folder goes on); one cut after its data began is not.
 */
const FILES = 12;

for (const name of SERVER_NAMES) {
  describe(`folder download with each next port asked ahead, on ${name}`, function () {
    this.timeout(60000);
    const content = new Map<string, Buffer>();
    const ctx = withProxiedSite(name, {
      poolSize: 2,
      tmpPrefix: 'ftpx-port-ahead-',
      prepare: (srv) => {
        const disk = serverDisk(() => srv.root);
        disk.mkdir('folder');
        for (let i = 0; i < FILES; i++) {
          const b = crypto.randomBytes(100 + i * 53);
          content.set(`f${i}.bin`, b);
          disk.write(`folder/f${i}.bin`, b);
        }
      },
    });

    /** Every file of the folder downloaded into `dir`, byte for byte. */
    function assertWhole(dir: string): void {
      assert.deepEqual(fs.readdirSync(dir).sort(), [...content.keys()].sort());
      for (const [n, b] of content) assert.ok(fs.readFileSync(path.join(dir, n)).equals(b), `${n} differs`);
    }

    it('sends the next EPSV/PASV before each file\'s 226, all but the last file of each connection', async () => {
      const waited = holdFinalUntilNextPort(ctx.proxy, 'RETR');
      const into = path.join(ctx.tmp, 'a');
      const r = await downloadTo(ctx.site, '/folder', into);
      assert.equal(r.files, FILES);
      assertWhole(path.join(into, 'folder'));
      assertPortsAhead(waited, FILES, ctx.proxy.sessions.flatMap((s) => s.commands), /^(RETR|LIST|MLSD|NLST) /);
    });

    it('a control connection cut where an early port\'s reply comes: every file still arrives whole', async () => {
      // Each RETR's 226 is held until the next EPSV/PASV arrives (or 2 s), so a port asked for with that 226 still
      // to come is known for sure (an EPSV that merely follows a RETR in the log may be a file's own, sent after
      // the 226: cutting that one is another fault, a file whose transfer never started). The reply to the third
      // port asked ahead is never relayed: the connection is closed (FIN), not reset, right after the 226 went.
      const askedAhead = new Set<ProxySession>();
      let early = 0;
      ctx.proxy.hooks = {
        reply: (r, s) => {
          if (r.code === 226 && r.command?.startsWith('RETR ')) {
            const since = s.commands.lastIndexOf(r.command) + 1;
            return { hold: s.commandArrives((l) => l === 'EPSV' || l === 'PASV', 2000, since).then((arrived) => void (arrived && askedAhead.add(s))) };
          }
          if ((r.code !== 229 && r.code !== 227) || !askedAhead.delete(s) || ++early !== 3) return undefined;
          s.plan.how = 'end';
          return 'cut';
        },
      };
      const into = path.join(ctx.tmp, 'b');
      const r = await downloadTo(ctx.site, '/folder', into);
      assert.ok(early >= 3, 'the fault happened');
      assert.equal(r.files, FILES);
      assertWhole(path.join(into, 'folder'));
    });

    it('a control connection cut at a RETR the server never sees: that file comes again on a new connection, every file whole', async () => {
      // Nothing of the file has arrived: RETR changes nothing on the server, so the file is asked for again rather
      // than failing the folder (before: the whole download failed on that one file).
      let retrs = 0;
      ctx.proxy.hooks = { command: (line) => (line.startsWith('RETR ') && ++retrs === 4 ? 'cut' : undefined) };
      const sessions = ctx.proxy.sessions.length;
      const into = path.join(ctx.tmp, 'c');
      const r = await downloadTo(ctx.site, '/folder', into);
      assert.ok(retrs > FILES, `${retrs} RETR for ${FILES} files: the cut one was asked for again`);
      assert.ok(ctx.proxy.sessions.length > sessions, 'a new connection');
      assert.equal(r.files, FILES);
      assertWhole(path.join(into, 'folder'));
    });

    it('a single download whose control connection is cut at its own EPSV reply: fetched again on a new connection', async () => {
      await ctx.site.pool.closeAll();
      let cut = 0;
      ctx.proxy.hooks = { reply: (r) => ((r.code === 229 || r.code === 227) && ++cut === 1 ? 'cut' : undefined) };
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write: (chunk: Buffer, _enc, done) => {
          chunks.push(chunk);
          done();
        },
      });
      const n = await ctx.site.download('/folder/f5.bin', () => sink, { bytes: content.get('f5.bin')!.length });
      assert.equal(cut, 2, 'the first port reply was cut, the second relayed');
      assert.equal(n, content.get('f5.bin')!.length);
      assert.ok(Buffer.concat(chunks).equals(content.get('f5.bin')!));
    });

    it('a download cut after its data began is not repeated: the file fails, nothing half-written is kept', async () => {
      // The destination has bytes already: asking again would append the file to its own beginning.
      let retrs = 0;
      ctx.proxy.hooks = {
        data: (t) => (t.verb === 'RETR' ? { cutAfter: 60, how: 'end' } : undefined),
        reply: (r) => (r.command?.startsWith('RETR ') && r.code === 226 ? 'cut' : undefined),
        command: (line) => void (line.startsWith('RETR ') && retrs++),
      };
      const into = path.join(ctx.tmp, 'd');
      await assert.rejects(downloadTo(ctx.site, '/folder/f9.bin', into), /f9\.bin/);
      assert.equal(retrs, 1, 'asked for once');
      assert.deepEqual(fs.existsSync(into) ? fs.readdirSync(into) : [], []);
    });
  });
}
