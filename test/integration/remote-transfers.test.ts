import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FtpClient, formatLogEvent, isSafeSaveTemp } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { Site, type RemoteClient } from '../../src/remote/site';
import { downloadTo } from '../../src/remote/download';
import { uploadTo } from '../../src/remote/upload';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';

/**
 * The extension's folder transfers (src/remote/transfers.ts over a Site, pool of 2) on the five real servers,
 * counting every control command from the client's logger:
 * - a folder upload of new files costs 3 commands per file (EPSV, STOR onto the name, SIZE), after one listing
 *   and the MKD; no listing per file, no temporary file; each file's SIZE goes with the next file's EPSV on its
 *   connection (sent before the SIZE's reply came), one round trip less per file;
 * - the same folder again (every name exists) takes the safe path: temporary file, SIZE, rename over;
 * - a folder download costs 2 per file (EPSV, RETR) after one listing;
 * and Site.readFile returns the exact bytes for sizes 0, 1 and around chunk boundaries, with the size from SIZE,
 * from the listing, and when either lies.
 */
const FILES = 24;
/**
 * Every file of the folder: sizes from 1 byte to 1 MiB (none empty: ftp-srv's SIZE of an empty file has no number).
 * Small files are read ahead and downloaded into memory; those above SHORT_TRANSFER_BYTES are streamed.
 */
const sizeOf = (i: number) => [1, 17, 4096, 65535, 65536, 65537, 200 * 1024, 1024 * 1024 + 3][i % 8] + (i >> 3);

for (const name of SERVER_NAMES) {
  describe(`extension folder transfers and readFile on ${name}`, function () {
    this.timeout(60000);
    let srv: RunningServer;
    let tmp: string;
    let local: string;
    const commands: string[] = [];
    const notes: string[] = [];
    /**
     * Data connection commands the server refused (proftpd: "425 EPSV: Address already in use" when the port it
     * picked is taken): the client tries the next method, so that file has two. Replies pair with commands in
     * order per connection (commands may be sent together).
     */
    let refusedSetup = 0;
    /** Data connection commands sent while a SIZE of the same connection still awaited its reply (pipelined). */
    let sizeAlong = 0;
    const awaiting = new Map<number, string[]>();
    /** Set by a test: what SIZE answers instead of the truth. */
    let lie: ((n: number) => number) | undefined;
    let site: Site;

    before(async () => {
      srv = await startServer(name);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-vscode-transfers-'));
      local = path.join(tmp, 'folder');
      fs.mkdirSync(local);
      for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(local, `file ${i}.bin`), crypto.randomBytes(sizeOf(i)));
      const cfg = normalizeConnection({ name: 'it', host: srv.host, port: srv.port, username: srv.user, poolSize: 2 }).config!;
      site = new Site(cfg, 'saved:it', {
        poolSize: 2,
        connect: async (n) => {
          const client = await FtpClient.connect({
            host: srv.host,
            port: srv.port,
            user: srv.user,
            password: srv.password,
            timeoutMs: 10000,
            logger: (e) => {
              if (e.kind === 'command') {
                commands.push(`${n} ${e.text}`);
                if (/^(EPSV|PASV|EPRT|PORT)\b/.test(e.text) && awaiting.get(n)?.includes('SIZE')) sizeAlong++;
                awaiting.set(n, [...(awaiting.get(n) ?? []), e.text.split(' ')[0]]);
              } else if (e.kind === 'reply' && e.code >= 200) {
                const verb = awaiting.get(n)?.shift();
                if (e.code >= 400 && ['EPSV', 'PASV', 'EPRT', 'PORT'].includes(verb ?? '')) refusedSetup++;
              }
              // What else happened (errors, fallbacks, reconnects), for the message of a failed count.
              else if ((e.kind === 'reply' && e.code >= 400) || !['reply', 'data', 'connect'].includes(e.kind)) notes.push(`${n} ${formatLogEvent(e)}`);
            },
          });
          const size = client.size.bind(client);
          client.size = async (p: string) => {
            const n = await size(p);
            return lie ? lie(n) : n;
          };
          const along = client.sizeAlong.bind(client);
          client.sizeAlong = async (p: string) => {
            const n = await along(p);
            return lie ? lie(n) : n;
          };
          return client as unknown as RemoteClient;
        },
      });
      // Both connections open before counting.
      await Promise.all([site.pool.run((c) => c.noop()), site.pool.run((c) => c.noop())]);
    });
    after(async () => {
      await site?.dispose();
      await srv?.stop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    const verbs = (list: string[]) => list.map((c) => c.split(' ')[1]);
    const count = (list: string[], ...verb: string[]) => verbs(list).filter((v) => verb.includes(v)).length;

    /**
     * The commands of a folder transfer, split: per file (the transfer command, its data connection's EPSV/PASV,
     * SIZE) and the rest (listings with their data connections, MKD, CWD, ...). Connections interleave, so by kind.
     * `unused`: how many ports asked for ahead may go unused (a download's next file that did not come).
     */
    function split(list: string[], transfer: 'STOR' | 'RETR', unused = 0) {
      const dataSetup = count(list, 'EPSV', 'PASV', 'EPRT', 'PORT');
      const transfers = count(list, 'STOR', 'RETR', 'LIST', 'MLSD', 'NLST');
      const what = `one data connection command per transfer (${refusedSetup} refused and tried again, up to ${unused} asked ahead unused); commands:\n${list.join('\n')}\nother events:\n${notes.join('\n')}`;
      assert.ok(dataSetup - refusedSetup >= transfers && dataSetup - refusedSetup <= transfers + unused, what);
      const files = count(list, transfer);
      const perFile = 2 * files + count(list, 'SIZE');
      return { files, perFile, other: list.length - perFile, otherVerbs: verbs(list).filter((v) => !['EPSV', 'PASV', 'EPRT', 'PORT', transfer, 'SIZE'].includes(v)) };
    }

    function sameFolder(a: string, b: string): void {
      const names = fs.readdirSync(a).sort();
      assert.deepEqual(fs.readdirSync(b).sort(), names);
      for (const n of names) assert.ok(fs.readFileSync(path.join(a, n)).equals(fs.readFileSync(path.join(b, n))), `${n} differs`);
    }

    it(`uploads a folder of ${FILES} new files with 3 commands per file: EPSV, STOR onto the name, SIZE`, async () => {
      commands.length = 0;
      notes.length = 0;
      refusedSetup = 0;
      sizeAlong = 0;
      const r = await uploadTo(site, [local], '/');
      assert.equal(r.files, FILES);
      sameFolder(local, path.join(srv.root, 'folder'));
      const c = split(commands, 'STOR');
      console.log(`      ${name}: ${commands.length} commands: ${c.perFile / FILES} per file, and ${c.other} for the folder (${c.otherVerbs.join(' ')} + data connections)`);
      assert.equal(c.files, FILES);
      assert.equal(count(commands, 'SIZE'), FILES);
      assert.equal(c.perFile, 3 * FILES);
      // The folder: one listing of its parent (EPSV + LIST/MLSD, maybe a CWD) and MKD.
      assert.ok(c.other <= 5, `for the folder: ${c.otherVerbs.join(' ')}`);
      assert.equal(count(commands, 'LIST', 'MLSD', 'NLST'), 1);
      assert.equal(commands.filter((x) => /ftpx-tmp| RNFR | RNTO /.test(x)).length, 0, 'a new name needs no temporary file');
      assert.deepEqual(new Set(commands.filter((x) => / STOR /.test(x)).map((x) => x.split(' ')[0])), new Set(['1', '2']), 'both connections moved files');
      // Every SIZE but the last of each connection went with the next file's EPSV (a next file not ready at once
      // lets it go alone: a few at most).
      console.log(`      ${name}: ${sizeAlong} of ${FILES} SIZE commands sent with the next file's data connection command`);
      assert.ok(sizeAlong >= FILES - 6, `SIZE with the next EPSV: ${sizeAlong}; commands:\n${commands.join('\n')}`);
    });

    it('uploads it again over the existing files safely: temporary file, SIZE, rename over each; byte-exact, no temporary file left', async () => {
      for (let i = 0; i < FILES; i += 3) fs.writeFileSync(path.join(local, `file ${i}.bin`), crypto.randomBytes(sizeOf(i) + 5));
      commands.length = 0;
      notes.length = 0;
      refusedSetup = 0;
      await uploadTo(site, [local], '/');
      sameFolder(local, path.join(srv.root, 'folder'));
      assert.deepEqual(fs.readdirSync(path.join(srv.root, 'folder')).filter(isSafeSaveTemp), []);
      assert.equal(count(commands, 'RNTO'), FILES, 'every existing file replaced by a rename');
      assert.equal(commands.filter((c) => / STOR /.test(c) && !/ftpx-tmp/.test(c)).length, 0, 'no STOR straight onto an existing file');
      // The folder's listing (and its parent's, for the folder itself), none per file.
      assert.ok(count(commands, 'LIST', 'MLSD') <= 2, commands.filter((c) => /LIST|MLSD/.test(c)).join(', '));
      console.log(`      ${name}: over existing files: ${(commands.length / FILES).toFixed(2)} commands per file`);
    });

    it(`downloads the folder with 2 commands per file (EPSV, RETR) after one listing`, async () => {
      const into = path.join(tmp, 'down');
      fs.mkdirSync(into);
      commands.length = 0;
      notes.length = 0;
      refusedSetup = 0;
      site.cache.clear();
      const r = await downloadTo(site, '/folder', into);
      assert.equal(r.files, FILES);
      sameFolder(local, path.join(into, 'folder'));
      // The files go over the pool's 2 connections; a connection's last file may have asked for a next port.
      const c = split(commands, 'RETR', 1);
      console.log(`      ${name}: ${commands.length} commands: ${c.perFile / FILES} per file, and ${c.other} for the folder (${c.otherVerbs.join(' ')} + data connections)`);
      assert.equal(c.files, FILES);
      assert.equal(count(commands, 'SIZE'), 0);
      assert.equal(c.perFile, 2 * FILES);
      // The listing of / (for the stat of /folder) and of /folder.
      assert.equal(count(commands, 'LIST', 'MLSD', 'NLST'), 2);
      // Once per server, where the listing is LIST: one MDTM to learn its time zone (src/ftp/timeZone.ts).
      assert.ok(count(commands, 'MDTM') <= 1, `MDTM: ${count(commands, 'MDTM')}`);
      assert.ok(c.other - count(commands, 'MDTM') <= 7, `for the folder (and one port asked ahead unused): ${c.otherVerbs.join(' ')}`);
    });

    it('a new file the server stored short (SIZE says so) is deleted, and the upload fails', async () => {
      const one = path.join(tmp, 'short');
      fs.mkdirSync(one);
      fs.writeFileSync(path.join(one, 'cut.bin'), crypto.randomBytes(5000));
      lie = (n) => n - 1;
      try {
        await assert.rejects(uploadTo(site, [one], '/'), /cut short|stored 4999/);
      } finally {
        lie = undefined;
      }
      assert.deepEqual(fs.readdirSync(path.join(srv.root, 'short')), [], 'a file cut short was left');
    });

    it('a cancelled upload of a new file leaves nothing behind', async () => {
      const one = path.join(tmp, 'cancel');
      fs.mkdirSync(one);
      fs.writeFileSync(path.join(one, 'big.bin'), crypto.randomBytes(64 * 1024 * 1024));
      const abort = new AbortController();
      let moved = 0;
      await assert.rejects(
        uploadTo(site, [one], '/', {
          signal: abort.signal,
          onBytes: (n) => {
            moved = n;
            if (n > 1024 * 1024) abort.abort();
          },
        }),
        (err: Error & { kind?: string }) => err.kind === 'Cancelled',
      );
      assert.ok(moved > 0);
      assert.deepEqual(fs.readdirSync(path.join(srv.root, 'cancel')), [], 'the partial file was left');
    });

    describe('readFile: exact bytes', () => {
      const sizes = [0, 1, 2, 4095, 65535, 65536, 65537, 1024 * 1024 - 1, 1024 * 1024 + 1, 3 * 1024 * 1024 + 7];
      const data = new Map<number, Buffer>();
      before(() => {
        fs.mkdirSync(path.join(srv.root, 'r'), { recursive: true });
        fs.chownSync(path.join(srv.root, 'r'), fs.statSync(srv.root).uid, fs.statSync(srv.root).gid);
        for (const n of sizes) {
          data.set(n, crypto.randomBytes(n));
          fs.writeFileSync(path.join(srv.root, 'r', `${n}.bin`), data.get(n)!);
        }
      });
      afterEach(() => {
        lie = undefined;
      });

      async function check(how: string): Promise<void> {
        for (const n of sizes) {
          const got = Buffer.from(await site.readFile(`/r/${n}.bin`));
          assert.equal(got.length, n, `${how}: ${n} bytes`);
          assert.ok(got.equals(data.get(n)!), `${how}: ${n} bytes differ`);
        }
      }

      it('size from SIZE (nothing cached): one SIZE, then the transfer', async () => {
        site.cache.clear();
        commands.length = 0;
      notes.length = 0;
      refusedSetup = 0;
        await check('SIZE');
        // ftp-srv answers SIZE of an empty file without a number: read without a size then.
        assert.equal(count(commands, 'SIZE'), sizes.length);
        assert.equal(count(commands, 'RETR'), sizes.length);
      });

      it('size from the listing (a stat first, as VS Code does): no SIZE', async () => {
        site.cache.clear();
        await site.readDirectory('/r');
        commands.length = 0;
      notes.length = 0;
      refusedSetup = 0;
        await check('listing');
        assert.equal(count(commands, 'SIZE'), 0);
      });

      for (const [what, f] of [
        ['1 byte short', (n: number) => Math.max(0, n - 1)],
        ['1 byte long', (n: number) => n + 1],
        ['0', () => 0],
        ['100 times the size', (n: number) => n * 100 + 1000],
      ] as [string, (n: number) => number][]) {
        it(`SIZE lies (${what})`, async () => {
          site.cache.clear();
          lie = f;
          await check(`SIZE ${what}`);
        });
      }

      it('the listing is out of date (the file changed since)', async () => {
        for (const wrong of [0, 1, 70000, 10 * 1024 * 1024]) {
          site.cache.store('/r', sizes.map((n) => ({ name: `${n}.bin`, type: 'file' as const, size: wrong })));
          await check(`listed as ${wrong}`);
        }
      });
    });
  });
}
