// Reliability in real VS Code: runs test/e2e/host/reliability.test.ts inside code-server's extension host
// against vsftpd on loopback, and gives the host a small control endpoint (on 127.0.0.1) to stop, start and
// restart the server on the same port mid-session, keeping its files (a server restart). Afterwards checks
// that the password is in no host log line (the in-host test checks the output channel and the settings).
// Needs: bash scripts/setup-vscode.sh, bash scripts/install-servers.sh, npm run build, tsc.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { startServer, type RunningServer } from '../servers';
import { assertInstalled, PROJECT_ROOT } from './env';
import { runProjectInHostTests } from './inHost';
import { tempDir, type TempDir } from './tempDir';

const HOST_TESTS = path.join(PROJECT_ROOT, 'out', 'test', 'e2e', 'host', 'reliability.test.js');

/** The environment variable the in-host test reads its server from. */
export const RELIABILITY_ENV = 'E2E_RELIABILITY';

describe('Reliability in real VS Code (in-host): the server restarts under an open editor', function () {
  this.timeout(240_000);
  let srv: RunningServer | undefined;
  let port = 0;
  let control: http.Server | undefined;
  let tmp: TempDir;
  let snapshot = '';

  /** Stop the server, keeping a copy of its files (with their times) for the next start. */
  async function stop(): Promise<void> {
    if (!srv) return;
    fs.rmSync(snapshot, { recursive: true, force: true });
    fs.cpSync(srv.root, snapshot, { recursive: true, preserveTimestamps: true });
    await srv.stop();
    srv = undefined;
  }

  /** Start it again on the same port, with the files it had. */
  async function start(): Promise<RunningServer> {
    if (srv) return srv;
    const s = await startServer('vsftpd', { port });
    if (fs.existsSync(snapshot)) {
      fs.cpSync(snapshot, s.root, { recursive: true, preserveTimestamps: true });
      const { uid, gid } = fs.statSync(s.root);
      for (const f of fs.readdirSync(s.root, { recursive: true }) as string[]) fs.chownSync(path.join(s.root, f), uid, gid);
    }
    srv = s;
    return s;
  }

  before(async function () {
    this.timeout(60_000);
    assertInstalled();
    tmp = tempDir('vscode-e2e-reliability-');
    snapshot = path.join(tmp.dir, 'snapshot');
    srv = await startServer('vsftpd');
    port = srv.port;
    // GET /stop, /start, /restart: what the in-host test asks for; the reply is the server's (new) root folder.
    control = http.createServer((req, res) => {
      const what = req.url ?? '';
      const act = what === '/stop' ? stop() : what === '/start' ? start() : what === '/restart' ? stop().then(start) : Promise.reject(new Error(`unknown ${what}`));
      act.then(
        () => res.end(JSON.stringify({ root: srv?.root ?? null })),
        (e: Error) => {
          res.statusCode = 500;
          res.end(e.message);
        },
      );
    });
    await new Promise<void>((resolve) => control!.listen(0, '127.0.0.1', () => resolve()));
  });

  after(async () => {
    control?.close();
    await srv?.stop();
    tmp?.remove();
  });

  it('saves, survives a server restart and a server outage without a reload, and never shows the password', async () => {
    const s = srv!;
    fs.mkdirSync(path.join(tmp.dir, 'local'));
    const r = await runProjectInHostTests({
      folder: path.join(tmp.dir, 'local'),
      testFiles: [HOST_TESTS],
      settings: {
        'files.autoSave': 'off',
        'ftpExplorer.timeoutSeconds': 5,
        'ftpExplorer.connections': [{ name: 'rel', host: s.host, port: s.port, username: s.user }],
      },
      env: {
        [RELIABILITY_ENV]: JSON.stringify({
          name: 'rel',
          password: s.password,
          root: s.root,
          control: `http://127.0.0.1:${(control!.address() as { port: number }).port}`,
        }),
        E2E_HOST_TIMEOUT_MS: '60000',
      },
      timeoutMs: 200_000,
    });
    const text = r.logs.join('\n');
    console.log(text.split('\n').map((l) => `      | ${l}`).join('\n'));
    if (r.exitCode !== 0) console.log(`      page console:\n${r.pageErrors.slice(-30).join('\n')}`);
    assert.strictEqual(r.exitCode, 0, `in-host tests failed (exit ${r.exitCode})`);
    assert.match(text, /\d+ passing/);
    assert.doesNotMatch(text, /\d+ (failing|pending)/);
    assert.ok(!text.includes(s.password), 'the password appears in the extension host log');
  });
});
