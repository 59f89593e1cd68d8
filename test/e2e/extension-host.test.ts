// Runs the in-host tests (test/e2e/host/ftpExplorer.test.ts) inside code-server's extension host
// against real FTP servers: starts vsftpd, pyftpdlib and ftp-srv on loopback, seeds a folder per data
// connection mode with SAMPLE_FILES, gives the host their addresses and logins (E2E_FTP_SERVERS),
// and afterwards checks what the servers themselves saw: active and passive transfers, and the
// user settings file without any password.
// Needs: bash scripts/setup-vscode.sh, bash scripts/install-servers.sh, npm run build, tsc.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { type RunningServer, type ServerName, serverSawActiveTransfer, serverSawPassiveTransfer, startServer } from '../servers';
import { assertInstalled, PROJECT_ROOT } from './env';
import { ensureBuilt } from './build';
import { SERVERS_ENV, type FtpServerInfo, ownerOf, seedFolder } from './ftpFixture';
import { runProjectInHostTests } from './inHost';
import { tempDir, type TempDir } from './tempDir';

const SERVERS: ServerName[] = (process.env.E2E_FTP_SERVER_NAMES ?? 'vsftpd,pyftpdlib,ftp-srv').split(',').filter(Boolean) as ServerName[];
const MODES = (process.env.E2E_FTP_MODES ?? 'passive,active').split(',').filter(Boolean);
const HOST_TESTS = path.join(PROJECT_ROOT, 'out', 'test', 'e2e', 'host', 'ftpExplorer.test.js');
const WATCH_TESTS = path.join(PROJECT_ROOT, 'out', 'test', 'e2e', 'host', 'watch.test.js');

describe('FTP Explorer in-host tests (code-server extension host, real FTP servers)', function () {
  this.timeout(400_000);
  const servers: RunningServer[] = [];
  let tmp: TempDir;

  before(async function () {
    this.timeout(120_000);
    assertInstalled();
    await ensureBuilt({ vsix: false });
    tmp = tempDir('vscode-e2e-host-');
    for (const name of SERVERS) {
      const srv = await startServer(name);
      servers.push(srv);
      for (const mode of MODES) seedFolder(path.join(srv.root, mode), ownerOf(srv.root));
    }
  });

  after(async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    tmp?.remove();
  });

  it(`passes against ${SERVERS.join(', ')} in ${MODES.join(' and ')} mode, and the servers saw both kinds of transfer`, async () => {
    const infos: FtpServerInfo[] = servers.map((s) => ({ server: s.name, host: s.host, port: s.port, user: s.user, password: s.password, root: s.root }));
    const userDataDir = path.join(tmp.dir, 'user-data');
    const settingsFile = path.join(userDataDir, 'User', 'settings.json');
    // A multi-root workspace (a .code-workspace file with one local folder): "Open in Workspace" then adds
    // the remote folder in place. From a single-folder window VS Code would first turn it into a workspace
    // and reload the window, which ends the extension host and so this run (the UI test covers that).
    fs.mkdirSync(path.join(tmp.dir, 'local'));
    const workspace = path.join(tmp.dir, 'e2e.code-workspace');
    fs.writeFileSync(workspace, JSON.stringify({ folders: [{ path: 'local' }] }, null, 2));
    const t0 = Date.now();
    const r = await runProjectInHostTests({
      folder: workspace,
      userDataDir,
      testFiles: [HOST_TESTS, WATCH_TESTS],
      // As in desktop VS Code (the web workbench defaults to "afterDelay"): saves happen when the tests save.
      // A stuck transfer fails within a test's time (E2E_HOST_TIMEOUT_MS) instead of the default 30 s.
      settings: { 'files.autoSave': 'off', 'ftpExplorer.timeoutSeconds': 15 },
      env: {
        [SERVERS_ENV]: JSON.stringify(infos),
        E2E_FTP_MODES: MODES.join(','),
        E2E_USER_SETTINGS: settingsFile,
        E2E_HOST_TIMEOUT_MS: process.env.E2E_HOST_TIMEOUT_MS ?? '45000',
      },
      timeoutMs: 360_000,
    });
    const text = r.logs.join('\n');
    console.log(`      [time] in-host run: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // The host's mocha report, so a failure shows what failed (and a pass what ran).
    console.log(text.split('\n').map((l) => `      | ${l}`).join('\n'));
    if (r.exitCode !== 0) console.log(`      page console (errors, warnings):\n${r.pageErrors.slice(-40).join('\n')}`);
    assert.strictEqual(r.exitCode, 0, `in-host tests failed (exit ${r.exitCode})`);
    assert.match(text, /\d+ passing/);
    assert.doesNotMatch(text, /\d+ failing/);
    assert.doesNotMatch(text, /\d+ pending/, 'nothing skipped');

    const settings = fs.readFileSync(settingsFile, 'utf8');
    for (const s of servers) {
      assert.ok(!settings.includes(s.password), `no ${s.name} password in settings.json`);
      for (const mode of MODES) assert.ok(settings.includes(`"${s.name}-${mode}"`), `${s.name}-${mode} saved in settings.json`);
      const log = await s.log();
      assert.ok(serverSawPassiveTransfer(log), `${s.name} saw a passive transfer`);
      assert.ok(serverSawActiveTransfer(log), `${s.name} saw an active transfer (it connected back to the extension host)`);
      assert.ok(!log.includes(s.password), `${s.name}'s log has no password`);
    }
  });
});
