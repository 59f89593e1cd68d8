// In-host reliability tests (run by test/e2e/reliability-host.test.ts): an editor on an ftp: file, saved with
// the real document save while the server is restarted and stopped under it. The Node side owns the server and
// answers GET <control>/restart | /stop | /start with the server's root folder, so these tests check the disk.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FtpExplorerApi } from '../../../src/vscode/api';

const EXTENSION_ID = 'ftp-explorer.ftp-explorer';

interface Setup {
  name: string;
  password: string;
  root: string;
  control: string;
}

const setup: Setup | undefined = process.env.E2E_RELIABILITY ? (JSON.parse(process.env.E2E_RELIABILITY) as Setup) : undefined;

/** Ask the Node side to stop, start or restart the server; resolves with its root folder. */
function control(what: 'stop' | 'start' | 'restart'): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${setup!.control}/${what}`, { timeout: 30_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(body) as { root: string | null }).root) : reject(new Error(body))));
    });
    req.on('timeout', () => req.destroy(new Error(`${what}: no answer`)));
    req.on('error', reject);
  });
}

async function replaceAll(editor: vscode.TextEditor, text: string): Promise<void> {
  const doc = editor.document;
  const ok = await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text));
  assert.ok(ok, 'the edit was not applied');
}

(setup ? describe : describe.skip)('Reliability in the extension host', function () {
  let api: FtpExplorerApi;
  let root: string;
  let editor: vscode.TextEditor;
  const file = () => path.join(root, 'notes.txt');

  before(async () => {
    const ext = vscode.extensions.getExtension<FtpExplorerApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    api = await ext.activate();
    await api.setPassword(setup!.name, setup!.password);
    root = setup!.root;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('saves a file opened in an editor', async () => {
    const uri = api.uri(setup!.name, '/notes.txt');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('version 1\n'));
    assert.strictEqual(fs.readFileSync(file(), 'utf8'), 'version 1\n');
    editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await replaceAll(editor, 'version 2\n');
    assert.strictEqual(await editor.document.save(), true, 'the first save failed');
    assert.strictEqual(fs.readFileSync(file(), 'utf8'), 'version 2\n');
  });

  it('the server is killed and restarted on the same port: the next save reconnects and succeeds, without a reload', async () => {
    const pool = api.pool(setup!.name)!;
    assert.ok(pool.connectedCount > 0, 'no connection was open before the restart');
    root = (await control('restart'))!;
    await replaceAll(editor, 'version 3, after the restart\n');
    assert.strictEqual(await editor.document.save(), true, `the save after the restart failed:\n${api.logLines().slice(-30).join('\n')}`);
    assert.strictEqual(fs.readFileSync(file(), 'utf8'), 'version 3, after the restart\n');
    assert.ok(!api.logLines().some((l) => l.includes('!!!')), `an error was reported:\n${api.logLines().filter((l) => l.includes('!!!')).join('\n')}`);
  });

  it('a save while the server is down fails, leaves the file as it was, and the save after the server is back works', async () => {
    await control('stop');
    await replaceAll(editor, 'version 4, saved while down\n');
    const t = Date.now();
    const saved = await editor.document.save();
    assert.strictEqual(saved, false, 'a save to a stopped server was reported successful');
    assert.ok(Date.now() - t < 15_000, `the failed save took ${Date.now() - t} ms`);
    assert.ok(editor.document.isDirty, 'the unsaved change was lost');
    root = (await control('start'))!;
    assert.strictEqual(fs.readFileSync(file(), 'utf8'), 'version 3, after the restart\n', 'the failed save changed the file');
    assert.strictEqual(await editor.document.save(), true, `the save after the server came back failed:\n${api.logLines().slice(-30).join('\n')}`);
    assert.strictEqual(fs.readFileSync(file(), 'utf8'), 'version 4, saved while down\n');
    assert.deepStrictEqual(fs.readdirSync(root).filter((n) => /\.ftpx-(tmp|old)$/.test(n)), [], 'temporary files left');
  });

  it('the password is in no line of the FTP output channel, and in no setting', () => {
    const lines = api.logLines();
    assert.ok(lines.some((l) => /---> PASS \*\*\*\*/.test(l)), 'no login in the log');
    assert.ok(!lines.some((l) => l.includes(setup!.password)), 'the password is in the log');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('ftpExplorer').inspect('connections'));
    assert.ok(settings.includes(`"${setup!.name}"`), 'the connection is not in the settings');
    assert.ok(!settings.includes(setup!.password), 'the password is in the settings');
  });
});
