import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downloadTo } from '../../src/remote/download';
import type { Site } from '../../src/remote/site';
import { applyPlan, planSync } from '../../src/remote/sync';
import { MAX_POOL_SIZE } from '../../src/remote/config';
import { WIDE_FOLDER_CONNECTIONS, wideConnections } from '../../src/remote/transfers';
import { uploadTo } from '../../src/remote/upload';
import { SERVER_NAMES } from '../servers';
import type { FaultProxy } from '../faults/proxy';
import { withProxiedSite } from './connect';

/**
 * A folder transfer over a long round trip (an emulated 20 ms) widens a pool of 2 to 4 connections for its files,
 * and gives the extra ones back when it is done; on loopback it keeps to the pool's 2. On the five servers, both
 * directions and a sync, every file whole; and a server that refuses the fourth connection gets 3, with no file lost.
 */
const FILES = 12;

/** The most connections the site's pool had open at once while `fn` ran. */
async function peakConnections(site: Site, fn: () => Promise<unknown>): Promise<number> {
  const open = () => site.pool.stats.idle + site.pool.stats.busy + site.pool.stats.connecting;
  let peak = open();
  const stop = site.pool.onDidChange(() => (peak = Math.max(peak, open())));
  try {
    await fn();
  } finally {
    stop();
  }
  return peak;
}

/** The most commands matching `pattern` in progress at once at the proxy (from the command to its final reply). */
function mostAtOnce(proxy: FaultProxy, pattern: RegExp): () => number {
  let now = 0;
  let most = 0;
  proxy.hooks = {
    command: (line) => {
      if (pattern.test(line)) most = Math.max(most, ++now);
      return undefined;
    },
    reply: (r) => {
      if (r.code >= 200 && r.command && pattern.test(r.command)) now--;
      return undefined;
    },
  };
  return () => most;
}

/** `files` files in a local folder "up" (to upload) and in the server's "/down" (to download); the local folder. */
function flatFolders(srvRoot: string, tmp: string, files: number): string {
  const local = path.join(tmp, 'up');
  fs.mkdirSync(local);
  fs.mkdirSync(path.join(srvRoot, 'down'));
  for (let i = 0; i < files; i++) {
    fs.writeFileSync(path.join(local, `u${i}.bin`), crypto.randomBytes(100 + i * 37));
    fs.writeFileSync(path.join(srvRoot, 'down', `d${i}.bin`), crypto.randomBytes(100 + i * 53));
  }
  return local;
}

/** The same file names in both folders, byte for byte. */
function sameFiles(a: string, b: string): void {
  const names = fs.readdirSync(a).sort();
  assert.deepEqual(fs.readdirSync(b).sort(), names);
  for (const n of names) assert.ok(fs.readFileSync(path.join(a, n)).equals(fs.readFileSync(path.join(b, n))), `${n} differs`);
}

for (const name of SERVER_NAMES) for (const rttMs of [20, 0]) {
  describe(`folder transfers ${rttMs ? `over a ${rttMs} ms round trip` : 'on loopback'} with a pool of 2, on ${name}`, function () {
    this.timeout(60000);
    const wide = rttMs > 0;
    let local = '';
    const ctx = withProxiedSite(name, {
      poolSize: 2,
      tmpPrefix: 'ftpx-folder-conns-',
      link: rttMs ? { rttMs } : undefined,
      prepare: (srv, tmp) => {
        local = flatFolders(srv.root, tmp, FILES);
        // A tree of small folders (a web site's kind): 6 folders of 2 files, each with a subfolder of 1; on the
        // server for downloads, here for uploads.
        for (const top of [path.join(srv.root, 'tree'), path.join(tmp, 'uptree')]) {
          for (let f = 0; f < 6; f++) {
            const dir = path.join(top, `f${f}`);
            fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
            for (let i = 0; i < 2; i++) fs.writeFileSync(path.join(dir, `t${i}.bin`), crypto.randomBytes(200 + f * 31 + i));
            fs.writeFileSync(path.join(dir, 'sub', 's.bin'), crypto.randomBytes(300 + f));
          }
        }
      },
    });
    const infos: string[] = [];

    before(async () => {
      // The pool size as the extension's default gives it (no poolSize of the connection's own), and a listing
      // that shows the round trip (the login's 2 answers and an EPSV's).
      ctx.site.config = { ...ctx.site.config, poolSize: undefined };
      (ctx.site.opts as { info?: (t: string) => void }).info = (t) => infos.push(t);
      await ctx.site.readDirectory('/');
    });

    /** Every file and folder under `a` is under `b`, byte for byte. */
    function sameTree(a: string, b: string): void {
      const names = fs.readdirSync(a).sort();
      assert.deepEqual(fs.readdirSync(b).sort(), names, b);
      for (const n of names) {
        if (fs.statSync(path.join(a, n)).isDirectory()) sameTree(path.join(a, n), path.join(b, n));
        else assert.ok(fs.readFileSync(path.join(a, n)).equals(fs.readFileSync(path.join(b, n))), `${n} differs`);
      }
    }

    it(`downloads a folder of ${FILES} files over ${wide ? WIDE_FOLDER_CONNECTIONS : 2} connections, then is a pool of 2 again`, async () => {
      const into = path.join(ctx.tmp, 'got');
      const peak = await peakConnections(ctx.site, () => downloadTo(ctx.site, '/down', into));
      sameFiles(path.join(ctx.srv.root, 'down'), path.join(into, 'down'));
      assert.equal(peak, wide ? WIDE_FOLDER_CONNECTIONS : 2);
      assert.equal(ctx.site.pool.size, 2);
      assert.ok(ctx.site.pool.stats.idle + ctx.site.pool.stats.busy <= 2, JSON.stringify(ctx.site.pool.stats));
    });

    it(`uploads a folder of ${FILES} files over ${wide ? WIDE_FOLDER_CONNECTIONS : 2} connections, then is a pool of 2 again`, async () => {
      const peak = await peakConnections(ctx.site, () => uploadTo(ctx.site, [local], '/'));
      sameFiles(local, path.join(ctx.srv.root, 'up'));
      assert.equal(peak, wide ? WIDE_FOLDER_CONNECTIONS : 2);
      assert.equal(ctx.site.pool.size, 2);
      assert.ok(ctx.site.pool.stats.idle + ctx.site.pool.stats.busy <= 2, JSON.stringify(ctx.site.pool.stats));
    });

    it('downloads a tree of small folders listing several folders at once, every file whole', async () => {
      // Folder by folder, one listing at a time: never two in progress (at the proxy, from command to final reply).
      const most = mostAtOnce(ctx.proxy, /^(MLSD|LIST|NLST)\b/);
      const into = path.join(ctx.tmp, 'got-tree');
      const r = await downloadTo(ctx.site, '/tree', into);
      ctx.proxy.hooks = {};
      sameTree(path.join(ctx.srv.root, 'tree'), path.join(into, 'tree'));
      assert.equal(r.files, 18);
      assert.equal(r.folders, 13);
      // On loopback a listing may be over before the next one starts: only the emulated round trip makes it certain.
      if (wide) assert.ok(most() >= 2, `${most()} listing(s) at once`);
      assert.equal(ctx.site.pool.size, 2);
    });

    it('uploads a tree of small folders making several folders at once, every file whole', async () => {
      const most = mostAtOnce(ctx.proxy, /^MKD\b/);
      const r = await uploadTo(ctx.site, [path.join(ctx.tmp, 'uptree')], '/');
      ctx.proxy.hooks = {};
      sameTree(path.join(ctx.tmp, 'uptree'), path.join(ctx.srv.root, 'uptree'));
      assert.equal(r.files, 18);
      assert.equal(r.folders, 13);
      if (wide) assert.ok(most() >= 2, `${most()} MKD at once`);
      assert.equal(ctx.site.pool.size, 2);
    });

    it('uploads a tree of small folders without listing any folder it made (each one made is added to the listing that showed it missing)', async () => {
      await ctx.site.createDirectory('/again');
      const listed: string[] = [];
      ctx.proxy.hooks = {
        command: (line) => {
          // A listing (vsftpd's CWD before its LIST) of one of the folders this upload makes.
          if (/^(CWD|MLSD|LIST|LIST -a|NLST|STAT|MLST) \/again\/uptree(\/|$)/.test(line)) listed.push(line);
          return undefined;
        },
      };
      // (The cache's few seconds must not run out on a slow machine: that would list again, rightly.)
      const cache = ctx.site.cache as { ttlMs: number };
      const ttl = cache.ttlMs;
      cache.ttlMs = 600000;
      try {
        const r = await uploadTo(ctx.site, [path.join(ctx.tmp, 'uptree')], '/again');
        assert.equal(r.files, 18);
      } finally {
        cache.ttlMs = ttl;
        ctx.proxy.hooks = {};
      }
      sameTree(path.join(ctx.tmp, 'uptree'), path.join(ctx.srv.root, 'again', 'uptree'));
      assert.deepEqual(listed, []);
    });

    it('syncs a tree of small folders up without listing a folder it made before its files are in (new and empty, as put -r)', async () => {
      await ctx.site.createDirectory('/synctree');
      const local = path.join(ctx.tmp, 'uptree');
      /** 'list' for a listing of one of the folders the sync makes, 'stor' for an upload, 'mlst' for a stored file's MLST, in the order sent. */
      const sent: ('list' | 'stor' | 'mlst')[] = [];
      ctx.proxy.hooks = {
        command: (line) => {
          // (An MLST of a file just stored, in the write of its upload's last command, is not a look at a folder.)
          if (/^MLST /.test(line) && fs.statSync(path.join(local, line.slice('MLST /synctree/'.length)), { throwIfNoEntry: false })?.isFile()) sent.push('mlst');
          else if (/^(CWD|MLSD|LIST|LIST -a|NLST|STAT|MLST) \/synctree\/./.test(line)) sent.push('list');
          else if (/^STOR /.test(line)) sent.push('stor');
          return undefined;
        },
      };
      // (The cache's few seconds must not run out on a slow machine: that would list again, rightly.)
      const cache = ctx.site.cache as { ttlMs: number };
      const ttl = cache.ttlMs;
      cache.ttlMs = 600000;
      try {
        const parallel = ctx.site.pool.size;
        const { plan } = await planSync(ctx.site, { direction: 'upload', localRoot: local, remoteRoot: '/synctree', seen: new Map(), parallel });
        const r = await applyPlan(ctx.site, plan, { localRoot: local, remoteRoot: '/synctree', parallel, seen: new Map() });
        assert.equal(r.failed.length, 0, r.failed.map((f) => f.error.message).join('\n'));
      } finally {
        cache.ttlMs = ttl;
        ctx.proxy.hooks = {};
      }
      sameTree(local, path.join(ctx.srv.root, 'synctree'));
      const lastStor = sent.lastIndexOf('stor');
      assert.equal(sent.filter((x) => x === 'stor').length, 18);
      assert.deepEqual(sent.slice(0, lastStor).filter((x) => x === 'list'), [], 'listed a folder it made before its files were in');
      // The server's times of the files, for the next sync: where the plan lists with MLSD, each file's MLST that went
      // with its upload's last command; else a read-back after the uploads, listing the folders.
      if (ctx.site.traits.mlsd === true) {
        assert.equal(sent.filter((x) => x === 'mlst').length, 18);
        assert.ok(!sent.slice(lastStor).includes('list'), 'listed the folders again although every upload brought its MLST');
      } else {
        assert.ok(sent.slice(lastStor).includes('list'), 'no read-back after the uploads');
      }
    });

    if (!wide) {
      it('an upload does not follow a local link back to a folder above it (a loop): it is reported, nothing repeats on the server', async () => {
        const top = path.join(ctx.tmp, 'looped');
        fs.mkdirSync(path.join(top, 'a'), { recursive: true });
        fs.writeFileSync(path.join(top, 'a', 'f.txt'), 'f');
        fs.symlinkSync('..', path.join(top, 'a', 'up'));
        fs.symlinkSync('.', path.join(top, 'self'));
        // A link to a folder elsewhere (not above it) is followed, as before.
        fs.mkdirSync(path.join(ctx.tmp, 'elsewhere'));
        fs.writeFileSync(path.join(ctx.tmp, 'elsewhere', 'e.txt'), 'e');
        fs.symlinkSync('../elsewhere', path.join(top, 'other'));
        const r = await uploadTo(ctx.site, [top], '/');
        assert.deepEqual(r.links.sort(), [path.join(top, 'a', 'up'), path.join(top, 'self')]);
        assert.equal(r.files, 2);
        const onServer = path.join(ctx.srv.root, 'looped');
        assert.deepEqual(fs.readdirSync(onServer).sort(), ['a', 'other']);
        assert.deepEqual(fs.readdirSync(path.join(onServer, 'a')), ['f.txt']);
        assert.deepEqual(fs.readdirSync(path.join(onServer, 'other')), ['e.txt']);
      });
    }

    it(`a sync of ${FILES} new files up (the pool's size as its parallel) uses ${wide ? WIDE_FOLDER_CONNECTIONS : 2} connections too`, async () => {
      const parallel = ctx.site.pool.size;
      const { plan } = await planSync(ctx.site, { direction: 'upload', localRoot: local, remoteRoot: '/synced', seen: new Map(), parallel });
      const peak = await peakConnections(ctx.site, async () => {
        const r = await applyPlan(ctx.site, plan, { localRoot: local, remoteRoot: '/synced', parallel, seen: new Map() });
        assert.equal(r.failed.length, 0, r.failed.map((f) => f.error.message).join('\n'));
      });
      sameFiles(local, path.join(ctx.srv.root, 'synced'));
      assert.equal(peak, wide ? WIDE_FOLDER_CONNECTIONS : 2);
      assert.equal(ctx.site.pool.size, 2);
    });

    it(`a sync's plan of a tree of small folders lists up to ${wide ? WIDE_FOLDER_CONNECTIONS : 2} folders at once, then the pool is 2 again`, async () => {
      const most = mostAtOnce(ctx.proxy, /^(MLSD|LIST|NLST)\b/);
      const into = path.join(ctx.tmp, 'plan-tree');
      fs.mkdirSync(into);
      const peak = await peakConnections(ctx.site, async () => {
        const { plan } = await planSync(ctx.site, { direction: 'download', localRoot: into, remoteRoot: '/tree', seen: new Map(), parallel: ctx.site.pool.size });
        assert.equal(plan.rows.filter((r) => r.action === 'copy').length, 18);
        assert.equal(plan.rows.filter((r) => r.action === 'mkdir').length, 12);
      });
      ctx.proxy.hooks = {};
      // 6 folders wait after the first listing: over the round trip the pool widens for them (it kept to its 2
      // before), and its connections list at once. (How many of the 4 overlap depends on how soon the new ones are
      // logged in: on a busy machine the first two may have listed most folders by then.)
      assert.equal(peak, wide ? WIDE_FOLDER_CONNECTIONS : 2);
      if (wide) assert.ok(most() >= 2, `${most()} listing(s) at once`);
      assert.equal(ctx.site.pool.size, 2);
      assert.ok(ctx.site.pool.stats.idle + ctx.site.pool.stats.busy <= 2, JSON.stringify(ctx.site.pool.stats));
    });

    it(`a sync's --checksum comparisons use ${wide ? WIDE_FOLDER_CONNECTIONS : 2} connections, then the pool is 2 again`, async () => {
      // The server's files copied here: every pair has the same size, so each is compared.
      const mine = path.join(ctx.tmp, 'checksum-down');
      fs.cpSync(path.join(ctx.srv.root, 'down'), mine, { recursive: true });
      let result: Awaited<ReturnType<typeof planSync>> | undefined;
      const peak = await peakConnections(ctx.site, async () => {
        result = await planSync(ctx.site, { direction: 'upload', localRoot: mine, remoteRoot: '/down', seen: new Map(), parallel: ctx.site.pool.size, checksum: true });
      });
      assert.equal(result!.sameContent?.size, FILES);
      assert.ok([...result!.sameContent!.values()].every(Boolean), 'every pair the same');
      assert.equal(peak, wide ? WIDE_FOLDER_CONNECTIONS : 2);
      assert.equal(ctx.site.pool.size, 2);
    });

    it('a sync down moves each planned file with its transfer alone: no stat, listing or time of it first', async () => {
      const into = path.join(ctx.tmp, 'sync-down');
      const o = { localRoot: into, remoteRoot: '/tree', parallel: ctx.site.pool.size };
      const { plan } = await planSync(ctx.site, { ...o, direction: 'download', seen: new Map() });
      const verbs = new Map<string, number>();
      ctx.proxy.hooks = {
        command: (line) => {
          const verb = line.split(' ')[0].toUpperCase();
          verbs.set(verb, (verbs.get(verb) ?? 0) + 1);
          return undefined;
        },
      };
      const r = await applyPlan(ctx.site, plan, { ...o, seen: new Map() });
      ctx.proxy.hooks = {};
      assert.equal(r.failed.length, 0, r.failed.map((f) => f.error.message).join('\n'));
      sameTree(path.join(ctx.srv.root, 'tree'), into);
      assert.equal(verbs.get('RETR'), 18);
      // The plan's fresh listing had each file's size and time: asking again costs a round trip or two per file.
      const asked = ['MDTM', 'MLST', 'SIZE', 'LIST', 'MLSD', 'NLST', 'STAT'].filter((v) => verbs.has(v)).map((v) => `${v} x${verbs.get(v)}`);
      assert.deepEqual(asked, []);
    });

    it('a sync up of a new tree makes the folders of one depth at once, and later removes them so', async () => {
      const mine = path.join(ctx.tmp, 'sync-tree');
      fs.cpSync(path.join(ctx.tmp, 'uptree'), mine, { recursive: true });
      const sync = async (seen: Map<string, unknown>) => {
        const o = { localRoot: mine, remoteRoot: '/sync-tree', parallel: ctx.site.pool.size };
        const { plan } = await planSync(ctx.site, { ...o, direction: 'upload', seen: seen as never, delete: true });
        const r = await applyPlan(ctx.site, plan, { ...o, seen: seen as never });
        assert.equal(r.failed.length, 0, r.failed.map((f) => f.error.message).join('\n'));
        return r;
      };
      let most = mostAtOnce(ctx.proxy, /^MKD\b/);
      // After the last upload's reply, what the server now holds is read back (for the next sync) on a LIST server: a
      // listing per folder, several at once.
      let stored = 0;
      let listing = 0;
      let mostListing = 0;
      const counting = ctx.proxy.hooks;
      ctx.proxy.hooks = {
        command: (line, s) => {
          if (stored >= 18 && /^(MLSD|LIST|NLST)\b/.test(line)) mostListing = Math.max(mostListing, ++listing);
          return counting.command?.(line, s);
        },
        reply: (r, s) => {
          if (r.code >= 200 && /^STOR\b/.test(r.command ?? '')) stored++;
          else if (r.code >= 200 && listing > 0 && /^(MLSD|LIST|NLST)\b/.test(r.command ?? '')) listing--;
          return counting.reply?.(r, s);
        },
      };
      const first = await sync(new Map());
      ctx.proxy.hooks = {};
      assert.equal(stored, 18);
      // (Where the plan lists with MLSD, each upload brought its file's MLST: nothing to read back.)
      if (ctx.site.traits.mlsd === true) assert.equal(mostListing, 0, 'listed after the uploads');
      else if (wide) assert.ok(mostListing >= 2, `${mostListing} listing(s) at once after the uploads`);
      sameTree(mine, path.join(ctx.srv.root, 'sync-tree'));
      assert.equal(first.done.length, 12 + 18);
      // One at a time before: the 6 top folders, then the 6 subfolders, each its own round trip.
      if (wide) assert.ok(most() >= 2, `${most()} MKD at once`);

      // Gone here: the next sync removes them there (files first, then the folders, deepest first).
      for (let f = 0; f < 6; f++) fs.rmSync(path.join(mine, `f${f}`), { recursive: true });
      // (A folder's delete tries DELE first, for a link listed as a folder; ftp-srv's DELE removes a folder.)
      most = mostAtOnce(ctx.proxy, /^(RMD|DELE) \/sync-tree\/f\d(\/sub)?$/);
      const second = await sync(first.seen);
      ctx.proxy.hooks = {};
      assert.equal(second.done.length, 12 + 18);
      assert.deepEqual(fs.readdirSync(path.join(ctx.srv.root, 'sync-tree')), []);
      if (wide) assert.ok(most() >= 2, `${most()} folders removed at once`);
      assert.equal(ctx.site.pool.size, 2);
    });

    if (wide && name === 'vsftpd') {
      it('a server that refuses the fourth connection: 3 of them, every file whole, and a pool of 2 after', async () => {
        // Refuse every connection beyond the third of this site's (those open now count).
        const open = ctx.site.pool.stats.idle + ctx.site.pool.stats.busy;
        const firstRefused = ctx.proxy.sessions.length + (3 - open);
        ctx.proxy.hooks = {
          reply: (r, s) => (r.code === 220 && ctx.proxy.sessions.indexOf(s) >= firstRefused ? { replace: '421 There are too many connections from your internet address.' } : undefined),
        };
        infos.length = 0;
        const into = path.join(ctx.tmp, 'got-limited');
        const peak = await peakConnections(ctx.site, () => downloadTo(ctx.site, '/down', into));
        sameFiles(path.join(ctx.srv.root, 'down'), path.join(into, 'down'));
        assert.ok(peak <= 4, `peak ${peak}`);
        assert.ok(infos.some((t) => /refused connection .*using 3/.test(t)), infos.join('\n'));
        assert.equal(ctx.site.pool.size, 2);
      });
    }
  });
}

// Over a longer round trip the width grows with it (wideConnections): 8 at 120 ms. One LIST server and one MLSD
// server; what is tested is the width, and every file whole over the pool's most connections.
for (const name of ['vsftpd', 'pyftpdlib'] as const) {
  describe(`folder transfers over a 120 ms round trip with a pool of 2, on ${name}`, function () {
    this.timeout(60000);
    const rttMs = 120;
    const files = 10;
    let local = '';
    const ctx = withProxiedSite(name, {
      poolSize: 2,
      tmpPrefix: 'ftpx-folder-far-',
      link: { rttMs },
      prepare: (srv, tmp) => (local = flatFolders(srv.root, tmp, files)),
    });

    before(async () => {
      ctx.site.config = { ...ctx.site.config, poolSize: undefined };
      await ctx.site.readDirectory('/');
    });

    it(`downloads a folder of ${files} files over ${wideConnections(rttMs)} connections, then is a pool of 2 again`, async () => {
      assert.equal(wideConnections(rttMs), MAX_POOL_SIZE);
      const into = path.join(ctx.tmp, 'got');
      const peak = await peakConnections(ctx.site, () => downloadTo(ctx.site, '/down', into));
      sameFiles(path.join(ctx.srv.root, 'down'), path.join(into, 'down'));
      assert.equal(peak, MAX_POOL_SIZE);
      assert.equal(ctx.site.pool.size, 2);
    });

    it(`uploads a folder of ${files} files over ${wideConnections(rttMs)} connections, then is a pool of 2 again`, async () => {
      const peak = await peakConnections(ctx.site, () => uploadTo(ctx.site, [local], '/'));
      sameFiles(local, path.join(ctx.srv.root, 'up'));
      assert.equal(peak, MAX_POOL_SIZE);
      assert.equal(ctx.site.pool.size, 2);
    });
  });
}
