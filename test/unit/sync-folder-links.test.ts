import * as assert from 'node:assert/strict';
import { readFolderLinks, remotePathOf, withLink } from '../../src/remote/sync/folderLinks';

/** The ftpExplorer.links setting: checked, and where a local file of a linked folder is on the server. */
describe('folder links (ftpExplorer.links)', () => {
  it('reads good links and says what is wrong with the others', () => {
    const { links, problems } = readFolderLinks([
      { connection: 'Prod', localFolder: 'site/', remoteFolder: '/var/www/' },
      { connection: 'Prod', localFolder: '.', remoteFolder: '/', exclude: ['*.map', 3] },
      { connection: '', localFolder: 'a', remoteFolder: '/' },
      { connection: 'Prod', localFolder: '../outside', remoteFolder: '/x' },
      { connection: 'Prod', localFolder: 'a', remoteFolder: 'relative' },
    ]);
    assert.deepEqual(links, [
      { connection: 'Prod', localFolder: 'site', remoteFolder: '/var/www', exclude: [], uploadOnSave: false, uploadOutsideChanges: false },
      { connection: 'Prod', localFolder: '', remoteFolder: '/', exclude: ['*.map'], uploadOnSave: false, uploadOutsideChanges: false },
    ]);
    assert.deepEqual(problems, [
      'ftpExplorer.links[2]: "connection" must name a saved connection',
      'ftpExplorer.links[3]: "localFolder" must be a folder inside the workspace folder, like "site" or "."',
      'ftpExplorer.links[4]: "remoteFolder" must be a path on the server starting with /',
    ]);
    assert.deepEqual(readFolderLinks({}).problems, ['ftpExplorer.links must be a list of links']);
  });

  it('reads the upload-on-save options: off unless true, anything else named', () => {
    const { links, problems } = readFolderLinks([
      { connection: 'A', localFolder: 'a', remoteFolder: '/a', uploadOnSave: true, uploadOutsideChanges: true },
      { connection: 'A', localFolder: 'b', remoteFolder: '/b', uploadOnSave: 'yes' },
    ]);
    assert.deepEqual(links.map((l) => [l.uploadOnSave, l.uploadOutsideChanges]), [[true, true], [false, false]]);
    assert.deepEqual(problems, ['ftpExplorer.links[1]: "uploadOnSave" must be true or false']);
  });

  it('maps a file to the server through the innermost link', () => {
    const { links } = readFolderLinks([
      { connection: 'A', localFolder: '.', remoteFolder: '/home' },
      { connection: 'B', localFolder: 'site', remoteFolder: '/var/www' },
    ]);
    assert.deepEqual(remotePathOf(links, 'site/css/a b.css'), { link: links[1], relInLink: 'css/a b.css', remotePath: '/var/www/css/a b.css' });
    assert.deepEqual(remotePathOf(links, 'site'), { link: links[1], relInLink: '', remotePath: '/var/www' });
    assert.equal(remotePathOf(links, 'sitemap.xml')?.remotePath, '/home/sitemap.xml');
    assert.equal(remotePathOf([links[1]], 'other/x'), undefined);
  });

  it('adding a link replaces one of the same local folder', () => {
    const next = withLink([{ connection: 'A', localFolder: 'site', remoteFolder: '/old' }, { connection: 'A', localFolder: 'b', remoteFolder: '/b' }], {
      connection: 'B',
      localFolder: 'site',
      remoteFolder: '/new',
    });
    assert.deepEqual(next, [
      { connection: 'A', localFolder: 'b', remoteFolder: '/b' },
      { connection: 'B', localFolder: 'site', remoteFolder: '/new' },
    ]);
  });
});
