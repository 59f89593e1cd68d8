import * as assert from 'node:assert/strict';
import { normalizeConnection, type ConnectionConfig } from '../../src/remote/config';
import {
  baseName,
  isUnder,
  joinPath,
  normalizePath,
  oneOffAuthority,
  parentPath,
  parseAuthority,
  parseTypedAddress,
  readTypedAddress,
  resolveAuthority,
} from '../../src/remote/uri';

function cfg(raw: Record<string, unknown>): ConnectionConfig {
  const n = normalizeConnection(raw);
  assert.ok(n.config, n.problem);
  return n.config;
}

describe('remote/uri: paths', () => {
  it('normalizes to an absolute path without trailing slash, dots or empty segments', () => {
    assert.equal(normalizePath(''), '/');
    assert.equal(normalizePath('/'), '/');
    assert.equal(normalizePath('a/b/'), '/a/b');
    assert.equal(normalizePath('//a//./b/../c/'), '/a/c');
    assert.equal(normalizePath('/../..'), '/');
    assert.equal(normalizePath('/with space/ü'), '/with space/ü');
  });

  it('joins, splits and compares paths', () => {
    assert.equal(joinPath('/', 'a'), '/a');
    assert.equal(joinPath('/a', 'b', 'c'), '/a/b/c');
    assert.equal(parentPath('/a/b'), '/a');
    assert.equal(parentPath('/a'), '/');
    assert.equal(parentPath('/'), '/');
    assert.equal(baseName('/a/b.txt'), 'b.txt');
    assert.equal(baseName('/'), '');
    assert.ok(isUnder('/a/b', '/a'));
    assert.ok(isUnder('/a', '/a'));
    assert.ok(!isUnder('/ab', '/a'));
    assert.ok(isUnder('/anything', '/'));
  });
});

describe('remote/uri: authorities', () => {
  it('parses [user[:password]@]host[:port]', () => {
    assert.deepEqual(parseAuthority('bob@ftp.example.com:2121'), { user: 'bob', password: undefined, host: 'ftp.example.com', port: 2121 });
    assert.deepEqual(parseAuthority('Example.COM'), { user: undefined, password: undefined, host: 'example.com', port: undefined });
    assert.deepEqual(parseAuthority('bob:s3cret@host'), { user: 'bob', password: 's3cret', host: 'host', port: undefined });
    assert.deepEqual(parseAuthority('me@corp@host'), { user: 'me@corp', password: undefined, host: 'host', port: undefined });
    assert.equal(parseAuthority('[::1]:21')?.host, '::1');
    assert.equal(parseAuthority('[::1]:21')?.port, 21);
    assert.equal(parseAuthority('my site'), undefined);
    assert.equal(parseAuthority('host:0'), undefined);
    assert.equal(parseAuthority('host:70000'), undefined);
    assert.equal(parseAuthority('@host'), undefined);
    assert.equal(parseAuthority('[fe80::1%eth0]'), undefined, 'no zone IDs');
    assert.deepEqual(parseAuthority('host:'), { user: undefined, password: undefined, host: 'host', port: undefined }, 'an empty port is none');
  });

  it('formats one-off authorities without :21 and anonymous@', () => {
    assert.equal(oneOffAuthority('anonymous', 'h', 21), 'h');
    assert.equal(oneOffAuthority('bob', 'h', 21), 'bob@h');
    assert.equal(oneOffAuthority('bob', 'h', 2121), 'bob@h:2121');
    assert.equal(oneOffAuthority('bob', '::1', 2121), 'bob@[::1]:2121');
  });

  const saved = [
    cfg({ name: 'Prod Site', host: 'ftp.example.com', username: 'deploy' }),
    cfg({ name: 'mirror', host: 'mirror.example.org', port: 2121 }),
    cfg({ name: 'example.net', host: 'other.example.com', username: 'x' }),
  ];

  it('finds a saved connection by name, case-insensitively (VS Code lower-cases printed authorities)', () => {
    assert.equal(resolveAuthority('Prod Site', saved)?.config, saved[0]);
    assert.equal(resolveAuthority('prod site', saved)?.config, saved[0]);
    assert.equal(resolveAuthority('prod site', saved)?.kind, 'saved');
  });

  it('prefers a connection name over a host of the same spelling', () => {
    const r = resolveAuthority('example.net', saved);
    assert.equal(r?.kind, 'saved');
    assert.equal(r?.config.host, 'other.example.com');
  });

  it('maps user@host:port of a saved account to that connection', () => {
    const r = resolveAuthority('deploy@FTP.example.com', saved);
    assert.equal(r?.kind, 'saved');
    assert.equal(r?.config.name, 'Prod Site');
    assert.equal(resolveAuthority('mirror.example.org:2121', saved)?.config.name, 'mirror');
  });

  it('makes a one-off connection for any other host', () => {
    const r = resolveAuthority('alice@ftp.example.com:2121', saved);
    assert.equal(r?.kind, 'oneoff');
    assert.equal(r?.config.name, 'alice@ftp.example.com:2121');
    assert.equal(r?.config.username, 'alice');
    assert.equal(r?.config.port, 2121);
    assert.equal(r?.config.mode, 'passive');
    const anon = resolveAuthority('mirror.example.org', saved);
    assert.equal(anon?.kind, 'oneoff', 'port 21 differs from the saved 2121');
    assert.equal(anon?.config.username, 'anonymous');
    assert.equal(anon?.config.name, 'mirror.example.org');
  });

  it('gives undefined for an authority that is neither a name nor a host', () => {
    assert.equal(resolveAuthority('no such name', saved), undefined);
    assert.equal(resolveAuthority('', saved), undefined);
  });
});

describe('remote/uri: typed URLs', () => {
  it('parses ftp://user:password@host:port/path and keeps the password out of the authority', () => {
    const u = parseTypedAddress('ftp://bob:pa%40ss@Host.Example:2121/a/b%20c/');
    assert.ok(u);
    assert.equal(u.authority, 'bob@host.example:2121');
    assert.equal(u.parts.password, 'pa@ss');
    assert.equal(u.path, '/a/b c');
    assert.ok(!u.authority.includes('pa'));
  });

  it('accepts an address without ftp:// and without a path', () => {
    const u = parseTypedAddress('bob@host');
    assert.equal(u?.authority, 'bob@host');
    assert.equal(u?.path, '/');
  });

  it('refuses other schemes and broken hosts', () => {
    assert.equal(parseTypedAddress('http://host/x'), undefined);
    assert.equal(parseTypedAddress('ftp://'), undefined);
    assert.equal(parseTypedAddress('ftp://bad host/x'), undefined);
  });

  it('reads the URL with src/ftp/url.ts: ftps://, an empty port, a broken %-escape', () => {
    const s = parseTypedAddress('ftps://bob@host/x');
    assert.equal(s?.implicitTls, true);
    assert.equal(s?.authority, 'bob@host:990', 'the port implicit TLS uses');
    assert.equal(parseTypedAddress('ftp://bob@host/x')?.implicitTls, false);
    assert.equal(parseTypedAddress('host:2121/x')?.authority, 'host:2121', 'no scheme: ftp://');
    assert.equal(parseTypedAddress('ftp://host:/x')?.authority, 'host');
    assert.equal(parseTypedAddress('ftp://host/100%'), undefined, 'was kept as the name "100%"');
    assert.equal(parseTypedAddress('ftp://@host/'), undefined);
    assert.equal(parseTypedAddress('ftp://host/a/../b/')?.path, '/b');
  });

  it('says why a typed URL is not an FTP address, without its password', () => {
    assert.throws(() => readTypedAddress('ftp://bob:hunter22@host:99999/'), (e: Error) => /port out of range/.test(e.message) && !e.message.includes('hunter22'));
    assert.throws(() => readTypedAddress('bob:hunter22@bad host'), (e: Error) => /valid host/.test(e.message) && !e.message.includes('hunter22'));
  });
});
