import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_NAMES, startServer, type RunningServer, type ServerName, type ServerOptions } from '../servers';
import { serverDisk } from './serverDisk';
import { snapshot, touch } from './sync-helpers';

/**
 * `dist/cli.js sync` as a deploy script runs it, on the five real servers: --dry-run prints one line per file with
 * the reason and changes nothing; a sync makes the server's disk byte-identical and a second one plans nothing;
 * a file changed on the server is a conflict (exit code 3) until --overwrite; --exclude, --delete, the download
 * direction with --parallel, usage errors (exit code 2), and --checksum by the server's HASH or by download.
 */
const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const HOUR = 3600 * 1000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The lines of a plan or a sync, without the last (the summary). */
const lines = (r: Run) => r.stdout.trim().split('\n').slice(0, -1).sort();

function withServer(name: ServerName, opts: ServerOptions = {}) {
  const ctx = { srv: undefined as unknown as RunningServer, tmp: '', url: '', env: {} as Record<string, string> };
  before(async function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    ctx.srv = await startServer(name, opts);
    ctx.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-cli-sync-'));
    ctx.url = `ftp://${ctx.srv.user}@${ctx.srv.host}:${ctx.srv.port}`;
    ctx.env = { FTP_PASSWORD: ctx.srv.password };
  });
  after(async () => {
    await ctx.srv?.stop();
    if (ctx.tmp) fs.rmSync(ctx.tmp, { recursive: true, force: true });
  });
  return ctx;
}

for (const name of SERVER_NAMES) {
  describe(`CLI sync on ${name}`, function () {
    this.timeout(60000);
    const ctx = withServer(name);
    const disk = serverDisk(() => ctx.srv.root);
    const local = () => path.join(ctx.tmp, 'project');
    const write = (rel: string, content: string) => {
      fs.mkdirSync(path.dirname(path.join(local(), rel)), { recursive: true });
      fs.writeFileSync(path.join(local(), rel), content);
    };
    const state = (rel: string) => rel === '.ftpexplorer-sync.json';

    it('--dry-run prints a line per file with the reason and changes nothing; the sync makes the server byte-identical; a second plans nothing', async () => {
      disk.mkdir('www');
      disk.write('www/old.html', 'old');
      write('index.html', '<h1>hi</h1>');
      write('css/site css.css', 'body {}');
      write('ünï.txt', 'ü');
      const before = snapshot(disk.abs(''));
      let r = await cli(['sync', local(), `${ctx.url}/www`, '--dry-run'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r), [
        'keep     old.html  (only on the server (--delete deletes it))',
        'mkdir    css  (only here)',
        'upload   css/site css.css  (only here)',
        'upload   index.html  (only here)',
        'upload   ünï.txt  (only here)',
      ]);
      assert.match(r.stdout, /plan: 3 to upload, 1 folders to make, 0 to delete, 0 conflicts, 1 kept, 0 skipped, 0 the same \(nothing changed\)\n$/);
      assert.deepEqual(snapshot(disk.abs('')), before, '--dry-run changed the server');
      assert.ok(!fs.existsSync(path.join(local(), '.ftpexplorer-sync.json')), '--dry-run wrote a state file');

      r = await cli(['sync', local(), `${ctx.url}/www`, '--delete'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^delete {3}old\.html {2}\(only on the server\)$/m);
      assert.match(r.stdout, /done: 3 uploaded, 1 folders made, 1 deleted, 0 failed, 0 conflicts/);
      assert.deepEqual(snapshot(disk.abs('www')), snapshot(local(), state));

      r = await cli(['sync', local(), `${ctx.url}/www`, '--dry-run'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'plan: 0 to upload, 0 folders to make, 0 to delete, 0 conflicts, 0 kept, 0 skipped, 4 the same (nothing changed)\n');
    });

    it('a file changed on the server since the last sync is a conflict: exit code 3, kept, the rest done; --overwrite replaces it', async () => {
      disk.write('www/index.html', '<h1>edited on the server</h1>');
      touch(disk.abs('www/index.html'), Date.now() - HOUR);
      write('ünï.txt', 'changed here');
      let r = await cli(['sync', local(), `${ctx.url}/www`], ctx.env);
      assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^conflict index\.html {2}\(changed on the server since the last sync \(--overwrite replaces it\)\)$/m);
      assert.match(r.stdout, /^upload {3}ünï\.txt {2}\(size differs: 12 here, 2 on the server\)$/m);
      assert.equal(disk.read('www/index.html'), '<h1>edited on the server</h1>');
      assert.equal(disk.read('www/ünï.txt'), 'changed here');
      r = await cli(['sync', local(), `${ctx.url}/www`], ctx.env);
      assert.equal(r.code, 3, 'the conflict stays until resolved');
      r = await cli(['sync', local(), `${ctx.url}/www`, '--overwrite'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(snapshot(disk.abs('www')), snapshot(local(), state));
    });

    it('--exclude (repeatable) and .gitignore leave files out; the download direction with --parallel makes a byte-identical copy', async () => {
      write('notes.bak', 'backup');
      write('tmp/cache.bin', 'cache');
      write('build/out.js', 'built');
      write('.gitignore', 'build/\n');
      let r = await cli(['sync', local(), `${ctx.url}/www`, '--exclude', '*.bak', '--exclude', 'tmp/'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!disk.exists('www/notes.bak') && !disk.exists('www/tmp') && !disk.exists('www/build'));
      assert.ok(disk.exists('www/.gitignore'));
      const copy = path.join(ctx.tmp, 'copy');
      r = await cli(['sync', `${ctx.url}/www`, copy, '--parallel', '3'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(snapshot(copy, state), snapshot(disk.abs('www')));
      r = await cli(['sync', `${ctx.url}/www`, copy, '--dry-run'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^plan: 0 to download, 0 folders to make, 0 to delete, 0 conflicts/);
    });

    it('--no-state writes no state file and lists no folder after its last upload; with it, only a LIST server lists again (MLSD: the MLST in the upload\'s last write)', async () => {
      const verbsOf = (r: Run) =>
        r.stderr
          .split('\n')
          .filter((l) => /(^|\s)---> /.test(l))
          .map((l) => l.slice(l.indexOf('---> ') + 5).split(' ')[0]);
      const listingsAfterLastStor = (r: Run) => {
        const verbs = verbsOf(r);
        assert.ok(verbs.includes('STOR'), `no STOR in the log:\n${r.stderr}`);
        return verbs.slice(verbs.lastIndexOf('STOR')).filter((v) => v === 'LIST' || v === 'MLSD' || v === 'NLST').length;
      };
      const dir = path.join(ctx.tmp, 'nostate');
      fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
      fs.writeFileSync(path.join(dir, 'sub', 'b.txt'), 'bb');
      let r = await cli(['sync', dir, `${ctx.url}/nostate`, '--no-state', '--log'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(snapshot(disk.abs('nostate')), snapshot(dir));
      assert.ok(!fs.existsSync(path.join(dir, '.ftpexplorer-sync.json')), '--no-state wrote a state file');
      assert.equal(listingsAfterLastStor(r), 0);
      // With its state file the sync keeps the server's times of what it uploaded, for the next plan: where the plan
      // lists with MLSD, from the MLST that went with each upload's last command (a new file's SIZE, a replaced one's
      // RNTO); on a LIST server, from a listing of the folders afterwards.
      fs.writeFileSync(path.join(dir, 'a.txt'), 'a, changed');
      fs.writeFileSync(path.join(dir, 'sub', 'c.txt'), 'new');
      r = await cli(['sync', dir, `${ctx.url}/nostate`, '--log'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(snapshot(disk.abs('nostate')), snapshot(dir, state));
      const verbs = verbsOf(r);
      if (verbs.includes('MLSD')) {
        assert.equal(listingsAfterLastStor(r), 0, 'an MLSD server was listed again after the uploads');
        assert.equal(verbs.filter((v) => v === 'MLST').length, 2, 'one MLST per upload');
      } else {
        assert.ok(listingsAfterLastStor(r) > 0, 'no read-back for the state file');
      }
      // What was kept is what the server lists: the next plan finds both sides the same (a wrong time would be a
      // change on the server), and a change there since is a conflict.
      r = await cli(['sync', dir, `${ctx.url}/nostate`, '--dry-run'], ctx.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^plan: 0 to upload, 0 folders to make, 0 to delete, 0 conflicts, 0 kept, 0 skipped, 4 the same/);
      touch(disk.abs('nostate/sub/c.txt'), Date.now() - HOUR);
      r = await cli(['sync', dir, `${ctx.url}/nostate`, '--dry-run'], ctx.env);
      assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^conflict sub\/c\.txt {2}\(changed on the server since the last sync/m);
    });

    it('usage errors exit with code 2 and say what is wrong', async () => {
      let r = await cli(['sync', local(), path.join(ctx.tmp, 'x')], ctx.env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /sync needs a local folder and an ftp:\/\/ URL/);
      r = await cli(['sync', local(), `${ctx.url}/www`, '--parallel', '0'], ctx.env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--parallel must be a whole number/);
    });
  });
}

describe('CLI sync --checksum', function () {
  this.timeout(60000);
  for (const [name, opts, method] of [
    ['proftpd', { extraConfig: { LoadModule: 'mod_digest.c', DigestEngine: 'on' } }, 'HASH'],
    ['pure-ftpd', {}, 'download'],
  ] as [ServerName, ServerOptions, string][]) {
    describe(`on ${name} (${method})`, () => {
      const ctx = withServer(name, opts);
      const disk = serverDisk(() => ctx.srv.root);

      it('finds a file of the same size and an older time whose content differs', async () => {
        const local = path.join(ctx.tmp, 'p');
        fs.mkdirSync(local);
        disk.mkdir('c');
        disk.write('c/same size.txt', 'AAAA');
        disk.write('c/equal.txt', 'same');
        fs.writeFileSync(path.join(local, 'same size.txt'), 'BBBB');
        fs.writeFileSync(path.join(local, 'equal.txt'), 'same');
        // Older here: by time, nothing would be uploaded.
        touch(path.join(local, 'same size.txt'), Date.now() - 5 * HOUR);
        touch(path.join(local, 'equal.txt'), Date.now() - 5 * HOUR);
        let r = await cli(['sync', local, `${ctx.url}/c`, '--dry-run', '--no-state'], ctx.env);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(lines(r).length, 0, r.stdout);
        r = await cli(['sync', local, `${ctx.url}/c`, '--checksum', '--no-state', '--log'], ctx.env);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(lines(r), ['upload   same size.txt  (content differs)']);
        if (method === 'HASH') assert.match(r.stderr, /---> HASH \/c\/equal\.txt/);
        else assert.match(r.stderr, /offers no checksum command .* downloaded to compare/);
        assert.equal(disk.read('c/same size.txt'), 'BBBB');
        assert.ok(!fs.existsSync(path.join(local, '.ftpexplorer-sync.json')), '--no-state wrote a state file');
      });
    });
  }
});
