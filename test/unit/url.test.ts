import { strict as assert } from 'node:assert';
import { FtpInputError } from '../../src/ftp/errors';
import { parseFtpAuthority, parseFtpUrl } from '../../src/ftp/url';

/**
 * src/ftp/url.ts, the one reader of ftp:// URLs (the CLI and the extension's "FTP: Connect"), on the points where
 * URL readers tend to differ: ftps://, ports, %-escapes, IPv6, user info.
 */
describe('ftp/url', () => {
  const refuses = (text: string, why: RegExp) => assert.throws(() => parseFtpUrl(text), (e: Error) => e instanceof FtpInputError && why.test(e.message), text);

  it('reads ftp:// and ftps:// the same way: host case, %-escapes and IDN in the host, no path', () => {
    for (const scheme of ['ftp', 'ftps']) {
      const u = parseFtpUrl(`${scheme}://Bob:pa%40ss@Ex%61mple.COM:2121/a/../b%20c/`);
      assert.deepEqual(u, { user: 'Bob', password: 'pa@ss', host: 'example.com', port: 2121, path: '/b c/', implicitTls: scheme === 'ftps' });
      assert.equal(parseFtpUrl(`${scheme}://bücher.example/`).host, 'xn--bcher-kva.example');
      assert.equal(parseFtpUrl(`${scheme}://host`).path, '', 'no path: the login folder (RFC 1738 §3.2.2)');
      assert.equal(parseFtpUrl(`${scheme}://host/`).path, '/');
    }
    assert.equal(parseFtpUrl('FTPS://host').implicitTls, true, 'the scheme is case-insensitive');
  });

  it('keeps a written port (:21 too), takes an empty one as none, refuses 0 and above 65535', () => {
    assert.equal(parseFtpUrl('ftp://host:21/').port, 21);
    assert.equal(parseFtpUrl('ftps://host:21/').port, 21, 'explicit TLS port with implicit TLS: as written');
    assert.equal(parseFtpUrl('ftps://host/').port, undefined, 'the caller picks 990');
    assert.equal(parseFtpUrl('ftp://host:/x').port, undefined, 'RFC 3986 §3.2.3');
    refuses('ftp://host:0/', /port out of range/);
    refuses('ftp://host:65536/', /port out of range/);
    refuses('ftp://host:abc/', /not a number/);
  });

  it('reads IPv6 addresses in brackets only, without zone IDs', () => {
    assert.deepEqual(parseFtpUrl('ftp://[2001:DB8::1]:2121/x'), { user: undefined, password: undefined, host: '2001:db8::1', port: 2121, path: '/x', implicitTls: false });
    assert.equal(parseFtpUrl('ftp://[::ffff:10.0.0.1]').host, '::ffff:10.0.0.1');
    refuses('ftp://[zz::1]/', /broken IPv6/);
    refuses('ftp://[::1/', /broken IPv6/);
    refuses('ftp://[fe80::1%25eth0]/', /broken IPv6/);
    refuses('ftp://[::1]x/', /text after the IPv6/);
    refuses('ftp://::1/', /valid host/);
  });

  it('splits user info at the last @ and the first :, and refuses an empty user name', () => {
    assert.equal(parseFtpUrl('ftp://me@corp@host/').user, 'me@corp');
    assert.deepEqual(parseFtpAuthority('bob:a:b@host'), { user: 'bob', password: 'a:b', host: 'host', port: undefined });
    assert.equal(parseFtpUrl('ftp://user%3Ax:p%3Aw@host').user, 'user:x');
    assert.equal(parseFtpUrl('ftp://bob:@host').password, '', 'an empty password is not none (RFC 1738 §3.1)');
    assert.equal(parseFtpUrl('ftp://bob@host').password, undefined);
    assert.equal(parseFtpUrl('ftp://bob:p w@host').password, 'p w', 'a space typed into a password is kept');
    refuses('ftp://@host/', /empty user name/);
    refuses('ftp://:secret@host/', /empty user name/);
  });

  it('refuses a broken %-escape anywhere instead of keeping it as text', () => {
    refuses('ftp://bo%zb@host/', /broken %-escape/);
    refuses('ftp://bob:50%@host/', /broken %-escape/);
    refuses('ftp://ho%st/', /broken %-escape/);
    refuses('ftp://host/100%', /broken %-escape/);
  });

  it('removes dot segments of the decoded segments (%2E is a dot), and a decoded %2F never makes one', () => {
    assert.equal(parseFtpUrl('ftp://host/%2e%2E/a/./b/..').path, '/a/');
    assert.equal(parseFtpUrl('ftp://host/a%2Fb').path, '/a/b');
    assert.equal(parseFtpUrl('ftp://host/x%2F..').path, '/x/..', 'not a dot segment: the name "x/.."');
    assert.equal(parseFtpUrl('ftp://host//abs').path, '//abs');
    assert.equal(parseFtpUrl('ftp://host/a\\b').path, '/a\\b', 'a backslash is part of the name');
    assert.equal(parseFtpUrl('ftp://host/a file.txt').path, '/a file.txt');
    assert.equal(parseFtpUrl('ftp://host/x;type=i?q#f').path, '/x;type=i', 'query and fragment dropped');
  });

  it('refuses hosts that are no RFC 1738 host names, control characters and other forms', () => {
    refuses('ftp:///x', /no host/);
    refuses('ftp://a!b/', /valid host/);
    refuses('ftp://bad host/', /valid host/);
    refuses('ftp://host/a\tb', /control character/);
    refuses('ftp:/host/', /^Not a URL/);
    refuses('host/x', /^Not a URL/);
    refuses('sftp://host/', /^Not an ftp:\/\/ URL/);
  });

  it('reads an authority decoded already (a vscode.Uri one) without decoding it again', () => {
    assert.equal(parseFtpAuthority('a%b@host').user, 'a%b');
    assert.equal(parseFtpAuthority('a%25b@host', { decode: true }).user, 'a%b');
    assert.throws(() => parseFtpAuthority('bob:hunter22@host:0'), (e: Error) => /bob:\*\*\*\*@host:0/.test(e.message) && !e.message.includes('hunter22'));
  });
});
