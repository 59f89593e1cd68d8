import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as iconv from 'iconv-lite';
import { FtpClient, hasUndecodableBytes } from '../../src/ftp';
import { startServer, type RunningServer } from '../servers';

/**
 * A server whose file names are GBK bytes, not UTF-8: pyftpdlib with surrogateescape passes the bytes of names
 * through unchanged, like old servers on a GBK file system. With `encoding: 'gbk'` every path sent and every name
 * received is converted; with 'utf8' the same names come out marked as not decoding, and with the default ('auto') right.
 */
describe('non-UTF-8 server (GBK file names)', function () {
  this.timeout(60000);
  let server: RunningServer;
  const gbk = (s: string) => iconv.encode(s, 'gbk');

  before(async () => {
    server = await startServer('pyftpdlib', { extraConfig: { unicode_errors: 'surrogateescape' } });
    const dir = Buffer.concat([Buffer.from(server.root + '/'), gbk('目录')]);
    fs.mkdirSync(dir);
    const file = Buffer.concat([dir, Buffer.from('/'), gbk('中文文件名.txt')]);
    fs.writeFileSync(file, 'gbk content\n');
    // The server runs as the FTP user: give it what the test made as root.
    const { uid, gid } = fs.statSync(server.root);
    fs.chownSync(dir, uid, gid);
    fs.chownSync(file, uid, gid);
  });
  after(async () => server?.stop());

  const connect = (encoding?: string) =>
    FtpClient.connect({ host: server.host, port: server.port, user: server.user, password: server.password, encoding, timeoutMs: 15000 });

  // (pyftpdlib itself refuses MKD of a name it cannot decode, so folders are not created here.)
  it('lists, downloads, uploads and renames with GBK names', async () => {
    const client = await connect('gbk');
    try {
      assert.deepEqual((await client.list('/')).map((e) => [e.name, e.type]), [['目录', 'dir']]);
      const entries = await client.list('/目录');
      assert.deepEqual(entries.map((e) => e.name), ['中文文件名.txt']);
      assert.equal((await client.downloadBuffer('/目录/中文文件名.txt')).toString(), 'gbk content\n');
      await client.upload(Buffer.from('uploaded\n'), '/目录/测试.txt');
      await client.rename('/目录/测试.txt', '/目录/改名.txt');
    } finally {
      await client.close();
    }
    const onDisk = fs
      .readdirSync(Buffer.concat([Buffer.from(server.root + '/'), gbk('目录')]), { encoding: 'buffer' })
      .map((b) => b.toString('hex'))
      .sort();
    const expected = ['中文文件名.txt', '改名.txt'].map((n) => gbk(n).toString('hex')).sort();
    assert.deepEqual(onDisk, expected, 'the names on the server are not the GBK bytes');
  });

  it('with the encoding set to UTF-8, shows the names marked as not decoding, and still opens them by their bytes', async () => {
    const client = await connect('utf8');
    try {
      const names = (await client.list('/')).map((e) => e.name);
      assert.equal(names.length, 1);
      assert.notEqual(names[0], '目录');
      const [file] = await client.list(`/${names[0]}`); // (目录's GBK bytes happen to be valid UTF-8: "Ŀ¼")
      assert.ok(hasUndecodableBytes(file.name), file.name);
      assert.equal((await client.downloadBuffer(`/${names[0]}/${file.name}`)).toString(), 'gbk content\n');
    } finally {
      await client.close();
    }
  });

  it('with the default (auto), shows the names right', async () => {
    const client = await connect();
    try {
      assert.deepEqual((await client.list('/')).map((e) => e.name), ['目录']);
      assert.deepEqual((await client.list('/目录')).map((e) => e.name).sort(), ['中文文件名.txt', '改名.txt']);
    } finally {
      await client.close();
    }
  });
});
