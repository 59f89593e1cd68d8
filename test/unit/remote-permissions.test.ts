import { strict as assert } from 'node:assert';
import { formatBytes } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { entryFacts, octal, parseMode, rwx } from '../../src/remote/permissions';

describe('permissions: modes as people type and read them', () => {
  it('reads octal and rwx', () => {
    assert.equal(parseMode('644'), 0o644);
    assert.equal(parseMode(' 0755 '), 0o755);
    assert.equal(parseMode('rwxr-x---'), 0o750);
    assert.equal(parseMode('-rw-r--r--'), 0o644);
    assert.equal(parseMode('rwsr-xr-t'), 0o5755);
    assert.equal(parseMode('rwSr--r--'), 0o4644);
  });

  it('says what is wrong with anything else', () => {
    for (const bad of ['', '8', '99', '12345', 'rwxrwx', 'rwxrwxrwz', 'u+x']) {
      const r = parseMode(bad);
      assert.ok(r instanceof Error, bad);
      assert.match(r.message, /octal digits .* nine letters/);
    }
  });

  it('writes octal and rwx', () => {
    assert.equal(octal(0o644), '644');
    assert.equal(octal(0o4755), '4755');
    assert.equal(octal(0o100644), '644'); // the file type bits are not a mode
    assert.equal(rwx(0o754), 'rwxr-xr--');
    assert.equal(rwx(0o4755), 'rwsr-xr-x');
    assert.equal(rwx(0o1644), 'rw-r--r-T');
    for (const m of [0, 0o644, 0o755, 0o7777, 0o2750]) assert.equal(parseMode(rwx(m)), m);
  });

  it("a tooltip's facts: only what the listing has", () => {
    const facts = entryFacts({ name: 'a', type: 'file', size: 2048, mtimeMs: 0, mode: 0o640, owner: 'www', group: 'staff' }, formatBytes);
    assert.deepEqual(facts.map(([k]) => k), ['Size', 'Modified', 'Owner', 'Mode']);
    assert.equal(facts[0][1], '2 KiB (2,048 bytes)');
    assert.equal(facts[2][1], 'www:staff');
    assert.equal(facts[3][1], 'rw-r----- (640)');
    assert.deepEqual(entryFacts({ name: 'd', type: 'dir' }, formatBytes), []);
    assert.deepEqual(entryFacts({ name: 'p', type: 'file', permissions: 'adfrw' }, formatBytes), [['Permissions', 'adfrw']]);
  });

  it('a connection takes fileMode and folderMode as octal text, and refuses anything else', () => {
    const ok = normalizeConnection({ host: 'h', fileMode: '640', folderMode: '0750' }).config!;
    assert.equal(ok.fileMode, 0o640);
    assert.equal(ok.folderMode, 0o750);
    assert.equal(normalizeConnection({ host: 'h' }).config!.fileMode, undefined);
    assert.match(normalizeConnection({ host: 'h', fileMode: 644 }).problem ?? '', /"fileMode" must be an octal mode in quotes/);
    assert.match(normalizeConnection({ host: 'h', folderMode: '999' }).problem ?? '', /"folderMode"/);
  });
});
