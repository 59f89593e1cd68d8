/**
 * `npm run l10n`: writes l10n/bundle.l10n.json (every translatable message of src/, English = English, the file a
 * translator starts from) and prints, per language, the messages and package.json keys without a translation and
 * the translations no longer used. Exit code 1 when anything is missing or stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findMessages, LANGUAGES, packageKeys, readJson, ROOT } from './strings';

const { messages, notLiteral } = findMessages();
const english = Object.fromEntries([...messages.keys()].sort().map((m) => [m, m]));
fs.writeFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.json'), JSON.stringify(english, null, 2) + '\n');
console.log(`l10n/bundle.l10n.json: ${messages.size} messages`);
let bad = notLiteral.length > 0;
for (const n of notLiteral) console.log(`not a string literal: ${n}`);
for (const lang of LANGUAGES) {
  const bundle = readJson(`l10n/bundle.l10n.${lang}.json`);
  const nls = readJson(`package.nls.${lang}.json`);
  const missing = [...messages.keys()].filter((m) => !(m in bundle));
  const stale = Object.keys(bundle).filter((m) => !messages.has(m));
  const missingKeys = [...packageKeys().keys()].filter((k) => !(k in nls));
  for (const m of missing) console.log(`${lang}: missing ${JSON.stringify(m)}  (${messages.get(m)!.join(', ')})`);
  for (const m of stale) console.log(`${lang}: no longer used ${JSON.stringify(m)}`);
  for (const k of missingKeys) console.log(`${lang}: package.nls.${lang}.json lacks ${k}`);
  bad ||= missing.length + stale.length + missingKeys.length > 0;
}
process.exitCode = bad ? 1 : 0;
