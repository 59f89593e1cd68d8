import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadTo } from '../../src/remote/download';
import type { Site } from '../../src/remote/site';
import { uploadTo } from '../../src/remote/upload';
import { FaultProxy } from '../faults/proxy';
import { until } from '../faults/util';
import { startServer, type RunningServer, type ServerName } from '../servers';
import { siteOf } from './connect';
import { serverDisk } from './serverDisk';

/**
 * A large download and upload cut halfway (the fault proxy resets the data connection), then done again: the second
 * run continues with REST (or APPE) from what the first left in its temporary file and moves only the rest; the
 * result is byte-identical. A file that changed on the server in between is downloaded from the start.
 * RESUME_MIB sets the size (200 MiB by default, as in issue 18).
 */
const SIZE = Number(process.env.RESUME_MIB ?? 200) * 1024 * 1024;
const CUT = Math.floor(SIZE * 0.4);
const SERVERS: ServerName[] = ['vsftpd', 'pure-ftpd', 'proftpd', 'pyftpdlib'];

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let tmp: string;
let source: string;
let sourceHash: string;

before(function () {
  this.timeout(120000);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-resume-'));
  source = path.join(tmp, 'source.bin');
  fs.writeFileSync(source, crypto.randomBytes(SIZE));
  sourceHash = sha(source);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

for (const name of SERVERS) {
  describe(`resuming a ${SIZE / 1024 / 1024} MiB transfer cut at ${Math.round((CUT / SIZE) * 100)}% on ${name}`, function () {
    this.timeout(300000);
    let srv: RunningServer;
    let proxy: FaultProxy;
    let site: Site;
    const infos: string[] = [];
    const disk = serverDisk(() => srv.root);

    before(async () => {
      srv = await startServer(name);
      proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
      site = siteOf(srv, { via: proxy, info: (t) => infos.push(t) });
    });
    after(async () => {
      await site?.dispose();
      await proxy?.close();
      await srv?.stop();
    });
    beforeEach(() => {
      infos.length = 0;
      site.cache.clear();
      proxy.hooks = {};
    });

    /** The commands the client sent from now on, and the data bytes moved, for the run `fn`. */
    const counted = async (fn: () => Promise<unknown>): Promise<{ commands: string[]; bytes: number }> => {
      const marks = new Map(proxy.sessions.map((s) => [s, s.commands.length]));
      proxy.dataBytes = 0;
      await fn();
      const commands = proxy.sessions.flatMap((s) => s.commands.slice(marks.get(s) ?? 0));
      return { commands, bytes: proxy.dataBytes };
    };

    const parts = (dir: string, suffix: string) => fs.readdirSync(dir).filter((n) => n.endsWith(suffix));

    it('download: the second run continues with REST from the part file, moves only the rest, byte-identical', async () => {
      fs.copyFileSync(source, disk.abs('big.bin'));
      disk.own('big.bin');
      const here = fs.mkdtempSync(path.join(tmp, 'down-'));
      proxy.hooks = { data: (t) => (t.verb === 'RETR' ? { cutAfter: CUT } : undefined) };
      await assert.rejects(downloadTo(site, '/big.bin', here));
      proxy.hooks = {};
      const [part] = parts(here, '.ftpx-part');
      assert.ok(part, `no part file kept: ${fs.readdirSync(here).join(', ')}; log: ${infos.join(' | ')}`);
      const kept = fs.statSync(path.join(here, part)).size;
      assert.ok(kept > 0 && kept <= CUT, `part holds ${kept} bytes`);
      assert.ok(!fs.existsSync(path.join(here, 'big.bin')), 'the cut download was put in place');

      site.cache.clear();
      const run = await counted(() => downloadTo(site, '/big.bin', here));
      assert.equal(sha(path.join(here, 'big.bin')), sourceHash, 'the resumed download differs');
      assert.ok(run.commands.includes(`REST ${kept}`), `no REST ${kept}: ${run.commands.join(' | ')}`);
      assert.equal(run.commands.filter((c) => c.startsWith('RETR ')).length, 1, run.commands.join(' | '));
      // The rest of the file, and a listing or two.
      assert.ok(run.bytes >= SIZE - kept && run.bytes < SIZE - kept + 64 * 1024, `moved ${run.bytes} bytes for a rest of ${SIZE - kept}`);
      assert.deepEqual(fs.readdirSync(here), ['big.bin']);
    });

    it('download: a file changed on the server since the cut is downloaded from the start', async () => {
      const here = fs.mkdtempSync(path.join(tmp, 'changed-'));
      proxy.hooks = { data: (t) => (t.verb === 'RETR' ? { cutAfter: CUT } : undefined) };
      await assert.rejects(downloadTo(site, '/big.bin', here));
      proxy.hooks = {};
      const [part] = parts(here, '.ftpx-part');
      assert.ok(part, 'no part file kept');
      // Another version of the file: other bytes, another time; and a part old enough to be nobody's download.
      const changed = Buffer.from(fs.readFileSync(source));
      changed[0] ^= 0xff;
      fs.writeFileSync(disk.abs('big.bin'), changed);
      fs.utimesSync(disk.abs('big.bin'), new Date(), new Date(Date.now() - 3600_000));
      const old = new Date(Date.now() - 120_000);
      fs.utimesSync(path.join(here, part), old, old);

      site.cache.clear();
      const run = await counted(() => downloadTo(site, '/big.bin', here));
      assert.ok(!run.commands.some((c) => c.startsWith('REST ')), `REST sent for a changed file: ${run.commands.join(' | ')}`);
      assert.ok(fs.readFileSync(path.join(here, 'big.bin')).equals(changed), 'not the new version');
      assert.deepEqual(fs.readdirSync(here), ['big.bin']);
      assert.ok(infos.some((t) => /no longer on the server/.test(t)), infos.join(' | '));
    });

    it('upload: the second run continues the temporary file (REST+STOR or APPE), then checks and renames it', async () => {
      fs.chmodSync(srv.root, 0o777);
      const local = path.join(tmp, 'up.bin');
      if (!fs.existsSync(local)) fs.copyFileSync(source, local);
      // Every data connection of an upload is cut after CUT bytes: the pool's one retry after the lost connection
      // continues the temporary file too, and is cut again.
      proxy.hooks = { data: (t) => (t.verb === 'STOR' || t.verb === 'APPE' ? { cutAfter: CUT } : undefined) };
      await assert.rejects(uploadTo(site, [local], '/'));
      proxy.hooks = {};
      await proxy.settled();
      assert.ok(!disk.exists('up.bin'), 'the cut upload was put in place');
      assert.ok(infos.some((t) => /bytes that arrived are kept/.test(t)), infos.join(' | '));
      // pure-ftpd writes an upload under a name of its own and renames it when the upload ends, cut or not.
      await until(() => parts(srv.root, '.ftpx-tmp').length > 0, 5000);
      const [temp] = parts(srv.root, '.ftpx-tmp');
      assert.ok(temp, `no temporary file kept on the server: ${fs.readdirSync(srv.root).join(', ')}; log: ${infos.join(' | ')}`);
      const kept = fs.statSync(disk.abs(temp)).size;
      assert.ok(kept > 0 && kept < SIZE, `the temporary file holds ${kept} bytes`);

      site.cache.clear();
      infos.length = 0;
      const run = await counted(() => uploadTo(site, [local], '/'));
      assert.equal(sha(disk.abs('up.bin')), sourceHash, 'the resumed upload differs');
      // What the server held of the temporary file when the second run asked (SIZE), as the log says.
      const from = Number(/from byte (\d+)/.exec(infos.join('\n'))?.[1]);
      assert.ok(from > 0, `not continued: ${infos.join(' | ')}`);
      const resumed = run.commands.includes(`REST ${from}`) || run.commands.some((c) => c.startsWith('APPE '));
      assert.ok(resumed, `neither REST ${from} nor APPE: ${run.commands.join(' | ')}; log: ${infos.join(' | ')}`);
      assert.ok(run.bytes >= SIZE - from && run.bytes < SIZE - from + 64 * 1024, `moved ${run.bytes} bytes for a rest of ${SIZE - from}`);
      assert.deepEqual(parts(srv.root, '.ftpx-tmp'), [], 'a temporary file is left');
    });
  });
}
