import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, type RunningServer, type ServerName } from '../servers';

/**
 * The command line over the extension's layer (src/remote), on real servers: rm -r never follows a link (pyftpdlib's
 * MLSD shows a link to a folder as the folder itself), get -r / put -r move folders byte for byte, stat tells a
 * link from what it leads to, and get never replaces a local file unasked: --overwrite, --skip-existing, and
 * without either (stdin not a terminal) it refuses with exit code 1.
 */
const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const DATA = 'the only copy of important data\n';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // stdin a pipe, as in a script: never a terminal.
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Every file under `dir`, relative, with its content. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r)));
    }
  };
  walk('');
  return out;
}

function sameTree(a: string, b: string): void {
  const ta = tree(a);
  const tb = tree(b);
  assert.deepEqual([...tb.keys()].sort(), [...ta.keys()].sort());
  for (const [k, v] of ta) assert.ok(v.equals(tb.get(k)!), `${k} differs`);
}

for (const name of ['pyftpdlib', 'proftpd', 'vsftpd'] as ServerName[]) {
  describe(`CLI over src/remote on ${name}: rm -r, get -r, put -r, stat, overwrite rules`, function () {
    this.timeout(120000);
    let srv: RunningServer;
    let url: string;
    let tmp: string;
    const env = () => ({ FTP_PASSWORD: srv.password });

    /** What the test makes as root belongs to the FTP user, as if it had made it. */
    const own = (rel: string) => {
      const { uid, gid } = fs.statSync(srv.root);
      for (let r = rel; r !== '.'; r = path.dirname(r)) fs.lchownSync(path.join(srv.root, r), uid, gid);
    };
    const onServer = (rel: string) => path.join(srv.root, rel);

    before(async function () {
      if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
      srv = await startServer(name);
      url = `ftp://${srv.user}@${srv.host}:${srv.port}`;
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-cli-tree-'));
    });
    after(async () => {
      await srv?.stop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('rm -r of a folder holding links to a folder and a file deletes the links, never their targets; rm without -r refuses a folder', async () => {
      fs.mkdirSync(onServer('important/deep'), { recursive: true });
      fs.writeFileSync(onServer('important/data.db'), DATA);
      fs.writeFileSync(onServer('important/deep/more.db'), DATA);
      fs.mkdirSync(onServer('victim/real'), { recursive: true });
      fs.writeFileSync(onServer('victim/real/inner.txt'), 'inner');
      fs.symlinkSync('../important', onServer('victim/link-dir'));
      fs.symlinkSync('../important/data.db', onServer('victim/link-file'));
      for (const r of ['important/deep/more.db', 'important/data.db', 'victim/real/inner.txt', 'victim/link-dir', 'victim/link-file']) own(r);
      let r = await cli(['rm', `${url}/victim`], env());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^ftp-explorer: \/victim is a folder: delete it with rm -r/);
      assert.ok(fs.existsSync(onServer('victim/real/inner.txt')));
      r = await cli(['rm', '-r', `${url}/victim`], env());
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!fs.existsSync(onServer('victim')), 'the folder is still there');
      assert.equal(fs.readFileSync(onServer('important/data.db'), 'utf8'), DATA);
      assert.equal(fs.readFileSync(onServer('important/deep/more.db'), 'utf8'), DATA);
    });

    it('put -r and get -r move a folder byte for byte (small, empty-ish and large files, nested)', async () => {
      const local = path.join(tmp, 'tree');
      const files: Record<string, number> = { 'a.txt': 1, 'b.bin': 65537, 'sub/c.bin': 300 * 1024, 'sub/deeper/d.bin': 1024 * 1024 + 3, 'sub/e f.txt': 17 };
      for (const [f, n] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(local, f)), { recursive: true });
        fs.writeFileSync(path.join(local, f), crypto.randomBytes(n));
      }
      fs.mkdirSync(onServer('up'));
      own('up');
      let r = await cli(['put', '-r', local, `${url}/up`], env());
      assert.equal(r.code, 0, r.stderr);
      sameTree(local, onServer('up/tree'));
      const back = path.join(tmp, 'back');
      r = await cli(['get', '-r', `${url}/up/tree`, back], env());
      assert.equal(r.code, 0, r.stderr);
      sameTree(local, path.join(back, 'tree'));
      r = await cli(['put', local, `${url}/up`], env());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /is a folder: upload it with put -r/);
      r = await cli(['get', `${url}/up/tree`, path.join(tmp, 'x')], env());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\/up\/tree is a folder: download it with get -r/);
    });

    it('stat: a file, a folder, a link to a file (its target), as text and --json; a missing path fails', async () => {
      fs.mkdirSync(onServer('st/dir'), { recursive: true });
      fs.writeFileSync(onServer('st/f.txt'), 'twelve bytes');
      fs.symlinkSync('f.txt', onServer('st/l.txt'));
      let r = await cli(['stat', `${url}/st/f.txt`, '--json'], env());
      assert.equal(r.code, 0, r.stderr);
      const f = JSON.parse(r.stdout) as { path: string; type: string; size: number; mtime: string };
      assert.deepEqual([f.path, f.type, f.size], ['/st/f.txt', 'file', 12]);
      const disk = fs.statSync(onServer('st/f.txt')).mtimeMs;
      assert.ok(Math.abs(Date.parse(f.mtime) - disk) < 61000, `mtime ${f.mtime} is not the file's`);
      r = await cli(['stat', `${url}/st/dir`, '--json'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { type: string }).type, 'dir');
      r = await cli(['stat', `${url}/st/l.txt`, '--json'], env());
      assert.equal(r.code, 0, r.stderr);
      const l = JSON.parse(r.stdout) as { type: string; targetType?: string; target?: string };
      // pyftpdlib's MLSD shows the file a link leads to; proftpd's MLSD says "link" (OS.unix=symlink) without
      // the target, so the target is null there; vsftpd's LIST names it (`l ... l.txt -> f.txt`).
      if (name === 'pyftpdlib') assert.equal(l.type, 'file');
      else assert.deepEqual([l.type, l.targetType, l.target], ['symlink', 'file', name === 'vsftpd' ? 'f.txt' : null]);
      r = await cli(['stat', `${url}/st/f.txt`], env());
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^path: {2}\/st\/f\.txt\ntype: {2}file\nsize: {2}12\nmtime: \d{4}-/);
      r = await cli(['stat', `${url}/st/nothing`], env());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^ftp-explorer: \/st\/nothing does not exist\n$/);
    });

    it('get onto a local file that exists: refused without --overwrite or --skip-existing (not a terminal), kept with --skip-existing, replaced with --overwrite', async () => {
      fs.mkdirSync(onServer('ow/folder'), { recursive: true });
      fs.writeFileSync(onServer('ow/f.txt'), 'from the server');
      fs.writeFileSync(onServer('ow/folder/a.txt'), 'server a');
      fs.writeFileSync(onServer('ow/folder/b.txt'), 'server b');
      const local = path.join(tmp, 'f.txt');
      fs.writeFileSync(local, 'local, precious');
      let r = await cli(['get', `${url}/ow/f.txt`, local], env());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^ftp-explorer: .*f\.txt exists: add --overwrite to replace it, or --skip-existing to keep it\n$/);
      assert.equal(fs.readFileSync(local, 'utf8'), 'local, precious');
      r = await cli(['get', `${url}/ow/f.txt`, local, '--skip-existing'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /kept .*f\.txt/);
      assert.equal(fs.readFileSync(local, 'utf8'), 'local, precious');
      // Into a folder: under the remote name.
      r = await cli(['get', `${url}/ow/f.txt`, tmp, '--overwrite'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.readFileSync(local, 'utf8'), 'from the server');
      assert.deepEqual(fs.readdirSync(tmp).filter((n) => n.includes('ftpx-part')), []);
      // A folder: existing files kept, new ones downloaded.
      const into = path.join(tmp, 'into');
      fs.mkdirSync(path.join(into, 'folder'), { recursive: true });
      fs.writeFileSync(path.join(into, 'folder/a.txt'), 'local a');
      r = await cli(['get', '-r', `${url}/ow/folder`, into], env());
      assert.equal(r.code, 1, 'replaced a file unasked');
      assert.equal(fs.readFileSync(path.join(into, 'folder/a.txt'), 'utf8'), 'local a');
      r = await cli(['get', '-r', `${url}/ow/folder`, into, '--skip-existing'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.readFileSync(path.join(into, 'folder/a.txt'), 'utf8'), 'local a');
      assert.equal(fs.readFileSync(path.join(into, 'folder/b.txt'), 'utf8'), 'server b');
      r = await cli(['get', '-r', `${url}/ow/folder`, into, '--overwrite', '--skip-existing'], env());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not both/);
    });

    it('put replaces a remote file (safe save) unless --skip-existing; mv refuses to replace without --overwrite', async () => {
      fs.mkdirSync(onServer('pw'), { recursive: true });
      fs.writeFileSync(onServer('pw/r.txt'), 'remote old');
      fs.writeFileSync(onServer('pw/other.txt'), 'other');
      for (const r of ['pw/r.txt', 'pw/other.txt']) own(r);
      const local = path.join(tmp, 'r.txt');
      fs.writeFileSync(local, 'local new');
      let r = await cli(['put', local, `${url}/pw/r.txt`, '--skip-existing'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.readFileSync(onServer('pw/r.txt'), 'utf8'), 'remote old');
      assert.match(r.stderr, /kept \/pw\/r\.txt/);
      r = await cli(['put', local, `${url}/pw/r.txt`], env());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.readFileSync(onServer('pw/r.txt'), 'utf8'), 'local new');
      r = await cli(['mv', `${url}/pw/other.txt`, '/pw/r.txt'], env());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /exists already/);
      assert.equal(fs.readFileSync(onServer('pw/r.txt'), 'utf8'), 'local new');
      r = await cli(['mv', `${url}/pw/other.txt`, '/pw/r.txt', '--overwrite'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.readFileSync(onServer('pw/r.txt'), 'utf8'), 'other');
    });
  });
}
