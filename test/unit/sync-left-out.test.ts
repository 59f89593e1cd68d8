import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { leftOut } from '../../src/remote/sync/linkedUpload';
import { tempDirPerTest } from './tempDir';

/** Upload on save leaves out what a sync of the link leaves out (src/remote/sync/linkedUpload.ts leftOut). */
describe('upload on save: files left out', () => {
  const tmp = tempDirPerTest('ftpx-left-out-');
  const write = (rel: string, text = '') => {
    fs.mkdirSync(path.dirname(path.join(tmp.dir(), rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp.dir(), rel), text);
  };

  it('.gitignore files on the way down, .git, node_modules, the link\'s patterns, the sync\'s own files', async () => {
    write('.gitignore', 'dist/\n*.log\n');
    write('src/.gitignore', 'secret.txt\n!keep.log\n');
    const out = (rel: string) => leftOut(tmp.dir(), rel, ['*.map']);
    assert.deepEqual(
      await Promise.all(['index.html', 'dist/app.js', 'debug.log', 'src/keep.log', 'src/secret.txt', 'secret.txt', '.git/config', 'a/node_modules/x.js', 'app.js.map', '.ftpexplorer-sync.json', '..ftpexplorer-sync.json.1a2b3c4d.tmp', 'src/.big.bin.0a1b2c3d.ftpx-part'].map(out)),
      [false, true, true, false, true, false, true, true, true, true, true, true],
    );
  });
});
