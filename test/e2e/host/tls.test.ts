// In-host tests of FTPS and "FTP: Diagnose Connection" (run inside code-server's extension host by
// test/e2e/ftps-host.test.ts, which starts the servers and passes them in E2E_TLS_SERVERS):
// - a self-signed vsftpd with explicit TLS is refused until its fingerprint is trusted, then browsed;
// - when the server's certificate changes (the same address now answers with another certificate), it is
//   refused again and the user is asked with both fingerprints; the old trust stays;
// - Diagnose Connection returns a report with all four data-connection methods ok, without the password.
// The trust modal is answered through the extension's API (setCertificatePrompt), so no dialog blocks the host.
// Without E2E_TLS_SERVERS (another in-host run) this file defines no tests.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as net from 'net';
import * as vscode from 'vscode';
import type { FtpExplorerApi } from '../../../src/vscode/api';
import type { TrustAnswer, TrustQuestion } from '../../../src/remote/certificates';
import type { DiagnosisResult } from '../../../src/vscode/commands/diagnose';
import { SECURE_FILE, SECURE_TEXT, TLS_SERVERS_ENV, type TlsServers } from '../tlsFixture';

function fingerprint(pem: string): string {
  return new crypto.X509Certificate(pem).fingerprint256.toUpperCase();
}

/** A TCP relay on 127.0.0.1 whose target can change: the address the extension uses stays the same. */
function relay(target: { host: string; port: number }): Promise<{ port: number; target: { host: string; port: number }; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const state = { target };
  const server = net.createServer((down) => {
    const up = net.connect(state.target.port, state.target.host);
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up);
    up.pipe(down);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        get target() {
          return state.target;
        },
        set target(t) {
          state.target = t;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

const raw = process.env[TLS_SERVERS_ENV];
if (raw) {
  const servers = JSON.parse(raw) as TlsServers;

  describe('FTPS and Diagnose Connection (in-host, vsftpd on loopback)', function () {
    this.timeout(60_000);
    const NAME = 'ftps-vsftpd';
    const PLAIN = 'plain-vsftpd';
    const fpTrusted = fingerprint(servers.tls.certPem!);
    const fpChanged = fingerprint(servers.changed.certPem!);
    let api: FtpExplorerApi;
    let proxy: Awaited<ReturnType<typeof relay>>;
    const questions: TrustQuestion[] = [];
    let answer: TrustAnswer = 'cancel';

    const uri = (name: string, path: string) => vscode.Uri.from({ scheme: 'ftp', authority: name, path });
    const connections = () => vscode.workspace.getConfiguration('ftpExplorer').get<Record<string, unknown>[]>('connections') ?? [];

    before(async () => {
      assert.notStrictEqual(fpTrusted, fpChanged, 'the two servers have different certificates');
      const ext = vscode.extensions.getExtension<FtpExplorerApi>('ftp-explorer.ftp-explorer');
      assert.ok(ext, 'extension ftp-explorer.ftp-explorer is loaded');
      api = await ext.activate();
      api.setCertificatePrompt(async (q) => {
        questions.push(q);
        return answer;
      });
      proxy = await relay({ host: servers.tls.host, port: servers.tls.port });
      await vscode.commands.executeCommand('ftpExplorer.addConnection', {
        name: NAME,
        host: '127.0.0.1',
        port: proxy.port,
        username: servers.tls.user,
        password: servers.tls.password,
        remember: true,
        tls: 'explicit',
        remoteRoot: '/',
      });
    });

    after(async () => {
      api?.setCertificatePrompt(undefined);
      await proxy?.close();
    });

    it('refuses the self-signed certificate until it is trusted, and shows it to the user', async () => {
      answer = 'cancel';
      const err = await Promise.resolve(vscode.workspace.fs.readDirectory(uri(NAME, '/'))).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof vscode.FileSystemError, `a FileSystemError, got ${String(err)}`);
      assert.strictEqual(err.code, 'NoPermissions', err.message);
      assert.ok(err.message.includes(fpTrusted), err.message);
      assert.match(err.message, /not trusted/);
      assert.strictEqual(questions.length, 1, 'asked once');
      const q = questions[0];
      assert.strictEqual(q.reason, 'untrusted');
      assert.strictEqual(q.connection, NAME);
      assert.strictEqual(q.certificate.fingerprint256, fpTrusted);
      assert.match(q.certificate.subject, /CN=localhost/);
      assert.match(q.detail, /Subject: CN=localhost/);
      assert.match(q.detail, /Issuer: CN=localhost \(self-signed\)/);
      assert.match(q.detail, /Valid: .* to /);
      assert.ok(q.detail.includes(`SHA-256 fingerprint: ${fpTrusted}`));
      assert.strictEqual(api.trustedFingerprint(NAME), undefined, 'nothing trusted');
      // VS Code asks again (a stat): refused without a second modal, until the user asks to connect.
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(uri(NAME, `/${SECURE_FILE}`))));
      assert.strictEqual(questions.length, 1, 'not asked again');
      // The connect command called with a name rejects (no UI).
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ftpExplorer.connect', NAME)), /not trusted/);
      assert.strictEqual(questions.length, 2, 'Connect asks again');
      assert.ok(!connections().some((c) => c.trustedFingerprint), 'no trustedFingerprint in settings');
    });

    it('connects and browses after its fingerprint is trusted (trust command with an argument)', async () => {
      const got = await vscode.commands.executeCommand<string>('ftpExplorer.trustCertificate', { name: NAME, fingerprint: fpTrusted.replace(/:/g, '').toLowerCase() });
      assert.strictEqual(got, fpTrusted);
      assert.strictEqual(api.trustedFingerprint(NAME), fpTrusted);
      const saved = connections().find((c) => c.name === NAME);
      assert.strictEqual(saved?.trustedFingerprint, fpTrusted, 'kept in the connection settings (survives a reload)');
      const asked = questions.length;
      api.clearLog();
      const names = (await vscode.workspace.fs.readDirectory(uri(NAME, '/'))).map(([n]) => n);
      assert.ok(names.includes(SECURE_FILE), names.join(', '));
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri(NAME, `/${SECURE_FILE}`))).toString('utf8');
      assert.strictEqual(text, SECURE_TEXT);
      assert.strictEqual(questions.length, asked, 'no question once trusted');
      const log = api.logLines().join('\n');
      assert.match(log, /---> AUTH TLS/);
      assert.match(log, /---> PROT P/);
      assert.match(log, /TLS: control connection: TLSv1\.[23]/);
      assert.match(log, /TLS: data connection/);
      assert.ok(!log.includes(servers.tls.password), 'no password in the log');
    });

    it('Diagnose Connection over FTPS: login, all four methods ok, TLS ok, no password', async () => {
      const r = await vscode.commands.executeCommand<DiagnosisResult>('ftpExplorer.diagnose', NAME);
      assert.ok(r, 'a report');
      assert.strictEqual(r.login.ok, true, r.text);
      assert.deepStrictEqual(r.methods.map((m) => `${m.method}:${m.ok}`), ['EPSV:true', 'PASV:true', 'EPRT:true', 'PORT:true'], r.text);
      assert.strictEqual(r.tls.configured, true);
      assert.strictEqual(r.tls.ok, true, r.text);
      assert.strictEqual(r.settings.tls, 'explicit');
      assert.match(r.text, /Settings: tls explicit, passive mode/);
      assert.ok(r.text.includes(`Trusted certificate: SHA-256 ${fpTrusted}`), r.text);
      assert.ok(!JSON.stringify(r).includes(servers.tls.password), 'no password in the report');
    });

    it('refuses again when the server\'s certificate changes, asks with both fingerprints, keeps the old trust', async () => {
      await vscode.commands.executeCommand('ftpExplorer.disconnect', NAME);
      // The user acts on the connection again (as expanding it in the view does): it may connect.
      api.site(NAME)?.resume();
      proxy.target = { host: servers.changed.host, port: servers.changed.port };
      answer = 'cancel';
      const asked = questions.length;
      const err = await Promise.resolve(vscode.workspace.fs.readDirectory(uri(NAME, '/'))).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof vscode.FileSystemError, `a FileSystemError, got ${String(err)}`);
      assert.strictEqual(err.code, 'NoPermissions', err.message);
      assert.match(err.message, /changed/);
      assert.ok(err.message.includes(fpChanged), err.message);
      assert.strictEqual(questions.length, asked + 1);
      const q = questions[questions.length - 1];
      assert.strictEqual(q.reason, 'changed');
      assert.strictEqual(q.previous, fpTrusted);
      assert.strictEqual(q.certificate.fingerprint256, fpChanged);
      assert.match(q.message, /CHANGED/);
      assert.ok(q.detail.includes(fpTrusted) && q.detail.includes(fpChanged), q.detail);
      assert.strictEqual(api.trustedFingerprint(NAME), fpTrusted, 'the old fingerprint stays trusted');
      assert.strictEqual(connections().find((c) => c.name === NAME)?.trustedFingerprint, fpTrusted);

      // The diagnosis says so and offers to look at the certificate.
      const r = await vscode.commands.executeCommand<DiagnosisResult>('ftpExplorer.diagnose', NAME);
      assert.strictEqual(r.login.ok, false);
      assert.strictEqual(r.login.failure, 'tls');
      assert.strictEqual(r.certificate?.problem, 'changed');
      assert.strictEqual(r.certificate?.fingerprint256, fpChanged);
      assert.ok(r.actions.some((a) => a.kind === 'trust'), JSON.stringify(r.actions));
      assert.strictEqual(r.methods.length, 0);
      assert.ok(!r.text.includes(servers.tls.password));
      proxy.target = { host: servers.tls.host, port: servers.tls.port };
    });

    it('Diagnose Connection on a plain FTP server: all four methods ok, nothing to change, no password', async () => {
      await vscode.commands.executeCommand('ftpExplorer.addConnection', {
        name: PLAIN,
        host: servers.plain.host,
        port: servers.plain.port,
        username: servers.plain.user,
        password: servers.plain.password,
        remember: false,
      });
      const r = await vscode.commands.executeCommand<DiagnosisResult>('ftpExplorer.diagnose', { name: PLAIN });
      assert.strictEqual(r.version, 1);
      assert.strictEqual(r.login.ok, true, r.text);
      assert.strictEqual(r.methods.length, 4);
      for (const m of r.methods) assert.strictEqual(m.ok, true, `${m.method}: ${m.error ?? ''}\n${r.text}`);
      assert.deepStrictEqual(r.passive.via, ['EPSV', 'PASV']);
      assert.deepStrictEqual(r.active.via, ['EPRT', 'PORT']);
      assert.deepStrictEqual(r.change, {});
      assert.strictEqual(r.settings.tls, undefined);
      assert.match(r.text, /Works: login, passive mode \(EPSV, PASV\), active mode \(EPRT, PORT\)\./);
      assert.match(r.text, /Fails: nothing\./);
      const json = JSON.stringify(r);
      assert.ok(!json.includes(servers.plain.password), 'no password in the report object');
      assert.ok(!api.logLines().join('\n').includes(servers.plain.password), 'no password in the log');
    });
  });
}
