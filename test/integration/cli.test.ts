import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, type RunningServer } from '../servers';

/** The command line `dist/cli.js`, as a user runs it, against a real server. */
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('CLI (dist/cli.js)', function () {
  this.timeout(60000);
  let server: RunningServer;
  let tlsServer: RunningServer;
  let url: string;
  let tmp: string;
  const env = () => ({ FTP_PASSWORD: server.password });

  before(async function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    server = await startServer('proftpd');
    url = `ftp://${server.user}@${server.host}:${server.port}`;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpexplorer-cli-'));
  });
  after(async () => {
    await server?.stop();
    await tlsServer?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const mode of ['passive', 'active']) {
    it(`puts, lists as JSON, gets, moves and removes a file in ${mode} mode`, async () => {
      const local = path.join(tmp, `up-${mode}.bin`);
      const data = crypto.randomBytes(300000);
      fs.writeFileSync(local, data);
      const dir = `/cli-${mode}`;
      assert.equal((await cli(['mkdir', `${url}${dir}`, '--mode', mode], env())).code, 0);
      let r = await cli(['put', local, `${url}${dir}/a file.bin`, '--mode', mode], env());
      assert.equal(r.code, 0, r.stderr);
      assert.ok(fs.readFileSync(path.join(server.root, dir, 'a file.bin')).equals(data));
      r = await cli(['ls', `${url}${dir}`, '--json', '--mode', mode], env());
      assert.equal(r.code, 0, r.stderr);
      const list = JSON.parse(r.stdout) as { name: string; type: string; size: number; mtime: string }[];
      assert.deepEqual(list.map((e) => [e.name, e.type, e.size]), [['a file.bin', 'file', data.length]]);
      assert.ok(!Number.isNaN(Date.parse(list[0].mtime)));
      const back = path.join(tmp, `down-${mode}.bin`);
      r = await cli(['get', `${url}${dir}/a%20file.bin`, back, '--mode', mode], env());
      assert.equal(r.code, 0, r.stderr);
      assert.ok(fs.readFileSync(back).equals(data));
      assert.equal((await cli(['mv', `${url}${dir}/a file.bin`, `${dir}/b.bin`], env())).code, 0);
      assert.ok(fs.existsSync(path.join(server.root, dir, 'b.bin')));
      assert.equal((await cli(['rm', `${url}${dir}/b.bin`], env())).code, 0);
      assert.equal((await cli(['rmdir', `${url}${dir}`], env())).code, 0);
      assert.ok(!fs.existsSync(path.join(server.root, dir)));
    });
  }

  it('prints the dialogue with --log, PASS masked', async () => {
    const r = await cli(['ls', url, '--log'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /---> PASS \*\*\*\*/);
    assert.match(r.stderr, /<--- 230/);
    assert.match(r.stderr, /--- data open passive list: client .* connected to /);
    assert.ok(!r.stderr.includes(server.password));
  });

  it('ends with QUIT and exits without waiting for its goodbye; the server got the QUIT', async () => {
    const before = (await server.log()).split('\n').filter((l) => /"QUIT" 221/.test(l)).length;
    const r = await cli(['ls', url, '--log'], env());
    assert.equal(r.code, 0, r.stderr);
    const dialogue = r.stderr.trim().split('\n');
    assert.ok(dialogue.some((l) => /---> QUIT$/.test(l)), `QUIT sent:\n${r.stderr}`);
    assert.ok(!dialogue.some((l) => /<--- 221/.test(l)), `the 221 was not waited for:\n${r.stderr}`);
    // proftpd logs a command once it has answered it: the QUIT arrived whole and was answered (to nobody).
    let quits = 0;
    for (let i = 0; i < 50 && quits <= before; i++) {
      quits = (await server.log()).split('\n').filter((l) => /"QUIT" 221/.test(l)).length;
      if (quits <= before) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(quits > before, 'the server logged the QUIT');
  });

  it('fails with exit code 1 and one clear line', async () => {
    let r = await cli(['get', `${url}/no-such-file`, path.join(tmp, 'x')], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ftp-explorer: \/no-such-file does not exist\n$/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(!fs.existsSync(path.join(tmp, 'x')), 'a failed download left a file');
    r = await cli(['ls', url], { FTP_PASSWORD: 'wrong' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /530/);
    r = await cli(['ls', 'http://example.invalid/'], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Not an ftp:\/\/ URL/);
    r = await cli(['ls', url, '--mode', 'sideways'], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--mode must be passive or active/);
  });

  it('probes EPSV, PASV, EPRT and PORT and reports JSON', async () => {
    const r = await cli(['probe', url, '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { login: { ok: boolean }; methods: { method: string; ok: boolean }[] };
    assert.ok(report.login.ok);
    assert.deepEqual(report.methods.map((m) => [m.method, m.ok]), [['EPSV', true], ['PASV', true], ['EPRT', true], ['PORT', true]]);
  });

  it('speaks FTPS with --tls and a trusted fingerprint, and refuses without it', async () => {
    tlsServer = await startServer('vsftpd', { tls: 'explicit' });
    const tlsUrl = `ftp://${tlsServer.user}@${tlsServer.host}:${tlsServer.port}/`;
    const tenv = { FTP_PASSWORD: tlsServer.password };
    let r = await cli(['ls', tlsUrl, '--tls', 'explicit'], tenv);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /certificate is not trusted/);
    const fp = new crypto.X509Certificate(tlsServer.tls!.certPem).fingerprint256;
    r = await cli(['ls', tlsUrl, '--tls', 'explicit', '--trust-fingerprint', fp, '--log'], tenv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--- TLS: data connection: TLSv1\.[23] .*session reused/);
  });
});
