import * as assert from 'node:assert/strict';
import { addressScope } from '../../src/ftp/address';
import { analyzeProbe, type ProbeInput, type ProbeReport } from '../../src/ftp/probe';
import { normalizeConnection } from '../../src/remote/config';
import { formatDiagnosisMarkdown } from '../../src/remote/diagnosisMarkdown';

function report(over: Partial<ProbeInput> = {}): ProbeReport {
  const input: ProbeInput = {
    host: '127.0.0.1',
    port: 2121,
    settings: { mode: 'passive', fallback: true, trustPasvAddress: false },
    control: { local: '127.0.0.1:50000', remote: '127.0.0.1:2121' },
    login: { ok: true, ms: 40, user: 'bob', banner: '220 (vsFTPd 3.0.3)' },
    features: ['EPRT', 'EPSV', 'PASV'],
    methods: [
      { method: 'EPSV', ok: true, ms: 5 },
      // A server on loopback that names another loopback address in its 227 reply.
      { method: 'PASV', ok: true, ms: 5, reply: '227 Entering Passive Mode (127,0,0,2,195,80).' },
      { method: 'EPRT', ok: true, ms: 5 },
      { method: 'PORT', ok: true, ms: 5 },
    ],
    ...over,
  };
  return { version: 1, ...input, ...analyzeProbe(input) };
}

const cfg = normalizeConnection({ name: 'Local', host: '127.0.0.1', port: 2121, username: 'bob' }).config!;

describe('remote/diagnosisMarkdown: the report as the preview shows it', () => {
  it('127.0.0.0/8 and ::1 are loopback, not private; RFC 1918 is private', () => {
    assert.equal(addressScope('127.0.0.1'), 'loopback');
    assert.equal(addressScope('127.3.2.1'), 'loopback');
    assert.equal(addressScope('::1'), 'loopback');
    assert.equal(addressScope('::ffff:127.0.0.1'), 'loopback');
    assert.equal(addressScope('10.1.2.3'), 'private');
    assert.equal(addressScope('169.254.1.1'), 'link-local');
    assert.equal(addressScope('8.8.8.8'), 'public');
  });

  it('the verdict first, then what to do, the checks as a table; a loopback address is called loopback', () => {
    const text = formatDiagnosisMarkdown(report(), cfg, { when: new Date('2026-01-02T03:04:05Z') });
    const lines = text.split('\n');
    assert.equal(lines[0], '# Diagnosis of "Local"');
    assert.match(lines[2], /^\*\*Verdict:\*\* /);
    assert.ok(text.indexOf('Verdict') < text.indexOf('## Checks'));
    assert.ok(text.indexOf('## What to do') < text.indexOf('## Checks'));
    assert.match(text, /\| pasv-address \| [^|]+ \| the 227 reply names 127\.0\.0\.2 \\\(loopback\\\)/);
    assert.doesNotMatch(text, /private/);
  });
});
