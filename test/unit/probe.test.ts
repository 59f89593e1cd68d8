import { strict as assert } from 'node:assert';
import {
  analyzeProbe,
  formatProbeReport,
  splitEndpoint,
  type MethodResult,
  type ProbeInput,
  type ProbeReport,
} from '../../src/ftp/probe';
import type { DataMethod } from '../../src/ftp/data';

/**
 * The advice of the connection diagnosis (probe's analysis), from the facts each network scenario produces
 * (see test/network for the same scenarios on real namespaces): what works, what fails, the likely cause and
 * the setting to change.
 */

const CONTROL = { local: '10.200.0.1:50000', remote: '10.200.0.2:21' };

function ok(method: DataMethod, extra: Partial<MethodResult> = {}): MethodResult {
  const passive = method === 'EPSV' || method === 'PASV';
  return {
    method,
    ok: true,
    ms: 5,
    dataPeer: passive ? '10.200.0.2:40001' : '10.200.0.2:46161',
    reply: method === 'PASV' ? '227 Entering Passive Mode (10,200,0,2,156,65).' : method === 'EPSV' ? '229 Entering Extended Passive Mode (|||40001|)' : '200 OK.',
    ...extra,
  };
}

function fail(method: DataMethod, failure: MethodResult['failure'], extra: Partial<MethodResult> = {}): MethodResult {
  return { method, ok: false, ms: 3000, failure, error: `${method} failed`, ...extra };
}

function facts(over: Partial<ProbeInput> = {}): ProbeInput {
  return {
    host: '10.200.0.2',
    port: 21,
    settings: { mode: 'passive', fallback: true, trustPasvAddress: false },
    control: CONTROL,
    login: { ok: true, ms: 40, user: 'ftpexplorer', banner: '220 (vsFTPd 3.0.3)' },
    features: ['EPRT', 'EPSV', 'PASV', 'SIZE'],
    methods: [ok('EPSV'), ok('PASV'), ok('EPRT'), ok('PORT')],
    ...over,
  };
}

function report(input: ProbeInput): ProbeReport {
  return { version: 1, ...input, ...analyzeProbe(input) };
}

function finding(r: ProbeReport, check: string) {
  const f = r.findings.find((x) => x.check === check);
  assert.ok(f, `no ${check} finding`);
  return f;
}

function changeLine(r: ProbeReport): string {
  const line = r.advice.find((a) => a.startsWith('Change: '));
  assert.ok(line, `no Change line in ${JSON.stringify(r.advice)}`);
  return line;
}

describe('probe: advice of the connection diagnosis', () => {
  it('everything works: both modes ok, nothing to change', () => {
    const r = report(facts());
    assert.deepEqual(r.passive, { ok: true, via: ['EPSV', 'PASV'] });
    assert.deepEqual(r.active, { ok: true, via: ['EPRT', 'PORT'] });
    assert.deepEqual(r.change, {});
    assert.equal(r.advice[0], 'Both modes work; the current setting (passive mode) is fine.');
    assert.equal(changeLine(r), 'Change: nothing.');
    assert.ok(r.findings.every((f) => f.status === 'ok' || f.status === 'info'), JSON.stringify(r.findings));
    assert.deepEqual(r.pasvAddress, { advertised: '10.200.0.2', control: '10.200.0.2', same: true, private: true, trusted: false });
  });

  it('tells whether the server connects from port 20', () => {
    const from20 = report(facts({ methods: [ok('EPSV'), ok('PASV'), ok('EPRT', { dataPeer: '10.200.0.2:20' }), ok('PORT', { dataPeer: '10.200.0.2:20' })] }));
    assert.deepEqual(from20.activeSource, { address: '10.200.0.2', port: 20, fromPort20: true });
    assert.equal(finding(from20, 'port-20').status, 'info');
    assert.match(finding(from20, 'port-20').summary, /^yes: .*port 20/);
    assert.match(finding(from20, 'port-20').cause ?? '', /blocks source port 20/);
    const eph = report(facts());
    assert.deepEqual(eph.activeSource, { address: '10.200.0.2', port: 46161, fromPort20: false });
    assert.match(finding(eph, 'port-20').summary, /^no: .*port 46161, not 20/);
  });

  it('client firewall (inbound blocked): active fails, the cause is the inbound firewall, switch to passive', () => {
    const r = report(
      facts({
        settings: { mode: 'active', fallback: false, trustPasvAddress: false },
        methods: [ok('EPSV'), ok('PASV'), fail('EPRT', 'no-connect-back'), fail('PORT', 'no-connect-back')],
      }),
    );
    const active = finding(r, 'active');
    assert.equal(active.status, 'fail');
    assert.match(active.summary, /EPRT: the server never connected; PORT: the server never connected/);
    assert.match(active.cause ?? '', /inbound firewall on this machine/);
    assert.match(active.cause ?? '', /source port 20/);
    assert.deepEqual(r.change, { mode: 'passive' });
    assert.match(r.advice[0], /current setting \(active mode\) does not work here; passive mode does/);
    assert.equal(changeLine(r), 'Change: set "mode" to "passive".');
    assert.equal(finding(r, 'port-20').status, 'warn');
    assert.match(finding(r, 'port-20').summary, /unknown/);
  });

  it('the same failure in the mode not in use changes nothing', () => {
    const r = report(facts({ methods: [ok('EPSV'), ok('PASV'), fail('EPRT', 'no-connect-back'), fail('PORT', 'server-could-not-connect', { code: 425 })] }));
    assert.deepEqual(r.change, {});
    assert.equal(r.advice[0], 'The current setting (passive mode) works; active mode does not.');
    assert.ok(r.advice.some((a) => a.startsWith('Why: ') && /the server said it could not connect/.test(a)), JSON.stringify(r.advice));
    assert.equal(changeLine(r), 'Change: nothing.');
  });

  it('server firewall outside the passive range: names the port, suggests opening the range or active mode', () => {
    const error = 'Could not open the passive data connection to 10.200.0.2:41007 (timed out). Nothing answered ...';
    const r = report(facts({ methods: [fail('EPSV', 'connect-timeout', { error }), fail('PASV', 'connect-timeout', { error }), ok('EPRT'), ok('PORT')] }));
    const passive = finding(r, 'passive');
    assert.equal(passive.status, 'fail');
    assert.match(passive.cause ?? '', /passive port 41007/);
    assert.match(passive.cause ?? '', /firewall/);
    assert.match(passive.change ?? '', /open its passive port range/);
    assert.deepEqual(r.change, { mode: 'active' });
    assert.equal(changeLine(r), 'Change: set "mode" to "active".');
  });

  it('a passive port that refuses (RST) is told apart from one that never answers', () => {
    const r = report(facts({ methods: [fail('EPSV', 'connect-refused'), fail('PASV', 'connect-refused'), ok('EPRT'), ok('PORT')] }));
    assert.match(finding(r, 'passive').cause ?? '', /refused the connection/);
  });

  it('nothing works: says so, and the change is for the server side', () => {
    const r = report(
      facts({ methods: [fail('EPSV', 'connect-timeout'), fail('PASV', 'connect-timeout'), fail('EPRT', 'no-connect-back'), fail('PORT', 'no-connect-back')] }),
    );
    assert.match(r.advice[0], /No data connection works, in either mode/);
    assert.deepEqual(r.change, {});
    assert.match(changeLine(r), /Change: Ask the server's admin to open its passive port range/);
    assert.doesNotMatch(changeLine(r), /set "mode"/);
  });

  it('server behind NAT, default settings: the 227 address is private but ignored, so it works (a note, no change)', () => {
    const r = report(
      facts({
        control: { local: '10.200.1.1:40000', remote: '10.200.1.254:21' },
        methods: [
          fail('EPSV', 'command-refused', { code: 550, reply: '550 Permission denied.' }),
          ok('PASV', { reply: '227 Entering Passive Mode (10,200,2,2,156,73).', dataPeer: '10.200.1.254:40009' }),
          ok('EPRT'),
          ok('PORT'),
        ],
      }),
    );
    assert.deepEqual(r.pasvAddress, { advertised: '10.200.2.2', control: '10.200.1.254', same: false, private: true, trusted: false });
    assert.equal(finding(r, 'pasv-address').status, 'warn');
    assert.match(finding(r, 'passive').summary, /works through PASV \(EPSV: 550 Permission denied\.\)/);
    assert.ok(r.advice.some((a) => a.startsWith('Note: The server is behind NAT and advertises 10.200.2.2')), JSON.stringify(r.advice));
    assert.deepEqual(r.change, {});
    assert.equal(changeLine(r), 'Change: nothing.');
  });

  it('server behind NAT, trusting the 227 address: PASV fails, turn off trustPasvAddress (no mode change)', () => {
    const r = report(
      facts({
        settings: { mode: 'passive', fallback: true, trustPasvAddress: true },
        control: { local: '10.200.1.1:40000', remote: '10.200.1.254:21' },
        methods: [
          fail('EPSV', 'command-refused', { code: 550, reply: '550 Permission denied.' }),
          fail('PASV', 'connect-timeout', { reply: '227 Entering Passive Mode (10,200,2,2,156,73).' }),
          ok('EPRT'),
          ok('PORT'),
        ],
        pasvViaControl: ok('PASV', { dataPeer: '10.200.1.254:40009' }),
      }),
    );
    const pa = finding(r, 'pasv-address');
    assert.equal(pa.status, 'fail');
    assert.match(pa.summary, /names 10\.200\.2\.2 \(private\), the control connection goes to 10\.200\.1\.254/);
    assert.match(pa.cause ?? '', /behind NAT/);
    assert.match(pa.change ?? '', /tested: PASV to 10\.200\.1\.254 works/);
    assert.deepEqual(r.change, { trustPasvAddress: false });
    assert.equal(changeLine(r), 'Change: turn off "trustPasvAddress" (the client then connects to 10.200.1.254).');
    // One cause line for it, not two.
    assert.equal(r.advice.filter((a) => a.startsWith('Why: ')).length, 1, JSON.stringify(r.advice));
  });

  it('trusting the 227 address when the control address fails too: switch modes instead', () => {
    const r = report(
      facts({
        settings: { mode: 'passive', fallback: true, trustPasvAddress: true },
        control: { local: '10.200.1.1:40000', remote: '10.200.1.254:21' },
        methods: [
          fail('EPSV', 'command-refused', { code: 550 }),
          fail('PASV', 'connect-timeout', { reply: '227 Entering Passive Mode (10,200,2,2,156,73).' }),
          ok('EPRT'),
          ok('PORT'),
        ],
        pasvViaControl: fail('PASV', 'connect-timeout'),
      }),
    );
    assert.deepEqual(r.change, { mode: 'active' });
  });

  it('client behind NAT: PORT refused for a private address; passive, or activeAddress with a port forward', () => {
    const r = report(
      facts({
        settings: { mode: 'active', fallback: false, trustPasvAddress: false },
        control: { local: '10.200.1.1:40000', remote: '10.200.2.2:21' },
        methods: [
          ok('EPSV'),
          ok('PASV'),
          fail('EPRT', 'command-refused', { code: 500, reply: '500 Illegal EPRT command.' }),
          fail('PORT', 'command-refused', { code: 500, reply: '500 Illegal PORT command.' }),
        ],
      }),
    );
    const active = finding(r, 'active');
    assert.match(active.summary, /EPRT: 500 Illegal EPRT command\.; PORT: 500 Illegal PORT command\./);
    assert.match(active.cause ?? '', /refused the address this machine offered \(10\.200\.1\.1\)/);
    assert.match(active.cause ?? '', /behind NAT/);
    assert.match(active.change ?? '', /"mode" to "passive"/);
    assert.match(active.change ?? '', /"activeAddress"/);
    assert.match(active.change ?? '', /"activePortRange"/);
    assert.deepEqual(r.change, { mode: 'passive' });
    assert.equal(finding(r, 'port-20').status, 'skipped');
  });

  it('active mode refused with a public address or an activeAddress set: not blamed on NAT', () => {
    const r = report(
      facts({
        settings: { mode: 'passive', fallback: true, trustPasvAddress: false, activeAddress: '198.51.100.7' },
        methods: [ok('EPSV'), ok('PASV'), fail('EPRT', 'command-refused', { code: 500 }), fail('PORT', 'command-refused', { code: 500 })],
      }),
    );
    assert.match(finding(r, 'active').cause ?? '', /refuses active mode to 198\.51\.100\.7/);
    assert.match(finding(r, 'active').change ?? '', /check "activeAddress"/);
  });

  it('a connection from another address than the server is named', () => {
    const r = report(
      facts({ methods: [ok('EPSV'), ok('PASV'), fail('EPRT', 'no-connect-back', { rejected: ['10.200.9.9:4000'] }), fail('PORT', 'no-connect-back')] }),
    );
    assert.match(finding(r, 'active').cause ?? '', /arrived from 10\.200\.9\.9:4000, not from the server's control address/);
  });

  it('login failures: credentials, nothing listening, a timeout; the rest is skipped', () => {
    const bad = report(facts({ login: { ok: false, ms: 3000, user: 'u', error: 'login: 530 Login incorrect.', failure: 'credentials' }, methods: [] }));
    assert.equal(finding(bad, 'login').status, 'fail');
    assert.match(bad.advice.join('\n'), /Why: The server refused the user name or password\.\nChange: Check the user name and the password\./);
    for (const c of ['passive', 'active', 'port-20', 'pasv-address']) assert.equal(finding(bad, c).status, 'skipped');
    const refused = report(facts({ login: { ok: false, ms: 1, user: 'u', failure: 'connection-refused' }, methods: [] }));
    assert.match(refused.advice.join('\n'), /Nothing listens on 10\.200\.0\.2:21/);
    const timeout = report(facts({ login: { ok: false, ms: 1, user: 'u', failure: 'timeout' }, methods: [] }));
    assert.match(timeout.advice.join('\n'), /a firewall drops connections to that port/);
  });

  it('TLS: not configured but offered is a note; an untrusted certificate names its fingerprint and the setting', () => {
    const offered = report(facts({ features: ['AUTH TLS', 'EPSV', 'PASV'] }));
    assert.deepEqual({ configured: offered.tls.configured, offered: offered.tls.offered }, { configured: false, offered: true });
    assert.ok(offered.advice.some((a) => /^Note: .*FTPS/.test(a)), JSON.stringify(offered.advice));
    const notOffered = report(facts());
    assert.equal(finding(notOffered, 'tls').summary, 'not configured; the server does not offer TLS');

    const fp = 'AB:CD:EF';
    const cert = report(
      facts({
        settings: { mode: 'passive', fallback: true, trustPasvAddress: false, tls: 'explicit' },
        login: { ok: false, ms: 10, user: 'u', failure: 'tls', error: 'certificate not trusted' },
        methods: [],
        tls: { ok: false, detail: 'certificate not trusted', certificate: { problem: 'untrusted', fingerprint256: fp, subject: 'CN=localhost' } },
      }),
    );
    assert.equal(finding(cert, 'tls').status, 'fail');
    assert.match(finding(cert, 'tls').change ?? '', /SHA-256 AB:CD:EF .*"trustedFingerprint"/);
    assert.match(cert.advice.join('\n'), /Why: The server's certificate \(CN=localhost\) is not signed by an authority/);

    const works = report(facts({ settings: { mode: 'passive', fallback: true, trustPasvAddress: false, tls: 'explicit' }, tls: { ok: true, detail: 'control connection: TLSv1.3' } }));
    assert.deepEqual({ status: finding(works, 'tls').status, summary: finding(works, 'tls').summary }, { status: 'ok', summary: 'control connection: TLSv1.3' });
  });

  it('formats a short plain-words report, and the JSON round-trips', () => {
    const r = report(
      facts({
        settings: { mode: 'active', fallback: false, trustPasvAddress: false },
        methods: [ok('EPSV'), ok('PASV'), fail('EPRT', 'no-connect-back'), fail('PORT', 'no-connect-back')],
      }),
    );
    const text = formatProbeReport(r);
    const lines = text.split('\n');
    assert.equal(lines[0], 'FTP diagnosis of 10.200.0.2:21 (from 10.200.0.1:50000)');
    assert.match(text, /\n {2}ok {4}login {9}logged in as ftpexplorer: 220 \(vsFTPd 3\.0\.3\)\n/);
    assert.match(text, /\n {2}FAIL {2}active mode {3}FAILS \(EPRT: the server never connected; PORT: the server never connected\)\n/);
    assert.match(text, /\n {2}methods: EPSV ok 5 ms, PASV ok 5 ms, EPRT FAIL 3000 ms, PORT FAIL 3000 ms\n/);
    assert.match(text, /\nWorks: login, passive mode \(EPSV, PASV\)\.\nFails: EPRT, PORT\.\n/);
    assert.match(text, /\nWhy: The server accepted the address but its data connection never arrived/);
    assert.equal(lines[lines.length - 1], 'Change: set "mode" to "passive".');
    assert.ok(lines.length <= 16, `short: ${lines.length} lines`);
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });

  it('splits endpoints, IPv6 included', () => {
    assert.deepEqual(splitEndpoint('10.200.0.2:20'), { host: '10.200.0.2', port: 20 });
    assert.deepEqual(splitEndpoint('[::1]:2121'), { host: '::1', port: 2121 });
    assert.deepEqual(splitEndpoint('[::ffff:10.0.0.1]:21'), { host: '10.0.0.1', port: 21 });
    assert.equal(splitEndpoint('?'), undefined);
  });
});
