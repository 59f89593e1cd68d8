// UI scenario, as a user sees it: the packaged .vsix installed in code-server (no smoke-test driver: the modal
// and the notifications are the real ones). FileZilla's own sitemanager.xml (under XDG_CONFIG_HOME, where
// FileZilla 3 keeps it on Linux) holds the sites of test/fixtures/filezilla/sitemanager-3.66-windows.xml plus one
// for a vsftpd on loopback with its password. "FTP: Import Connections from FileZilla...": the file, the pick
// list (one more site checked, one unchecked), the modal about the name that exists, the note about the encrypted
// password; then settings.json as saved, and the vsftpd site opens without asking for its password (it went to
// secret storage). Screenshots: test-artifacts/e2e/ui-filezilla-*.png.
// Needs: bash scripts/setup-vscode.sh, bash scripts/install-servers.sh, npm run build.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startServer, type RunningServer } from '../servers';
import { runCommand, screenshot, waitForNotification } from './browser';
import { assertInstalled, PROJECT_ROOT } from './env';
import { confirmDialog, expandRow, openFtpExplorer, treeRow } from './ftpUi';
import { tempDir, type TempDir } from './tempDir';
import { startUiWorkbench } from './uiWorkbench';

const FIXTURE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'filezilla', 'sitemanager-3.66-windows.xml');

describe('UI: Import Connections from FileZilla (installed .vsix)', function () {
  this.timeout(300_000);
  let server: RunningServer | undefined;
  let tmp: TempDir;

  before(async function () {
    this.timeout(120_000);
    assertInstalled();
    tmp = tempDir('vscode-e2e-ui-filezilla-');
    server = await startServer('vsftpd');
    const owner = fs.statSync(server.root);
    const file = path.join(server.root, 'from-filezilla.txt');
    fs.writeFileSync(file, 'imported\n');
    fs.chownSync(file, owner.uid, owner.gid);
  });

  after(async () => {
    await server?.stop();
    tmp?.remove();
  });

  it('imports the picked sites into settings and their passwords into secret storage, asking about a name that exists', async () => {
    const srv = server!;
    const xdg = path.join(tmp.dir, 'xdg-config');
    fs.mkdirSync(path.join(xdg, 'filezilla'), { recursive: true });
    const real = `		<Server>
			<Host>${srv.host}</Host>
			<Port>${srv.port}</Port>
			<Protocol>6</Protocol>
			<Type>0</Type>
			<User>${srv.user}</User>
			<Pass encoding="base64">${Buffer.from(srv.password).toString('base64')}</Pass>
			<Logontype>1</Logontype>
			<PasvMode>MODE_DEFAULT</PasvMode>
			<EncodingType>Auto</EncodingType>
			<Name>Loopback</Name>
		</Server>
	</Servers>`;
    fs.writeFileSync(path.join(xdg, 'filezilla', 'sitemanager.xml'), fs.readFileSync(FIXTURE, 'utf8').replace('\t</Servers>', real));
    const existing = { name: 'Production', host: 'kept.example.com', username: 'me' };

    const ui = await startUiWorkbench({ name: 'ui-filezilla', env: { XDG_CONFIG_HOME: xdg }, settings: { 'ftpExplorer.connections': [existing] } });
    const { page } = ui;
    try {
      await openFtpExplorer(page);

      await runCommand(page, 'FTP: Import Connections from FileZilla...');
      // The file: FileZilla's own, found where FileZilla keeps it.
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'sitemanager.xml' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await screenshot(page, 'ui-filezilla-1-file');
      await page.keyboard.press('Enter');

      // The sites: supported ones checked except the name that exists; SFTP and S3 listed as not supported.
      const row = (label: string) => rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) }) }).first();
      await row('Loopback').waitFor({ state: 'visible', timeout: 30_000 });
      const listText = ((await page.locator('.quick-input-widget .quick-input-list').textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(listText, /Not supported/);
      assert.match(listText, /SFTP: not supported/);
      assert.match(listText, /a connection of this name exists/);
      const checked = async (label: string) => (await row(label).locator('input[type=checkbox]').first().isChecked().catch(() => undefined)) ?? (await row(label).getAttribute('aria-checked')) === 'true';
      assert.equal(await checked('Production'), false, 'the existing name is checked');
      assert.equal(await checked('Loopback'), true);
      // Check Production too (so the modal asks), uncheck the Legacy mirror.
      await row('Production').locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-custom-toggle').first().click();
      await row('Clients - Acme & Sons - Legacy - Mirror').locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-custom-toggle').first().click();
      await screenshot(page, 'ui-filezilla-2-pick');
      await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();

      await confirmDialog(page, /of that name exist already: Production/, 'Keep Mine', 30_000);
      const note = await waitForNotification(page, 'encrypted with FileZilla', 30_000);
      assert.match(note, /1 password\(s\)/);
      await screenshot(page, 'ui-filezilla-3-encrypted');
      await page.locator('.notifications-toasts .monaco-button, .notifications-center .monaco-button', { hasText: 'When Connecting' }).first().click();
      const done = await waitForNotification(page, 'Imported', 30_000);
      assert.match(done, /Imported 6 connection\(s\) from FileZilla; 1 kept as they were, 2 not supported \(SFTP, S3\)/);
      await screenshot(page, 'ui-filezilla-4-imported');

      // settings.json as saved: the picked sites, Production untouched, no password anywhere.
      const settingsText = fs.readFileSync(path.join(ui.userDataDir, 'User', 'settings.json'), 'utf8');
      const connections = (JSON.parse(settingsText) as Record<string, unknown>)['ftpExplorer.connections'] as Record<string, unknown>[];
      const names = connections.map((c) => c.name);
      assert.deepEqual(names, ['Production', 'Clients - Acme & Sons - Live- main-backup', 'Vault (implicit)', '中文站点', 'Accounting', 'Tokyo', 'Loopback']);
      assert.deepEqual(connections[0], existing);
      assert.deepEqual(connections[1], {
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
      assert.deepEqual(connections[6], { name: 'Loopback', host: srv.host, port: srv.port, username: srv.user });
      for (const secret of [srv.password, 'acme-ftp', 'S3cr3t', 'oper1']) assert.ok(!settingsText.includes(secret), `"${secret}" is in settings.json`);

      // The password went to secret storage: the site opens without a prompt.
      const loopback = treeRow(page, 'Loopback');
      await expandRow(loopback, 30_000);
      await treeRow(page, 'from-filezilla.txt').waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await page.locator('.quick-input-widget .quick-input-box input[type=password]').isVisible(), false, 'a password was asked for');
      await screenshot(page, 'ui-filezilla-5-connected');
    } catch (e) {
      const shot = await screenshot(page, 'ui-filezilla-failed').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}`);
    } finally {
      await ui.close();
    }
  });
});
