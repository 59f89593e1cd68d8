import { strict as assert } from 'node:assert';
import { normalizeConnection } from '../../src/remote/config';
import { connectionEntry, decodeRemoteDir, defaultSiteManagerPaths, FileZillaFormatError, importName, parseSiteManager, type FileZillaSite } from '../../src/remote/filezilla';
import { parseXml, XmlError } from '../../src/remote/xmlReader';
import { readFixture } from './listing-helpers';

/** FileZilla's Site Manager files as FileZilla 3.x writes them (test/fixtures/filezilla), read into connections. */
describe('FileZilla sitemanager.xml reader', () => {
  const sites = parseSiteManager(readFixture('filezilla', 'sitemanager-3.66-windows.xml'));
  const byName = (n: string): FileZillaSite => {
    const s = sites.find((x) => x.name === n);
    assert.ok(s, `no site "${n}" in ${sites.map((x) => x.name).join(', ')}`);
    return s;
  };

  it('reads every site, in folders and nested folders, in file order', () => {
    assert.deepEqual(
      sites.map((s) => importName(s)),
      ['Production', 'Clients - Acme & Sons - Live- main-backup', 'Clients - Acme & Sons - Legacy - Mirror', 'Clients - Shell box', 'Vault (implicit)', '中文站点', 'Accounting', 'Backups bucket', 'Tokyo'],
    );
    assert.deepEqual(byName('Mirror').folders, ['Clients', 'Acme & Sons', 'Legacy']);
  });

  it('protocol 0 (TLS if available) as explicit TLS, 4 explicit, 3 implicit, 6 plain; SFTP and S3 not supported', () => {
    assert.deepEqual([byName('Production').tls, byName('Production').tlsIfAvailable], ['explicit', true]);
    assert.equal(byName('Live: main/backup').tls, 'explicit');
    assert.equal(byName('Vault (implicit)').tls, 'implicit');
    assert.equal(byName('Mirror').tls, 'none');
    assert.match(byName('Shell box').unsupported ?? '', /SFTP is not supported/);
    assert.match(byName('Backups bucket').unsupported ?? '', /S3 is not supported/);
    assert.equal(byName('Production').unsupported, undefined);
  });

  it('passwords: base64 decoded (UTF-8), none for anonymous, ask and interactive, encrypted ones marked and not read', () => {
    assert.equal(byName('Production').password, 'S3cr3t!pässwörd');
    assert.equal(byName('Live: main/backup').password, 'acme-ftp');
    assert.deepEqual([byName('Mirror').user, byName('Mirror').password], ['anonymous', undefined]);
    assert.equal(byName('Vault (implicit)').password, undefined);
    assert.equal(byName('Tokyo').password, undefined, 'an interactive logon keeps no password');
    assert.deepEqual([byName('中文站点').password, byName('中文站点').passwordEncrypted], [undefined, true]);
    assert.deepEqual([byName('Accounting').password, byName('Accounting').account], ['oper1', 'DEPT42']);
  });

  it('mode, encoding, time offset and remote folder', () => {
    const acme = byName('Live: main/backup');
    assert.deepEqual([acme.mode, acme.encoding, acme.timeZoneOffsetMinutes, acme.remoteDir, acme.port], ['active', 'GB2312', 480, '/srv ftp/网站', 2121]);
    assert.deepEqual([byName('Production').mode, byName('Production').encoding, byName('Production').remoteDir], [undefined, 'auto', '/var/www/html']);
    assert.deepEqual([byName('Vault (implicit)').encoding, byName('Vault (implicit)').remoteDir], ['utf8', '/']);
    assert.deepEqual([byName('Tokyo').encoding, byName('Tokyo').timeZoneOffsetMinutes], ['Shift_JIS', -330]);
    assert.equal(byName('Mirror').mode, 'passive');
  });

  it('makes connection entries that the settings accept as they are', () => {
    const acme = connectionEntry(byName('Live: main/backup'));
    assert.deepEqual(acme, {
      name: 'Clients - Acme & Sons - Live- main-backup',
      host: 'ftp.acme.test',
      port: 2121,
      username: 'acme',
      tls: 'explicit',
      mode: 'active',
      encoding: 'GB2312',
      timeZoneOffset: 8,
      remoteRoot: '/srv ftp/网站',
    });
    for (const s of sites.filter((x) => !x.unsupported)) {
      const n = normalizeConnection(connectionEntry(s));
      assert.ok(n.config, `${s.name}: ${n.problem}`);
    }
    assert.equal(normalizeConnection(connectionEntry(byName('Tokyo'))).config?.timeZoneOffset, -330);
    assert.deepEqual(connectionEntry(byName('Vault (implicit)')), { name: 'Vault (implicit)', host: 'secure.example.net', username: 'vault', tls: 'implicit', encoding: 'utf8' });
  });

  it('reads FileZilla 3.5 files: the name as the element text, a plain password with entities, an empty folder', () => {
    const old = parseSiteManager(readFixture('filezilla', 'sitemanager-3.5-linux.xml'));
    assert.equal(old.length, 1);
    assert.deepEqual([old[0].name, old[0].password, old[0].remoteDir], ['Course files', 'pl<ain>&old', undefined]);
  });

  it('says clearly what is wrong with a file that is not a Site Manager file', () => {
    assert.throws(() => parseSiteManager('<html><body/></html>'), (e: Error) => e instanceof FileZillaFormatError && /root is <html>/.test(e.message));
    assert.throws(() => parseSiteManager('<FileZilla3><Servers>\n<Server></Servers></FileZilla3>'), /"<\/Servers>" closes "<Server>" \(line 2\)/);
    assert.throws(() => parseSiteManager(''), FileZillaFormatError);
    assert.deepEqual(parseSiteManager('<FileZilla3/>'), []);
  });

  it('the XML reader: attributes in either quotes, references, CDATA, comments; errors with a line', () => {
    const el = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x='1' y="&quot;2&#x41;&#66;"><![CDATA[<raw>]]><b/>t&amp;u</a>`);
    assert.deepEqual(el.attrs, { x: '1', y: '"2AB' });
    assert.deepEqual(el.children, ['<raw>', { name: 'b', attrs: {}, children: [] }, 't&u']);
    assert.throws(() => parseXml('<a>\n&nbsp;</a>'), (e: Error) => e instanceof XmlError && /unknown entity "&nbsp;" \(line 2\)/.test(e.message));
    assert.throws(() => parseXml('<a><b></a>'), XmlError);
    assert.throws(() => parseXml('<a/><b/>'), /second root/);
  });

  it('decodes FileZilla remote paths', () => {
    assert.equal(decodeRemoteDir('1 0 3 var 3 www'), '/var/www');
    assert.equal(decodeRemoteDir('1 0'), '/');
    assert.equal(decodeRemoteDir('1 0 11 with spaces 1 x'), '/with spaces/x');
    assert.equal(decodeRemoteDir(''), undefined);
    assert.equal(decodeRemoteDir('1 0 9 short'), undefined);
  });

  it("knows FileZilla's default locations", () => {
    assert.deepEqual(defaultSiteManagerPaths({}, 'linux', '/home/li'), ['/home/li/.config/filezilla/sitemanager.xml', '/home/li/.filezilla/sitemanager.xml']);
    assert.equal(defaultSiteManagerPaths({ APPDATA: 'C:\\Users\\li\\AppData\\Roaming' }, 'win32', 'C:\\Users\\li')[0], 'C:\\Users\\li\\AppData\\Roaming\\FileZilla\\sitemanager.xml');
    assert.equal(defaultSiteManagerPaths({}, 'darwin', '/Users/li')[0], '/Users/li/.config/filezilla/sitemanager.xml');
  });
});
