// The extensionTestsPath module: the extension host require()s the compiled
// out/test/e2e/host/index.js and awaits run(). It runs mocha programmatically over the in-host test
// files (compiled into out/test/e2e/host/**/*.test.js next to this file), or over E2E_HOST_TESTS
// (files or folders, separated by ':'), and rejects when a test fails, which makes the host exit 1.
// mocha is resolved from the project's node_modules (up from out/test/e2e/host/).
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');

/** `*.test.js` files under `root` (or `root` itself if it is a file), sorted. */
export function findTestFiles(root: string): string[] {
  const st = fs.statSync(root);
  if (st.isFile()) return [root];
  const found: string[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...findTestFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(p);
  }
  return found.sort();
}

export function run(): Promise<void> {
  const roots = process.env.E2E_HOST_TESTS
    ? process.env.E2E_HOST_TESTS.split(path.delimiter).filter(Boolean)
    : [__dirname];
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.E2E_HOST_TIMEOUT_MS ?? 20_000),
    grep: process.env.E2E_HOST_GREP || undefined,
  });
  const files = roots.flatMap((r) => findTestFiles(path.resolve(r)));
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js under ${roots.join(', ')}`));
  for (const f of files) mocha.addFile(f);
  console.log(`in-host mocha: ${files.length} file(s) under ${roots.join(', ')}`);
  return new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
        else resolve();
      });
    } catch (e) {
      reject(e);
    }
  });
}
