import * as assert from 'node:assert/strict';
import { DEFAULT_EXCLUDES, IgnoreRules } from '../../src/remote/sync/ignore';

/** The ignore rules of a sync: gitignore(5) syntax, per folder, the caller's patterns last. */
describe('sync ignore rules (gitignore syntax)', () => {
  const rules = (gitignore: string, extra: string[] = [], base = '') => {
    const r = new IgnoreRules(extra);
    r.addGitignore(base, gitignore);
    return r;
  };

  it('a name without a slash matches at any depth; a trailing slash only folders', () => {
    const r = rules('*.log\nbuild/\n# a comment\n\n');
    assert.equal(r.ignores('a.log', false), true);
    assert.equal(r.ignores('deep/er/a.log', false), true);
    assert.equal(r.ignores('a.log.txt', false), false);
    assert.equal(r.ignores('build', true), true);
    assert.equal(r.ignores('src/build', true), true);
    assert.equal(r.ignores('build', false), false, 'a file named build is not a folder');
    assert.equal(r.ignores('# a comment', false), false);
  });

  it('a leading or inner slash anchors to the .gitignore folder', () => {
    const r = rules('/top.txt\ndoc/*.md\n');
    assert.equal(r.ignores('top.txt', false), true);
    assert.equal(r.ignores('sub/top.txt', false), false);
    assert.equal(r.ignores('doc/a.md', false), true);
    assert.equal(r.ignores('doc/sub/a.md', false), false, '* does not cross folders');
    assert.equal(r.ignores('x/doc/a.md', false), false);
  });

  it('** crosses folders; ?, [] and escapes', () => {
    const r = rules('**/cache\nlogs/**\na/**/z.txt\nfile?.c\n[ab]x.txt\n[!q]y.txt\n\\!bang\n');
    assert.equal(r.ignores('cache', true), true);
    assert.equal(r.ignores('x/y/cache', false), true);
    assert.equal(r.ignores('logs/one/two.txt', false), true);
    assert.equal(r.ignores('logs', true), false, 'logs/** is what is inside');
    assert.equal(r.ignores('a/z.txt', false), true);
    assert.equal(r.ignores('a/b/c/z.txt', false), true);
    assert.equal(r.ignores('file1.c', false), true);
    assert.equal(r.ignores('file12.c', false), false);
    assert.equal(r.ignores('ax.txt', false), true);
    assert.equal(r.ignores('cx.txt', false), false);
    assert.equal(r.ignores('qy.txt', false), false);
    assert.equal(r.ignores('py.txt', false), true);
    assert.equal(r.ignores('!bang', false), true);
  });

  it('! re-includes; the last matching rule wins', () => {
    const r = rules('*.txt\n!keep.txt\n');
    assert.equal(r.ignores('a.txt', false), true);
    assert.equal(r.ignores('keep.txt', false), false);
    assert.equal(r.ignores('sub/keep.txt', false), false);
  });

  it('a nested .gitignore applies below its folder only', () => {
    const r = rules('*.tmp\n/only-here\n', [], 'sub');
    assert.equal(r.ignores('sub/a.tmp', false), true);
    assert.equal(r.ignores('sub/x/a.tmp', false), true);
    assert.equal(r.ignores('a.tmp', false), false);
    assert.equal(r.ignores('sub/only-here', false), true);
    assert.equal(r.ignores('sub/x/only-here', false), false);
  });

  it("the caller's patterns come after every .gitignore, and .git and node_modules are left out by default", () => {
    const r = rules('!*.secret\n', [...DEFAULT_EXCLUDES, '*.secret', 'dist/']);
    assert.equal(r.ignores('a.secret', false), true);
    assert.equal(r.ignores('.git', true), true);
    assert.equal(r.ignores('web/node_modules', true), true);
    assert.equal(r.ignores('dist', true), true);
    assert.equal(r.ignores('.gitignore', false), false);
    assert.equal(new IgnoreRules([]).ignores('.git', true), false);
  });

  it('trailing spaces are cut unless escaped', () => {
    const r = rules('a.txt   \nb\\ \n');
    assert.equal(r.ignores('a.txt', false), true);
    assert.equal(r.ignores('b ', false), true);
  });
});
