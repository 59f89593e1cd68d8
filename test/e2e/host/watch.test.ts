// In-host tests of watching the server (src/remote/watcher.ts): a file changed on the server's disk behind VS
// Code's back reloads in its unmodified editor, and a file added there appears in the expanded folder of the
// tree, both by themselves within the connection's pollSeconds. Run by test/e2e/extension-host.test.ts after
// ftpExplorer.test.ts, against the first server, with a connection of its own (pollSeconds 1).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FtpExplorerApi } from '../../../src/vscode/api';
import type { Node } from '../../../src/vscode/tree';
import { ownerOf, seedFolder, serversFromEnv } from '../ftpFixture';

const EXTENSION_ID = 'ftp-explorer.ftp-explorer';
const servers = serversFromEnv();
const mode = ((process.env.E2E_FTP_MODES ?? 'passive').split(',').filter(Boolean)[0] ?? 'passive') as 'passive' | 'active';

/** Resolves with the first value `next` gives that `ok` accepts, or rejects after `ms` (bounded). */
function waitFor<T>(subscribe: (cb: (v: T) => void) => vscode.Disposable, ok: (v: T) => boolean, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = subscribe((v) => {
      if (!ok(v)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    });
  });
}

(servers.length > 0 ? describe : describe.skip)('watching the server (pollSeconds)', function () {
  const srv = servers[0];
  const name = `${srv?.server}-watch`;
  const base = `/${mode}/watch`;
  const disk = (p = '') => path.join(srv.root, mode, 'watch', p);
  const uri = (p = '') => vscode.Uri.from({ scheme: 'ftp', authority: name, path: `${base}${p}` });
  let api: FtpExplorerApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<FtpExplorerApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    api = await ext.activate();
    seedFolder(disk(), ownerOf(srv.root), { 'open.txt': 'first\n' });
    await vscode.commands.executeCommand('ftpExplorer.addConnection', {
      name, host: srv.host, port: srv.port, username: srv.user, password: srv.password, remember: false, mode, remoteRoot: base, pollSeconds: 1,
    });
    assert.strictEqual(api.site(name)?.config.pollSeconds, 1);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('ftpExplorer.removeConnection', name);
    fs.rmSync(disk(), { recursive: true, force: true });
  });

  it('a file changed on the server while open and unmodified reloads by itself', async () => {
    assert.ok(vscode.window.state.focused, 'the window has focus (nothing is polled otherwise)');
    const doc = await vscode.workspace.openTextDocument(uri('/open.txt'));
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.getText(), 'first\n');
    const changed = waitFor<vscode.TextDocumentChangeEvent>(
      (cb) => vscode.workspace.onDidChangeTextDocument(cb),
      (e) => e.document === doc && doc.getText() === 'second, longer\n',
      10_000,
      'the editor to show the new content',
    );
    fs.writeFileSync(disk('open.txt'), 'second, longer\n');
    await changed;
    assert.strictEqual(doc.isDirty, false, 'reloaded, not edited');
    assert.strictEqual(fs.readFileSync(disk('open.txt'), 'utf8'), 'second, longer\n', 'what the server has');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a file added on the server appears in the expanded folder of the tree by itself', async () => {
    await vscode.commands.executeCommand('ftpExplorer.view.focus');
    const root = (await api.tree.getChildren()).find((r) => r.kind === 'connection' && r.name === name);
    assert.ok(root, 'the connection is in the tree');
    const shown = (nodes: Node[]) => nodes.map((n) => (n.kind === 'entry' ? n.path : n.kind)).sort();
    assert.deepStrictEqual(shown(await api.tree.getChildren(root)), [`${base}/open.txt`]);
    // Only the tree's own refresh counts: asking for the children again a few seconds later would list the
    // folder again anyway (the cache keeps listings for seconds), whether anything polls or not.
    const refreshed = waitFor<Node | undefined>((cb) => api.tree.onDidChangeTreeData(cb), (n) => n === root, 10_000, 'a refresh of the folder');
    fs.writeFileSync(disk('added.txt'), 'added on the server\n');
    await refreshed;
    assert.deepStrictEqual(shown(await api.tree.getChildren(root)), [`${base}/added.txt`, `${base}/open.txt`]);
    assert.strictEqual(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri('/added.txt'))), fs.readFileSync(disk('added.txt'), 'utf8'));
  });
});
