#!/usr/bin/env node
// `npm run watch`: the everyday loop, in one terminal until Ctrl+C. Two watchers side by side:
//   tsc -p . --watch          out/ (src/ and test/), what the mocha tests run: npx mocha --config .mocharc.json out/test/...
//   scripts/bundle.mjs --watch  dist/ (extension.js, cli.js), what VS Code loads (F5 "Run Extension")
// In VS Code, .vscode/tasks.json starts the two as separate tasks instead (npm run watch:tsc, watch:bundle), so that
// each one's problems are read by its own matcher.
// When one of them stops, the other is stopped too and the exit code is the first one's.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const children = [
  spawn(process.execPath, [tsc, '-p', '.', '--watch', '--preserveWatchOutput'], { cwd: root, stdio: 'inherit' }),
  spawn(process.execPath, [join(root, 'scripts/bundle.mjs'), '--watch'], { cwd: root, stdio: 'inherit' }),
];

let exiting = false;
function stopAll(code) {
  if (exiting) return;
  exiting = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  process.exitCode = code;
}
for (const c of children) c.on('exit', (code, signal) => stopAll(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stopAll(0));
