import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FtpError, type FtpClient } from '../../src/ftp';
import { FaultProxy, type CutHow } from '../faults/proxy';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';
import { clientOf, siteOf } from './connect';
import { downloadTo } from '../../src/remote/download';

/**
 * The control connection cut right after the server's 150 to STOR or RETR (FIN or RST), on the five servers: the
 * transfer must fail with a clear error within the timeout, never succeed, never hang. (pure-ftpd and proftpd close
 * the data connection when the control connection goes; a write that waited for 'drain' on it then waited forever.)
 */
const SIZE = 8 * 1024 * 1024;
const TIMEOUT_MS = 4000;
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** `dist/cli.js ARGS` as a user runs it: its exit code and what it printed on stderr. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60000 }, (err, _out, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
    );
  });
}

for (const name of SERVER_NAMES) {
  describe(`control connection cut after the 150 on ${name}`, function () {
    this.timeout(60000);
    let srv: RunningServer;
    let proxy: FaultProxy;
    let tmp: string;
    let local: string;
    const clients: FtpClient[] = [];

    before(async () => {
      srv = await startServer(name);
      proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-cut-'));
      local = path.join(tmp, 'big.bin');
      fs.writeFileSync(local, crypto.randomBytes(SIZE));
      fs.writeFileSync(path.join(srv.root, 'big.bin'), fs.readFileSync(local));
      fs.chmodSync(srv.root, 0o777);
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await proxy?.close();
      await srv?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    const connect = async () => {
      const c = await clientOf(srv, { timeoutMs: TIMEOUT_MS }, proxy);
      clients.push(c);
      return c;
    };

    /** The operation's outcome, or 'hung' when it has not settled after three timeouts. */
    const outcome = async (p: Promise<unknown>): Promise<unknown> => {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise((resolve) => (timer = setTimeout(() => resolve('hung'), 3 * TIMEOUT_MS)));
      try {
        return await Promise.race([p.then(() => 'succeeded', (err: unknown) => err), hung]);
      } finally {
        clearTimeout(timer);
      }
    };

    for (const how of ['end', 'reset'] as CutHow[]) {
      for (const verb of ['STOR', 'RETR']) {
        it(`${verb}, control connection ${how === 'end' ? 'closed (FIN)' : 'reset (RST)'} after the 150: a clear error, no hang`, async () => {
          proxy.hooks = {
            session: () => ({ how }),
            reply: (r) => (new RegExp(`^${verb} `).test(r.command ?? '') && r.code >= 100 && r.code < 200 ? 'cut-after' : undefined),
          };
          try {
            const c = await connect();
            const op =
              verb === 'STOR'
                ? c.upload(fs.createReadStream(local), `/up-${how}.bin`)
                : c.download('/big.bin', fs.createWriteStream(path.join(tmp, `down-${how}.bin`)));
            const r = await outcome(op);
            assert.notEqual(r, 'hung', `${verb} never settled`);
            assert.notEqual(r, 'succeeded', `${verb} was reported done although the session was cut`);
            assert.ok(r instanceof FtpError || r instanceof Error, String(r));
          } finally {
            proxy.hooks = {};
          }
        });
      }
    }

    it('a download cut halfway leaves the local file of that name byte-identical, and no temporary file', async () => {
      const here = path.join(tmp, 'here');
      fs.mkdirSync(here, { recursive: true });
      const old = crypto.randomBytes(1000);
      fs.writeFileSync(path.join(here, 'big.bin'), old);
      const site = siteOf(srv, { via: proxy });
      proxy.hooks = { data: (t) => (t.verb === 'RETR' ? { cutAfter: SIZE / 2 } : undefined) };
      try {
        const r = await outcome(downloadTo(site, '/big.bin', here));
        assert.ok(r instanceof Error, `the download ${String(r)}`);
        assert.ok(fs.readFileSync(path.join(here, 'big.bin')).equals(old), 'the local file changed');
        assert.deepEqual(fs.readdirSync(here), ['big.bin']);
      } finally {
        proxy.hooks = {};
        await site.dispose();
      }
    });

    it('CLI put with the session cut after the 150: a non-zero exit, the old file untouched', async () => {
      fs.writeFileSync(path.join(srv.root, 'kept.bin'), 'old');
      proxy.hooks = { reply: (r) => (/^STOR /.test(r.command ?? '') && r.code >= 100 && r.code < 200 ? 'cut-after' : undefined) };
      try {
        const r = await cli(['put', local, `ftp://${srv.user}@${proxy.host}:${proxy.port}/kept.bin`, '--timeout', String(TIMEOUT_MS / 1000)], { FTP_PASSWORD: srv.password });
        assert.notEqual(r.code, 0, 'put said it succeeded');
        assert.match(r.stderr, /ftp-explorer: /);
        assert.equal(fs.readFileSync(path.join(srv.root, 'kept.bin'), 'utf8'), 'old');
      } finally {
        proxy.hooks = {};
      }
    });
  });
}
