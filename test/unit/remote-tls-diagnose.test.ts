import * as assert from 'node:assert/strict';
import type { DataMethod } from '../../src/ftp/data';
import { analyzeProbe, type MethodResult, type ProbeInput, type ProbeReport } from '../../src/ftp/probe';
import { normalizeConnection, type ConnectionConfig } from '../../src/remote/config';
import {
  diagnosisActions,
  diagnosisSummary,
  formatDiagnosis,
  settingsText,
  tlsCandidates,
  type TlsAlternative,
} from '../../src/remote/diagnosis';

const FP = Array.from({ length: 32 }, (_, i) => (i + 0xa0).toString(16).toUpperCase()).join(':');

function ok(method: DataMethod): MethodResult {
  return { method, ok: true, ms: 5 };
}

function fail(method: DataMethod, failure: MethodResult['failure']): MethodResult {
  return { method, ok: false, ms: 3000, failure, error: `${method} failed`, diagnosis: 'a firewall drops it' };
}

function report(over: Partial<ProbeInput> = {}): ProbeReport {
  const input: ProbeInput = {
    host: '127.0.0.1',
    port: 2121,
    settings: { mode: 'passive', fallback: true, trustPasvAddress: false },
    control: { local: '127.0.0.1:50000', remote: '127.0.0.1:2121' },
    login: { ok: true, ms: 40, user: 'bob', banner: '220 (vsFTPd 3.0.3)' },
    features: ['EPRT', 'EPSV', 'PASV'],
    methods: [ok('EPSV'), ok('PASV'), ok('EPRT'), ok('PORT')],
    ...over,
  };
  return { version: 1, ...input, ...analyzeProbe(input) };
}

function cfg(extra: Record<string, unknown> = {}): ConnectionConfig {
  const n = normalizeConnection({ name: 'Local', host: '127.0.0.1', port: 2121, username: 'bob', ...extra });
  assert.ok(n.config, n.problem);
  return n.config;
}

function loginFailed(failure: NonNullable<ProbeInput['login']['failure']>, error: string, extra: Partial<ProbeInput> = {}): ProbeReport {
  return report({ login: { ok: false, ms: 10, user: 'bob', failure, error }, methods: [], features: [], ...extra });
}

describe('remote/diagnosis: the report text', () => {
  it('all four methods ok: header with the settings, the probe report, nothing to change', () => {
    const text = formatDiagnosis(report(), cfg(), { when: new Date('2026-01-02T03:04:05Z') });
    const lines = text.split('\n');
    assert.equal(lines[0], 'FTP Explorer: diagnosis of "Local" (bob@127.0.0.1:2121), 2026-01-02 03:04:05 UTC');
    assert.equal(lines[1], 'Settings: tls none, passive mode, fallback on, trustPasvAddress off');
    assert.ok(text.includes('FTP diagnosis of 127.0.0.1:2121'));
    assert.match(text, /methods: EPSV ok 5 ms, PASV ok 5 ms, EPRT ok 5 ms, PORT ok 5 ms/);
    assert.match(text, /Works: login, passive mode \(EPSV, PASV\), active mode \(EPRT, PORT\)\./);
    assert.match(text, /In FTP Explorer:\n {2}Nothing to change\./);
  });


  it('the TLS setting and the trusted fingerprint are in the header', () => {
    const text = formatDiagnosis(report({ settings: { mode: 'active', fallback: false, trustPasvAddress: true, tls: 'explicit' } }), cfg({ tls: 'explicit', trustedFingerprint: FP, mode: 'active', fallback: false, trustPasvAddress: true }));
    assert.equal(text.split('\n')[1], 'Settings: tls explicit, active mode, fallback off, trustPasvAddress on');
    assert.equal(text.split('\n')[2], `Trusted certificate: SHA-256 ${FP}`);
  });
});

describe('remote/diagnosis: what it offers', () => {
  it('passive fails, active works: offers active mode, and says so in the text', () => {
    const r = report({ methods: [fail('EPSV', 'connect-timeout'), fail('PASV', 'connect-timeout'), ok('EPRT'), ok('PORT')] });
    assert.deepEqual(r.change, { mode: 'active' });
    const actions = diagnosisActions(r, cfg());
    assert.deepEqual(actions, [{ kind: 'apply', label: 'Use Active Mode', settings: { mode: 'active' } }]);
    const text = formatDiagnosis(r, cfg());
    assert.match(text, /"Use Active Mode": sets "mode": "active" for "Local" in ftpExplorer\.connections\./);
    assert.match(text, /Switch Data Connection Mode/);
    assert.match(diagnosisSummary(r, cfg()), /"Local": The current setting \(passive mode\) does not work here/);
  });

  it('a wrong trusted PASV address: offers to turn trustPasvAddress off', () => {
    const r = report({
      settings: { mode: 'passive', fallback: true, trustPasvAddress: true },
      methods: [fail('EPSV', 'command-refused'), { ...fail('PASV', 'connect-timeout'), reply: '227 Entering Passive Mode (10,9,9,9,156,65).' }, ok('EPRT'), ok('PORT')],
      pasvViaControl: ok('PASV'),
    });
    const actions = diagnosisActions(r, cfg({ trustPasvAddress: true }));
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'apply');
    assert.equal(actions[0].kind === 'apply' && actions[0].settings.trustPasvAddress, false);
    assert.match(actions[0].label, /Turn Off trustPasvAddress/);
  });

  const tlsSettings = { mode: 'passive' as const, fallback: true, trustPasvAddress: false, tls: 'explicit' as const };

  it('a certificate that is not trusted: offers to show it (to trust it)', () => {
    const r = loginFailed('tls', "The server's certificate is not trusted", { settings: tlsSettings });
    const certificate = { problem: 'untrusted' as const, fingerprint256: FP, subject: 'CN=localhost' };
    const actions = diagnosisActions(r, cfg({ tls: 'explicit' }), { certificate });
    assert.deepEqual(actions, [{ kind: 'trust', label: 'Show Certificate…' }]);
    assert.equal(tlsCandidates(r, cfg({ tls: 'explicit' }), { certificate }).length, 0, 'TLS works: no other mode to try');
    const text = formatDiagnosis(r, cfg({ tls: 'explicit' }), { certificate });
    assert.ok(text.includes(`SHA-256 ${FP}`));
    assert.match(text, /"Show Certificate…" shows the certificate/);
    assert.match(diagnosisSummary(r, cfg(), { certificate }), /not trusted yet/);
  });

  it('also takes the certificate from the report itself when the probe keeps it there', () => {
    const r = loginFailed('tls', 'not trusted', { settings: tlsSettings });
    const withCert = { ...r, tls: { ...r.tls, certificate: { problem: 'untrusted' as const, fingerprint256: FP, subject: 'CN=x' } } };
    assert.deepEqual(diagnosisActions(withCert, cfg({ tls: 'explicit' })), [{ kind: 'trust', label: 'Show Certificate…' }]);
  });

  it('a changed certificate: the summary and the text say it changed', () => {
    const r = loginFailed('tls', 'changed', { settings: tlsSettings });
    const certificate = { problem: 'changed' as const, fingerprint256: FP, subject: 'CN=localhost' };
    assert.match(diagnosisSummary(r, cfg(), { certificate }), /has changed since it was trusted/);
    assert.match(formatDiagnosis(r, cfg({ tls: 'explicit' }), { certificate }), /changed since it was trusted.*after checking it with the server's admin/);
  });

  it('the server offers TLS but the connection does not use it: offers explicit TLS', () => {
    const r = report({ features: ['AUTH TLS', 'EPSV', 'PASV'] });
    assert.deepEqual(diagnosisActions(r, cfg()), [{ kind: 'apply', label: 'Use Explicit TLS', settings: { tls: 'explicit' } }]);
  });

  it('the configured TLS mode fails and another works: offers that mode (and its port)', () => {
    const r = loginFailed('tls', 'The TLS handshake on the control connection failed', {
      settings: { mode: 'passive', fallback: true, trustPasvAddress: false, tls: 'explicit' },
    });
    const c = cfg({ tls: 'explicit', port: 21 });
    const alternatives: TlsAlternative[] = [
      { tls: 'implicit', port: 990, result: 'certificate', error: 'not trusted' },
      { tls: 'implicit', port: 21, result: 'fail', error: 'timeout' },
    ];
    const actions = diagnosisActions(r, c, { alternatives });
    assert.deepEqual(actions[0], { kind: 'apply', label: 'Use Implicit TLS on Port 990', settings: { tls: 'implicit', port: 990 } });
    const text = formatDiagnosis(r, c, { alternatives });
    assert.match(text, /Tried implicit TLS on port 990: TLS works; the certificate needs to be trusted first/);
    assert.match(text, /Tried implicit TLS on port 21: fails \(timeout\)/);
    assert.match(text, /"Use Implicit TLS on Port 990": sets "tls": "implicit", "port": 990/);
  });

  it('settingsText writes the JSON of the settings', () => {
    assert.equal(settingsText({ mode: 'active', trustPasvAddress: false }), '"mode": "active", "trustPasvAddress": false');
  });
});

describe('remote/diagnosis: which TLS modes to try', () => {
  const modes = (r: ProbeReport, c: ConnectionConfig) => tlsCandidates(r, c).map((x) => `${x.tls}@${x.port}`);

  it('none when the login works, the password is wrong, or the host does not exist', () => {
    assert.deepEqual(modes(report(), cfg()), []);
    assert.deepEqual(modes(loginFailed('credentials', '530 Login incorrect.'), cfg()), []);
    assert.deepEqual(modes(loginFailed('not-found', 'ENOTFOUND'), cfg()), []);
  });

  it('explicit on the usual port fails: implicit on 990 and on the same port; never plain FTP', () => {
    const c = cfg({ tls: 'explicit', port: 21 });
    assert.deepEqual(modes(loginFailed('tls', 'AUTH TLS: 500'), c), ['implicit@990', 'implicit@21']);
  });

  it('implicit on 990 fails: explicit on 21 and on 990', () => {
    assert.deepEqual(modes(loginFailed('timeout', 'no banner'), cfg({ tls: 'implicit', port: undefined })), ['explicit@21', 'explicit@990']);
  });

  it('plain FTP on an unusual port that answers nothing: both TLS modes on that port only', () => {
    assert.deepEqual(modes(loginFailed('timeout', 'no banner'), cfg()), ['explicit@2121', 'implicit@2121']);
  });

  it('the port refuses: the usual ports of the other modes', () => {
    assert.deepEqual(modes(loginFailed('connection-refused', 'ECONNREFUSED'), cfg({ tls: 'explicit', port: 2121 })), ['implicit@990']);
  });

  it('a server that wants encryption (530 ... must use encryption): the TLS modes', () => {
    const c = cfg({ port: 21 });
    assert.deepEqual(modes(loginFailed('credentials', '530 Non-anonymous sessions must use encryption.'), c), ['explicit@21', 'implicit@990', 'implicit@21']);
  });
});
