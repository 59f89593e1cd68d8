import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The three layers of src/ and the one direction of their arrows: src/vscode -> src/remote -> src/ftp (issue 15).
 * Reads every .ts file under src/ and checks what each imports (import, export ... from, import x = require(),
 * require() and import()), so it holds without ESLint too; eslint.config.mjs states the same rules as
 * no-restricted-imports for the editor. Type-only imports count: a type from `vscode` ties a layer to it as well.
 *
 *   ftp-self-contained   src/ftp imports its own files, Node built-ins and iconv-lite (its code pages), nothing else
 *   remote-no-vscode     src/remote imports neither 'vscode' nor src/vscode, src/extension.ts, src/cli.ts
 *   ftp-index-only       outside src/ftp, src/ftp is imported through its index (src/ftp/API.md) only
 *   cli-no-vscode        src/cli.ts and src/cli/ import neither 'vscode' nor src/vscode, src/extension.ts
 *   known-layer          every file of src/ is in ftp/, remote/, vscode/, cli/, or is extension.ts or cli.ts
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');

/** Packages src/ftp may use: Node's own modules, and iconv-lite (the one runtime dependency, src/ftp/encoding.ts). */
const FTP_PACKAGES = new Set([...builtinModules, 'iconv-lite']);

type Layer = 'ftp' | 'remote' | 'vscode' | 'extension' | 'cli' | 'other';

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
  why: string;
}

/** The layer of a path relative to the project root (posix separators). */
function layerOf(rel: string): Layer {
  if (rel === 'src/extension.ts') return 'extension';
  if (rel === 'src/cli.ts' || rel.startsWith('src/cli/')) return 'cli';
  const m = /^src\/(ftp|remote|vscode)\//.exec(rel);
  return m ? (m[1] as Layer) : 'other';
}

/** Every .ts file under dir, as paths relative to the project root, sorted. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(path.relative(ROOT, p).split(path.sep).join('/'));
  }
  return out.sort();
}

/** What a file imports, with the line of each: the compiler's own pre-processing pass (no type checking). */
function importsOf(rel: string): { specifier: string; line: number }[] {
  const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const lineAt = (pos: number) => text.slice(0, pos).split('\n').length;
  return info.importedFiles.map((f) => ({ specifier: f.fileName, line: lineAt(f.pos) }));
}

/** The rules above, applied to one import of one file. */
export function check(rel: string, specifier: string): { rule: string; why: string }[] {
  const from = layerOf(rel);
  const found: { rule: string; why: string }[] = [];
  const relative = specifier.startsWith('.');
  // Where a relative import lands, relative to the root, without extension; '' for a package.
  const target = relative ? path.posix.normalize(path.posix.join(path.posix.dirname(rel), specifier)).replace(/\.(js|ts)$/, '') : '';
  const to: Layer | 'package' = relative ? layerOf(/^src\/(ftp|remote|vscode)$/.test(target) ? `${target}/index.ts` : `${target}.ts`) : 'package';
  const pkg = relative ? '' : specifier.replace(/^node:/, '');

  if (from === 'ftp') {
    if (relative && to !== 'ftp') found.push({ rule: 'ftp-self-contained', why: `src/ftp imports ${target}, outside src/ftp` });
    if (!relative && !FTP_PACKAGES.has(pkg)) found.push({ rule: 'ftp-self-contained', why: `src/ftp uses Node built-ins only, not '${specifier}'` });
  }
  if (from === 'remote') {
    if (specifier === 'vscode') found.push({ rule: 'remote-no-vscode', why: "src/remote is vscode-free: no 'vscode'" });
    if (to === 'vscode' || to === 'extension' || to === 'cli') found.push({ rule: 'remote-no-vscode', why: `src/remote imports ${target}, a layer above it` });
  }
  if (from === 'cli') {
    if (specifier === 'vscode') found.push({ rule: 'cli-no-vscode', why: "the command line runs without VS Code: no 'vscode'" });
    if (to === 'vscode' || to === 'extension') found.push({ rule: 'cli-no-vscode', why: `the command line imports ${target}, which needs VS Code` });
  }
  if (from !== 'ftp' && to === 'ftp' && target !== 'src/ftp' && target !== 'src/ftp/index') {
    found.push({ rule: 'ftp-index-only', why: `import src/ftp through its index ('${specifier.replace(/\/ftp\/.*$/, '/ftp')}'), not ${target}` });
  }
  return found;
}

/** Every violation in src/, in file order. */
export function violations(): Violation[] {
  const out: Violation[] = [];
  for (const file of tsFiles(SRC)) {
    if (layerOf(file) === 'other') {
      out.push({ file, line: 1, specifier: '', rule: 'known-layer', why: 'a file of src/ belongs to ftp/, remote/, vscode/ or cli/ (or is extension.ts or cli.ts)' });
    }
    for (const { specifier, line } of importsOf(file)) {
      for (const v of check(file, specifier)) out.push({ file, line, specifier, ...v });
    }
  }
  return out;
}

const show = (v: Violation) => `      ${v.file}:${v.line}  import '${v.specifier}'  [${v.rule}] ${v.why}`;

describe('layers: src/vscode -> src/remote -> src/ftp, one way', () => {
  it('each rule catches what it is meant to (the checker itself)', () => {
    // Per file: what it imports, and the rules that import breaks.
    const cases: Record<string, [string, string[]][]> = {
      'src/ftp/client.ts': [['vscode', ['ftp-self-contained']], ['../remote/site', ['ftp-self-contained']], ['fs/promises', []], ['basic-ftp', ['ftp-self-contained']]],
      'src/ftp/listing/unix.ts': [['../../vscode/tree', ['ftp-self-contained']], ['../entry', []]],
      'src/ftp/tls.ts': [['node:tls', []]],
      'src/ftp/encoding.ts': [['iconv-lite', []]],
      'src/remote/site.ts': [['vscode', ['remote-no-vscode']], ['../vscode/tree', ['remote-no-vscode']], ['../extension', ['remote-no-vscode']], ['../ftp', []], ['../ftp/index', []], ['../ftp/tls', ['ftp-index-only']]],
      'src/vscode/commands/connect.ts': [['../../ftp/listing/unix', ['ftp-index-only']], ['../../ftp', []]],
      'src/vscode/tree.ts': [['vscode', []]],
      'src/extension.ts': [['./ftp/url', ['ftp-index-only']]],
      'src/cli.ts': [['vscode', ['cli-no-vscode']], ['./vscode/settings', ['cli-no-vscode']], ['./remote/uri', []], ['./ftp', []]],
      'src/cli/commands.ts': [['../vscode/settings', ['cli-no-vscode']], ['../ftp/url', ['ftp-index-only']], ['../remote/site', []]],
    };
    for (const [file, imports] of Object.entries(cases)) {
      for (const [spec, broken] of imports) assert.deepEqual(check(file, spec).map((v) => v.rule), broken, `${file} imports ${spec}`);
    }
  });

  it('no file of src/ imports across a layer boundary', () => {
    const all = violations();
    assert.ok(all.length === 0, `${all.length} import(s) across a layer boundary:\n${all.map(show).join('\n')}`);
  });
});
