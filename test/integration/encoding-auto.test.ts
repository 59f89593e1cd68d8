import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as iconv from 'iconv-lite';
import { hasUndecodableBytes } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { FileType, Site } from '../../src/remote/site';
import { startServer, type RunningServer, type ServerName } from '../servers';
import { clientOf, siteOf } from './connect';

/**
 * Servers whose names on disk are GBK bytes (and a Big5 and a Shift_JIS one), as an old Chinese Linux host or a
 * Windows server keeps them: vsftpd, pure-ftpd and proftpd pass the bytes through (pure-ftpd and proftpd even
 * announce UTF8). With the default settings ('auto') the names show right, and opening, saving, renaming and
 * deleting them changes exactly those files on the server's disk.
 */
const enc = (s: string, cp: string) => iconv.encode(s, cp);

for (const name of ['vsftpd', 'pure-ftpd', 'proftpd'] as ServerName[]) {
  describe(`names in a code page, found by themselves (${name})`, function () {
    this.timeout(60000);
    let srv: RunningServer;
    const infos: string[] = [];
    const disk = (...parts: Buffer[]) => Buffer.concat([Buffer.from(srv.root + '/'), ...parts.flatMap((p, i) => (i ? [Buffer.from('/'), p] : [p]))]);
    const own = (p: Buffer) => {
      const { uid, gid } = fs.statSync(srv.root);
      fs.chownSync(p, uid, gid);
    };
    const listDisk = (dir: Buffer) => fs.readdirSync(dir, { encoding: 'buffer' }).map((b) => b.toString('hex')).sort();

    before(async () => {
      srv = await startServer(name);
      const dir = disk(enc('中文目录', 'gbk'));
      fs.mkdirSync(dir);
      own(dir);
      for (const [n, cp] of [['中文文件.txt', 'gbk'], ['会议纪要.doc', 'gbk'], ['照片备份', 'gbk'], ['繁體中文檔案.txt', 'big5'], ['日本語のファイル.txt', 'shift_jis'], ['utf8名字.txt', 'utf8']]) {
        const f = disk(enc('中文目录', 'gbk'), enc(n, cp));
        fs.writeFileSync(f, `${n} in ${cp}\n`);
        own(f);
      }
      for (const [folder, cp, names] of [
        ['big5', 'big5', ['繁體中文檔案.txt', '新增資料夾', '會議記錄.doc']],
        ['sjis', 'shift_jis', ['日本語のファイル.txt', '写真', '会議資料.xlsx']],
      ] as const) {
        const dir = disk(Buffer.from(folder));
        fs.mkdirSync(dir);
        own(dir);
        for (const n of names) {
          const f = disk(Buffer.from(folder), enc(n, cp));
          fs.writeFileSync(f, `${n}\n`);
          own(f);
        }
      }
      const odd = disk(Buffer.from([0x61, 0x81, 0x2e, 0x74, 0x78, 0x74])); // a\x81.txt: no character in GBK, nor a word in any other code page
      fs.writeFileSync(odd, 'odd\n');
      own(odd);
    });
    after(async () => srv?.stop());

    it('shows the names right, saying once in the log which code page it found', async () => {
      const cfg = normalizeConnection({ name: 'gbk', host: srv.host, port: srv.port, username: srv.user }).config!;
      const site: Site = new Site(cfg, 'saved:gbk', {
        poolSize: 1,
        connect: () => clientOf(srv, { traits: site.traits, logger: (e) => e.kind === 'info' && infos.push(e.text) }),
      });
      try {
        const root = await site.readDirectory('/');
        assert.ok(root.some(([n, t]) => n === '中文目录' && t === FileType.Directory), JSON.stringify(root));
        const names = (await site.readDirectory('/中文目录')).map(([n]) => n).sort();
        assert.deepEqual(names, ['中文文件.txt', '会议纪要.doc', '日本語のファイル.txt', '照片备份', '繁體中文檔案.txt', 'utf8名字.txt'].sort());
        assert.equal(site.traits.names.codePage, 'gb18030');
        assert.equal(infos.filter((t) => /gb18030/.test(t)).length, 1, infos.join('\n'));
      } finally {
        await site.dispose();
      }
    });

    it('opens, saves, renames and deletes names of each encoding, changing those files on the disk', async () => {
      const site = siteOf(srv, { poolSize: 2 });
      try {
        await site.readDirectory('/');
        await site.readDirectory('/中文目录');
        // Open each, in its own code page.
        assert.equal(Buffer.from(await site.readFile('/中文目录/中文文件.txt')).toString(), '中文文件.txt in gbk\n');
        assert.equal(Buffer.from(await site.readFile('/中文目录/繁體中文檔案.txt')).toString(), '繁體中文檔案.txt in big5\n');
        assert.equal(Buffer.from(await site.readFile('/中文目录/日本語のファイル.txt')).toString(), '日本語のファイル.txt in shift_jis\n');
        // Save over one (safe save: a temporary file, then a rename over it) and make a new one.
        await site.writeFile('/中文目录/会议纪要.doc', Buffer.from('saved\n'), { create: true, overwrite: true });
        await site.writeFile('/中文目录/新文件.txt', Buffer.from('new\n'), { create: true, overwrite: false });
        await site.rename('/中文目录/繁體中文檔案.txt', '/中文目录/改名.txt', { overwrite: false });
        await site.delete('/中文目录/日本語のファイル.txt', { recursive: false });
        await site.delete('/中文目录/照片备份', { recursive: false });
        await site.rename('/中文目录/utf8名字.txt', '/中文目录/utf8改名.txt', { overwrite: false });
      } finally {
        await site.dispose();
      }
      const gbkDir = disk(enc('中文目录', 'gbk'));
      assert.deepEqual(
        listDisk(gbkDir),
        [enc('中文文件.txt', 'gbk'), enc('会议纪要.doc', 'gbk'), enc('新文件.txt', 'gbk'), enc('改名.txt', 'gbk'), enc('utf8改名.txt', 'gbk')]
          .map((b) => b.toString('hex'))
          .sort(),
      );
      assert.equal(fs.readFileSync(disk(enc('中文目录', 'gbk'), enc('会议纪要.doc', 'gbk'))).toString(), 'saved\n');
      assert.equal(fs.readFileSync(disk(enc('中文目录', 'gbk'), enc('改名.txt', 'gbk'))).toString(), '繁體中文檔案.txt in big5\n');
    });

    for (const [folder, cp, sample] of [
      ['big5', 'big5', '繁體中文檔案.txt'],
      ['sjis', 'shift_jis', '日本語のファイル.txt'],
    ] as const) {
      it(`finds ${cp} on a server whose names are ${cp}, and opens, saves and deletes by those names`, async () => {
        const site = siteOf(srv);
        try {
          const names = (await site.readDirectory(`/${folder}`)).map(([n]) => n);
          assert.ok(names.includes(sample), JSON.stringify(names));
          assert.equal(site.traits.names.codePage, cp);
          assert.equal(Buffer.from(await site.readFile(`/${folder}/${sample}`)).toString(), `${sample}\n`);
          await site.writeFile(`/${folder}/${sample}`, Buffer.from('saved\n'), { create: false, overwrite: true });
          await site.writeFile(`/${folder}/新的.txt`, Buffer.from('new\n'), { create: true, overwrite: false });
          await site.delete(`/${folder}/${sample}`, { recursive: false });
        } finally {
          await site.dispose();
        }
        const onDisk = listDisk(disk(Buffer.from(folder)));
        assert.ok(onDisk.includes(enc('新的.txt', cp).toString('hex')), 'the new name is not in the code page on the disk');
        assert.ok(!onDisk.includes(enc(sample, cp).toString('hex')), 'the deleted name is still on the disk');
      });
    }

    it('shows a name with bytes that are no character marked, and opens and deletes it', async () => {
      const site = siteOf(srv);
      try {
        const odd = (await site.readDirectory('/')).map(([n]) => n).find((n) => n.startsWith('a') && n.endsWith('.txt'));
        assert.ok(odd && hasUndecodableBytes(odd), `no marked name in ${JSON.stringify(await site.readDirectory('/'))}`);
        assert.equal(Buffer.from(await site.readFile(`/${odd}`)).toString(), 'odd\n');
        await site.delete(`/${odd}`, { recursive: false });
      } finally {
        await site.dispose();
      }
      assert.ok(!fs.existsSync(disk(Buffer.from([0x61, 0x81, 0x2e, 0x74, 0x78, 0x74]))));
    });
  });
}
