import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadTo } from '../../src/remote/download';
import { SERVER_NAMES } from '../servers';
import { withSite } from './connect';
import { serverDisk } from './serverDisk';

/**
 * What the tree's Delete and Rename do where the server is not what a listing shows, on the five real servers:
 * deleting a folder that holds links to folders and files, or a link itself, leaves every link's target
 * byte-identical (pyftpdlib's MLSD and ftp-srv's LIST show a link to a folder as that folder); renaming over a
 * file keeps it until the rename has succeeded.
 */
const DATA = 'the only copy of important data\n';

for (const name of SERVER_NAMES) {
  describe(`links and replacing on ${name}`, function () {
    this.timeout(60000);
    const ctx = withSite(name);
    const { infos } = ctx;

    const { mkdir, write, link, exists, read } = serverDisk(() => ctx.srv.root);
    /** ftp-srv deletes with rmdir() whatever stat() calls a folder, so it cannot delete a link to a folder at all. */
    const cannotDeleteLinks = name === 'ftp-srv';


    it('deleting a folder that holds links removes the links, never their targets', async () => {
      mkdir('important/deep');
      write('important/data.db', DATA);
      write('important/deep/more.db', DATA);
      mkdir('victim/real');
      write('victim/real/inner.txt', 'inner');
      link('victim/link-dir', '../important');
      link('victim/link-file', '../important/data.db');
      link('victim/real/up', '..');
      if (cannotDeleteLinks) {
        await assert.rejects(ctx.site.delete('/victim', { recursive: true }), /link to a folder.*not touched/);
        assert.ok(exists('victim/link-dir'));
      } else {
        await ctx.site.delete('/victim', { recursive: true });
        assert.ok(!exists('victim'), 'the folder is gone');
      }
      assert.equal(read('important/data.db'), DATA);
      assert.equal(read('important/deep/more.db'), DATA);
    });

    it('deleting a link to a folder removes the link only', async () => {
      mkdir('keep');
      write('keep/data.db', DATA);
      link('alias', 'keep');
      await ctx.site.readDirectory('/');
      if (cannotDeleteLinks) {
        await assert.rejects(ctx.site.delete('/alias', { recursive: true }), /link to a folder.*not touched/);
      } else {
        await ctx.site.delete('/alias', { recursive: true });
        assert.ok(!exists('alias'), 'the link is gone');
      }
      assert.ok(!fs.lstatSync(path.join(ctx.srv.root, 'keep')).isSymbolicLink());
      assert.equal(read('keep/data.db'), DATA);
    });

    it('a folder download does not walk into a link to a folder (a loop)', async () => {
      mkdir('tree/real');
      write('tree/real/inner.txt', 'inner');
      write('tree/top.txt', 'top');
      link('tree/loop', '.');
      link('tree/real/back', '..');
      const here = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-links-'));
      try {
        const r = await downloadTo(ctx.site, '/tree', here);
        assert.equal(fs.readFileSync(path.join(here, 'tree/real/inner.txt'), 'utf8'), 'inner');
        assert.equal(fs.readFileSync(path.join(here, 'tree/top.txt'), 'utf8'), 'top');
        // Where a listing shows no link as a link (ftp-srv's LIST follows them), the loop lists as the folder again.
        assert.ok(!fs.existsSync(path.join(here, 'tree/loop')), 'walked into the loop');
        assert.ok(!fs.existsSync(path.join(here, 'tree/real/back')), 'walked back up');
        assert.equal(r.folders, 2, `${r.folders} folders downloaded`);
      } finally {
        fs.rmSync(here, { recursive: true, force: true });
      }
    });

    it('renaming over a file keeps it when the rename is refused', async () => {
      mkdir('from');
      mkdir('to');
      write('from/src.txt', 'new');
      write('to/dst.txt', 'precious');
      // The server refuses to move a file out of a folder it may not write.
      fs.chmodSync(path.join(ctx.srv.root, 'from'), 0o555);
      await ctx.site.readDirectory('/to');
      await assert.rejects(ctx.site.rename('/from/src.txt', '/to/dst.txt', { overwrite: true }));
      assert.equal(read('to/dst.txt'), 'precious');
      assert.equal(read('from/src.txt'), 'new');
      assert.deepEqual(fs.readdirSync(path.join(ctx.srv.root, 'to')), ['dst.txt'], 'no copy left aside');
      fs.chmodSync(path.join(ctx.srv.root, 'from'), 0o755);
      await ctx.site.rename('/from/src.txt', '/to/dst.txt', { overwrite: true });
      assert.equal(read('to/dst.txt'), 'new');
      assert.ok(!exists('from/src.txt'));
      assert.deepEqual(fs.readdirSync(path.join(ctx.srv.root, 'to')), ['dst.txt'], 'no copy left aside');
    });

    it('renaming over a folder that holds a link leaves the link target alone', async () => {
      mkdir('treasure');
      write('treasure/gold.db', DATA);
      mkdir('old');
      link('old/portal', '../treasure');
      mkdir('fresh');
      write('fresh/a.txt', 'a');
      await ctx.site.readDirectory('/');
      if (cannotDeleteLinks) {
        // The old folder cannot be deleted (its link cannot): the rename is done, the old folder is kept aside.
        await ctx.site.rename('/fresh', '/old', { overwrite: true });
        assert.ok(infos.some((t) => /could not be deleted and is at \/\.old\.[0-9a-f]{8}\.ftpx-old/.test(t)), infos.join('\n'));
      } else {
        await ctx.site.rename('/fresh', '/old', { overwrite: true });
        assert.ok(!fs.readdirSync(ctx.srv.root).some((n) => n.includes('ftpx-')), 'no copy left aside');
      }
      assert.equal(read('old/a.txt'), 'a');
      assert.ok(!exists('old/portal'));
      assert.equal(read('treasure/gold.db'), DATA);
    });
  });
}
