/**
 * Property tests: random bytes and mangled real lines never make a parser throw, and what comes out is
 * always well formed. Seeded PRNG, so a failure reproduces; the seed and input are in the message.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileEntry, ParseResult } from '../../src/ftp/entry';
import { parseList, parseMlsd, parseMlstLine } from '../../src/ftp/listing';
import { FIXTURES, RECORDED_NOW, assertWellFormed, assertWellFormedEntry, prng } from './listing-helpers';

const ITERATIONS = 3000;

/** Every distinct entry line of the recordings and our own fixtures, with the format it is in. */
function corpus(): { line: string; mlsd: boolean }[] {
  const seen = new Set<string>();
  const out: { line: string; mlsd: boolean }[] = [];
  const add = (file: string, mlsd: boolean) => {
    for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
      if (line.trim() !== '' && !seen.has(line)) {
        seen.add(line);
        out.push({ line, mlsd });
      }
    }
  };
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) walk(full);
      else if (/^(LIST|MLSD|unix-|dos-|mlsd-).*\.txt$/.test(d.name)) add(full, /^(MLSD|mlsd-)/.test(d.name));
    }
  };
  walk(FIXTURES);
  return out;
}

/** Parse one line in its own format and return the single entry it gives, if any. */
function parseOne(line: string, mlsd: boolean): ParseResult {
  return mlsd ? parseMlsd(line) : parseList(line, { now: RECORDED_NOW });
}

function check(text: string, context: string): void {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const [label, result] of [
    ['parseList', parseList(text, { now: RECORDED_NOW })],
    ['parseList dos', parseList(text, { now: RECORDED_NOW, format: 'dos' })],
    ['parseList mlsd', parseList(text, { format: 'mlsd' })],
    ['parseMlsd', parseMlsd(text)],
  ] as const) {
    assertWellFormed(result, `${context} ${label}`);
    assert.ok(result.entries.length + result.unparsed.count <= lineCount, `${context} ${label}: more results than lines`);
  }
  const single = parseMlstLine(text);
  // MLST describes the object asked about, which may well be `.` (pure-ftpd's answer to a bare MLST).
  if (single !== undefined) assertWellFormedEntry(single, `${context} parseMlstLine`, true);
}

/** The raw text after the fields: the name, or `name -> target` for a LIST symlink. */
function rawName(e: FileEntry, mlsd: boolean): string {
  return !mlsd && e.type === 'symlink' && e.target !== undefined ? `${e.name} -> ${e.target}` : e.name;
}

describe('listing parsers: property tests', () => {
  const lines = corpus();

  it(`has a corpus of real lines to mangle`, () => {
    assert.ok(lines.length > 80, `${lines.length} lines`);
    assert.ok(lines.some(l => l.mlsd) && lines.some(l => !l.mlsd));
  });

  it(`random bytes (${ITERATIONS} inputs) never throw and give well-formed results`, () => {
    const rnd = prng(0xf7);
    const alphabet = ' \t\r\n-:;=,.<>/0123456789drwxlsStT+@AMPJanFebMarDec\u4e2d\u00e9\ud83d\ude00\u0000\uffff';
    for (let i = 0; i < ITERATIONS; i++) {
      const length = Math.floor(rnd() * 200);
      let text = '';
      if (i % 2 === 0) {
        // Arbitrary bytes decoded as latin1 or as (possibly invalid) UTF-8, like a server would give us.
        const bytes = Buffer.alloc(length);
        for (let j = 0; j < length; j++) bytes[j] = Math.floor(rnd() * 256);
        text = bytes.toString(i % 4 === 0 ? 'latin1' : 'utf8');
      } else {
        // Characters that matter to the parsers, to get further into them.
        for (let j = 0; j < length; j++) text += alphabet[Math.floor(rnd() * alphabet.length)];
      }
      check(text, `random #${i} ${JSON.stringify(text)}`);
    }
  });

  it('non-string input from untyped callers gives empty results, not exceptions', () => {
    for (const junk of [undefined, null, 42, {}, Buffer.from('x'), ['a']] as unknown as string[]) {
      assert.deepEqual(parseList(junk), { entries: [], unparsed: { count: 0, sample: [] }, format: undefined });
      assert.deepEqual(parseList(junk, { now: 'yesterday' as unknown as Date }).entries, []);
      assert.deepEqual(parseMlsd(junk).entries, []);
      assert.equal(parseMlstLine(junk), undefined);
    }
  });

  it(`truncated real lines (${ITERATIONS}) give no entry before the name starts, a prefix of it after`, () => {
    const rnd = prng(0x7c);
    let entriesSeen = 0;
    let unparsedSeen = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const { line, mlsd } = lines[Math.floor(rnd() * lines.length)];
      const full = parseOne(line, mlsd);
      if (full.entries.length !== 1) continue; // `.`, `..`, cdir, `total`, or a deliberately broken line
      const raw = rawName(full.entries[0], mlsd);
      const nameStart = line.length - raw.length;
      assert.equal(line.slice(nameStart), raw, line);
      const cut = Math.floor(rnd() * line.length);
      const truncated = line.slice(0, cut);
      const context = `#${i} ${JSON.stringify(truncated)}`;
      check(truncated, context);
      const r = parseOne(truncated, mlsd);
      if (cut <= nameStart) {
        assert.equal(r.entries.length, 0, `${context}: entry from a line cut before its name`);
        if (truncated.trim() !== '') unparsedSeen++;
      } else if (r.entries.length > 0) {
        const got = rawName(r.entries[0], mlsd);
        // Cut inside the name: a prefix, minus a dangling " -> " piece of a link.
        assert.ok(raw.startsWith(got) && got.length <= cut - nameStart, `${context}: ${JSON.stringify(got)} from ${JSON.stringify(raw)}`);
        entriesSeen++;
      }
    }
    assert.ok(entriesSeen > 100 && unparsedSeen > 100, `both outcomes exercised: ${entriesSeen}/${unparsedSeen}`);
  });

  it(`real lines with a field deleted (${ITERATIONS}) give the same name or nothing`, () => {
    const rnd = prng(0xde1);
    let changed = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const { line, mlsd } = lines[Math.floor(rnd() * lines.length)];
      const full = parseOne(line, mlsd);
      if (full.entries.length !== 1) continue;
      const raw = rawName(full.entries[0], mlsd);
      const head = line.slice(0, line.length - raw.length);
      let mangled: string;
      if (mlsd) {
        // Drop one fact.
        const facts = head.slice(0, -1).split(';');
        if (facts.length < 2) continue;
        facts.splice(Math.floor(rnd() * (facts.length - 1)), 1);
        mangled = `${facts.join(';')} ${raw}`;
      } else {
        // Drop one whitespace-separated column before the name.
        const fields = head.trimEnd().split(/([ \t]+)/);
        const columns = fields.filter((_, k) => k % 2 === 0);
        const drop = Math.floor(rnd() * columns.length) * 2;
        fields.splice(drop, 2);
        mangled = `${fields.join('').trimEnd()} ${raw}`;
      }
      const context = `#${i} ${JSON.stringify(mangled)}`;
      check(mangled, context);
      const r = parseOne(mangled, mlsd);
      assert.ok(r.entries.length <= 1, context);
      if (r.entries.length === 1) assert.equal(rawName(r.entries[0], mlsd), raw, context);
      else changed++;
    }
    assert.ok(changed > 100, `some deletions make the line unparsable: ${changed}`);
  });

  it(`garbage inserted into real lines (${ITERATIONS}) never throws; inside the name it stays in the name`, () => {
    const rnd = prng(0x9a7b);
    const garbage = ['x', ' ', '  ', '\t', '->', ' -> ', ';', '=', ':', '99', 'Mar', '<DIR>', '\u0000', '\r', '\n', '\ud83d', '中'];
    let insideName = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const { line, mlsd } = lines[Math.floor(rnd() * lines.length)];
      const at = Math.floor(rnd() * (line.length + 1));
      const junk = garbage[Math.floor(rnd() * garbage.length)];
      const mangled = line.slice(0, at) + junk + line.slice(at);
      const context = `#${i} ${JSON.stringify(mangled)}`;
      check(mangled, context);
      // Printable junk strictly inside a plain name (not a link) ends up in the name, unchanged.
      const full = parseOne(line, mlsd);
      if (full.entries.length !== 1 || full.entries[0].type === 'symlink' || /[\r\n]/.test(junk)) continue;
      const name = full.entries[0].name;
      const nameStart = line.length - name.length;
      if (at <= nameStart || at >= line.length) continue;
      const r = parseOne(mangled, mlsd);
      assert.deepEqual(r.entries.map(e => e.name), [name.slice(0, at - nameStart) + junk + name.slice(at - nameStart)], context);
      insideName++;
    }
    assert.ok(insideName > 100, `inserted into names: ${insideName}`);
  });
});
