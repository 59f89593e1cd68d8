import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Site } from '../../src/remote/site';
import { siteExecutor } from '../../src/remote/transferJobs';
import { TransferQueue, type PersistedJob, type QueueStore } from '../../src/remote/transferQueue';
import { FaultProxy } from '../faults/proxy';
import { until } from '../faults/util';
import { startServer, type RunningServer, type ServerName } from '../servers';
import { siteOf } from './connect';
import { serverDisk } from './serverDisk';

/**
 * The transfer queue (src/remote/transferQueue.ts) over real servers, through the fault proxy: a download and an
 * upload cancelled while the data connection is stalled leave no file under the final name and no partial file;
 * a job that failed (the server's 550) is listed with that reply and done by Retry once the file is there; jobs
 * left unfinished by a window that went away come back as interrupted, and Resume continues them (REST, or the
 * upload's temporary file) rather than starting over. QUEUE_MIB sets the size (32 MiB: above resume's 16 MiB).
 */
const SIZE = Number(process.env.QUEUE_MIB ?? 32) * 1024 * 1024;
const CUT = Math.floor(SIZE * 0.4);
const SERVERS: ServerName[] = ['vsftpd', 'pure-ftpd', 'proftpd', 'pyftpdlib'];

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function memoryStore(): QueueStore & { saved: PersistedJob[] } {
  const s = { saved: [] as PersistedJob[], load: () => s.saved, save: (jobs: PersistedJob[]) => void (s.saved = jobs) };
  return s;
}

let tmp: string;
let source: string;
let sourceHash: string;

before(function () {
  this.timeout(60000);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-queue-'));
  source = path.join(tmp, 'source.bin');
  fs.writeFileSync(source, crypto.randomBytes(SIZE));
  sourceHash = sha(source);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

for (const name of SERVERS) {
  describe(`the transfer queue on ${name}`, function () {
    this.timeout(120000);
    let srv: RunningServer;
    let proxy: FaultProxy;
    let site: Site;
    const infos: string[] = [];
    const disk = serverDisk(() => srv.root);
    const sites = { resolve: () => site };

    before(async () => {
      srv = await startServer(name);
      fs.chmodSync(srv.root, 0o777);
      proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
      site = siteOf(srv, { via: proxy, info: (t) => infos.push(t), poolSize: 2 });
      fs.copyFileSync(source, disk.abs('big.bin'));
      disk.own('big.bin');
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

    const here = () => fs.mkdtempSync(path.join(tmp, `${name}-`));

    it('cancel during a download: cancelled, nothing under the final name, no part file', async () => {
      const dir = here();
      proxy.hooks = { data: (t) => (t.verb === 'RETR' ? { stallAfter: CUT } : undefined) };
      const q = new TransferQueue(siteExecutor(sites));
      const { job, done } = q.add({ kind: 'download', site: 'it', remote: '/big.bin', localDir: dir });
      assert.ok(await until(() => job.bytes >= CUT, 30000), `only ${job.bytes} bytes arrived (${job.state}: ${job.error ?? ''})`);
      assert.equal(job.state, 'running');
      assert.equal(job.size, SIZE);
      q.cancel(job.id);
      await assert.rejects(done);
      assert.equal(job.state, 'cancelled');
      assert.deepEqual(fs.readdirSync(dir), [], 'a file was left');
    });

    it('cancel during an upload: the file on the server is as it was, no temporary file left', async () => {
      disk.write('up.bin', 'the old content\n');
      proxy.hooks = { data: (t) => (t.verb === 'STOR' || t.verb === 'APPE' ? { stallAfter: CUT } : undefined) };
      const local = path.join(here(), 'up.bin');
      fs.copyFileSync(source, local);
      const q = new TransferQueue(siteExecutor(sites));
      const { job, done } = q.add({ kind: 'upload', site: 'it', locals: [local], remoteDir: '/' });
      assert.ok(await until(() => job.bytes >= CUT, 30000), `only ${job.bytes} bytes sent (${job.state}: ${job.error ?? ''})`);
      q.cancel(job.id);
      await assert.rejects(done);
      assert.equal(job.state, 'cancelled');
      proxy.hooks = {};
      await proxy.settled();
      assert.equal(disk.read('up.bin'), 'the old content\n');
      const temps = () => fs.readdirSync(srv.root).filter((n) => n !== 'big.bin' && n !== 'up.bin');
      assert.ok(await until(() => temps().length === 0, 10000), `left on the server: ${temps().join(', ')}`);
    });

    it("a failed job is listed with the server's reply; Retry does it once the file is there", async () => {
      const dir = here();
      const q = new TransferQueue(siteExecutor(sites));
      const first = q.add({ kind: 'download', site: 'it', remote: '/later.txt', localDir: dir });
      await assert.rejects(first.done);
      assert.equal(first.job.state, 'failed');
      assert.match(first.job.error ?? '', /later\.txt/);
      disk.write('later.txt', 'here now\n');
      site.cache.clear();
      const again = q.retry(first.job.id);
      assert.ok(again);
      await again.done;
      assert.equal(first.job.state, 'done');
      assert.equal(fs.readFileSync(path.join(dir, 'later.txt'), 'utf8'), 'here now\n');
    });

    it('copy and move jobs: a copy within the connection, a move to another connection (the original deleted after the check)', async () => {
      disk.write('tocopy.txt', 'copied through the queue\n');
      const other = siteOf(srv, { name: 'other' });
      try {
        const both = { resolve: (n: string) => (n === 'other' ? other : site) };
        const q = new TransferQueue(siteExecutor(both));
        const copy = q.add({ kind: 'copy', site: 'it', from: '/tocopy.txt', toSite: 'it', to: '/copied.txt' });
        await copy.done;
        assert.equal(copy.job.state, 'done');
        assert.equal(copy.job.size, 25);
        assert.equal(disk.read('copied.txt'), 'copied through the queue\n');
        const move = q.add({ kind: 'move', site: 'it', from: '/copied.txt', toSite: 'other', to: '/moved.txt' });
        await move.done;
        assert.equal(move.job.state, 'done');
        assert.equal(disk.read('moved.txt'), 'copied through the queue\n');
        assert.ok(!disk.exists('copied.txt'), 'the original of the move is still there');
      } finally {
        await other.dispose();
      }
    });

    it('a sync job: only the ticked paths; cut and left by a window that went away, Resume plans again and finishes them', async () => {
      const local = here();
      const files = ['a.txt', 'b.txt', 'c.txt', 'sub/d.txt', 'not-ticked.txt'];
      for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(local, f)), { recursive: true });
        fs.writeFileSync(path.join(local, f), `${f} `.repeat(20000));
      }
      disk.mkdir('synced');
      const spec = { kind: 'sync' as const, site: 'it', direction: 'upload' as const, localRoot: local, remoteRoot: '/synced', stateKey: 'k', picked: ['a.txt', 'b.txt', 'c.txt', 'sub', 'sub/d.txt'] };
      const store = memoryStore();
      // The second file's data connection stalls; the window goes away meanwhile.
      let stors = 0;
      proxy.hooks = { data: (t) => (t.verb === 'STOR' && ++stors === 2 ? { stallAfter: 1000 } : undefined) };
      const q = new TransferQueue(siteExecutor(sites), store);
      const first = q.add(spec);
      assert.ok(await until(() => stors >= 2, 30000), `the sync did not reach its second file (${first.job.state}: ${first.job.error ?? ''})`);
      q.suspend();
      q.cancel(first.job.id);
      await assert.rejects(first.done);
      proxy.hooks = {};
      const next = new TransferQueue(siteExecutor(sites), store);
      assert.deepEqual(next.jobs.map((j) => [j.name, j.state]), [[path.basename(local), 'interrupted']]);
      site.cache.clear();
      const resumed = next.retry(next.jobs[0].id);
      assert.ok(resumed);
      await resumed.done;
      for (const f of files.slice(0, 4)) assert.equal(disk.read(`synced/${f}`), fs.readFileSync(path.join(local, f), 'utf8'), f);
      assert.ok(!disk.exists('synced/not-ticked.txt'), 'a path not ticked was uploaded');
      const left = [...fs.readdirSync(disk.abs('synced')), ...fs.readdirSync(disk.abs('synced/sub'))].filter((n) => !files.some((f) => path.basename(f) === n) && n !== 'sub');
      assert.deepEqual(left, [], 'a temporary file was left');
      assert.deepEqual(store.saved, []);
    });

    it('a download left by a window that went away is interrupted; Resume continues it with REST', async () => {
      const dir = here();
      const store = memoryStore();
      proxy.hooks = { data: (t) => (t.verb === 'RETR' ? { cutAfter: CUT } : undefined) };
      const q = new TransferQueue(siteExecutor(sites), store);
      const first = q.add({ kind: 'download', site: 'it', remote: '/big.bin', localDir: dir });
      // The window goes away as soon as the job is kept (before any byte: the cut may come before a poll
      // sees progress, and a failed job is not kept).
      assert.ok(await until(() => store.saved.length > 0, 30000), 'the job was not kept');
      q.suspend();
      assert.ok(await until(() => first.job.bytes > 0 || first.job.state === 'failed', 30000), `nothing arrived (${first.job.state}: ${first.job.error ?? ''})`);
      await assert.rejects(first.done);
      proxy.hooks = {};
      assert.ok(!fs.existsSync(path.join(dir, 'big.bin')), 'the cut download was put in place');

      const next = new TransferQueue(siteExecutor(sites), store);
      assert.deepEqual(next.jobs.map((j) => j.state), ['interrupted']);
      site.cache.clear();
      const marks = new Map(proxy.sessions.map((s) => [s, s.commands.length]));
      proxy.dataBytes = 0;
      const resumed = next.retry(next.jobs[0].id);
      assert.ok(resumed);
      await resumed.done;
      const commands = proxy.sessions.flatMap((s) => s.commands.slice(marks.get(s) ?? 0));
      assert.equal(sha(path.join(dir, 'big.bin')), sourceHash, 'the resumed download differs');
      assert.ok(commands.some((c) => /^REST [1-9]/.test(c)), `no REST: ${commands.join(' | ')}`);
      assert.ok(proxy.dataBytes < SIZE - CUT / 2, `moved ${proxy.dataBytes} bytes again`);
      assert.deepEqual(fs.readdirSync(dir), ['big.bin']);
      assert.deepEqual(store.saved, []);
    });

    it('an upload left by a window that went away is interrupted; Resume continues its temporary file where the server kept it', async () => {
      const local = path.join(here(), 'resumed.bin');
      fs.copyFileSync(source, local);
      const store = memoryStore();
      proxy.hooks = { data: (t) => (t.verb === 'STOR' || t.verb === 'APPE' ? { cutAfter: CUT } : undefined) };
      const q = new TransferQueue(siteExecutor(sites), store);
      const first = q.add({ kind: 'upload', site: 'it', locals: [local], remoteDir: '/' });
      // The window goes away as soon as the job is kept (before any byte: the cut may come before a poll
      // sees progress, and a failed job is not kept).
      assert.ok(await until(() => store.saved.length > 0, 30000), 'the job was not kept');
      q.suspend();
      assert.ok(await until(() => first.job.bytes > 0 || first.job.state === 'failed', 30000), `nothing sent (${first.job.state}: ${first.job.error ?? ''})`);
      await assert.rejects(first.done);
      proxy.hooks = {};
      await proxy.settled();
      assert.ok(!disk.exists('resumed.bin'), 'the cut upload was put in place');

      const next = new TransferQueue(siteExecutor(sites), store);
      assert.deepEqual(next.jobs.map((j) => j.state), ['interrupted']);
      site.cache.clear();
      infos.length = 0;
      proxy.dataBytes = 0;
      const resumed = next.retry(next.jobs[0].id);
      assert.ok(resumed);
      await resumed.done;
      assert.equal(sha(disk.abs('resumed.bin')), sourceHash, 'the resumed upload differs');
      // pure-ftpd deletes what a broken upload stored: there the upload starts over (the log says so).
      const from = Number(/from byte (\d+)/.exec(infos.join('\n'))?.[1]);
      if (name !== 'pure-ftpd') {
        assert.ok(from > 0, `not continued: ${infos.join(' | ')}`);
        assert.ok(proxy.dataBytes < SIZE - from + 64 * 1024, `moved ${proxy.dataBytes} bytes for a rest of ${SIZE - from}`);
      }
      assert.deepEqual(fs.readdirSync(srv.root).filter((n) => n.endsWith('.ftpx-tmp')), [], 'a temporary file is left');
      assert.deepEqual(store.saved, []);
    });
  });
}
