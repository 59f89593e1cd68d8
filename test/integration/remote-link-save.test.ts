import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { FileType } from '../../src/remote/site';
import { SERVER_NAMES } from '../servers';
import { withSite } from './connect';
import { serverDisk } from './serverDisk';

/**
 * Symbolic links made on the server's disk, seen through a Site on the five real servers: saving a linked file
 * writes the file it leads to and leaves the link a link; stat of a link is what it leads to; every link of a
 * folder is typed, however many; a loop of links is reported, not followed.
 *
 * ftp-srv's LIST (and STAT) follow links, and it has no MLST: nothing over FTP shows a link there, so it is
 * asserted as what it is (a link looks like its target; a save replaces the link with a file).
 */
for (const name of SERVER_NAMES) {
  describe(`symlinks through a site on ${name}`, function () {
    this.timeout(60000);
    const ctx = withSite(name);
    const { infos } = ctx;
    /** ftp-srv shows no link as a link anywhere. pyftpdlib's MLSD follows links (and leaves out loops). */
    const blind = name === 'ftp-srv';
    const mlsdFollows = name === 'pyftpdlib';
    /** proftpd's and pyftpdlib's MLSD leave out what they cannot stat: a link in a loop. */
    const mlsdHidesLoops = name === 'proftpd' || name === 'pyftpdlib';

    const { abs, mkdir, write, link, isLink } = serverDisk(() => ctx.srv.root);
    /** No temporary file of a safe save left behind. */
    const noTemps = (...dirs: string[]) => {
      for (const d of dirs) assert.deepEqual(fs.readdirSync(abs(d)).filter((n) => n.includes('ftpx-')), [], `temporary files in ${d}`);
    };


    it('saving a linked file writes the file it leads to, and the link stays a link', async () => {
      mkdir('www/shared');
      write('www/shared/config.php', 'old content of the shared configuration\n');
      link('www/config.php', 'shared/config.php');
      link('www/alias.php', 'config.php'); // a chain: alias.php -> config.php -> shared/config.php
      const content = Buffer.concat([Buffer.from('<?php // new\n'), randomBytes(3000), Buffer.from([0, 13, 10, 255])]);
      await ctx.site.writeFile('/www/config.php', content, { create: false, overwrite: true });
      if (blind) {
        // ftp-srv: the link cannot be seen, so safe save renamed a new file over it; the linked file is as it was.
        assert.ok(!isLink('www/config.php'), 'ftp-srv shows no link: the save replaced it');
        assert.deepEqual(fs.readFileSync(abs('www/config.php')), content);
        assert.equal(fs.readFileSync(abs('www/shared/config.php'), 'utf8'), 'old content of the shared configuration\n');
        return;
      }
      assert.ok(isLink('www/config.php'), 'config.php is still a link');
      assert.equal(fs.readlinkSync(abs('www/config.php')), 'shared/config.php');
      assert.deepEqual(fs.readFileSync(abs('www/shared/config.php')), content);
      assert.ok(infos.some((t) => t.includes('/www/config.php is a link to /www/shared/config.php')), infos.join('\n'));
      noTemps('www', 'www/shared');

      // Through a chain of links, and by upload: the same file, and the same links.
      const second = randomBytes(5000);
      await ctx.site.upload(second, '/www/alias.php');
      assert.ok(isLink('www/alias.php') && isLink('www/config.php'));
      assert.deepEqual(fs.readFileSync(abs('www/shared/config.php')), second);
      assert.deepEqual(Buffer.from(await ctx.site.readFile('/www/alias.php')), second);
      noTemps('www', 'www/shared');
      // Said once per link, not at every save. The upload through alias.php changed the file behind config.php:
      // an editor of config.php reloads it (the change event) before saving again, or the save is a conflict.
      await ctx.site.readFile('/www/config.php');
      const before = infos.length;
      await ctx.site.writeFile('/www/config.php', content, { create: false, overwrite: true });
      assert.deepEqual(fs.readFileSync(abs('www/shared/config.php')), content);
      assert.equal(infos.length, before);
    });

    it('stat of a link gives the type, size and time of what it leads to', async () => {
      mkdir('st/data');
      write('st/data/report.csv', 'a,b,c\n'.repeat(100));
      const old = new Date(Date.UTC(2020, 5, 15, 12, 0, 0));
      fs.utimesSync(abs('st/data/report.csv'), old, old);
      link('st/report.csv', 'data/report.csv');
      link('st/folder', 'data');
      const s = await ctx.site.stat('/st/report.csv');
      assert.equal(s.size, 600, 'the size of the linked file, not the length of the link');
      assert.ok(Math.abs(s.mtime - old.getTime()) <= 24 * 3600 * 1000, `mtime ${new Date(s.mtime).toISOString()} is the linked file's`);
      assert.equal(s.type, blind || mlsdFollows ? FileType.File : FileType.SymbolicLink | FileType.File);
      const d = await ctx.site.stat('/st/folder');
      assert.equal(d.type, blind || mlsdFollows ? FileType.Directory : FileType.SymbolicLink | FileType.Directory);
    });

    it('every link of a folder of 40 links is typed as what it leads to', async () => {
      mkdir('many/target-dir');
      write('many/target-file.txt', 'x');
      const want = new Map<string, number>();
      for (let i = 0; i < 40; i++) {
        const n = `l${String(i).padStart(2, '0')}`;
        const toDir = i % 2 === 1;
        link(`many/${n}`, toDir ? 'target-dir' : 'target-file.txt');
        const t = toDir ? FileType.Directory : FileType.File;
        want.set(n, blind || mlsdFollows ? t : FileType.SymbolicLink | t);
      }
      const got = new Map((await ctx.site.readDirectory('/many')).filter(([n]) => n.startsWith('l')));
      assert.deepEqual([...got].sort(), [...want].sort());
    });

    it('a loop of links is reported, not followed', async () => {
      mkdir('loops');
      write('loops/plain.txt', 'plain');
      link('loops/self', 'self');
      link('loops/a', 'b');
      link('loops/b', 'a');
      link('loops/dot', '.');
      link('loops/up', '..');
      const types = new Map(await ctx.site.readDirectory('/loops'));
      if (!blind) {
        // Saving onto a link in a loop (listed or not) would replace the link: refused, and said so.
        await assert.rejects(ctx.site.writeFile('/loops/a', Buffer.from('x'), { create: true, overwrite: true }), /loop of links \(\/loops\/a -> \/loops\/b -> \/loops\/a\)/);
        assert.ok(isLink('loops/a') && isLink('loops/b'));
        noTemps('loops');
      }
      if (blind || mlsdFollows) {
        // Neither shows a link as a link: loops are left out of the listing, links to folders are folders.
        for (const n of ['self', 'a', 'b']) assert.ok(!types.has(n) || types.get(n) === FileType.File, `${n}: ${types.get(n)}`);
        assert.equal(types.get('dot'), FileType.Directory);
        return;
      }
      for (const n of ['self', 'a', 'b']) assert.equal(types.get(n), mlsdHidesLoops ? undefined : FileType.SymbolicLink, `${n} leads nowhere`);
      // A link to a folder that holds it is a link to a folder (which folder walks never enter), and said.
      assert.equal(types.get('dot'), FileType.SymbolicLink | FileType.Directory);
      assert.equal(types.get('up'), FileType.SymbolicLink | FileType.Directory);
      assert.equal(types.get('plain.txt'), FileType.File);
      // proftpd's LIST leaves out links to '.' and '..' (and its MLSD gives no target): nothing says where they lead.
      if (name !== 'proftpd') {
        assert.ok(infos.some((t) => /\/loops\/dot is a loop of links: it leads back to a folder that holds it/.test(t)), infos.join('\n'));
      }
      if (!mlsdHidesLoops) {
        assert.ok(infos.some((t) => /\/loops\/self is a loop of links/.test(t)), infos.join('\n'));
        assert.equal((await ctx.site.stat('/loops/a')).type, FileType.SymbolicLink);
      }
    });
  });
}
