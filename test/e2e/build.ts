// Makes sure the e2e tests run the extension as it is now: re-bundles dist/extension.js when a source
// is newer (esbuild, well under a second), and packages a fresh .vsix for the UI tests once per test
// process (into a temporary folder, so a concurrent `npm run package` cannot swap it under us).
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from './env';
import { packageVsix } from './vsix';

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: PROJECT_ROOT, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** Re-bundles dist/extension.js if src/ or package.json changed since (bounded). */
export async function ensureBundle(): Promise<void> {
  const out = path.join(PROJECT_ROOT, 'dist', 'extension.js');
  const inputs = Math.max(newestMtime(path.join(PROJECT_ROOT, 'src')), newestMtime(path.join(PROJECT_ROOT, 'package.json')));
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= inputs) return;
  await run(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'bundle.mjs')], 120_000);
}

let packaged: Promise<string> | undefined;
let packageDir: string | undefined;

/** A .vsix of the current build, made once per test process; removed when the process exits. */
export function freshVsix(): Promise<string> {
  packaged ??= (async () => {
    await ensureBundle();
    packageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-e2e-vsix-'));
    process.on('exit', () => { if (packageDir) fs.rmSync(packageDir, { recursive: true, force: true }); });
    return packageVsix(PROJECT_ROOT, path.join(packageDir, 'ftp-explorer.vsix'));
  })();
  return packaged;
}

export async function ensureBuilt(opts: { vsix: boolean }): Promise<string | undefined> {
  await ensureBundle();
  return opts.vsix ? freshVsix() : undefined;
}
