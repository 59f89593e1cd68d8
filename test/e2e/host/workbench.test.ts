// In-host tests that hold for any extension under test: they run inside the real extension host
// (code-server's), against the real `vscode` API. Compiled to out/test/e2e/host/workbench.test.js and
// found by host/index.ts. E2E_WORKSPACE_FOLDER is set by inHost.ts runInHostTests({ folder }).
import * as assert from 'assert';
import * as vscode from 'vscode';

describe('extension host (workbench basics)', () => {
  it('is a VS Code new enough for package.json engines (^1.90.0)', () => {
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major > 1 || (major === 1 && minor >= 90), `vscode.version ${vscode.version}`);
  });

  it('has the workspace folder the harness opened', function () {
    const want = process.env.E2E_WORKSPACE_FOLDER;
    if (!want) this.skip();
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepStrictEqual(folders.map((f) => f.uri.fsPath), [want]);
  });

  it('opens and edits a document through the API', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'hello', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 5), ', host'));
    assert.strictEqual(doc.getText(), 'hello, host');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
