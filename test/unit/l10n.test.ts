import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findMessages, LANGUAGES, packageKeys, placeholders, readJson, ROOT, untranslatedContributions } from '../l10n/strings';

/**
 * Every string the user reads has its translations (issue 20): the messages of src/ (vscode.l10n.t, and t() of
 * src/remote/l10n.ts) in l10n/bundle.l10n.<language>.json, package.json's %key% in package.nls.json and
 * package.nls.<language>.json, with the same {0} placeholders; and nothing translated that is no longer used.
 * A failure lists the strings, ready to be pasted into the bundle and translated. `npm run l10n` prints the same
 * and writes l10n/bundle.l10n.json.
 */
const list = (items: string[]) => items.map((s) => `\n  ${s}`).join('');

describe('l10n: every user-facing string is translated', () => {
  const { messages, notLiteral } = findMessages();

  it('finds the messages of src/ (the check looks at something)', () => {
    assert.ok(messages.size > 100, `only ${messages.size} messages found`);
  });

  it('every vscode.l10n.t / t call has a string literal as its message', () => {
    assert.deepEqual(notLiteral, [], `these calls cannot be translated (the bundle is keyed by the literal English text):${list(notLiteral)}`);
  });

  it('l10n/bundle.l10n.json is up to date (npm run l10n writes it)', () => {
    const english = readJson('l10n/bundle.l10n.json');
    const missing = [...messages.keys()].filter((m) => !(m in english));
    const stale = Object.keys(english).filter((m) => !messages.has(m));
    assert.deepEqual([missing, stale], [[], []], `run "npm run l10n"; missing:${list(missing)}\nno longer used:${list(stale)}`);
  });

  for (const lang of LANGUAGES) {
    describe(lang, () => {
      const bundle = readJson(`l10n/bundle.l10n.${lang}.json`);

      it(`every message of src/ has a translation in l10n/bundle.l10n.${lang}.json`, () => {
        const missing = [...messages.keys()].filter((m) => !(m in bundle));
        const lines = missing.map((m) => `${JSON.stringify(m)}: "",   // ${messages.get(m)!.join(', ')}`);
        assert.deepEqual(missing, [], `${missing.length} messages have no ${lang} translation; add to l10n/bundle.l10n.${lang}.json:${list(lines)}`);
      });

      it(`every translation in l10n/bundle.l10n.${lang}.json is of a message still used`, () => {
        const stale = Object.keys(bundle).filter((m) => !messages.has(m));
        assert.deepEqual(stale, [], `remove (or update to the new English text):${list(stale.map((m) => JSON.stringify(m)))}`);
      });

      it('translations keep the placeholders {0}, {1} ... of their message and are not empty', () => {
        const wrong = Object.entries(bundle)
          .filter(([m, tr]) => messages.has(m) && (tr.trim() === '' || placeholders(m) !== placeholders(tr)))
          .map(([m, tr]) => `${JSON.stringify(m)} -> ${JSON.stringify(tr)}`);
        assert.deepEqual(wrong, [], `placeholders differ or translation empty:${list(wrong)}`);
      });
    });
  }

  describe('package.json', () => {
    const keys = packageKeys();
    const english = readJson('package.nls.json');

    it('declares "l10n": "./l10n" and ships the translations in the .vsix', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { l10n?: string };
      assert.equal(pkg.l10n, './l10n');
      const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
      for (const wanted of ['!l10n/**', '!package.nls*.json']) assert.ok(ignore.includes(wanted), `.vscodeignore lacks ${wanted}`);
    });

    it('every text a user reads in the contributions is a %key%', () => {
      const plain = untranslatedContributions();
      assert.deepEqual(plain, [], `make these %key% with an entry in package.nls.json and package.nls.<language>.json:${list(plain)}`);
    });

    for (const [file, nls] of [['package.nls.json', english], ...LANGUAGES.map((l) => [`package.nls.${l}.json`, readJson(`package.nls.${l}.json`)] as const)] as const) {
      it(`every %key% of package.json is in ${file}, and every key of it is used`, () => {
        const missing = [...keys.keys()].filter((k) => !(k in nls)).map((k) => `${k}  (${keys.get(k)})`);
        const stale = Object.keys(nls).filter((k) => !keys.has(k));
        assert.deepEqual([missing, stale], [[], []], `${file}: missing:${list(missing)}\nno longer used:${list(stale)}`);
      });

      if (file !== 'package.nls.json') {
        it(`${file} keeps the placeholders of package.nls.json and is not empty`, () => {
          const wrong = Object.entries(nls)
            .filter(([k, tr]) => k in english && (tr.trim() === '' || placeholders(english[k]) !== placeholders(tr)))
            .map(([k]) => k);
          assert.deepEqual(wrong, [], `${file}:${list(wrong)}`);
        });
      }
    }
  });
});
