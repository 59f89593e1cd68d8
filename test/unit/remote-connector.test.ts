import * as assert from 'node:assert/strict';
import { FtpCertificateError, FtpConnectionError, FtpReplyError, ServerTraits, type FtpConnectOptions } from '../../src/ftp';
import { CertificateTrust, type TrustAnswer } from '../../src/remote/certificates';
import { normalizeConnection, type ConnectionConfig } from '../../src/remote/config';
import { connector, type ConnectorDeps } from '../../src/remote/connector';
import type { RemoteClient } from '../../src/remote/site';

const FP = Array.from({ length: 32 }, (_, i) => (i + 32).toString(16).toUpperCase()).join(':');

function config(extra: Record<string, unknown> = {}): ConnectionConfig {
  const { config: c, problem } = normalizeConnection({ name: 'Site', host: 'ftp.example.com', username: 'bob', ...extra });
  assert.ok(c, problem);
  return c;
}

/**
 * A connector whose server accepts the password 'right' only (or fails with `fail`); the first password tried is
 * 'wrong', the one asked again is `retryGives` ('right'). Records what it was asked.
 */
function setup(opts: { retryGives?: string; fail?: unknown; username?: string } = {}) {
  const cfg = config(opts.username ? { username: opts.username } : {});
  const site = { name: cfg.name, config: cfg, traits: new ServerTraits() };
  const seen: FtpConnectOptions[] = [];
  const asked: { retry: (string | undefined)[]; worked: (string | undefined)[] } = { retry: [], worked: [] };
  const logged: { prefix: string }[] = [];
  const client = { closed: false } as unknown as RemoteClient;
  const deps: ConnectorDeps = {
    passwords: {
      get: async () => (opts.username === 'anonymous' ? undefined : 'wrong'),
      retry: async (_cfg, tried) => {
        asked.retry.push(tried);
        return opts.retryGives ?? 'right';
      },
      loggedIn: async (_cfg, pw) => {
        asked.worked.push(pw);
      },
    },
    trust: { connect: (_cfg, open) => open(undefined) },
    settings: () => ({ timeoutSeconds: 7, poolSize: 2, poolSizeChosen: false, keepAliveSeconds: 0 }),
    log: { event: (prefix) => logged.push({ prefix }) },
    open: async (o) => {
      seen.push(o);
      o.logger?.({ kind: 'info', text: 'hello' });
      if (opts.fail) throw opts.fail;
      if (o.password !== 'right' && o.user !== 'anonymous') throw new FtpReplyError(530, 'Login incorrect.', 'PASS');
      return client;
    },
  };
  return { connect: connector(deps), site, seen, asked, logged, client };
}

describe('remote/connector: one logged-in client of a site', () => {
  it('a refused login (530) asks for the password again once and logs in with it', async () => {
    const t = setup();
    assert.equal(await t.connect(t.site, 3), t.client);
    assert.deepEqual(t.seen.map((o) => o.password), ['wrong', 'right']);
    assert.deepEqual(t.asked.retry, ['wrong']);
    assert.deepEqual(t.asked.worked, ['right'], 'only the password that worked is offered for remembering');
    assert.equal(t.seen[0].timeoutMs, 7000);
    assert.deepEqual(t.logged, [{ prefix: 'Site#3' }, { prefix: 'Site#3' }]);
  });

  it('every connection of a site gets the site\'s one record of what the server can do', async () => {
    const t = setup({ retryGives: 'right' });
    await t.connect(t.site, 1);
    await t.connect(t.site, 2);
    assert.ok(t.seen.length >= 2);
    for (const o of t.seen) assert.equal(o.traits, t.site.traits);
  });

  it('the second refusal is the answer: it rejects with the login error, no third try', async () => {
    const t = setup({ retryGives: 'also-wrong' });
    await assert.rejects(t.connect(t.site, 0), (e: unknown) => e instanceof FtpReplyError && e.code === 530);
    assert.deepEqual(t.seen.map((o) => o.password), ['wrong', 'also-wrong']);
    assert.deepEqual(t.asked.retry, ['wrong']);
    assert.deepEqual(t.asked.worked, [], 'a refused password is never offered for remembering');
  });

  it('an anonymous login is not retried; nor is an error that is not a refused login', async () => {
    const anon = setup({ username: 'anonymous', fail: new FtpReplyError(530, 'No anonymous here.') });
    await assert.rejects(anon.connect(anon.site, 0), /530 No anonymous here/);
    assert.deepEqual(anon.asked.retry, []);
    const down = setup({ fail: new FtpConnectionError('connection refused') });
    await assert.rejects(down.connect(down.site, 0), /connection refused/);
    assert.deepEqual(down.asked.retry, []);
    assert.equal(down.seen.length, 1);
  });

  it('connects through the trust: a refused certificate the user trusts is tried once more with its fingerprint', async () => {
    const answers: TrustAnswer[] = [];
    const trust = new CertificateTrust({
      trusted: () => undefined,
      remember: async () => undefined,
      ask: async () => {
        answers.push('trust');
        return 'trust';
      },
    });
    const certError = new FtpCertificateError('not trusted', 'untrusted', {
      subject: 'CN=x',
      issuer: 'CN=x',
      validFrom: 'Jan  1 00:00:00 2025 GMT',
      validTo: 'Jan  1 00:00:00 2035 GMT',
      fingerprint256: FP,
    });
    let first = true;
    const t = setup();
    const seen: (string | undefined)[] = [];
    const c = connector({
      passwords: { get: async () => 'right', retry: async () => 'right' },
      trust,
      settings: () => ({ timeoutSeconds: 30, poolSize: 2, poolSizeChosen: false, keepAliveSeconds: 0 }),
      log: { event: () => undefined },
      open: async (o) => {
        seen.push(o.trustedFingerprint);
        if (first) {
          first = false;
          throw certError;
        }
        return t.client;
      },
    });
    assert.equal(await c(t.site, 0), t.client);
    assert.deepEqual(seen, [undefined, FP]);
    assert.deepEqual(answers, ['trust']);
  });
});
