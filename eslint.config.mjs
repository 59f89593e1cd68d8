// ESLint (flat config): the recommended rules of ESLint and typescript-eslint (syntax only, no type checking, so
// it runs in seconds), strict equality, no console output from the extension, and the import boundaries of the
// three layers of src/ (issue 15): src/vscode -> src/remote -> src/ftp, one way.
// test/unit/layers.test.ts checks the same boundaries with the unit tests (and also sees require() and import(),
// which no-restricted-imports does not); keep the two in step.
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** The relative specifier prefix that reaches src/ from a file `depth` folders below it: './', '../', '../../'. */
const toSrc = (depth) => (depth === 0 ? './' : '../'.repeat(depth));

/** src/ftp is imported through its index only: '../ftp' or '../ftp/index', never '../ftp/url'. */
const ftpIndexOnly = (depth) => ({
  regex: `^${escape(toSrc(depth))}ftp/(?!index(\\.js)?$)`,
  message: 'Import src/ftp through its index (src/ftp/API.md): add what you need to src/ftp/index.ts.',
});
/** Imports of the given folders or files of src/ (without extension), from `depth` folders below src/. */
const layersAbove = (depth, names, message) => ({
  regex: `^${escape(toSrc(depth))}(${names.join('|')})(/|\\.js$|$)`,
  message,
});
const noVscode = (message) => ({ name: 'vscode', message });

/** One config block per folder depth, since no-restricted-imports matches the specifier as written. */
function perDepth(folder, maxDepth, rule) {
  return Array.from({ length: maxDepth }, (_, i) => {
    const depth = i + 1; // src/<folder>/x.ts is 1 folder below src/
    const files = [`src/${folder}/${'*/'.repeat(i)}*.ts`];
    return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', rule(depth)] } };
  });
}

/** src/ftp: its own files, Node built-ins and iconv-lite (code pages, src/ftp/encoding.ts); nothing above it. */
const ftpRule = (depth) => ({
  paths: [noVscode("src/ftp is the protocol client, usable without VS Code: no 'vscode'.")],
  patterns: [
    { regex: `^${escape('../'.repeat(depth))}`, message: 'src/ftp imports only its own files and Node built-ins.' },
    {
      regex: `^(?!\\.|node:|(${builtinModules.map(escape).join('|')})(/|$)|iconv-lite$|vscode$)`,
      message: 'src/ftp uses Node built-ins only (and iconv-lite).',
    },
  ],
});

const remoteRule = (depth) => ({
  paths: [noVscode("src/remote is the vscode-free model of a remote site: no 'vscode'.")],
  patterns: [
    layersAbove(depth, ['vscode', 'extension', 'cli'], 'src/remote is below src/vscode, src/extension.ts and src/cli.ts: they import it, not the reverse.'),
    ftpIndexOnly(depth),
  ],
});

const vscodeRule = (depth) => ({ patterns: [ftpIndexOnly(depth)] });

function cliRule(depth = 0) {
  return {
    paths: [noVscode("the command line runs without VS Code: no 'vscode'.")],
    patterns: [
      layersAbove(depth, ['vscode', 'extension'], 'the command line runs without VS Code: no src/vscode, no src/extension.ts.'),
      ftpIndexOnly(depth),
    ],
  };
}

export default defineConfig(
  {
    ignores: ['out/', 'dist/', 'node_modules/', '.cache/', '.vscode-test/', 'test-artifacts/', 'bench/results/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
      // Arguments and locals named _x are kept on purpose (an interface's shape, a destructured rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // TypeScript's own form for a CommonJS module (`import Mocha = require('mocha')`) is an import too.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // Control characters in patterns are deliberate here: input that would reach the server (names, URLs) is
      // refused when it holds one, since CR LF ends a command (RFC 959 §4.1.3) and NUL ends a path on the server.
      'no-control-regex': 'off',
    },
  },
  {
    // Loaded lazily, on first use, on purpose: node:tls only for FTPS, iconv-lite only for a non-UTF-8 server.
    files: ['src/ftp/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true, allow: ['^node:tls$', '^iconv-lite$'] }] },
  },
  ...perDepth('ftp', 3, ftpRule),
  ...perDepth('remote', 2, remoteRule),
  ...perDepth('vscode', 3, vscodeRule),
  { files: ['src/extension.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ftpIndexOnly(0)] }] } },
  { files: ['src/cli.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', cliRule()] } },
  ...perDepth('cli', 1, cliRule),
  {
    // Printing is what these are for: the command line, the scripts, the tests and the benchmarks.
    files: ['src/cli.ts', 'src/cli/**', 'scripts/**', 'test/**', 'bench/**', '*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly',
      },
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
