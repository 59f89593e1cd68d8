import * as assert from 'node:assert/strict';
import {
  checkName,
  needsReconnect,
  normalizeConnection,
  normalizeConnections,
  normalizeSettings,
  parsePortRange,
  secretKey,
  toConnectOptions,
} from '../../src/remote/config';

describe('remote/config', () => {
  it('fills in defaults', () => {
    const { config } = normalizeConnection({ host: 'ftp.example.com' });
    assert.deepEqual(config, {
      name: 'ftp.example.com',
      host: 'ftp.example.com',
      port: 21,
      username: 'anonymous',
      remoteRoot: '',
      mode: 'passive',
      fallback: true,
      trustPasvAddress: false,
      activeAddress: undefined,
      activePortRange: undefined,
      encoding: 'auto',
      readOnly: false,
      safeSave: true,
      poolSize: undefined,
      tls: 'none',
      trustedFingerprint: undefined,
      pollSeconds: 10,
    });
  });

  it('pollSeconds: 10 by default, 0 turns watching off, at least a second otherwise; anything else is a problem', () => {
    assert.equal(normalizeConnection({ host: 'h', pollSeconds: 0 }).config?.pollSeconds, 0);
    assert.equal(normalizeConnection({ host: 'h', pollSeconds: 2.5 }).config?.pollSeconds, 2.5);
    assert.equal(normalizeConnection({ host: 'h', pollSeconds: 0.01 }).config?.pollSeconds, 1);
    for (const bad of [-1, '10', null, Number.NaN]) {
      const n = normalizeConnection({ host: 'h', pollSeconds: bad });
      assert.equal(n.config, undefined, String(bad));
      assert.match(n.problem ?? '', /"pollSeconds" must be a number of seconds, 0 or more/);
    }
  });

  it('keeps given values and clamps the pool size', () => {
    const { config } = normalizeConnection({
      name: 'Site',
      host: 'h',
      port: 2121,
      username: 'bob',
      mode: 'active',
      fallback: false,
      trustPasvAddress: true,
      activePortRange: '50000-50100',
      readOnly: true,
      poolSize: 99,
    });
    assert.equal(config?.mode, 'active');
    assert.equal(config?.fallback, false);
    assert.equal(config?.trustPasvAddress, true);
    assert.equal(config?.readOnly, true);
    assert.equal(config?.poolSize, 8);
  });

  it('reports entries it cannot use, with what to do', () => {
    assert.match(normalizeConnection({}).problem ?? '', /no host/);
    assert.match(normalizeConnection({ host: 'h', name: 'a/b' }).problem ?? '', /cannot contain/);
    assert.match(normalizeConnection({ host: 'h', port: 0 }).problem ?? '', /port/);
    assert.match(normalizeConnection({ host: 'h', activePortRange: '5-' }).problem ?? '', /50000-50100/);
    assert.match(normalizeConnection('x').problem ?? '', /not an object/);
  });

  it('flags a password in settings (it is ignored)', () => {
    const r = normalizeConnections([{ host: 'h', password: 'x' }, { host: 'g' }]);
    assert.deepEqual(r.withPassword, ['h']);
    assert.ok(!('password' in r.configs[0]));
  });

  it('drops a second connection with the same name, case-insensitively', () => {
    const r = normalizeConnections([{ name: 'A', host: 'h' }, { name: 'a', host: 'g' }]);
    assert.equal(r.configs.length, 1);
    assert.equal(r.configs[0].host, 'h');
    assert.equal(r.problems.length, 1);
  });

  it('checks names against taken ones', () => {
    assert.equal(checkName('New', ['Old']), undefined);
    assert.match(checkName('old', ['Old']) ?? '', /exists already/);
    assert.match(checkName('a@b') ?? '', /cannot contain/);
    assert.match(checkName('  ') ?? '', /Enter a name/);
  });

  it('parses port ranges', () => {
    assert.deepEqual(parsePortRange('50000-50100'), [50000, 50100]);
    assert.deepEqual(parsePortRange(' 1 - 2 '), [1, 2]);
    assert.equal(parsePortRange('2-1'), undefined);
    assert.equal(parsePortRange('0-10'), undefined);
    assert.equal(parsePortRange('x'), undefined);
  });

  it('builds client options with the password and the timeout in ms', () => {
    const { config } = normalizeConnection({ host: 'h', username: 'bob', activePortRange: '50000-50010', encoding: 'latin1' });
    const o = toConnectOptions(config!, normalizeSettings({ timeoutSeconds: 7 }), 'pw');
    assert.equal(o.password, 'pw');
    assert.equal(o.user, 'bob');
    assert.equal(o.timeoutMs, 7000);
    assert.deepEqual(o.activePortRange, [50000, 50010]);
    assert.equal(o.encoding, 'latin1');
  });

  it('normalizes global settings', () => {
    assert.deepEqual(normalizeSettings({}), { timeoutSeconds: 30, poolSize: 2, poolSizeChosen: false, keepAliveSeconds: 0 });
    assert.deepEqual(normalizeSettings({ timeoutSeconds: -1, poolSize: 0, poolSizeChosen: true, keepAliveSeconds: 60 }), {
      timeoutSeconds: 30,
      poolSize: 1,
      poolSizeChosen: true,
      keepAliveSeconds: 60,
    });
    // Chosen only with a size to keep to.
    assert.equal(normalizeSettings({ poolSize: 'many', poolSizeChosen: true }).poolSizeChosen, false);
  });

  it('keys secrets by account, not by name', () => {
    const a = normalizeConnection({ name: 'A', host: 'H', username: 'bob' }).config!;
    const b = normalizeConnection({ name: 'B', host: 'h', username: 'bob' }).config!;
    const c = normalizeConnection({ name: 'C', host: 'h', username: 'alice' }).config!;
    assert.equal(secretKey(a), secretKey(b));
    assert.notEqual(secretKey(a), secretKey(c));
  });

  it('needs new connections for a new host, not for a new mode', () => {
    const a = normalizeConnection({ host: 'h' }).config!;
    assert.equal(needsReconnect(a, { ...a, mode: 'active', readOnly: true }), false);
    assert.equal(needsReconnect(a, { ...a, host: 'g' }), true);
    assert.equal(needsReconnect(a, { ...a, encoding: 'latin1' }), true);
  });
});
