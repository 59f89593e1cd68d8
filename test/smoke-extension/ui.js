// UI smoke: installs the packaged .vsix (VSIX=path, default /tmp/ftp-explorer.vsix) into code-server, opens the
// FTP Explorer view and saves screenshots into test-artifacts/e2e/. `node test/smoke-extension/ui.js tree|welcome`
const fs = require('fs'); const path = require('path'); const os = require('os');
const ROOT = path.resolve(__dirname, '..', '..');
const FtpSrv = require(path.join(ROOT, 'node_modules/ftp-srv'));
const { startCodeServer, workbenchUrl, installVsix } = require(path.join(ROOT, 'out/test/e2e/codeServer.js'));
const { launchBrowser, openWorkbench, quickInput, screenshot } = require(path.join(ROOT, 'out/test/e2e/browser.js'));
(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ftproot-'));
  fs.writeFileSync(path.join(root, 'hello.txt'), 'hello ftp\n');
  fs.mkdirSync(path.join(root, 'www'));
  fs.writeFileSync(path.join(root, 'www', 'index.html'), '<h1>hi</h1>\n');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const srv = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: '127.0.0.1', pasv_min: 41000, pasv_max: 41100, anonymous: false, greeting: null, log: require(path.join(ROOT, 'node_modules/bunyan')).createLogger({ name: 'x', level: 'fatal' }) });
  srv.on('login', ({ username, password }, resolve, reject) => (username === 'bob' && password === 'secret-pw-123' ? resolve({ root }) : reject(new Error('bad'))));
  await srv.listen();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-'));
  const extDir = path.join(tmp, 'ext'); fs.mkdirSync(extDir);
  await installVsix(process.env.VSIX || '/tmp/ftp-explorer.vsix', extDir);
  const folder = path.join(tmp, 'ws'); fs.mkdirSync(folder);
  const which = process.argv[2] || 'tree';
  const settings = which === 'welcome' ? {} : { 'ftpExplorer.connections': [{ name: 'local', host: '127.0.0.1', port, username: 'bob', remoteRoot: '/' }] };
  const server = await startCodeServer({ extensionsDir: extDir, settings, folder });
  const session = await launchBrowser();
  const page = session.page;
  try {
    await openWorkbench(page, workbenchUrl(server, folder));
    await page.locator('.activitybar [aria-label^="FTP Explorer"]').first().click({ timeout: 30000 });
    await page.waitForTimeout(2000);
    console.log(await screenshot(page, `ftp-${which}-1`));
    if (which === 'tree') {
      await page.locator('.monaco-list-row', { hasText: 'local' }).first().click();
      await quickInput(page, 'secret-pw-123');
      await page.waitForTimeout(500);
      console.log(await screenshot(page, 'ftp-tree-remember'));
      await quickInput(page, 'This window only');
      await page.locator('.monaco-list-row', { hasText: 'www' }).first().waitFor({ timeout: 15000 });
      await page.locator('.monaco-list-row', { hasText: 'hello.txt' }).first().click();
      await page.waitForTimeout(2000);
      console.log(await screenshot(page, 'ftp-tree-2'));
      await page.locator('.monaco-list-row', { hasText: 'www' }).first().click({ button: 'right' });
      await page.waitForTimeout(1000);
      console.log(await screenshot(page, 'ftp-tree-context'));
      await page.keyboard.press('Escape');
      await page.locator('.monaco-list-row', { hasText: 'local' }).first().click({ button: 'right' });
      await page.waitForTimeout(1000);
      console.log(await screenshot(page, 'ftp-tree-context-conn'));
    }
  } finally {
    await Promise.all([session.close(), server.stop()]);
    await srv.close();
  }
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
