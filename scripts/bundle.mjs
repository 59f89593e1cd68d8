#!/usr/bin/env node
// Bundle the extension (src/extension.ts -> dist/extension.js) and the command line (src/cli.ts -> dist/cli.js)
// with esbuild. `vscode` stays external: VS Code provides it at run time. The CLI is skipped while it is missing.
// iconv-lite (code pages for non-UTF-8 servers, four fifths of the code) goes into dist/iconv-lite.js, which both
// bundles require only when a connection uses another encoding (src/ftp/encoding.ts): start-up does not parse it.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: 'linked',
  logLevel: 'info',
  absWorkingDir: root,
  plugins: [
    {
      name: 'iconv-lite-apart',
      setup(b) {
        b.onResolve({ filter: /^iconv-lite$/ }, () => ({ path: './iconv-lite.js', external: true }));
      },
    },
  ],
};

await build({
  ...common,
  plugins: [],
  entryPoints: { 'iconv-lite': createRequire(import.meta.url).resolve('iconv-lite') },
  outdir: 'dist',
});

await build({
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
});

if (existsSync(join(root, 'src/cli.ts'))) {
  await build({
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  });
  await chmod(join(root, 'dist/cli.js'), 0o755);
} else {
  console.log('src/cli.ts does not exist yet: dist/cli.js skipped');
}
