import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpClient } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { SaveConflict, Site } from '../../src/remote/site';
import type { Version, VersionStore } from '../../src/remote/versions';
import { SERVER_NAMES, startServer, type RunningServer } from '../servers';

/**
 * A save never replaces a change someone else made on the server since the editor's copy was read, on the five
 * real servers, in the cases VS Code's own check (time moved on AND size changed, from a stat that may come from
 * a listing a few seconds old) lets through: the same size within the same minute, and a change made just before
 * the save. And never a false alarm: our own saves, and VS Code's own "Overwrite", go through.
 * The steps are what VS Code does: stat then readFile to open; stat then writeFile to save.
 */
for (const name of SERVER_NAMES) {
  describe(`save over someone else's change on ${name}`, function () {
    this.timeout(60000);
    let srv: RunningServer;
    let site: Site;
    /** The site's clock: moved on to outlive a listing instead of waiting for it. */
    let clock = Date.now();
    /** Two moments in the last whole minute: the file as opened, and as someone else changed it. */
    let opened: number;
    let changed: number;

    const disk = (rel: string) => path.join(srv.root, rel);
    /** Written on the server's disk behind the client's back, with the given time, owned by the FTP user. */
    const write = (rel: string, content: string, mtimeMs: number) => {
      fs.writeFileSync(disk(rel), content);
      const { uid, gid } = fs.statSync(srv.root);
      fs.chownSync(disk(rel), uid, gid);
      fs.utimesSync(disk(rel), mtimeMs / 1000, mtimeMs / 1000);
    };
    const nextListing = () => {
      clock += 10_000;
    };
    const open = async (p: string) => {
      await site.stat(p);
      return Buffer.from(await site.readFile(p)).toString();
    };
    const save = async (p: string, text: string, force = false) => {
      await site.stat(p);
      await site.writeFile(p, Buffer.from(text), { create: true, overwrite: true }, { force });
    };
    const conflict = (err: unknown) => err instanceof SaveConflict;

    /** The commands the site sent, in order. */
    const sent: string[] = [];
    /** What the extension keeps in the workspace's state (src/vscode/versionMemento.ts). */
    const store = new Map<string, Version>();
    const kept: VersionStore = { get: (k) => store.get(k), set: (k, v) => (v ? store.set(k, v) : store.delete(k)) };
    /** A site as the extension makes one: after a window reload, a new one with the same store. */
    const newSite = () => {
      const cfg = normalizeConnection({ name: 'it', host: srv.host, port: srv.port, username: srv.user }).config!;
      const s: Site = new Site(cfg, 'saved:it', {
        poolSize: 1,
        now: () => clock,
        versions: kept,
        connect: () =>
          FtpClient.connect({
            host: srv.host,
            port: srv.port,
            user: srv.user,
            password: srv.password,
            timeoutMs: 10000,
            traits: s.traits,
            logger: (e) => {
              if (e.kind === 'command') sent.push(e.text);
            },
          }),
      });
      return s;
    };

    before(async () => {
      srv = await startServer(name);
      site = newSite();
      const minute = Math.floor(Date.now() / 60000) * 60000 - 60000;
      opened = minute + 12_000;
      changed = minute + 41_000;
    });
    beforeEach(nextListing);
    after(async () => {
      await site?.dispose();
      await srv?.stop();
    });

    it('refuses a save over a change that kept the size, made in the same minute; Overwrite then replaces it', async () => {
      write('same-size.txt', 'version 1\n', opened);
      assert.equal(await open('/same-size.txt'), 'version 1\n');
      write('same-size.txt', 'version 2\n', changed);
      nextListing();
      await assert.rejects(save('/same-size.txt', 'version 1 and mine\n'), conflict);
      assert.equal(fs.readFileSync(disk('same-size.txt'), 'utf8'), 'version 2\n', "the colleague's change stays");
      await save('/same-size.txt', 'version 1 and mine\n', true);
      assert.equal(fs.readFileSync(disk('same-size.txt'), 'utf8'), 'version 1 and mine\n');
    });

    it('refuses a save over a change made while the listing VS Code stats from is still fresh', async () => {
      write('just-now.txt', 'version 1\n', opened);
      await open('/just-now.txt');
      write('just-now.txt', 'version 2, longer\n', changed);
      // No nextListing: the stat before the save still answers from the listing of the open.
      await assert.rejects(save('/just-now.txt', 'mine\n'), (err: unknown) => {
        assert.ok(err instanceof SaveConflict, String(err));
        assert.deepEqual([err.seen.size, err.server.size], [10, 18]);
        return true;
      });
      assert.equal(fs.readFileSync(disk('just-now.txt'), 'utf8'), 'version 2, longer\n');
    });

    it('refuses a change made between VS Code\'s stat and the save, asking the file anew without listing its folder again', async () => {
      write('between.txt', 'version 1\n', opened);
      await open('/between.txt');
      nextListing();
      // VS Code's save: a stat (a new listing, and the time to the second), then writeFile a moment later; someone's
      // change of the same size in the same minute lands in between.
      await site.stat('/between.txt');
      write('between.txt', 'version 2\n', changed);
      sent.length = 0;
      await assert.rejects(site.writeFile('/between.txt', Buffer.from('version 1 and mine\n'), { create: true, overwrite: true }), conflict);
      assert.equal(fs.readFileSync(disk('between.txt'), 'utf8'), 'version 2\n');
      // (Where the server's MLSD may show a link as what it leads to, a LIST says whether the name is a link.)
      const listings = sent.filter((c) => /^(LIST|MLSD|NLST)\b/.test(c));
      assert.deepEqual(listings, site.links.listingMayHideLinks ? ['LIST -a'] : [], sent.join(', '));
      assert.ok(sent.some((c) => /^(MDTM|MLST) \/between\.txt$/.test(c)), sent.join(', '));
    });

    it("lets VS Code's own Overwrite through: its stat showed the change (a later time, another size)", async () => {
      write('asked.txt', 'version 1\n', opened);
      await open('/asked.txt');
      write('asked.txt', 'version 2, longer\n', changed);
      nextListing();
      // VS Code stats, sees the change, refuses and asks; the user chooses Overwrite: stat, then writeFile.
      const seen = await site.stat('/asked.txt');
      assert.equal(seen.size, 18);
      await save('/asked.txt', 'mine\n');
      assert.equal(fs.readFileSync(disk('asked.txt'), 'utf8'), 'mine\n');
    });

    it('never asks when nobody else changed the file: a save, another save, a reopen and a save', async () => {
      write('ours.txt', 'version 1\n', opened);
      await open('/ours.txt');
      await save('/ours.txt', 'first save\n');
      await save('/ours.txt', 'second save, same minute\n');
      nextListing();
      await save('/ours.txt', 'third save\n');
      assert.equal(await open('/ours.txt'), 'third save\n');
      await save('/ours.txt', 'fourth save\n');
      assert.equal(fs.readFileSync(disk('ours.txt'), 'utf8'), 'fourth save\n');
    });

    it('a file reopened after the change is saved without a question', async () => {
      write('reloaded.txt', 'version 1\n', opened);
      await open('/reloaded.txt');
      write('reloaded.txt', 'version 2\n', changed);
      nextListing();
      // What VS Code does for an unmodified editor when the watcher reports the change: read it again.
      assert.equal(await open('/reloaded.txt'), 'version 2\n');
      await save('/reloaded.txt', 'version 2 and mine\n');
      assert.equal(fs.readFileSync(disk('reloaded.txt'), 'utf8'), 'version 2 and mine\n');
    });

    it('checks the first save of an editor restored after a window reload (a new site, the versions kept)', async () => {
      write('restored.txt', 'version 1\n', opened);
      await open('/restored.txt');
      await site.dispose();
      site = newSite();
      write('restored.txt', 'version 2\n', changed);
      nextListing();
      await assert.rejects(save('/restored.txt', 'version 1 and mine\n'), conflict);
      assert.equal(fs.readFileSync(disk('restored.txt'), 'utf8'), 'version 2\n');
    });

    it('refuses a save through a link whose file someone changed, keeping the size', async () => {
      fs.mkdirSync(disk('shared'), { recursive: true });
      const { uid, gid } = fs.statSync(srv.root);
      fs.chownSync(disk('shared'), uid, gid);
      write('shared/config.txt', 'config 1\n', opened);
      fs.symlinkSync('shared/config.txt', disk('config.txt'));
      await open('/config.txt');
      write('shared/config.txt', 'config 2\n', changed);
      nextListing();
      await assert.rejects(save('/config.txt', 'config 1, mine\n'), conflict);
      assert.equal(fs.readFileSync(disk('shared/config.txt'), 'utf8'), 'config 2\n');
      assert.ok(fs.lstatSync(disk('config.txt')).isSymbolicLink());
    });
  });
}
