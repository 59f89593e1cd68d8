import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  FtpCertificateError,
  FtpClient,
  FtpTlsError,
  formatLogEvent,
  type DataMode,
  type FtpConnectOptions,
  type FtpLogEvent,
} from '../../src/ftp';
import { startServer, type RunningServer, type ServerName } from '../servers';

/**
 * FTPS (RFC 4217) against real servers: explicit and implicit, passive and active, byte-exact both ways,
 * data connections resuming the control connection's TLS session (vsftpd refuses them otherwise with 522).
 */
const SERVERS: ServerName[] = ['vsftpd', 'pure-ftpd', 'proftpd', 'pyftpdlib', 'ftp-srv'];

function opts(s: RunningServer, extra: Partial<FtpConnectOptions>): FtpConnectOptions {
  return { host: s.host, port: s.port, user: s.user, password: s.password, timeoutMs: 15000, fallback: false, ...extra };
}

for (const name of SERVERS) {
  for (const tlsMode of ['explicit', 'implicit'] as const) {
    describe(`FTPS ${tlsMode} on ${name}`, function () {
      this.timeout(60000);
      let server: RunningServer | undefined;

      before(async function () {
        const probe = await startServer(name, {});
        const caps = probe.capabilities;
        await probe.stop();
        if (tlsMode === 'implicit' && !caps.tlsImplicit) return this.skip();
        server = await startServer(name, { tls: tlsMode });
      });
      after(async () => server?.stop());

      for (const mode of ['passive', 'active'] as DataMode[]) {
        it(`uploads and downloads byte-exact in ${mode} mode, encrypted, with the TLS session resumed`, async () => {
          const s = server!;
          const events: FtpLogEvent[] = [];
          const client = await FtpClient.connect(opts(s, { tls: tlsMode, mode, ca: s.tls!.certPem, logger: (e) => events.push(e) }));
          try {
            const data = crypto.randomBytes(1024 * 1024 + 17);
            const remote = `/tls-${mode}.bin`;
            assert.equal(await client.upload(data, remote), data.length);
            assert.ok(fs.readFileSync(path.join(s.root, remote)).equals(data), 'the file on the server differs');
            assert.ok((await client.downloadBuffer(remote)).equals(data), 'the downloaded file differs');
            // As the files of a folder: each next port asked for before the 226 (passive), then used by the next
            // transfer, the listing's too.
            for (let i = 0; i < 2; i++) assert.ok((await client.downloadBuffer(remote, { followedByTransfer: true })).equals(data), `download ${i + 2} differs`);
            const names = (await client.list('/')).map((e) => e.name);
            assert.ok(names.includes(`tls-${mode}.bin`), names.join(', '));
          } finally {
            await client.close();
          }
          const log = events.map(formatLogEvent).join('\n');
          if (tlsMode === 'explicit') assert.match(log, /---> AUTH TLS/);
          assert.match(log, /---> PBSZ 0/);
          assert.match(log, /---> PROT P/);
          assert.match(log, /--- TLS: control connection: TLSv1\.[23] /);
          const dataTls = log.split('\n').filter((l) => l.startsWith('--- TLS: data connection'));
          assert.ok(dataTls.length >= 3, log);
          assert.ok(!log.includes(s.password), 'the password appears in the log');
          assert.match(log, /---> PASS \*\*\*\*/);
          if (s.capabilities.tlsSessionReuseRequired) {
            for (const l of dataTls) assert.match(l, /session reused/);
          }
        });
      }
    });
  }
}

describe('FTPS session reuse on vsftpd (require_ssl_reuse=YES) with TLS 1.2 and 1.3', function () {
  this.timeout(60000);
  let server: RunningServer;
  before(async () => {
    server = await startServer('vsftpd', { tls: 'explicit', extraConfig: { require_ssl_reuse: 'YES' } });
  });
  after(async () => server?.stop());

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    for (const mode of ['passive', 'active'] as DataMode[]) {
      it(`${version}, ${mode}: data connections resume the session, no 522`, async () => {
        const events: FtpLogEvent[] = [];
        const client = await FtpClient.connect(
          opts(server, { tls: 'explicit', tlsMaxVersion: version, mode, ca: server.tls!.certPem, logger: (e) => events.push(e) }),
        );
        try {
          const data = crypto.randomBytes(200000);
          await client.upload(data, `/reuse-${version}-${mode}.bin`);
          assert.ok((await client.downloadBuffer(`/reuse-${version}-${mode}.bin`)).equals(data));
        } finally {
          await client.close();
        }
        const tlsLines = events.filter((e) => e.kind === 'tls').map((e) => (e as { text: string }).text);
        const control = tlsLines.find((l) => l.startsWith('control connection'));
        assert.ok(control?.startsWith(`control connection: ${version} `), tlsLines.join('\n'));
        const data = tlsLines.filter((l) => l.startsWith('data connection'));
        assert.equal(data.length, 2, tlsLines.join('\n'));
        for (const l of data) assert.match(l, new RegExp(`^data connection: ${version.replace('.', '\\.')} .*session reused`));
        assert.ok(!events.some((e) => e.kind === 'reply' && e.code === 522), 'the server refused a data connection (522)');
      });
    }
  }
});

describe('FTPS certificates', function () {
  this.timeout(60000);
  let server: RunningServer;
  let other: RunningServer;
  before(async () => {
    server = await startServer('vsftpd', { tls: 'explicit' });
  });
  after(async () => {
    await server?.stop();
    await other?.stop();
  });

  it('refuses a self-signed certificate, with its details, before sending the password', async () => {
    const events: FtpLogEvent[] = [];
    await assert.rejects(FtpClient.connect(opts(server, { tls: 'explicit', logger: (e) => events.push(e) })), (e: Error) => {
      assert.ok(e instanceof FtpCertificateError, String(e));
      assert.equal(e.reason, 'untrusted');
      assert.match(e.certificate.subject, /CN=localhost/);
      const x509 = new crypto.X509Certificate(server.tls!.certPem);
      assert.equal(e.certificate.fingerprint256, x509.fingerprint256);
      return true;
    });
    assert.ok(!events.some((e) => e.kind === 'command' && /^(USER|PASS)/.test(e.text)), 'credentials were sent');
  });

  it('accepts it once its fingerprint is trusted', async () => {
    const fp = new crypto.X509Certificate(server.tls!.certPem).fingerprint256;
    const client = await FtpClient.connect(opts(server, { tls: 'explicit', trustedFingerprint: fp.toLowerCase().replace(/:/g, '') }));
    try {
      assert.ok(Array.isArray(await client.list('/')));
    } finally {
      await client.close();
    }
  });

  it('reports a changed certificate instead of accepting it', async () => {
    const fp = new crypto.X509Certificate(server.tls!.certPem).fingerprint256;
    other = await startServer('vsftpd', { tls: 'explicit', freshCertificate: true });
    await assert.rejects(FtpClient.connect(opts(other, { tls: 'explicit', trustedFingerprint: fp })), (e: Error) => {
      assert.ok(e instanceof FtpCertificateError, String(e));
      assert.equal(e.reason, 'changed');
      assert.notEqual(e.certificate.fingerprint256, fp);
      assert.match(e.message, /certificate changed/);
      return true;
    });
  });

  it('checks the host name: a certificate for localhost is refused for another name', async () => {
    // 127.0.0.2 is loopback too, but not in the certificate's subjectAltName.
    const s2 = await startServer('pyftpdlib', { tls: 'explicit', host: '127.0.0.2' });
    try {
      await assert.rejects(FtpClient.connect(opts(s2, { tls: 'explicit', ca: s2.tls!.certPem })), (e: Error) => {
        assert.ok(e instanceof FtpCertificateError, String(e));
        assert.equal(e.reason, 'hostname');
        return true;
      });
    } finally {
      await s2.stop();
    }
  });
});

describe('FTPS refused', function () {
  this.timeout(60000);
  it('fails clearly when the server refuses AUTH TLS, never falling back to clear text', async () => {
    const server = await startServer('pyftpdlib', {});
    const events: FtpLogEvent[] = [];
    try {
      await assert.rejects(FtpClient.connect(opts(server, { tls: 'explicit', logger: (e) => events.push(e) })), (e: Error) => {
        assert.ok(e instanceof FtpTlsError, String(e));
        assert.match(e.message, /refused AUTH TLS/);
        return true;
      });
      assert.ok(!events.some((e) => e.kind === 'command' && /^(USER|PASS)/.test(e.text)), 'credentials were sent in clear text');
    } finally {
      await server.stop();
    }
  });
});
