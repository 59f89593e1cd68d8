// Link Folder to Server and Compare with Server in code-server's extension host (host/folderLinks.test.ts)
// against vsftpd: a workspace folder `local/` with `site/index.html` (one content) and the server's
// `/www/index.html` (another). Needs: bash scripts/setup-vscode.sh, npm run build, tsc.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startServer, type RunningServer } from '../servers';
import { assertInstalled, PROJECT_ROOT } from './env';
import { ensureBuilt } from './build';
import { SERVERS_ENV, type FtpServerInfo, ownerOf, seedFolder } from './ftpFixture';
import { runProjectInHostTests } from './inHost';
import { tempDir, type TempDir } from './tempDir';

const HOST_TESTS = path.join(PROJECT_ROOT, 'out', 'test', 'e2e', 'host', 'folderLinks.test.js');

describe('Link Folder to Server and Compare with Server (code-server extension host, vsftpd)', function () {
  this.timeout(300_000);
  let srv: RunningServer;
  let tmp: TempDir;

  before(async function () {
    this.timeout(120_000);
    assertInstalled();
    await ensureBuilt({ vsix: false });
    tmp = tempDir('vscode-e2e-links-');
    srv = await startServer('vsftpd');
    seedFolder(path.join(srv.root, 'www'), ownerOf(srv.root), { 'index.html': '<h1>on the server</h1>\n' });
  });

  after(async () => {
    await srv?.stop();
    tmp?.remove();
  });

  it('passes in the extension host', async () => {
    const local = path.join(tmp.dir, 'local');
    fs.mkdirSync(path.join(local, 'site'), { recursive: true });
    fs.writeFileSync(path.join(local, 'site', 'index.html'), '<h1>edited here</h1>\n');
    fs.writeFileSync(path.join(local, 'site', 'only here.txt'), 'new\n');
    fs.writeFileSync(path.join(local, 'notes.txt'), 'not linked\n');
    const workspace = path.join(tmp.dir, 'e2e.code-workspace');
    fs.writeFileSync(workspace, JSON.stringify({ folders: [{ path: 'local' }] }, null, 2));
    const info: FtpServerInfo = { server: srv.name, host: srv.host, port: srv.port, user: srv.user, password: srv.password, root: srv.root };
    const r = await runProjectInHostTests({
      folder: workspace,
      userDataDir: path.join(tmp.dir, 'user-data'),
      testFiles: [HOST_TESTS],
      settings: { 'files.autoSave': 'off', 'ftpExplorer.timeoutSeconds': 15 },
      env: { [SERVERS_ENV]: JSON.stringify([info]), E2E_LOCAL_ROOT: local },
      timeoutMs: 240_000,
    });
    const text = r.logs.join('\n');
    console.log(text.split('\n').map((l) => `      | ${l}`).join('\n'));
    assert.strictEqual(r.exitCode, 0, `in-host tests failed (exit ${r.exitCode})`);
    assert.match(text, /6 passing/);
    assert.doesNotMatch(text, /failing|pending/);
    assert.match(fs.readFileSync(path.join(local, '.vscode', 'settings.json'), 'utf8'), /"connection": "web"/);
  });
});
