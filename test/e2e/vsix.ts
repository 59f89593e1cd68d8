// Packaging an extension folder into a .vsix with the project's @vscode/vsce (3.x, runs on Node 20).
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from './env';

export const VSCE = path.join(PROJECT_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

/**
 * `vsce package --no-dependencies -o outFile` in `extensionDir` (bounded). The folder needs
 * `repository`, `license`, a LICENSE file, README.md and .vscodeignore, or vsce prompts/aborts.
 * README images are relative (docs/screenshots), so, as `npm run package` does, give vsce a base URL for them:
 * the repository's, as package.json names it.
 */
export function packageVsix(extensionDir: string, outFile: string, timeoutMs = 120_000): Promise<string> {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8')) as { repository?: { url?: string } | string };
  const repo = (typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url ?? '').replace(/\.git$/, '');
  const images = repo.startsWith('https://') ? ['--baseImagesUrl', `${repo}/raw/main`] : [];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [VSCE, 'package', '--no-dependencies', '--skip-license', ...images, '-o', path.resolve(outFile)],
      { cwd: extensionDir, timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, CI: '1' } },
      (err, stdout, stderr) => {
        if (err || !fs.existsSync(outFile)) reject(new Error(`vsce package in ${extensionDir} failed: ${err?.message ?? ''}\n${stdout}${stderr}`));
        else resolve(path.resolve(outFile));
      },
    );
  });
}
