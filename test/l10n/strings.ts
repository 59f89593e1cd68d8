/**
 * The translatable strings of the extension, found in the source, and the translation files they must match:
 * - every `vscode.l10n.t('...')` / `l10n.t('...')` in src/, and every `t('...')` of src/remote/l10n.ts (imported as
 *   `t`), keyed by its English text, as VS Code looks them up in l10n/bundle.l10n.<language>.json;
 * - every `%key%` of package.json, looked up in package.nls.json and package.nls.<language>.json.
 * Used by test/unit/l10n.test.ts (the check of `npm test`) and by export.ts (`npm run l10n`, which writes the
 * English bundle and lists what a language lacks).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The languages translated so far (VS Code's locale ids). */
export const LANGUAGES = ['zh-cn'];

export interface Found {
  /** English message -> where it is used ("src/vscode/tree.ts:12"). */
  messages: Map<string, string[]>;
  /** Calls whose message is not a string literal: they cannot be translated (the bundle is keyed by the text). */
  notLiteral: string[];
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** The local name of `t` imported from a module named l10n (src/remote/l10n.ts): its calls count. */
function importedT(sf: ts.SourceFile): string | undefined {
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier) || !/(^|\/)l10n$/.test(s.moduleSpecifier.text)) continue;
    const bindings = s.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const el = bindings.elements.find((e) => (e.propertyName?.text ?? e.name.text) === 't');
    if (el) return el.name.text;
  }
  return undefined;
}

/** The translatable calls of src/ (or of `files`, relative to ROOT). */
export function findMessages(files = tsFiles(path.join(ROOT, 'src')).map((f) => path.relative(ROOT, f))): Found {
  const messages = new Map<string, string[]>();
  const notLiteral: string[] = [];
  for (const rel of files) {
    const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true);
    const plainT = importedT(sf);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(sf);
        if (callee === 'vscode.l10n.t' || callee === 'l10n.t' || (plainT !== undefined && callee === plainT)) {
          const where = `${rel.split(path.sep).join('/')}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
          const first = node.arguments[0];
          if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
            messages.set(first.text, [...(messages.get(first.text) ?? []), where]);
          } else {
            notLiteral.push(`${where}: ${node.getText(sf).slice(0, 80)}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { messages, notLiteral };
}

/** The {0}, {1} ... of a message, sorted ("{0}{1}"), to compare an original with its translation. */
export function placeholders(message: string): string {
  return [...new Set(message.match(/\{\d+\}/g) ?? [])].sort().join('');
}

export function readJson(rel: string): Record<string, string> {
  const file = path.join(ROOT, rel);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

/** Every %key% of package.json, with the JSON path where it is. */
export function packageKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  const walk = (v: unknown, at: string): void => {
    if (typeof v === 'string') {
      const m = /^%(.+)%$/.exec(v);
      if (m) keys.set(m[1], at);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
  };
  walk(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')), 'package.json');
  return keys;
}

/**
 * The strings of package.json's contributions a user sees that are plain text instead of %key% (so no language
 * can translate them): command titles and categories, view and container titles, welcome contents, settings'
 * titles, descriptions and enum descriptions.
 */
/** Values, not text: a snippet's body, a default, examples. */
const SNIPPET_OR_VALUE = new Set(['body', 'default', 'examples', 'enum']);

export function untranslatedContributions(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: Record<string, unknown> };
  const out: string[] = [];
  const visible = new Set(['title', 'category', 'shortTitle', 'name', 'contextualTitle', 'contents', 'description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage', 'enumDescriptions', 'markdownEnumDescriptions', 'label']);
  const walk = (v: unknown, at: string, key: string): void => {
    if (typeof v === 'string') {
      if (visible.has(key) && !/^%.+%$/.test(v)) out.push(`${at}: ${JSON.stringify(v.slice(0, 60))}`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`, key));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (!SNIPPET_OR_VALUE.has(k)) walk(x, `${at}.${k}`, k);
    }
  };
  // keybindings, menus' `when`, resourceLabelFormatters: no text a user reads.
  for (const part of ['commands', 'viewsContainers', 'views', 'viewsWelcome', 'configuration']) walk(pkg.contributes[part], `contributes.${part}`, part);
  return out;
}
