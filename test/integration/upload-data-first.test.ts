import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpReplyError } from '../../src/ftp';
import { uploadTo } from '../../src/remote/upload';
import { SERVER_NAMES } from '../servers';
import { withProxiedSite } from './connect';

/**
 * Uploads over an emulated 20 ms round trip on the five servers: once EPSV answers have shown the round trip, an
 * upload's STOR goes in the same write as its EPSV and its data goes as soon as the data connection is up, before
 * the 150. The fault proxy holds every STOR's 150 until that file's data has reached it (or 2 s): a client that
 * waits for the 150 before sending waits the 2 s. A STOR the proxy refuses itself fails its file with that reply.
 */
const FILES = 10;

for (const name of SERVER_NAMES) {
  describe(`upload over a 20 ms round trip, data before the 150, on ${name}`, function () {
    this.timeout(60000);
    let local = '';
    const ctx = withProxiedSite(name, {
      poolSize: 2,
      tmpPrefix: 'ftpx-data-first-',
      link: { rttMs: 20 },
      prepare: (_srv, tmp) => {
        local = path.join(tmp, 'folder');
        fs.mkdirSync(local);
        for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(local, `f${i}.bin`), crypto.randomBytes(i === 3 ? 300000 : 50 + i * 41));
        for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(tmp, `warm${i}.txt`), `warm ${i}`);
      },
    });

    /** The files of the uploaded folder on the server's disk that have the local content. */
    function stored(remote: string): string[] {
      const dir = path.join(ctx.srv.root, remote);
      return fs.readdirSync(dir).filter((n) => fs.readFileSync(path.join(dir, n)).equals(fs.readFileSync(path.join(local, n))));
    }

    before(async () => {
      // Three uploads teach the site passive mode and the round trip (the quickest of 3 EPSV answers).
      for (let i = 0; i < 3; i++) await uploadTo(ctx.site, [path.join(ctx.tmp, `warm${i}.txt`)], '/');
    });

    /**
     * Hold every STOR's 150 at the proxy until that STOR's data has reached it, or 2 s (then it counts as waited):
     * a client that waits for the 150 before sending its data waits the 2 s.
     */
    function holdEvery150(): { held: number; waited: number } {
      const counts = { held: 0, waited: 0 };
      const arrived = new Map<string, { promise: Promise<void>; open: () => void }>();
      const gate = (command: string) => {
        let g = arrived.get(command);
        if (!g) {
          let open = () => undefined as void;
          const promise = new Promise<void>((resolve) => (open = resolve));
          g = { promise, open };
          arrived.set(command, g);
        }
        return g;
      };
      ctx.proxy.hooks = {
        data: (t) => (t.verb === 'STOR' ? { clientBytes: () => gate(t.command).open() } : undefined),
        reply: (r) => {
          if (r.code !== 150 || !/^STOR /.test(r.command ?? '')) return undefined;
          counts.held++;
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<void>((resolve) => (timer = setTimeout(() => (counts.waited++, resolve()), 2000)));
          return { hold: Promise.race([gate(r.command!).promise, late]).finally(() => clearTimeout(timer)) };
        },
      };
      return counts;
    }

    it('every STOR goes with its EPSV and its data before its 150: no 150 waited, every file whole', async () => {
      const counts = holdEvery150();
      const r = await uploadTo(ctx.site, [local], '/');
      assert.equal(r.files, FILES);
      assert.deepEqual(stored('folder').sort(), fs.readdirSync(local).sort());
      assert.equal(counts.held, FILES, 'every STOR had its 150 held');
      assert.equal(counts.waited, 0, `${counts.waited} of ${counts.held} STORs waited for their 150 before sending`);
    });

    it('a save (the extension\'s safe save) goes the same way: its temporary file\'s data before the 150, the file whole', async () => {
      const counts = holdEvery150();
      const content = crypto.randomBytes(70000);
      await ctx.site.writeFile('/saved.bin', content, { create: true, overwrite: true });
      assert.ok(fs.readFileSync(path.join(ctx.srv.root, 'saved.bin')).equals(content));
      // Saved again over it: replaced, whole.
      const second = crypto.randomBytes(5000);
      await ctx.site.writeFile('/saved.bin', second, { create: false, overwrite: true });
      assert.ok(fs.readFileSync(path.join(ctx.srv.root, 'saved.bin')).equals(second));
      assert.equal(counts.held, 2, 'both saves\' STORs had their 150 held');
      assert.equal(counts.waited, 0, `${counts.waited} of 2 saves waited for their 150 before sending`);
      assert.deepEqual(fs.readdirSync(ctx.srv.root).filter((n) => n.includes('ftpx-tmp')), []);
    });

    it('a refused STOR fails its file with the refusal, at once, and the connection goes on', async () => {
      ctx.proxy.hooks = { command: (line) => (line === 'STOR /folder2/f5.bin' ? { reply: '553 Could not create file.' } : undefined) };
      fs.renameSync(local, path.join(ctx.tmp, 'folder2'));
      local = path.join(ctx.tmp, 'folder2');
      await assert.rejects(uploadTo(ctx.site, [local], '/'), (err: Error & { cause?: unknown }) => {
        const e = err.cause ?? err;
        return e instanceof FtpReplyError && e.code === 553;
      });
      const onDisk = fs.readdirSync(path.join(ctx.srv.root, 'folder2'));
      assert.ok(!onDisk.includes('f5.bin'), onDisk.join(' '));
      assert.deepEqual(stored('folder2').sort(), onDisk.sort());
      ctx.proxy.hooks = {};
      // The connections are in step: a listing and another upload work.
      assert.ok((await ctx.site.readDirectory('/folder2')).length >= 1);
      const r = await uploadTo(ctx.site, [path.join(local, 'f5.bin')], '/folder2');
      assert.equal(r.files, 1);
      assert.ok(fs.readFileSync(path.join(ctx.srv.root, 'folder2', 'f5.bin')).equals(fs.readFileSync(path.join(local, 'f5.bin'))));
    });
  });
}
