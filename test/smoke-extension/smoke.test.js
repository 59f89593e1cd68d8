// In-host smoke tests (run by run.js inside the extension host; plain JS, mocha globals from the harness).
const assert = require('assert');
const vscode = require('vscode');
const os = require('os');
const fs = require('fs');
const path = require('path');

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

describe('FTP Explorer smoke', function () {
  this.timeout(30000);
  let api;
  before(async () => {
    const ext = vscode.extensions.getExtension('ftp-explorer.ftp-explorer');
    assert.ok(ext, 'extension found');
    api = await ext.activate();
    await api.setPassword('local', 'secret-pw-123', false);
  });

  it('reads a directory and a file through workspace.fs', async () => {
    const root = vscode.Uri.parse('ftp://local/');
    const entries = await vscode.workspace.fs.readDirectory(root);
    console.log('entries', JSON.stringify(entries));
    assert.ok(entries.some(([n, t]) => n === 'hello.txt' && t === vscode.FileType.File));
    assert.ok(entries.some(([n, t]) => n === 'www' && t === vscode.FileType.Directory));
    const text = dec(await vscode.workspace.fs.readFile(vscode.Uri.parse('ftp://local/hello.txt')));
    assert.strictEqual(text, 'hello ftp\n');
    const st = await vscode.workspace.fs.stat(vscode.Uri.parse('ftp://LOCAL/hello.txt'));
    assert.strictEqual(st.size, 10);
  });

  it('writes, renames, deletes with the right errors and events', async () => {
    const events = [];
    const sub = api.provider.onDidChangeFile((e) => events.push(...e.map((x) => `${x.type} ${x.uri.path}`)));
    const u = vscode.Uri.parse('ftp://local/www/new.txt');
    await vscode.workspace.fs.writeFile(u, enc('abc'));
    assert.strictEqual(dec(await vscode.workspace.fs.readFile(u)), 'abc');
    await assert.rejects(Promise.resolve(api.provider.writeFile(u, enc('x'), { create: true, overwrite: false })), (e) => e.code === 'FileExists');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.parse('ftp://local/www/nothing'))), (e) => e.code === 'FileNotFound');
    await vscode.workspace.fs.rename(u, vscode.Uri.parse('ftp://local/www/renamed.txt'));
    await vscode.workspace.fs.createDirectory(vscode.Uri.parse('ftp://local/www/dir1'));
    await vscode.workspace.fs.writeFile(vscode.Uri.parse('ftp://local/www/dir1/inner.txt'), enc('in'));
    await vscode.workspace.fs.delete(vscode.Uri.parse('ftp://local/www/dir1'), { recursive: true });
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.parse('ftp://local/www/dir1'))));
    sub.dispose();
    console.log('events', JSON.stringify(events));
    assert.ok(events.includes('2 /www/new.txt'), 'created');
    assert.strictEqual(events.filter((e) => e === '2 /www/new.txt').length, 1, 'once, not per authority spelling');
    assert.ok(events.includes('3 /www/dir1'), 'deleted');
  });

  it('answers probes quietly from the parent listing', async () => {
    api.clearLog();
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.parse('ftp://local/www/.vscode/settings.json'))), (e) => e.code === 'FileNotFound');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.parse('ftp://local/www/.git/HEAD'))), (e) => e.code === 'FileNotFound');
    const lines = api.logLines();
    console.log('probe log:\n' + lines.join('\n'));
    assert.ok(!lines.some((l) => /\.vscode|\.git/.test(l)));
  });

  it('opens a document, edits and saves it', async () => {
    const u = vscode.Uri.parse('ftp://local/www/index.html');
    const doc = await vscode.workspace.openTextDocument(u);
    const editor = await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.getText(), '<h1>hi</h1>\n');
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '<!-- edited -->'));
    assert.ok(await doc.save(), 'saved');
    assert.strictEqual(dec(await vscode.workspace.fs.readFile(u)), '<!-- edited --><h1>hi</h1>\n');
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'X'));
    assert.ok(await doc.save(), 'saved twice (no "file is newer" conflict)');
    console.log('status bar:', api.statusText());
    assert.match(api.statusText(), /local: passive/);
  });

  it('commands work with arguments and no UI', async () => {
    const cfg = await vscode.commands.executeCommand('ftpExplorer.addConnection', { name: 'second', host: '127.0.0.1', port: Number(process.env.FTP_PORT), username: 'bob', password: 'secret-pw-123', remember: false, readOnly: true });
    assert.strictEqual(cfg.name, 'second');
    const conns = vscode.workspace.getConfiguration('ftpExplorer').get('connections');
    assert.ok(conns.some((c) => c.name === 'second' && !('password' in c)));
    const ro = await vscode.workspace.fs.stat(vscode.Uri.parse('ftp://second/hello.txt'));
    assert.strictEqual(ro.permissions, vscode.FilePermission.Readonly);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(vscode.Uri.parse('ftp://second/x.txt'), enc('x'))), (e) => e.code === 'NoPermissions');
    const mode = await vscode.commands.executeCommand('ftpExplorer.switchMode', { name: 'local', mode: 'active' });
    assert.strictEqual(mode, 'active');
    assert.strictEqual(api.pool('local').mode, 'active');
    assert.ok(vscode.workspace.getConfiguration('ftpExplorer').get('connections').find((c) => c.name === 'local').mode === 'active');
    const text = dec(await vscode.workspace.fs.readFile(vscode.Uri.parse('ftp://local/hello.txt')));
    assert.strictEqual(text, 'hello ftp\n');
    const uri = await vscode.commands.executeCommand('ftpExplorer.newFolder', 'ftp://local/www', 'made');
    assert.strictEqual(uri, 'ftp://local/www/made');
    const f = await vscode.commands.executeCommand('ftpExplorer.newFile', 'ftp://local/www/made', 'a.txt');
    assert.strictEqual(f, 'ftp://local/www/made/a.txt');
    const renamed = await vscode.commands.executeCommand('ftpExplorer.rename', 'ftp://local/www/made/a.txt', 'b.txt');
    assert.strictEqual(renamed, 'ftp://local/www/made/b.txt');
    const copied = await vscode.commands.executeCommand('ftpExplorer.copyUri', 'ftp://local/www/made');
    assert.strictEqual(copied, 'ftp://local/www/made');
    const local = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-'));
    const r = await vscode.commands.executeCommand('ftpExplorer.download', 'ftp://local/www', local);
    console.log('download', JSON.stringify(r), fs.readdirSync(path.join(local, 'www')));
    assert.ok(fs.existsSync(path.join(local, 'www', 'made', 'b.txt')));
    fs.writeFileSync(path.join(local, 'up.txt'), 'uploaded');
    const u = await vscode.commands.executeCommand('ftpExplorer.upload', 'ftp://local/www', [path.join(local, 'up.txt')]);
    assert.strictEqual(u.files, 1);
    assert.strictEqual(dec(await vscode.workspace.fs.readFile(vscode.Uri.parse('ftp://local/www/up.txt'))), 'uploaded');
    const n = await vscode.commands.executeCommand('ftpExplorer.delete', 'ftp://local/www/made');
    assert.strictEqual(n, 1);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ftpExplorer.delete', 'ftp://local/www/nothing-here')));
    const ok = await vscode.commands.executeCommand('ftpExplorer.disconnect', 'local');
    assert.strictEqual(ok, true);
    assert.strictEqual(api.pool('local').connectedCount, 0);
    assert.strictEqual(dec(await vscode.workspace.fs.readFile(vscode.Uri.parse('ftp://local/hello.txt'))), 'hello ftp\n');
    const removed = await vscode.commands.executeCommand('ftpExplorer.removeConnection', 'second');
    assert.strictEqual(removed, true);
  });

  it('connects one-off to a typed URL (password for this window only)', async () => {
    const port = process.env.FTP_PORT;
    const name = await vscode.commands.executeCommand('ftpExplorer.connect', { url: `ftp://bob:secret-pw-123@localhost:${port}/www/index.html` });
    console.log('one-off', name);
    assert.strictEqual(name, `bob@localhost:${port}`);
    assert.strictEqual(vscode.window.activeTextEditor.document.uri.toString(), `ftp://bob@localhost:${port}/www/index.html`);
    const roots = await api.tree.getChildren();
    const oneOff = roots.find((r) => r.name === name);
    assert.ok(oneOff && oneOff.oneOff);
    const kids = await api.tree.getChildren(oneOff);
    assert.ok(kids.some((k) => k.path === '/www/index.html'), JSON.stringify(kids.map((k) => k.path)));
    assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.disconnect', name), true);
    assert.ok(!(await api.tree.getChildren()).some((r) => r.name === name), 'a one-off is forgotten on disconnect');
  });

  it('tree shows the connections', async () => {
    const roots = await api.tree.getChildren();
    const names = roots.map((r) => r.name);
    console.log('roots', names);
    assert.ok(names.includes('local'));
    const item = api.tree.getTreeItem(roots.find((r) => r.name === 'local'));
    console.log('item', item.label, item.description, item.contextValue);
    const kids = await api.tree.getChildren(roots.find((r) => r.name === 'local'));
    console.log('kids', kids.map((k) => `${k.path}:${k.isDir}`));
    assert.ok(kids.some((k) => k.path === '/www' && k.isDir));
  });

  it('the log has the dialogue and never the password', () => {
    const lines = api.logLines();
    console.log('log sample:\n' + lines.slice(0, 12).join('\n'));
    assert.ok(lines.some((l) => /^\[local#\d+\] ---> PASS \*\*\*\*$/.test(l)), 'PASS masked line');
    assert.ok(!lines.some((l) => l.includes('secret-pw-123')));
  });
});
