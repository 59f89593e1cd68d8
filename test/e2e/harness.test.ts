// Proves the real-VS-Code harness end to end with a throwaway extension (probeExtension.ts):
// code-server start/stop, in-host mocha (passing suite -> exit 0, failing suite -> exit 1), and a
// UI scenario in Chromium (palette command, notification, screenshots).
// Run: bash scripts/setup-vscode.sh && bash scripts/test-e2e.sh   (see test/e2e/README.md)
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { launchBrowser, openWorkbench, quickInput, runCommand, screenshot, waitForEditorTab, waitForNotification } from './browser';
import { installVsix, remoteUri, startCodeServer, workbenchUrl } from './codeServer';
import { PROJECT_ROOT, assertInstalled } from './env';
import { runInHostTests } from './inHost';
import { groupAlive } from './processGroup';
import { PROBE_ID, PROBE_MARKER, PROBE_MESSAGE, PROBE_TITLE, ProbeExtension, writeProbeExtension } from './probeExtension';
import { TempDir, tempDir } from './tempDir';
import { packageVsix } from './vsix';

const GENERIC_HOST_TESTS = path.join(PROJECT_ROOT, 'out', 'test', 'e2e', 'host', 'workbench.test.js');

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

function timed(label: string, since: number): void {
  console.log(`      [time] ${label}: ${((Date.now() - since) / 1000).toFixed(1)} s`);
}

describe('real VS Code harness (code-server + Chromium)', function () {
  this.timeout(240_000);
  let tmp: TempDir;
  let probe: ProbeExtension;
  let workspace: string;

  before(() => {
    assertInstalled();
    tmp = tempDir('vscode-e2e-probe-');
    probe = writeProbeExtension(path.join(tmp.dir, 'ext'));
    workspace = path.join(tmp.dir, 'workspace');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'hello.txt'), 'hello from the workspace\n');
  });
  after(() => tmp?.remove());
  beforeEach(() => fs.rmSync(path.join(workspace, PROBE_MARKER), { force: true }));

  it('starts code-server on loopback, writes the settings, and stop() leaves no process', async () => {
    const t0 = Date.now();
    const server = await startCodeServer({ folder: workspace, settings: { 'e2eProbe.answer': 42 } });
    try {
      timed('code-server start to /healthz', t0);
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.strictEqual((await get(`${server.url}/healthz`)).status, 200);
      const settings = JSON.parse(fs.readFileSync(path.join(server.userDataDir, 'User', 'settings.json'), 'utf8'));
      assert.strictEqual(settings['e2eProbe.answer'], 42);
      assert.strictEqual(settings['workbench.startupEditor'], 'none');
      assert.ok(groupAlive(server.pid));
    } finally {
      await server.stop();
    }
    assert.strictEqual(groupAlive(server.pid), false, 'process group gone');
    assert.strictEqual(fs.existsSync(server.runDir), false, 'run folder removed');
  });

  it('in-host mocha: a passing suite against the vscode API gives exit code 0', async () => {
    const t0 = Date.now();
    const r = await runInHostTests({
      extensionDevelopmentPath: probe.dir,
      folder: workspace,
      testFiles: [probe.passingTests, GENERIC_HOST_TESTS],
      settings: { 'e2eProbe.answer': 42 },
    });
    timed('in-host run (passing)', t0);
    const text = r.logs.join('\n');
    assert.strictEqual(r.exitCode, 0, `exit code ${r.exitCode}\n${text}`);
    assert.match(text, /6 passing/, text);
    assert.doesNotMatch(text, /failing/);
    assert.ok(fs.existsSync(path.join(workspace, PROBE_MARKER)), 'the command ran in the host and wrote into the workspace');
  });

  it('in-host mocha: a failing suite gives exit code 1', async () => {
    const t0 = Date.now();
    const r = await runInHostTests({
      extensionDevelopmentPath: probe.dir,
      folder: workspace,
      testFiles: [probe.failingTests],
    });
    timed('in-host run (failing)', t0);
    const text = r.logs.join('\n');
    assert.strictEqual(r.exitCode, 1, `exit code ${r.exitCode}\n${text}`);
    assert.match(text, /1 failing/, text);
    assert.match(text, /fails on purpose/);
  });

  it('UI: the installed .vsix command runs from the palette and shows its notification', async () => {
    const t0 = Date.now();
    const vsix = await packageVsix(probe.dir, path.join(tmp.dir, 'probe.vsix'));
    const extensionsDir = path.join(tmp.dir, 'extensions');
    await installVsix(vsix, extensionsDir);
    assert.ok(fs.readdirSync(extensionsDir).some((d) => d.startsWith(`${PROBE_ID}-`)), 'installed into extensionsDir');
    timed('package + install .vsix', t0);

    const t1 = Date.now();
    const server = await startCodeServer({ folder: workspace, extensionsDir });
    const session = await launchBrowser().catch(async (e) => { await server.stop(); throw e; });
    try {
      const { page } = session;
      await openWorkbench(page, workbenchUrl(server, workspace));
      await page.getByRole('treeitem', { name: 'hello.txt' }).waitFor({ timeout: 30_000 });
      await screenshot(page, 'harness-1-workbench');
      await runCommand(page, PROBE_TITLE);
      const text = await waitForNotification(page, PROBE_MESSAGE);
      assert.strictEqual(text.trim(), PROBE_MESSAGE);
      await screenshot(page, 'harness-2-after-command');
      // Quick open (Ctrl+P) the file the command wrote: an editor tab with its text.
      await page.keyboard.press('Control+P');
      await quickInput(page, PROBE_MARKER, { pick: PROBE_MARKER });
      await waitForEditorTab(page, PROBE_MARKER);
      await page.locator('.monaco-editor .view-lines', { hasText: 'ran at' }).first().waitFor({ timeout: 15_000 });
      const shot = await screenshot(page, 'harness-3-marker-open');
      assert.ok(fs.statSync(shot).size > 10_000, 'screenshot written');
      assert.ok(fs.existsSync(path.join(workspace, PROBE_MARKER)), 'the command wrote its marker file');
      timed('UI scenario (code-server start to last screenshot)', t1);
    } catch (e) {
      const shot = await screenshot(session.page, 'harness-failed').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\nmarker on disk: ${fs.existsSync(path.join(workspace, PROBE_MARKER))}`);
    } finally {
      await Promise.all([session.close(), server.stop()]);
    }
  });

  it('UI: an extension loaded from source (extensionDevelopmentPath payload) runs from the palette', async () => {
    const t0 = Date.now();
    // A payload URL needs the smoke-test driver; with it VS Code shows no toasts, only the center.
    const server = await startCodeServer({ folder: workspace, smokeTestDriver: true });
    const session = await launchBrowser().catch(async (e) => { await server.stop(); throw e; });
    try {
      const { page } = session;
      await openWorkbench(page, workbenchUrl(server, workspace, [['extensionDevelopmentPath', remoteUri(server, probe.dir)]]));
      await runCommand(page, PROBE_TITLE);
      await waitForNotification(page, PROBE_MESSAGE);
      await screenshot(page, 'harness-4-from-source');
      assert.ok(fs.existsSync(path.join(workspace, PROBE_MARKER)), 'the command wrote its marker file');
      timed('UI scenario, extension from source', t0);
    } finally {
      await Promise.all([session.close(), server.stop()]);
    }
  });
});
