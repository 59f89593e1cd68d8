#!/usr/bin/env node
// Bundle the extension (src/extension.ts -> dist/extension.js) and the command line (src/cli.ts -> dist/cli.js)
// with esbuild. `vscode` stays external: VS Code provides it at run time. The CLI is skipped while it is missing.
// iconv-lite (code pages for non-UTF-8 servers, four fifths of the code) goes into dist/iconv-lite.js, which both
// bundles require only when a connection uses another encoding (src/ftp/encoding.ts): start-up does not parse it.
// --watch (npm run watch, through scripts/watch.mjs): bundles again on each change of a source, until Ctrl+C; one
// "[watch] build started" and one "[watch] build finished" line per round (.vscode/tasks.json waits for them).
import { build, context } from 'esbuild';
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

/** In watch mode: the rounds of all bundles as one, since each bundle of a change starts and ends on its own. */
let building = 0;
const rounds = {
  name: 'watch-rounds',
  setup(b) {
    b.onStart(() => {
      if (building++ === 0) console.log('[watch] build started');
    });
    b.onEnd((r) => {
      if (--building === 0) console.log(`[watch] build finished${r.errors.length ? ' with errors' : ''}, watching for changes...`);
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: 'linked',
  // Watch mode: errors and warnings only (the 'rounds' plugin says when a round starts and ends).
  logLevel: watch ? 'warning' : 'info',
  absWorkingDir: root,
  plugins: [
    {
      name: 'iconv-lite-apart',
      setup(b) {
        b.onResolve({ filter: /^iconv-lite$/ }, () => ({ path: './iconv-lite.js', external: true }));
      },
    },
    ...(watch ? [rounds] : []),
  ],
};

/** The bundles to make: built one after the other, or in watch mode all watched at once (see the end). */
const bundles = [];

// Once, also in watch mode: it changes only with the installed package.
await build({
  ...common,
  plugins: [],
  entryPoints: { 'iconv-lite': createRequire(import.meta.url).resolve('iconv-lite') },
  outdir: 'dist',
});

bundles.push({
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
});

if (existsSync(join(root, 'src/cli.ts'))) {
  const executable = { name: 'executable', setup: (b) => b.onEnd(() => chmod(join(root, 'dist/cli.js'), 0o755).catch(() => undefined)) };
  bundles.push({
    ...common,
    plugins: [executable, ...common.plugins],
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  });
} else {
  console.log('src/cli.ts does not exist yet: dist/cli.js skipped');
}

if (watch) {
  // All started together, so that the first round is one round (ctx.watch() does not wait for its build).
  const contexts = await Promise.all(bundles.map((options) => context(options)));
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  for (const options of bundles) await build(options);
}
