import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { startServer, type RunningServer } from '../servers';

/**
 * The bundles keep iconv-lite in a file of their own, dist/iconv-lite.js, loaded only when a connection uses another
 * encoding than UTF-8 (scripts/bundle.mjs, src/ftp/encoding.ts). These check that the file is really found from the
 * bundles, and that the .vsix carries it.
 */
const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'dist');

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('bundles: iconv-lite apart (dist/iconv-lite.js)', function () {
  this.timeout(60000);
  let server: RunningServer;

  before(async () => {
    for (const f of ['cli.js', 'extension.js', 'iconv-lite.js']) {
      if (!fs.existsSync(path.join(DIST, f))) throw new Error(`dist/${f} is missing: run npm run build first`);
    }
    // GBK bytes as file names, passed through unchanged (as in encoding.test.ts).
    server = await startServer('pyftpdlib', { extraConfig: { unicode_errors: 'surrogateescape' } });
    const file = Buffer.concat([Buffer.from(`${server.root}/`), iconv.encode('中文文件名.txt', 'gbk')]);
    fs.writeFileSync(file, 'gbk\n');
    const { uid, gid } = fs.statSync(server.root);
    fs.chownSync(file, uid, gid);
  });
  after(async () => server?.stop());

  it('the extension and CLI bundles do not contain iconv-lite, and require it from the file beside them', () => {
    for (const f of ['cli.js', 'extension.js']) {
      const text = fs.readFileSync(path.join(DIST, f), 'utf8');
      assert.ok(text.includes('require("./iconv-lite.js")'), `dist/${f} does not load ./iconv-lite.js`);
      // A code page table of iconv-lite's (GBK's), which would be in the bundle if iconv-lite were.
      assert.ok(!text.includes('cp936'), `dist/${f} still contains iconv-lite's code pages`);
    }
  });

  it('the bundled CLI lists GBK names with --encoding gbk (loading dist/iconv-lite.js)', async () => {
    const url = `ftp://${server.user}@${server.host}:${server.port}/`;
    const r = await run(path.join(DIST, 'cli.js'), ['ls', url, '--json', '--encoding', 'gbk'], { FTP_PASSWORD: server.password });
    assert.equal(r.code, 0, r.stderr);
    const names = (JSON.parse(r.stdout) as { name: string }[]).map((e) => e.name);
    assert.deepEqual(names, ['中文文件名.txt']);
  });

  it('the .vsix takes dist/iconv-lite.js along (vsce ls)', async () => {
    const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const r = await run(vsce, ['ls', '--no-dependencies']);
    assert.equal(r.code, 0, r.stderr);
    const files = r.stdout.split('\n').map((l) => l.trim());
    for (const f of ['dist/extension.js', 'dist/iconv-lite.js', 'dist/cli.js']) assert.ok(files.includes(f), `${f} is not packaged:\n${r.stdout}`);
  });
});
