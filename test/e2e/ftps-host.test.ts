// Runs test/e2e/host/tls.test.ts inside code-server's extension host against three vsftpd on loopback:
// explicit TLS with the test process's self-signed certificate, explicit TLS with a certificate of its own
// (the "changed" certificate), and plain FTP (for the diagnosis). Afterwards checks what the servers saw:
// the server with the changed certificate never got a user name or password.
// Needs: bash scripts/setup-vscode.sh, bash scripts/install-servers.sh, npx tsc -p . && node scripts/bundle.mjs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startServer, type RunningServer } from '../servers';
import { assertInstalled, PROJECT_ROOT } from './env';
import { SECURE_FILE, SECURE_TEXT, TLS_SERVERS_ENV, type TlsServers } from './tlsFixture';
import { runProjectInHostTests } from './inHost';
import { tempDir, type TempDir } from './tempDir';

const HOST_TESTS = path.join(PROJECT_ROOT, 'out', 'test', 'e2e', 'host', 'tls.test.js');

function info(s: RunningServer) {
  return { host: s.host, port: s.port, user: s.user, password: s.password, certPem: s.tls?.certPem };
}

describe('FTPS in-host tests (trust, changed certificate, Diagnose Connection)', function () {
  this.timeout(300_000);
  let tls: RunningServer | undefined;
  let changed: RunningServer | undefined;
  let plain: RunningServer | undefined;
  let tmp: TempDir;

  before(async function () {
    this.timeout(60_000);
    assertInstalled();
    tmp = tempDir('vscode-e2e-ftps-');
    [tls, changed, plain] = await Promise.all([
      startServer('vsftpd', { tls: 'explicit' }),
      startServer('vsftpd', { tls: 'explicit', freshCertificate: true }),
      startServer('vsftpd'),
    ]);
    const owner = fs.statSync(tls.root);
    for (const s of [tls, changed]) {
      const file = path.join(s.root, SECURE_FILE);
      fs.writeFileSync(file, SECURE_TEXT, { mode: 0o644 });
      fs.chownSync(file, owner.uid, owner.gid);
    }
  });

  after(async () => {
    await Promise.allSettled([tls, changed, plain].map((s) => s?.stop()));
    tmp?.remove();
  });

  it('refused without trust, browsed after trusting the fingerprint, refused again when the certificate changes; diagnosis all ok', async () => {
    const servers: TlsServers = { tls: info(tls!), changed: info(changed!), plain: info(plain!) };
    const folder = path.join(tmp.dir, 'workspace');
    fs.mkdirSync(folder);
    const t0 = Date.now();
    const r = await runProjectInHostTests({
      folder,
      testFiles: [HOST_TESTS],
      env: { [TLS_SERVERS_ENV]: JSON.stringify(servers) },
      timeoutMs: 240_000,
    });
    const text = r.logs.join('\n');
    console.log(`      [time] in-host run: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(text.split('\n').map((l) => `      | ${l}`).join('\n'));
    assert.strictEqual(r.exitCode, 0, `in-host tests failed (exit ${r.exitCode})`);
    assert.match(text, /5 passing/);
    assert.doesNotMatch(text, /failing|pending/);

    // The server whose certificate was refused saw AUTH TLS and nothing after it: no user name, no password.
    const changedLog = await changed!.log();
    assert.match(changedLog, /AUTH TLS/, changedLog);
    assert.doesNotMatch(changedLog, /"USER |"PASS /, changedLog);
    for (const s of [tls!, changed!, plain!]) assert.ok(!(await s.log()).includes(s.password), `no password in ${s.port}'s log`);
  });
});
