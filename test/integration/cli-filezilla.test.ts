import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { startServer, type RunningServer } from '../servers';

/** `dist/cli.js sites` and `ls site:NAME/path` on a FileZilla Site Manager file that points at a real server. */
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, FTP_PASSWORD: '', ...env }, timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe('CLI and FileZilla sites (dist/cli.js)', function () {
  this.timeout(60000);
  let srv: RunningServer;
  let tmp: string;
  let file: string;

  before(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    srv = await startServer('vsftpd');
    const { uid, gid } = fs.statSync(srv.root);
    for (const rel of ['www', 'www/html']) {
      fs.mkdirSync(path.join(srv.root, rel));
      fs.chownSync(path.join(srv.root, rel), uid, gid);
    }
    const gbkName = Buffer.concat([Buffer.from(`${srv.root}/www/html/`), iconv.encode('首页.html', 'gbk')]);
    fs.writeFileSync(gbkName, '<h1>hi</h1>\n');
    fs.writeFileSync(path.join(srv.root, 'www/html/index.html'), 'index\n');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpexplorer-fz-'));
    file = path.join(tmp, 'sitemanager.xml');
    fs.writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.66.4" platform="linux">
  <Servers>
    <Folder expanded="1">Work
      <Server>
        <Host>${srv.host}</Host>
        <Port>${srv.port}</Port>
        <Protocol>6</Protocol>
        <Type>0</Type>
        <User>${xmlText(srv.user)}</User>
        <Pass encoding="base64">${Buffer.from(srv.password).toString('base64')}</Pass>
        <Logontype>1</Logontype>
        <PasvMode>MODE_DEFAULT</PasvMode>
        <EncodingType>Auto</EncodingType>
        <Name>Test server</Name>
        <RemoteDir>1 0 3 www 4 html</RemoteDir>
      </Server>
    </Folder>
    <Server>
      <Host>sftp.example.org</Host>
      <Port>22</Port>
      <Protocol>1</Protocol>
      <User>admin</User>
      <Logontype>5</Logontype>
      <Name>Shell</Name>
    </Server>
  </Servers>
</FileZilla3>
`,
    );
  });
  after(async () => {
    await srv?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sites lists them by the names site: takes, SFTP marked as not supported, no password shown', async () => {
    const r = await cli(['sites', '--filezilla', file]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], new RegExp(`^Work - Test server\tftp://${srv.user}@${srv.host}:${srv.port}/www/html$`));
    assert.match(lines[1], /^Shell\tftp:\/\/admin@sftp\.example\.org:22\/ .*not supported: SFTP is not supported/);
    assert.ok(!r.stdout.includes(srv.password));
    const json = JSON.parse((await cli(['sites', '--filezilla', file, '--json'])).stdout) as { name: string; password: string }[];
    assert.deepEqual(json.map((s) => [s.name, s.password]), [['Work - Test server', 'saved'], ['Shell', 'none']]);
  });

  it('ls site:NAME lists the remote folder FileZilla saved, with its password, and names in GBK right', async () => {
    const r = await cli(['ls', 'site:Work - Test server', '--filezilla', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /index\.html/);
    assert.match(r.stdout, /首页\.html/);
  });

  it('ls site:NAME/path takes a path, and the site by its FileZilla name alone', async () => {
    const r = await cli(['ls', 'site:Test server/www', '--filezilla', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^d .* html$/m);
  });

  it('says what is wrong with an unknown or unsupported site', async () => {
    let r = await cli(['ls', 'site:Nope/', '--filezilla', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No site "Nope" in .*sitemanager\.xml/);
    r = await cli(['ls', 'site:Shell/', '--filezilla', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /SFTP is not supported/);
  });
});
