import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { FtpClient, safeSave } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { downloadTo } from '../../src/remote/download';
import { partPath, resumeKey } from '../../src/remote/resume';
import { Site } from '../../src/remote/site';
import { HostileServer } from '../faults/hostileServer';

/**
 * Servers that cannot continue a transfer (the scriptable server of test/faults): the transfer starts over, the
 * result is still byte-identical, and the log says why. The real servers' resume is in resume.test.ts.
 */
const SIZE = 600 * 1024;
const data = crypto.randomBytes(SIZE);
const KEY = 'a1b2c3d4';
const TEMP = `/.up.bin.${KEY}.ftpx-tmp`;

describe('resuming where the server cannot', function () {
  this.timeout(30000);
  let srv: HostileServer;
  let client: FtpClient;
  const logs: string[] = [];

  beforeEach(async () => {
    logs.length = 0;
    srv = await HostileServer.start({ files: { '/big.bin': data } });
    client = await FtpClient.connect({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, timeoutMs: 5000 });
  });
  afterEach(async () => {
    client?.destroy();
    await srv?.close();
  });

  const save = () =>
    safeSave(client, '/up.bin', () => Readable.from([data]), {
      existing: null,
      expectedBytes: SIZE,
      log: (t) => logs.push(t),
      resume: { key: KEY, from: (offset) => Readable.from([data.subarray(offset)]) },
    });
  const sent = (re: RegExp) => srv.commands.filter((c) => re.test(c.replace(/^\S+ /, '')));

  it('upload: REST accepted but STOR written from the start (the size is wrong): uploaded again whole', async () => {
    srv.put(TEMP, data.subarray(0, SIZE / 2));
    await save();
    assert.ok(srv.files.get('/up.bin')?.data.equals(data), 'the stored file differs');
    assert.equal(sent(/^REST /).length, 1);
    assert.ok(logs.some((t) => /did not give the expected size/.test(t)), logs.join(' | '));
    assert.ok(!srv.files.has(TEMP));
  });

  it('upload: REST refused: continued with APPE', async () => {
    srv.handlers.REST = (_arg, ctx) => ctx.reply('502 REST not implemented.');
    srv.put(TEMP, data.subarray(0, SIZE / 2));
    await save();
    assert.ok(srv.files.get('/up.bin')?.data.equals(data), 'the stored file differs');
    assert.equal(sent(/^APPE /).length, 1);
    assert.equal(sent(/^STOR /).length, 0, srv.commands.join(' | ')); // REST refused: no STOR
    assert.ok(logs.some((t) => /refused to continue an upload with REST .* trying APPE/.test(t)), logs.join(' | '));
  });

  it('upload: REST and APPE refused: uploaded from the start, and the log says why', async () => {
    srv.handlers.REST = (_arg, ctx) => ctx.reply('502 REST not implemented.');
    srv.handlers.APPE = (_arg, ctx) => ctx.reply('502 APPE not implemented.');
    srv.put(TEMP, data.subarray(0, SIZE / 2));
    await save();
    assert.ok(srv.files.get('/up.bin')?.data.equals(data), 'the stored file differs');
    assert.ok(logs.some((t) => /APPE \(502 .*uploads start from the beginning/.test(t)), logs.join(' | '));
  });

  it('download: REST refused: downloaded from the start, and the log says why', async () => {
    srv.handlers.REST = (_arg, ctx) => ctx.reply('502 REST not implemented.');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-resume-fb-'));
    const cfg = normalizeConnection({ name: 'h', host: srv.host, port: srv.port, username: srv.user, poolSize: 1 }).config!;
    const site: Site = new Site(cfg, 'saved:h', {
      poolSize: 1,
      resumeMinBytes: 1000,
      info: (t) => logs.push(t),
      connect: () => FtpClient.connect({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, timeoutMs: 5000, traits: site.traits }),
    });
    try {
      const st = await site.stat('/big.bin');
      const local = path.join(tmp, 'big.bin');
      fs.writeFileSync(partPath(local, resumeKey(site.key, '/big.bin', st.size, st.mtime)), data.subarray(0, 1000));
      await downloadTo(site, '/big.bin', tmp);
      assert.ok(fs.readFileSync(local).equals(data));
      assert.deepEqual(fs.readdirSync(tmp), ['big.bin']);
      assert.ok(logs.some((t) => /cannot continue a download \(REST 1000: 502/.test(t)), logs.join(' | '));
    } finally {
      await site.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
