import * as assert from 'node:assert/strict';
import { FtpCertificateError, FtpConnectionError, FtpTlsError } from '../../src/ftp';
import {
  CertificateTrust,
  TRUST_BUTTON,
  certificateLines,
  connectionKey,
  trustQuestion,
  type TrustAnswer,
  type TrustQuestion,
} from '../../src/remote/certificates';
import { needsReconnect, normalizeConnection, normalizeSettings, toConnectOptions, type ConnectionConfig } from '../../src/remote/config';
import { normalizeFingerprint } from '../../src/ftp/tls';
import { FsError, toFsError } from '../../src/remote/fsErrors';

const FP_A = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':');
const FP_B = Array.from({ length: 32 }, (_, i) => (255 - i).toString(16).toUpperCase().padStart(2, '0')).join(':');

function cert(fp = FP_A, extra: Partial<FtpCertificateError['certificate']> = {}): FtpCertificateError['certificate'] {
  return {
    subject: 'CN=localhost',
    issuer: 'CN=localhost',
    validFrom: 'Jan  1 00:00:00 2025 GMT',
    validTo: 'Jan  1 00:00:00 2035 GMT',
    fingerprint256: fp,
    ...extra,
  };
}

function untrusted(fp = FP_A): FtpCertificateError {
  return new FtpCertificateError("The server's certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)", 'untrusted', cert(fp));
}

function changed(trusted: string, now: string): FtpCertificateError {
  return new FtpCertificateError(
    `The server's certificate changed: it is not the one trusted for this connection (trusted ${trusted}, now ${now})`,
    'changed',
    cert(now),
  );
}

function config(extra: Record<string, unknown> = {}): ConnectionConfig {
  const { config: c, problem } = normalizeConnection({ name: 'Secure', host: 'ftp.example.com', username: 'bob', tls: 'explicit', ...extra });
  assert.ok(c, problem);
  return c;
}

describe('remote/config: FTPS settings', () => {
  it('tls defaults to none; implicit defaults to port 990, explicit to 21; a given port wins', () => {
    assert.equal(normalizeConnection({ host: 'h' }).config?.tls, 'none');
    assert.equal(normalizeConnection({ host: 'h' }).config?.port, 21);
    assert.equal(normalizeConnection({ host: 'h', tls: 'explicit' }).config?.port, 21);
    assert.equal(normalizeConnection({ host: 'h', tls: 'implicit' }).config?.port, 990);
    assert.equal(normalizeConnection({ host: 'h', tls: 'implicit', port: 2990 }).config?.port, 2990);
    assert.equal(normalizeConnection({ host: 'h', tls: 'none' }).config?.tls, 'none');
  });

  it('refuses a tls value it does not know, and a fingerprint that is not SHA-256, saying what is allowed', () => {
    assert.match(normalizeConnection({ host: 'h', tls: 'yes' }).problem ?? '', /"tls" must be "none", "explicit" or "implicit"/);
    assert.match(normalizeConnection({ host: 'h', tls: true }).problem ?? '', /"tls"/);
    assert.match(normalizeConnection({ host: 'h', trustedFingerprint: 'AB:CD' }).problem ?? '', /SHA-256 fingerprint/);
  });

  it('normalizes fingerprints (any case, colons optional, sha256: prefix) to upper-case pairs with colons', () => {
    const hex = FP_A.replace(/:/g, '');
    assert.equal(normalizeFingerprint(hex.toLowerCase()), FP_A);
    assert.equal(normalizeFingerprint(`sha256:${hex}`), FP_A);
    assert.equal(normalizeFingerprint(` ${FP_A.toLowerCase()} `), FP_A);
    assert.equal(normalizeFingerprint('nonsense'), '');
    assert.equal(normalizeConnection({ host: 'h', trustedFingerprint: hex.toLowerCase() }).config?.trustedFingerprint, FP_A);
  });

  it('passes tls and the trusted fingerprint to the client', () => {
    const o = toConnectOptions(config({ trustedFingerprint: FP_A }), normalizeSettings({}), 'pw');
    assert.equal(o.tls, 'explicit');
    assert.equal(o.trustedFingerprint, FP_A);
    assert.equal(toConnectOptions(normalizeConnection({ host: 'h' }).config!, normalizeSettings({}), undefined).tls, 'none');
  });

  it('a tls change needs new connections; a newly trusted fingerprint does not drop the working ones', () => {
    assert.equal(needsReconnect(config(), config({ tls: 'implicit', port: 21 })), true);
    assert.equal(needsReconnect(config(), config({ trustedFingerprint: FP_A })), false);
  });
});

describe('remote/fsErrors: FTPS errors', () => {
  it('a refused certificate is NoPermissions, with its fingerprint and what to do', () => {
    const e = toFsError(untrusted(), 'list', '/');
    assert.equal(e.kind, 'NoPermissions');
    assert.match(e.message, /not trusted/);
    assert.ok(e.message.includes(FP_A));
    assert.match(e.message, /Trust This Certificate/);
    assert.match(e.message, /FTP: Diagnose Connection/);
  });

  it('a changed certificate is NoPermissions and says to ask the admin before trusting it', () => {
    const e = toFsError(changed(FP_A, FP_B), 'read', '/a.txt');
    assert.equal(e.kind, 'NoPermissions');
    assert.ok(e.message.includes(FP_B));
    assert.match(e.message, /admin/);
  });

  it('any other TLS failure is Unavailable and names the "tls" setting and its values', () => {
    const e = toFsError(new FtpTlsError('AUTH TLS: 500 Unknown command'), 'list', '/');
    assert.equal(e.kind, 'Unavailable');
    assert.match(e.message, /AUTH TLS: 500 Unknown command/);
    assert.match(e.message, /"tls" setting/);
    assert.match(e.message, /"explicit".*"implicit"/s);
    assert.match(e.message, /Diagnose Connection/);
  });
});

describe('remote/certificates: what the trust modal shows', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('an untrusted certificate: subject, issuer (self-signed), validity and the SHA-256 fingerprint', () => {
    const q = trustQuestion(config(), untrusted(), now);
    assert.equal(q.reason, 'untrusted');
    assert.match(q.message, /"Secure" \(ftp\.example\.com:21\) is not trusted/);
    assert.match(q.detail, /Subject: CN=localhost/);
    assert.match(q.detail, /Issuer: CN=localhost \(self-signed\)/);
    assert.match(q.detail, /Valid: 2025-01-01 00:00:00 UTC to 2035-01-01 00:00:00 UTC/);
    assert.ok(q.detail.includes(`SHA-256 fingerprint: ${FP_A}`));
    assert.match(q.detail, /not signed by an authority/);
    assert.match(q.detail, /DEPTH_ZERO_SELF_SIGNED_CERT/);
    assert.equal(q.previous, undefined);
  });

  it('a changed certificate: both fingerprints, and a warning to check first', () => {
    const q = trustQuestion(config({ trustedFingerprint: FP_A }), changed(FP_A, FP_B), now);
    assert.equal(q.reason, 'changed');
    assert.equal(q.previous, FP_A);
    assert.match(q.message, /CHANGED/);
    assert.ok(q.detail.includes(`Trusted before: SHA-256 ${FP_A}`));
    assert.ok(q.detail.includes(`Now:            SHA-256 ${FP_B}`));
    assert.match(q.detail, /intercepts/);
  });

  it('a changed certificate without the old fingerprint in settings takes it from the client message', () => {
    assert.equal(trustQuestion(config(), changed(FP_A, FP_B), now).previous, FP_A);
  });

  it('a host name mismatch says so', () => {
    const err = new FtpCertificateError("The server's certificate is not for ftp.example.com", 'hostname', cert(FP_A, { issuer: 'CN=Some CA' }));
    const q = trustQuestion(config(), err, now);
    assert.match(q.detail, /not made out for ftp\.example\.com/);
    assert.match(q.detail, /Issuer: CN=Some CA$/m);
  });

  it('marks an expired or not yet valid certificate', () => {
    assert.match(certificateLines(cert(FP_A, { validTo: 'Jan  1 00:00:00 2025 GMT' }), now)[2], /EXPIRED/);
    assert.match(certificateLines(cert(FP_A, { validFrom: 'Jan  1 00:00:00 2027 GMT' }), now)[2], /NOT YET VALID/);
    assert.doesNotMatch(certificateLines(cert(), now)[2], /EXPIRED|NOT YET/);
  });

  it('the button is "Trust This Certificate"', () => {
    assert.equal(TRUST_BUTTON, 'Trust This Certificate');
  });
});

/** A CertificateTrust over fakes: settings as a map, the modal as a queue of answers. */
function fixture(answers: TrustAnswer[] = []) {
  const stored = new Map<string, string>();
  const questions: TrustQuestion[] = [];
  const logs: string[] = [];
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const trust = new CertificateTrust({
    trusted: (cfg) => stored.get(connectionKey(cfg)) ?? cfg.trustedFingerprint,
    remember: async (cfg, fp) => {
      stored.set(connectionKey(cfg), fp);
    },
    ask: async (q) => {
      questions.push(q);
      if (gate.hold) await new Promise<void>((r) => (release = r));
      const a = answers.shift();
      if (!a) throw new Error('no answer queued');
      return a;
    },
    log: (_cfg, text) => logs.push(text),
    now: () => Date.parse('2026-01-01T00:00:00Z'),
  });
  return { trust, stored, questions, logs, gate, release: () => release?.() };
}

/** A fake server: the client refuses its certificate unless `trustedFingerprint` matches `current`. */
function server(current: { fp: string; trustedBefore?: string }) {
  const calls: (string | undefined)[] = [];
  const open = async (trustedFingerprint: string | undefined) => {
    calls.push(trustedFingerprint);
    if (trustedFingerprint === current.fp) return 'client';
    if (trustedFingerprint) throw changed(trustedFingerprint, current.fp);
    throw untrusted(current.fp);
  };
  return { open, calls };
}

describe('remote/certificates: CertificateTrust', () => {
  it('connects with the fingerprint trusted before, without asking', async () => {
    const f = fixture();
    const cfg = config({ trustedFingerprint: FP_A });
    const s = server({ fp: FP_A });
    assert.equal(await f.trust.connect(cfg, s.open), 'client');
    assert.deepEqual(s.calls, [FP_A]);
    assert.equal(f.questions.length, 0);
  });

  it('refused certificate + "trust": remembered for the connection, then connects with it', async () => {
    const f = fixture(['trust']);
    const cfg = config();
    const s = server({ fp: FP_A });
    assert.equal(await f.trust.connect(cfg, s.open), 'client');
    assert.deepEqual(s.calls, [undefined, FP_A]);
    assert.equal(f.questions.length, 1);
    assert.equal(f.questions[0].reason, 'untrusted');
    assert.equal(f.stored.get(connectionKey(cfg)), FP_A);
    assert.equal(f.trust.trusted(cfg), FP_A);
    // The next connection uses it without asking.
    assert.equal(await f.trust.connect(cfg, s.open), 'client');
    assert.equal(f.questions.length, 1);
  });

  it('"cancel": refused with NoPermissions, nothing remembered, not asked again until the user asks to connect', async () => {
    const f = fixture(['cancel', 'cancel']);
    const cfg = config();
    const s = server({ fp: FP_A });
    const err = await f.trust.connect(cfg, s.open).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof FsError);
    assert.equal(err.kind, 'NoPermissions');
    assert.ok(err.message.includes(FP_A));
    assert.match(err.message, /not trusted/);
    assert.equal(f.stored.size, 0);
    // VS Code's next stat of the same folder: refused again, no second modal.
    await assert.rejects(f.trust.connect(cfg, s.open), FsError);
    assert.equal(f.questions.length, 1);
    // "FTP: Connect" / Refresh: asked again.
    f.trust.allowAsking(cfg);
    await assert.rejects(f.trust.connect(cfg, s.open), FsError);
    assert.equal(f.questions.length, 2);
  });

  it('a changed certificate is asked about with both fingerprints, and never accepted silently', async () => {
    const f = fixture(['cancel', 'trust']);
    const cfg = config();
    f.stored.set(connectionKey(cfg), FP_A);
    const s = server({ fp: FP_B });
    const err = await f.trust.connect(cfg, s.open).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof FsError && err.kind === 'NoPermissions');
    assert.match(err.message, /changed/);
    assert.equal(f.questions[0].reason, 'changed');
    assert.equal(f.questions[0].previous, FP_A);
    assert.equal(f.questions[0].certificate.fingerprint256, FP_B);
    assert.equal(f.stored.get(connectionKey(cfg)), FP_A, 'the old fingerprint stays trusted');
    // Asked again (a new attempt by the user): trusting the new one replaces the old.
    f.trust.allowAsking(cfg);
    assert.equal(await f.trust.connect(cfg, s.open), 'client');
    assert.equal(f.stored.get(connectionKey(cfg)), FP_B);
    assert.deepEqual(s.calls, [FP_A, FP_A, FP_B]);
  });

  it('connections waiting on the same certificate share one modal', async () => {
    const f = fixture(['trust']);
    f.gate.hold = true;
    const cfg = config();
    const s = server({ fp: FP_A });
    const all = Promise.all([f.trust.connect(cfg, s.open), f.trust.connect(cfg, s.open), f.trust.connect(cfg, s.open)]);
    await new Promise((r) => setImmediate(r));
    assert.equal(f.questions.length, 1);
    f.release();
    assert.deepEqual(await all, ['client', 'client', 'client']);
    assert.equal(f.questions.length, 1);
  });

  it('trust is per connection: another connection to another server is asked about its own certificate', async () => {
    const f = fixture(['trust', 'cancel']);
    const a = config();
    const b = config({ name: 'Other', host: 'other.example.com' });
    await f.trust.connect(a, server({ fp: FP_A }).open);
    await assert.rejects(f.trust.connect(b, server({ fp: FP_A }).open), FsError);
    assert.equal(f.questions.length, 2);
    assert.equal(f.trust.trusted(b), undefined);
  });

  it('other errors pass through without a question; prompt: false refuses without asking', async () => {
    const f = fixture();
    const cfg = config();
    await assert.rejects(
      f.trust.connect(cfg, async () => {
        throw new FtpConnectionError('ECONNREFUSED');
      }),
      FtpConnectionError,
    );
    await assert.rejects(f.trust.connect(cfg, server({ fp: FP_A }).open, { prompt: false }), FsError);
    assert.equal(f.questions.length, 0);
  });

  it('a modal that fails counts as cancel', async () => {
    const f = fixture([]); // ask throws: no answer queued
    await assert.rejects(f.trust.connect(config(), server({ fp: FP_A }).open), FsError);
    assert.equal(f.stored.size, 0);
  });

  it('trust() by argument normalizes the fingerprint and refuses anything else', async () => {
    const f = fixture();
    const cfg = config();
    assert.equal(await f.trust.trust(cfg, FP_A.replace(/:/g, '').toLowerCase()), FP_A);
    assert.equal(f.stored.get(connectionKey(cfg)), FP_A);
    await assert.rejects(f.trust.trust(cfg, 'AB:CD'), /Not a SHA-256 fingerprint/);
    assert.ok(f.logs.some((l) => l.includes(`certificate trusted: SHA-256 ${FP_A}`)));
  });
});
