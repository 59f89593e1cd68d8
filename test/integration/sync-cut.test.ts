import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Site } from '../../src/remote/site';
import { FaultProxy } from '../faults/proxy';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';
import { siteOf } from './connect';
import { serverDisk } from './serverDisk';
import { noFailures, planOnly, snapshot, syncOnce } from './sync-helpers';

/**
 * A sync whose connections are cut in the middle, on the five servers (through test/faults/proxy.ts): data
 * connections reset halfway through a file (uploads and downloads), and the control connection cut after the
 * server's 150 to a STOR (the CLI). No side is left with a truncated file (each file is its old content, the new
 * one, or absent), and the next sync finishes the job: both sides byte-identical, then nothing to do.
 */
const SIZE = 2 * 1024 * 1024;
const NAMES = ['big 1.bin', 'big 2.bin', 'big 3.bin', 'big 4.bin'];
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

for (const name of SERVER_NAMES) {
  describe(`sync with connections cut on ${name}`, function () {
    this.timeout(120000);
    let srv: RunningServer;
    let proxy: FaultProxy;
    let site: Site;
    let tmp: string;
    const disk = serverDisk(() => srv.root);
    const content = new Map(NAMES.map((n) => [n, crypto.randomBytes(SIZE + NAMES.indexOf(n))]));
    const old = Buffer.from('the old version');

    before(async () => {
      srv = await startServer(name);
      proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
      site = siteOf(srv, { poolSize: 2, via: proxy });
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-sync-cut-'));
    });
    after(async () => {
      proxy.hooks = {};
      await site?.dispose();
      await proxy?.close();
      await srv?.stop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    /**
     * Cut every data connection of `verb` for the files `big 1.bin` and `big 2.bin` (their temporary names too)
     * after a quarter of the file: the pool's one retry of a lost connection is cut as well.
     */
    const cutTwo = (verb: string) => {
      proxy.hooks = { data: (t) => (t.verb === verb && /big [12]\.bin/.test(t.command) ? { cutAfter: SIZE / 4 } : undefined) };
    };

    /**
     * Every file in `dir` is absent, its old content, or its whole new content. On the server a safe save's
     * temporary file may be left (`.name.<hex>.ftpx-tmp`: the cut took the connection its DELE would have used):
     * never under the file's name, and the next sync deletes it.
     */
    const noneTruncated = (dir: string, oldName?: string, temporary = false) => {
      for (const f of fs.readdirSync(dir)) {
        if (temporary && /^\..*\.[0-9a-f]{8}\.ftpx-tmp$/.test(f)) continue;
        const data = fs.readFileSync(path.join(dir, f));
        const whole = content.get(f);
        assert.ok(whole, `${f} is in ${dir} (a temporary file left behind?)`);
        assert.ok(data.equals(whole) || (f === oldName && data.equals(old)), `${f} is neither its old nor its new content (${data.length} bytes)`);
      }
    };

    it('upload: data connections reset halfway; no truncated file on the server; the next sync finishes', async () => {
      const local = path.join(tmp, 'up');
      fs.mkdirSync(local);
      for (const [n, data] of content) fs.writeFileSync(path.join(local, n), data);
      disk.mkdir('up');
      disk.write(`up/${NAMES[0]}`, old);
      cutTwo('STOR');
      const first = await syncOnce(site, { direction: 'upload', localRoot: local, remoteRoot: '/up', seen: new Map() });
      proxy.hooks = {};
      await proxy.settled();
      const failed = first.result.failed.map((f) => `${f.row.path}: ${f.error.message}`).sort();
      assert.deepEqual(failed.map((x) => x.slice(0, 9)), [NAMES[0], NAMES[1]], `two uploads were cut:\n${failed.join('\n')}`);
      noneTruncated(disk.abs('up'), NAMES[0], true);
      const second = await syncOnce(site, { direction: 'upload', localRoot: local, remoteRoot: '/up', seen: first.result.seen });
      noFailures(second.result);
      assert.equal(Object.keys(second.rows).length, 2, `the second sync redoes the two cut files: ${JSON.stringify(second.rows)}`);
      assert.deepEqual(snapshot(disk.abs('up')), snapshot(local));
      assert.deepEqual(await planOnly(site, 'upload', local, '/up', second.result.seen), {});
    });

    it('download: data connections reset halfway; no truncated or temporary file here; the next sync finishes', async () => {
      disk.mkdir('down');
      for (const [n, data] of content) disk.write(`down/${n}`, data);
      const local = path.join(tmp, 'down');
      fs.mkdirSync(local);
      fs.writeFileSync(path.join(local, NAMES[1]), old);
      cutTwo('RETR');
      const first = await syncOnce(site, { direction: 'download', localRoot: local, remoteRoot: '/down', seen: new Map() });
      proxy.hooks = {};
      const failed = first.result.failed.map((f) => `${f.row.path}: ${f.error.message}`).sort();
      assert.deepEqual(failed.map((x) => x.slice(0, 9)), [NAMES[0], NAMES[1]], `two downloads were cut:\n${failed.join('\n')}`);
      noneTruncated(local, NAMES[1]);
      const second = await syncOnce(site, { direction: 'download', localRoot: local, remoteRoot: '/down', seen: first.result.seen });
      noFailures(second.result);
      assert.deepEqual(snapshot(local), snapshot(disk.abs('down')));
      assert.deepEqual(await planOnly(site, 'download', local, '/down', second.result.seen), {});
    });

    it('CLI: the control connection cut after the 150 to a STOR exits 1; the next sync finishes, exit 0', async () => {
      const local = path.join(tmp, 'cli');
      fs.mkdirSync(local);
      for (const [n, data] of content) fs.writeFileSync(path.join(local, n), data);
      disk.mkdir('cli');
      const url = `ftp://${srv.user}@${proxy.host}:${proxy.port}/cli`;
      const env = { FTP_PASSWORD: srv.password };
      // Every STOR of one file (the pool retries a lost connection once).
      proxy.hooks = { reply: (r) => (/^STOR .*big 3\.bin/.test(r.command ?? '') && r.code >= 100 && r.code < 200 ? 'cut-after' : undefined) };
      let r = await cli(['sync', local, url, '--timeout', '5'], env);
      proxy.hooks = {};
      await proxy.settled();
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /ftp-explorer: upload big 3\.bin failed: /);
      const state = (rel: string) => rel === '.ftpexplorer-sync.json';
      const there = (rel: string) => /\.ftpx-tmp$/.test(rel);
      for (const f of fs.readdirSync(disk.abs('cli')).filter((f) => !there(f))) assert.ok(fs.readFileSync(disk.abs(`cli/${f}`)).equals(content.get(f)!), `${f} is cut short`);
      r = await cli(['sync', local, url], env);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual(snapshot(disk.abs('cli')), snapshot(local, state), 'identical, and no temporary file left');
      r = await cli(['sync', local, url, '--dry-run'], env);
      assert.match(r.stdout, /^plan: 0 to upload, 0 folders to make, 0 to delete/);
    });
  });
}
