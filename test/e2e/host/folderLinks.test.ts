// In-host test of Link Folder to Server and Compare with Server (issue 17): run by test/e2e/folder-links.test.ts,
// which starts vsftpd, makes a workspace with a local folder `site/` and the server's `/www/`, and hands both over
// (E2E_FTP_SERVERS, E2E_LOCAL_ROOT). The link is checked in the settings file on disk, the diff's server side
// against the server's disk.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { serversFromEnv } from '../ftpFixture';

const EXTENSION_ID = 'ftp-explorer.ftp-explorer';
const srv = serversFromEnv()[0];
const localRoot = process.env.E2E_LOCAL_ROOT ?? '';

async function eventually<T>(check: () => T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

(srv && localRoot ? describe : describe.skip)('Link Folder to Server and Compare with Server', function () {
  this.timeout(60_000);
  const site = vscode.Uri.file(path.join(localRoot, 'site'));

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('ftpExplorer.addConnection', { name: 'web', host: srv.host, port: srv.port, username: srv.user, password: srv.password, remember: false });
  });

  it('links a local folder to a remote folder in the workspace folder settings', async () => {
    const link = await vscode.commands.executeCommand('ftpExplorer.linkFolder', site, { connection: 'web', remoteFolder: '/www/' });
    assert.deepStrictEqual(link, { connection: 'web', localFolder: 'site', remoteFolder: '/www', exclude: [], uploadOnSave: false, uploadOutsideChanges: false });
    const want = [{ connection: 'web', localFolder: 'site', remoteFolder: '/www' }];
    const ws = vscode.workspace.getWorkspaceFolder(site)!;
    assert.deepStrictEqual(vscode.workspace.getConfiguration('ftpExplorer', ws.uri).inspect('links')?.workspaceFolderValue, want);
    const file = path.join(localRoot, '.vscode', 'settings.json');
    await eventually(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('"remoteFolder": "/www"'), 5000, 'the link in .vscode/settings.json');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('ftpExplorer.linkFolder', site, { connection: 'nope', remoteFolder: '/' })),
      /No saved connection named "nope"/,
    );
  });

  it('Compare with Server opens the diff editor: the server side is the server file, the other the local one', async () => {
    const local = vscode.Uri.joinPath(site, 'index.html');
    const r = await vscode.commands.executeCommand<{ remote: string }>('ftpExplorer.compareWithServer', local);
    assert.deepStrictEqual(r, { remote: 'ftp://web/www/index.html' });
    const input = await eventually(() => {
      const i = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return i instanceof vscode.TabInputTextDiff ? i : undefined;
    }, 10_000, 'a diff editor');
    assert.strictEqual(input.original.toString(), 'ftp://web/www/index.html');
    assert.strictEqual(input.modified.fsPath, local.fsPath);
    const server = fs.readFileSync(path.join(srv.root, 'www', 'index.html'), 'utf8');
    assert.strictEqual((await vscode.workspace.openTextDocument(input.original)).getText(), server);
    assert.notStrictEqual(server, fs.readFileSync(local.fsPath, 'utf8'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a file the server does not have, or one outside a linked folder, is said so, with no editor', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.compareWithServer', vscode.Uri.joinPath(site, 'only here.txt')), 'missing');
    assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.compareWithServer', vscode.Uri.file(path.join(localRoot, 'notes.txt'))), 'not-linked');
    assert.ok(!(vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff), 'no diff editor opened');
  });

  it('Sync with Server: the plan, the ticked rows applied (the server disk as the local folder), then nothing to do; a change on the server is a conflict', async () => {
    type Result = { planned: { path: string; action: string; reason: string }[]; done: string[]; failed: string[]; conflicts: string[] };
    const sync = (pick: 'all' | string[]) => vscode.commands.executeCommand<Result>('ftpExplorer.syncFolder', site, { direction: 'upload', pick });
    let r = await sync('all');
    assert.deepStrictEqual(r.planned, [
      { path: 'index.html', action: 'upload', reason: 'size differs: 21 here, 23 on the server' },
      { path: 'only here.txt', action: 'upload', reason: 'only here' },
    ]);
    assert.deepStrictEqual([r.done.sort(), r.failed, r.conflicts], [['index.html', 'only here.txt'], [], []]);
    const server = (n: string) => fs.readFileSync(path.join(srv.root, 'www', n), 'utf8');
    assert.strictEqual(server('index.html'), fs.readFileSync(path.join(site.fsPath, 'index.html'), 'utf8'));
    assert.strictEqual(server('only here.txt'), fs.readFileSync(path.join(site.fsPath, 'only here.txt'), 'utf8'));
    assert.ok(fs.existsSync(path.join(site.fsPath, '.ftpexplorer-sync.json')), 'what was seen is kept');
    // Alike now, as after a first sync of two sides that were alike already: recorded too, with nothing to do.
    fs.rmSync(path.join(site.fsPath, '.ftpexplorer-sync.json'));
    r = await sync('all');
    assert.deepStrictEqual([r.planned, r.done], [[], []]);
    assert.ok(fs.existsSync(path.join(site.fsPath, '.ftpexplorer-sync.json')), 'what was seen is kept with nothing to do');
    fs.writeFileSync(path.join(srv.root, 'www', 'index.html'), '<h1>a colleague changed this</h1>\n');
    r = await sync('all');
    assert.deepStrictEqual(r.planned, [{ path: 'index.html', action: 'conflict', reason: 'changed on the server since the last sync' }]);
    assert.deepStrictEqual([r.done, r.conflicts], [[], ['index.html']]);
    assert.strictEqual(server('index.html'), '<h1>a colleague changed this</h1>\n', 'the change on the server is kept');
  });

  it('Compare with Server on the folder: the rows of what differs, ticked where changed here or only here', async () => {
    fs.writeFileSync(path.join(site.fsPath, 'new here.txt'), 'new\n');
    fs.writeFileSync(path.join(srv.root, 'www', 'new there.txt'), 'there\n');
    type Row = { path: string; kind: string; text: string; checked: boolean };
    const rows = await vscode.commands.executeCommand<Row[]>('ftpExplorer.compareWithServer', site);
    assert.deepStrictEqual(rows, [
      { path: 'index.html', kind: 'changed-remote', text: 'changed on the server', checked: false },
      { path: 'new here.txt', kind: 'local-only', text: 'only here', checked: true },
      { path: 'new there.txt', kind: 'remote-only', text: 'only on the server', checked: false },
    ]);
    // Same size and time, another content: seen only by content (Compare by Content).
    const t = new Date(Date.now() - 3_600_000);
    fs.writeFileSync(path.join(site.fsPath, 'twin.txt'), 'aaaa\n');
    fs.writeFileSync(path.join(srv.root, 'www', 'twin.txt'), 'bbbb\n');
    fs.utimesSync(path.join(site.fsPath, 'twin.txt'), t, t);
    fs.utimesSync(path.join(srv.root, 'www', 'twin.txt'), t, t);
    const bySize = await vscode.commands.executeCommand<Row[]>('ftpExplorer.compareWithServer', site);
    assert.ok(!bySize.some((r) => r.path === 'twin.txt'), JSON.stringify(bySize));
    const byContent = await vscode.commands.executeCommand<Row[]>('ftpExplorer.compareWithServer', site, { byContent: true });
    assert.deepStrictEqual(byContent.find((r) => r.path === 'twin.txt'), { path: 'twin.txt', kind: 'differs', text: 'differs (same size)', checked: false });
    fs.unlinkSync(path.join(site.fsPath, 'twin.txt'));
    fs.unlinkSync(path.join(srv.root, 'www', 'twin.txt'));
    await vscode.commands.executeCommand('ftpExplorer.compare.close');
  });

  it('Upload Changed Files: Git not available here (git.enabled off) is said; changed since the last sync uploads only what changed here', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('ftpExplorer.uploadChangedFiles', site, { source: 'git', pick: 'all' })),
      /Git is not available|not in a Git repository/,
    );
    type Result = { planned: { path: string; action: string; reason: string }[]; done: string[]; conflicts: string[] };
    const r = await vscode.commands.executeCommand<Result>('ftpExplorer.uploadChangedFiles', site, { source: 'since-sync', pick: 'all' });
    // Only here: uploaded. Changed on the server: a conflict, left. Only on the server: not offered (no deletion).
    assert.deepStrictEqual(r.planned.map((p) => `${p.action} ${p.path}`), ['conflict index.html', 'upload new here.txt']);
    assert.deepStrictEqual([r.done, r.conflicts], [['new here.txt'], ['index.html']]);
    assert.strictEqual(fs.readFileSync(path.join(srv.root, 'www', 'new here.txt'), 'utf8'), 'new\n');
    assert.ok(fs.existsSync(path.join(srv.root, 'www', 'new there.txt')), 'nothing deleted on the server');
  });
});
