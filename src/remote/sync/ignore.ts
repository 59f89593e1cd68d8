/**
 * What a sync leaves alone: `.gitignore` rules (the syntax of gitignore(5): `*`, `?`, `[...]`, `**`, a leading or
 * inner `/` anchors a pattern to its file's folder, a trailing `/` matches folders only, `!` re-includes, the last
 * matching rule wins), the caller's own patterns (same syntax, relative to the sync's root, after every
 * .gitignore), and `.git` and `node_modules` unless asked. A folder left out is not walked into, so nothing under
 * it can be re-included (as in git).
 */

interface Rule {
  /** The folder of the .gitignore the rule came from, relative to the root ('' for the root). */
  base: string;
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

/** Left out of every sync unless asked: a repository's own data, and installed packages. */
export const DEFAULT_EXCLUDES = ['.git/', 'node_modules/'];

export class IgnoreRules {
  private readonly rules: Rule[] = [];
  private readonly last: Rule[] = [];

  /** `patterns`: the caller's own, checked after every .gitignore (they win). */
  constructor(patterns: string[] = []) {
    for (const p of patterns) {
      const r = parseRule(p, '');
      if (r) this.last.push(r);
    }
  }

  /** Add the lines of the .gitignore in the folder `base` (relative to the root, '' for the root itself). */
  addGitignore(base: string, text: string): void {
    for (const line of text.split(/\r?\n/)) {
      const r = parseRule(line, base);
      if (r) this.rules.push(r);
    }
  }

  /** Whether `rel` (relative to the root, '/'-separated) is left out. */
  ignores(rel: string, isDir: boolean): boolean {
    let out = false;
    for (const r of [...this.rules, ...this.last]) {
      if (r.dirOnly && !isDir) continue;
      if (r.base && !rel.startsWith(`${r.base}/`)) continue;
      const sub = r.base ? rel.slice(r.base.length + 1) : rel;
      if (r.regex.test(sub)) out = !r.negate;
    }
    return out;
  }
}

/** One line of a .gitignore, or undefined for a blank line or a comment. */
function parseRule(line: string, base: string): Rule | undefined {
  // Trailing spaces are cut unless escaped with a backslash (gitignore(5)).
  let p = line.replace(/(?<!\\)\s+$/, '');
  if (p === '' || p.startsWith('#')) return undefined;
  let negate = false;
  if (p.startsWith('!')) {
    negate = true;
    p = p.slice(1);
  } else if (p.startsWith('\\!') || p.startsWith('\\#')) {
    p = p.slice(1);
  }
  let dirOnly = false;
  if (p.endsWith('/')) {
    dirOnly = true;
    p = p.replace(/\/+$/, '');
  }
  if (p === '') return undefined;
  // A slash at the start or in the middle anchors the pattern to its folder; otherwise it matches at any depth.
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const body = globToRegex(p);
  return { base, negate, dirOnly, regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) };
}

/** A gitignore glob as a regular expression body: `*` and `?` stop at '/', `**` crosses folders. */
export function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length;
        if (atStart && glob[i + 2] === '/') {
          out += '(?:.*/)?'; // "**/x": x in this folder or any below
          i += 2;
          continue;
        }
        if (atStart && atEnd) {
          out += '.*'; // "x/**": everything inside x
          i += 1;
          continue;
        }
        // Elsewhere "**" is two ordinary stars.
        out += '[^/]*';
        i += 1;
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let cls = glob.slice(i + 1, end);
      if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      out += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[++i]);
    } else {
      out += escapeChar(c);
    }
  }
  return out;
}

function escapeChar(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
