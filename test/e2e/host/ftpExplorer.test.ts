// In-host tests of FTP Explorer: mocha inside code-server's extension host, against the real `vscode`
// API and real FTP servers on loopback. test/e2e/extension-host.test.ts starts the servers (their
// addresses and logins arrive in E2E_FTP_SERVERS), seeds a folder per mode with SAMPLE_FILES, starts
// code-server and then checks the servers' own logs. Everything runs on one machine, so after each
// write these tests read the server's folder on disk directly.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FtpExplorerApi } from '../../../src/vscode/api';
import { FaultProxy } from '../../faults/proxy';
import { SAMPLE_FILES, serversFromEnv, type FtpServerInfo } from '../ftpFixture';

const EXTENSION_ID = 'ftp-explorer.ftp-explorer';
const servers = serversFromEnv();
const modes = (process.env.E2E_FTP_MODES ?? 'passive,active').split(',').filter(Boolean) as ('passive' | 'active')[];

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Polls `check` until it returns something truthy or `ms` pass (bounded; for effects VS Code applies asynchronously). */
async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The promise rejects with a vscode.FileSystemError of `code` (FileNotFound, FileExists, ...). */
async function rejectsWith(p: Thenable<unknown>, code: string): Promise<void> {
  await assert.rejects(Promise.resolve(p), (e: unknown) => {
    assert.ok(e instanceof vscode.FileSystemError, `expected a FileSystemError, got ${String(e)}`);
    assert.strictEqual(e.code, code, `code of: ${e.message}`);
    return true;
  });
}

/** Data-connection commands this connection sent, from the log lines. */
function dataCommands(lines: string[], name: string): string[] {
  const mine = lines.filter((l) => l.startsWith(`[${name}#`));
  return mine.map((l) => /---> (EPSV|PASV|EPRT|PORT)\b/.exec(l)?.[1]).filter((c): c is string => !!c);
}

function expectMode(lines: string[], name: string, mode: 'passive' | 'active'): void {
  const cmds = dataCommands(lines, name);
  const want = mode === 'active' ? ['EPRT', 'PORT'] : ['EPSV', 'PASV'];
  const text = lines.filter((l) => l.startsWith(`[${name}#`)).join('\n');
  assert.ok(cmds.length > 0, `no data connection commands in the log:\n${text}`);
  assert.ok(cmds.every((c) => want.includes(c)), `${mode} mode, but the log has ${cmds.join(', ')}:\n${text}`);
}

interface SavedConnection {
  name?: string;
  [k: string]: unknown;
}

(servers.length > 0 ? describe : describe.skip)('FTP Explorer in the extension host', function () {
  let api: FtpExplorerApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<FtpExplorerApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    api = await ext.activate();
    assert.ok(api && typeof api.logLines === 'function', 'activate() returns the test API');
  });

  for (const srv of servers) {
    for (const mode of modes) defineSite(srv, mode);
  }

  describe('connections of other kinds', () => {
    const srv = servers[0];

    it('a read-only connection opens files read-only and refuses writes with NoPermissions', async () => {
      const name = `${srv.server}-readonly`;
      await vscode.commands.executeCommand('ftpExplorer.addConnection', {
        name, host: srv.host, port: srv.port, username: srv.user, password: srv.password, remember: false, readOnly: true, remoteRoot: `/${modes[0]}`,
      });
      const file = vscode.Uri.from({ scheme: 'ftp', authority: name, path: `/${modes[0]}/hello.txt` });
      assert.strictEqual((await vscode.workspace.fs.stat(file)).permissions, vscode.FilePermission.Readonly);
      await rejectsWith(vscode.workspace.fs.writeFile(vscode.Uri.joinPath(file, '..', 'ro.txt'), enc('x')), 'NoPermissions');
      assert.ok(!fs.existsSync(path.join(srv.root, modes[0], 'ro.txt')), 'nothing written');
      assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.removeConnection', name), true);
      assert.ok(!(vscode.workspace.getConfiguration('ftpExplorer').get<SavedConnection[]>('connections') ?? []).some((c) => c.name === name));
    });

    it('FTP: Connect to a typed ftp:// URL: a one-off connection, its file opened, forgotten on disconnect', async () => {
      const url = `ftp://${srv.user}:${encodeURIComponent(srv.password)}@localhost:${srv.port}/${modes[0]}/notes.md`;
      const name = await vscode.commands.executeCommand<string>('ftpExplorer.connect', { url });
      assert.strictEqual(name, `${srv.user}@localhost:${srv.port}`);
      await eventually(() => vscode.window.activeTextEditor?.document.uri.toString() === `ftp://${name}/${modes[0]}/notes.md`, 10_000, 'the file in an editor');
      assert.strictEqual(vscode.window.activeTextEditor?.document.getText(), SAMPLE_FILES['notes.md']);
      const root = (await api.tree.getChildren()).find((r) => r.kind === 'connection' && r.name === name);
      assert.ok(root && root.kind === 'connection' && root.oneOff, 'shown in the tree as a one-off');
      assert.ok(!api.logLines().some((l) => l.includes(srv.password)), 'the password is in no line');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.disconnect', name), true);
      assert.ok(!(await api.tree.getChildren()).some((r) => r.kind === 'connection' && r.name === name), 'forgotten');
    });
  });

  describe('a folder download over a slow network (the emulated link of test/faults, 20 ms)', () => {
    // (Set in before(): with no servers the suite is skipped, and servers[0] is not there.)
    const base = `/${modes[0]}`;
    let srv: FtpServerInfo;
    let proxy: FaultProxy | undefined;
    let name = '';
    let local = '';
    let folder = '';

    before(async () => {
      srv = servers[0];
      name = `${srv.server}-far`;
      local = fs.mkdtempSync(path.join(os.tmpdir(), 'ftp-e2e-far-'));
      folder = path.join(srv.root, modes[0], 'far');
      proxy = await FaultProxy.start({ host: srv.host, port: srv.port }, { link: { rttMs: 20 } });
      fs.mkdirSync(folder);
      for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(folder, `f${i}.bin`), crypto.randomBytes(200 + i * 997));
    });
    after(async () => {
      if (name) await vscode.commands.executeCommand('ftpExplorer.removeConnection', name);
      await proxy?.close();
      if (local) fs.rmSync(local, { recursive: true, force: true });
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
    });

    it('a connection with the default poolSize (2) downloads it over 4 connections, every file whole', async () => {
      await vscode.commands.executeCommand('ftpExplorer.addConnection', {
        name, host: proxy!.host, port: proxy!.port, username: srv.user, password: srv.password, remember: false, mode: 'passive', remoteRoot: base,
      });
      const lines: string[] = [];
      const sub = api.onDidLog((l) => { if (l.startsWith(`[${name}#`)) lines.push(l); });
      try {
        const far = (p: string) => vscode.Uri.from({ scheme: 'ftp', authority: name, path: `${base}${p}` });
        // A listing first: the login's answers and its EPSV's show the round trip.
        assert.ok((await vscode.workspace.fs.readDirectory(far('/'))).some(([n]) => n === 'far'));
        const got = await vscode.commands.executeCommand<{ files: number }>('ftpExplorer.download', far('/far').toString(), local);
        assert.strictEqual(got?.files, 12);
        for (const n of fs.readdirSync(folder)) assert.ok(fs.readFileSync(path.join(local, 'far', n)).equals(fs.readFileSync(path.join(folder, n))), `${n} differs`);
      } finally {
        sub.dispose();
      }
      const connections = new Set(lines.filter((l) => l.includes('--- connected to')).map((l) => /^\[[^\]]*#(\d+)\]/.exec(l)?.[1]));
      assert.strictEqual(connections.size, 4, lines.filter((l) => l.includes('--- ')).join('\n'));
    });

    it('with ftpExplorer.poolSize set by the user (to 2, the default\'s value), the same download keeps to 2 connections', async () => {
      const cfg = vscode.workspace.getConfiguration('ftpExplorer');
      const changed = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no configuration change for ftpExplorer.poolSize')), 10_000);
        const sub = vscode.workspace.onDidChangeConfiguration((e) => {
          if (!e.affectsConfiguration('ftpExplorer.poolSize')) return;
          clearTimeout(timer);
          sub.dispose();
          resolve();
        });
      });
      await cfg.update('poolSize', 2, vscode.ConfigurationTarget.Global);
      const lines: string[] = [];
      const sub = api.onDidLog((l) => { if (l.startsWith(`[${name}#`)) lines.push(l); });
      try {
        await changed;
        const into = path.join(local, 'chosen');
        fs.mkdirSync(into);
        const far = vscode.Uri.from({ scheme: 'ftp', authority: name, path: `${base}/far` });
        const got = await vscode.commands.executeCommand<{ files: number }>('ftpExplorer.download', far.toString(), into);
        assert.strictEqual(got?.files, 12);
        for (const n of fs.readdirSync(folder)) assert.ok(fs.readFileSync(path.join(into, 'far', n)).equals(fs.readFileSync(path.join(folder, n))), `${n} differs`);
      } finally {
        sub.dispose();
        await cfg.update('poolSize', undefined, vscode.ConfigurationTarget.Global);
      }
      const retr = new Set(lines.filter((l) => /\bRETR\b/.test(l)).map((l) => /^\[[^\]]*#(\d+)\]/.exec(l)?.[1]));
      assert.ok(retr.size >= 1 && retr.size <= 2, `files moved on connections ${[...retr].join(', ')}\n${lines.filter((l) => l.includes('--- ')).join('\n')}`);
    });
  });

  describe('Open in Workspace', () => {
    const srv = servers[0];
    const mode = modes[0];
    const name = `${srv?.server}-${mode}`;

    it('adds a remote folder to the workspace, and its files can be read through it', async () => {
      const target = vscode.Uri.from({ scheme: 'ftp', authority: name, path: `/${mode}/docs` });
      const changed = new Promise<vscode.WorkspaceFoldersChangeEvent>((resolve) => {
        const sub = vscode.workspace.onDidChangeWorkspaceFolders((e) => { sub.dispose(); resolve(e); });
      });
      const ok = await vscode.commands.executeCommand<boolean>('ftpExplorer.openInWorkspace', target.toString());
      assert.strictEqual(ok, true);
      const e = await Promise.race([changed, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no workspace folder change')), 10_000))]);
      assert.deepStrictEqual(e.added.map((f) => f.uri.toString()), [target.toString()]);
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.joinPath(target, 'readme.md'));
      assert.ok(folder, 'the file belongs to the new workspace folder');
      assert.strictEqual(folder.name, `${name}: /${mode}/docs`);
      const entries = await vscode.workspace.fs.readDirectory(folder.uri);
      assert.deepStrictEqual(entries.sort(), [['nested', vscode.FileType.Directory], ['readme.md', vscode.FileType.File]]);
      assert.strictEqual(dec(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, 'readme.md'))), SAMPLE_FILES['docs/readme.md']);

      assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.openInWorkspace', target.toString()), false, 'a second time: already there');

      const removed = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidChangeWorkspaceFolders(() => { sub.dispose(); resolve(); });
      });
      assert.ok(vscode.workspace.updateWorkspaceFolders(folder.index, 1), 'removed again');
      await Promise.race([removed, new Promise((r) => setTimeout(r, 10_000))]);
      assert.ok(!(vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === 'ftp'), 'no ftp folder left');
    });
  });

  function defineSite(srv: FtpServerInfo, mode: 'passive' | 'active'): void {
    const name = `${srv.server}-${mode}`;
    const other = mode === 'passive' ? 'active' : 'passive';
    const base = `/${mode}`;
    const uri = (p = '') => vscode.Uri.from({ scheme: 'ftp', authority: name, path: `${base}${p}` });
    const disk = (p = '') => path.join(srv.root, mode, p);
    const readDisk = (p: string) => fs.readFileSync(disk(p), 'utf8');

    describe(`${srv.server}, ${mode} mode`, () => {
      // On a failure or a slow pass, what this connection said to the server during the test (never the password).
      let seen: string[] = [];
      let sub: vscode.Disposable | undefined;
      beforeEach(() => {
        seen = [];
        sub = api.onDidLog((l) => { if (l.startsWith(`[${name}`)) seen.push(l); });
      });
      afterEach(function () {
        sub?.dispose();
        const t = this.currentTest;
        if (t?.state !== 'failed' && (t?.duration ?? 0) < 8000) return;
        const cut = seen.length > 150 ? [`... ${seen.length - 150} lines before`, ...seen.slice(-150)] : seen;
        console.log(`--- ${t?.state === 'failed' ? 'failed' : `slow (${t?.duration} ms)`}: FTP log of ${name} during the test:\n${cut.join('\n')}`);
        // ...and what the server wrote into its own log (in the harness's folder above the FTP root).
        const dir = path.dirname(srv.root);
        for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log'))) {
          const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n');
          console.log(`--- ${srv.server} ${f}, last lines:\n${lines.slice(-60).join('\n')}`);
        }
      });

      it('addConnection with arguments saves the connection without its password, and the password in SecretStorage', async () => {
        const cfg = await vscode.commands.executeCommand<{ name: string; mode: string; port: number }>('ftpExplorer.addConnection', {
          name, host: srv.host, port: srv.port, username: srv.user, password: srv.password, remember: true, mode, remoteRoot: base,
        });
        assert.strictEqual(cfg?.name, name);
        assert.strictEqual(cfg.mode, mode);
        assert.strictEqual(cfg.port, srv.port);

        const info = vscode.workspace.getConfiguration('ftpExplorer').inspect<SavedConnection[]>('connections');
        const saved = info?.globalValue?.find((c) => c.name === name);
        assert.deepStrictEqual(saved, { name, host: srv.host, port: srv.port, username: srv.user, mode, remoteRoot: base });
        assert.ok(!JSON.stringify(info).includes(srv.password), 'no password in the configuration');
        const file = process.env.E2E_USER_SETTINGS;
        if (file) {
          const text = await eventually(() => {
            const t = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
            return t.includes(`"${name}"`) ? t : undefined;
          }, 5000, `${name} in ${file}`);
          assert.ok(!text.includes(srv.password), 'no password in settings.json');
          assert.doesNotMatch(text, /"password"/);
        }
        assert.strictEqual(await api.hasStoredPassword(name), true, 'password in SecretStorage');
      });

      it('the tree shows the connection, its folder (folders first) and a subfolder', async () => {
        const roots = await api.tree.getChildren();
        const node = roots.find((r) => r.kind === 'connection' && r.name === name);
        assert.ok(node, `root ${name} in ${roots.map((r) => (r.kind === 'message' ? r.text : r.name)).join(', ')}`);
        const kids = await api.tree.getChildren(node);
        const shown = kids.map((k) => (k.kind === 'entry' ? `${k.path}${k.isDir ? '/' : ''}` : `message: ${k.kind === 'message' ? k.text : ''}`));
        assert.deepStrictEqual(shown, [`${base}/docs/`, `${base}/src/`, `${base}/hello.txt`, `${base}/notes.md`]);
        const docs = kids.find((k) => k.kind === 'entry' && k.path === `${base}/docs`);
        assert.ok(docs);
        const inner = (await api.tree.getChildren(docs)).map((k) => (k.kind === 'entry' ? `${k.path}${k.isDir ? '/' : ''}` : k.kind));
        assert.deepStrictEqual(inner, [`${base}/docs/nested/`, `${base}/docs/readme.md`]);
        const item = api.tree.getTreeItem(node);
        assert.strictEqual(item.label, name);
        assert.match(String(item.description), new RegExp(`^${mode} · connected`));
        const fileItem = api.tree.getTreeItem(kids[2]);
        assert.strictEqual(fileItem.command?.command, 'vscode.open');
        assert.strictEqual(String(fileItem.command?.arguments?.[0]), uri('/hello.txt').toString());
      });

      it('disconnect closes the control connections; connect opens one again', async () => {
        assert.ok((api.pool(name)?.connectedCount ?? 0) > 0, 'connected after the listing');
        assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.disconnect', name), true);
        assert.strictEqual(api.pool(name)?.connectedCount, 0);
        const root = (await api.tree.getChildren()).find((r) => r.kind === 'connection' && r.name === name);
        assert.ok(root);
        assert.match(String(api.tree.getTreeItem(root).description), /· disconnected/);
        assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.connect', name), name);
        assert.ok((api.pool(name)?.connectedCount ?? 0) > 0, 'connected again');
        assert.match(String(api.tree.getTreeItem(root).description), /· connected/);
      });

      it('workspace.fs.stat and readDirectory', async () => {
        const file = await vscode.workspace.fs.stat(uri('/hello.txt'));
        assert.strictEqual(file.type, vscode.FileType.File);
        assert.strictEqual(file.size, Buffer.byteLength(SAMPLE_FILES['hello.txt']));
        assert.ok(file.mtime > 0, 'has a modification time');
        assert.strictEqual((await vscode.workspace.fs.stat(uri('/docs'))).type, vscode.FileType.Directory);
        assert.strictEqual((await vscode.workspace.fs.stat(uri())).type, vscode.FileType.Directory);
        const entries = await vscode.workspace.fs.readDirectory(uri());
        assert.deepStrictEqual(entries.sort(), [
          ['docs', vscode.FileType.Directory],
          ['hello.txt', vscode.FileType.File],
          ['notes.md', vscode.FileType.File],
          ['src', vscode.FileType.Directory],
        ]);
      });

      it('workspace.fs.readFile returns what is on the server', async () => {
        for (const rel of Object.keys(SAMPLE_FILES)) {
          assert.strictEqual(dec(await vscode.workspace.fs.readFile(uri(`/${rel}`))), SAMPLE_FILES[rel], rel);
        }
      });

      it('reading a file of a folder just listed asks its time (MDTM), if at all, in the same write as the data connection, not a round trip before', async () => {
        // A folder of its own, a file put into it on the server's disk, then a save into the folder (which lists it
        // first): a.txt's entry is from that listing, and nothing has asked its time yet.
        const dir = `/along-${Date.now()}`;
        await vscode.workspace.fs.createDirectory(uri(dir));
        fs.writeFileSync(disk(`${dir}/a.txt`), 'along\n');
        await vscode.workspace.fs.writeFile(uri(`${dir}/b.txt`), enc('b\n'));
        const lines: string[] = [];
        const s = api.onDidLog((l) => { if (l.startsWith(`[${name}`)) lines.push(l); });
        try {
          assert.deepStrictEqual((await vscode.workspace.fs.readDirectory(uri(dir))).sort(), [['a.txt', vscode.FileType.File], ['b.txt', vscode.FileType.File]]);
          lines.length = 0;
          assert.strictEqual(dec(await vscode.workspace.fs.readFile(uri(`${dir}/a.txt`))), 'along\n');
        } finally {
          s.dispose();
          fs.rmSync(disk(dir), { recursive: true, force: true });
        }
        // The lines of the connection that downloaded it (the tree may list on another one meanwhile).
        const conn = lines.find((l) => /---> RETR \S*\/a\.txt/.test(l))?.split(' ')[0];
        assert.ok(conn, `a RETR of a.txt:\n${lines.join('\n')}`);
        const own = lines.filter((l) => l.split(' ')[0] === conn);
        const mdtm = own.findIndex((l) => /---> MDTM /.test(l));
        // vsftpd's LIST has minutes and it has no MLST: the download asks MDTM along (TransferOptions.onModified).
        // pyftpdlib's MLSD has seconds: nothing to ask.
        if (srv.server === 'vsftpd') assert.ok(mdtm >= 0, `an MDTM of a.txt on vsftpd:\n${lines.join('\n')}`);
        if (srv.server === 'pyftpdlib') assert.strictEqual(mdtm, -1, `no MDTM where MLSD has seconds:\n${lines.join('\n')}`);
        if (mdtm >= 0) {
          const data = own.findIndex((l) => /---> (EPSV|PASV|EPRT|PORT)\b/.test(l));
          const reply = own.findIndex((l, i) => i > mdtm && /<--- 213 /.test(l));
          assert.ok(data > mdtm && reply > data, `MDTM, then the data connection's request before MDTM's reply:\n${lines.join('\n')}`);
        }
      });

      it('missing files and folders are FileNotFound (stat, readFile, readDirectory, delete)', async () => {
        await rejectsWith(vscode.workspace.fs.stat(uri('/missing.txt')), 'FileNotFound');
        await rejectsWith(vscode.workspace.fs.readFile(uri('/missing.txt')), 'FileNotFound');
        await rejectsWith(vscode.workspace.fs.readDirectory(uri('/missing-folder')), 'FileNotFound');
        await rejectsWith(vscode.workspace.fs.delete(uri('/missing.txt')), 'FileNotFound');
      });

      it('workspace.fs.writeFile creates a file, and overwrites it (server disk)', async () => {
        await vscode.workspace.fs.writeFile(uri('/created.txt'), enc('created\n'));
        assert.strictEqual(readDisk('created.txt'), 'created\n');
        await vscode.workspace.fs.writeFile(uri('/created.txt'), enc('overwritten\n'));
        assert.strictEqual(readDisk('created.txt'), 'overwritten\n');
        assert.strictEqual(dec(await vscode.workspace.fs.readFile(uri('/created.txt'))), 'overwritten\n');
        assert.strictEqual((await vscode.workspace.fs.stat(uri('/created.txt'))).size, 12, 'stat sees the new size at once');
      });

      it('binary content survives the round trip byte for byte (server disk)', async () => {
        const bytes = crypto.randomBytes(300_000);
        await vscode.workspace.fs.writeFile(uri('/blob.bin'), bytes);
        assert.ok(fs.readFileSync(disk('blob.bin')).equals(bytes), 'same bytes on disk');
        const back = await vscode.workspace.fs.readFile(uri('/blob.bin'));
        assert.ok(Buffer.from(back).equals(bytes), 'same bytes read back');
      });

      it('writeFile flags: create without overwrite on an existing file is FileExists, overwrite without create on a missing one is FileNotFound', async () => {
        await rejectsWith(api.provider.writeFile(uri('/hello.txt'), enc('no'), { create: true, overwrite: false }), 'FileExists');
        assert.strictEqual(readDisk('hello.txt'), SAMPLE_FILES['hello.txt'], 'unchanged on disk');
        await rejectsWith(api.provider.writeFile(uri('/not-there.txt'), enc('no'), { create: false, overwrite: true }), 'FileNotFound');
        assert.ok(!fs.existsSync(disk('not-there.txt')), 'not created');
        await api.provider.writeFile(uri('/hello.txt'), enc('hello again\n'), { create: false, overwrite: true });
        assert.strictEqual(readDisk('hello.txt'), 'hello again\n');
      });

      it('createDirectory makes a folder (server disk); an existing one is FileExists; writeFile into missing folders creates them', async () => {
        await vscode.workspace.fs.createDirectory(uri('/made'));
        assert.ok(fs.statSync(disk('made')).isDirectory());
        await rejectsWith(api.provider.createDirectory(uri('/made')), 'FileExists');
        await vscode.workspace.fs.writeFile(uri('/made/deeper/inner.txt'), enc('inner\n'));
        assert.strictEqual(readDisk('made/deeper/inner.txt'), 'inner\n');
        const entries = await vscode.workspace.fs.readDirectory(uri('/made'));
        assert.deepStrictEqual(entries, [['deeper', vscode.FileType.Directory]]);
      });

      it('rename: FileExists without overwrite, replaces with overwrite, moves folders (server disk)', async () => {
        await vscode.workspace.fs.writeFile(uri('/a.txt'), enc('A'));
        await vscode.workspace.fs.writeFile(uri('/b.txt'), enc('B'));
        await rejectsWith(vscode.workspace.fs.rename(uri('/a.txt'), uri('/b.txt')), 'FileExists');
        assert.strictEqual(readDisk('a.txt'), 'A');
        assert.strictEqual(readDisk('b.txt'), 'B');
        await vscode.workspace.fs.rename(uri('/a.txt'), uri('/b.txt'), { overwrite: true });
        assert.ok(!fs.existsSync(disk('a.txt')), 'a.txt gone');
        assert.strictEqual(readDisk('b.txt'), 'A');
        await vscode.workspace.fs.rename(uri('/b.txt'), uri('/made/c.txt'));
        assert.strictEqual(readDisk('made/c.txt'), 'A');
        await vscode.workspace.fs.rename(uri('/made'), uri('/moved'));
        assert.ok(!fs.existsSync(disk('made')));
        assert.strictEqual(readDisk('moved/deeper/inner.txt'), 'inner\n');
        await rejectsWith(vscode.workspace.fs.stat(uri('/made')), 'FileNotFound');
        assert.strictEqual((await vscode.workspace.fs.stat(uri('/moved/c.txt'))).type, vscode.FileType.File);
      });

      it('workspace.fs.copy: a file and a folder, on the server (FileSystemProvider.copy); FileExists without overwrite (server disk)', async () => {
        // (What earlier tests wrote into these files is what the copies must hold.)
        await vscode.workspace.fs.copy(uri('/hello.txt'), uri('/hello copy.txt'));
        assert.strictEqual(readDisk('hello copy.txt'), readDisk('hello.txt'));
        const deep = readDisk('docs/nested/deep.txt');
        await vscode.workspace.fs.copy(uri('/docs'), uri('/docs copy'));
        assert.strictEqual(readDisk('docs copy/nested/deep.txt'), deep);
        assert.strictEqual(readDisk('docs/nested/deep.txt'), deep, 'the original is as it was');
        await rejectsWith(vscode.workspace.fs.copy(uri('/notes.md'), uri('/hello copy.txt')), 'FileExists');
        await vscode.workspace.fs.copy(uri('/notes.md'), uri('/hello copy.txt'), { overwrite: true });
        assert.strictEqual(readDisk('hello copy.txt'), readDisk('notes.md'));
        await vscode.workspace.fs.delete(uri('/docs copy'), { recursive: true });
        await vscode.workspace.fs.delete(uri('/hello copy.txt'));
      });

      it('delete: a file, a folder with everything in it; a non-empty folder without recursive is refused (server disk)', async () => {
        await vscode.workspace.fs.delete(uri('/created.txt'));
        assert.ok(!fs.existsSync(disk('created.txt')));
        await assert.rejects(Promise.resolve(vscode.workspace.fs.delete(uri('/moved'), { recursive: false })));
        assert.ok(fs.existsSync(disk('moved/deeper/inner.txt')), 'still there after a refused non-recursive delete');
        await vscode.workspace.fs.delete(uri('/moved'), { recursive: true });
        assert.ok(!fs.existsSync(disk('moved')), 'folder gone');
        await rejectsWith(vscode.workspace.fs.stat(uri('/moved')), 'FileNotFound');
      });

      it('VS Code\'s own probes (.vscode/settings.json, .git/HEAD) are FileNotFound, quietly: no log line', async () => {
        api.clearLog();
        await rejectsWith(vscode.workspace.fs.stat(uri('/docs/.vscode/settings.json')), 'FileNotFound');
        await rejectsWith(vscode.workspace.fs.readFile(uri('/docs/.git/HEAD')), 'FileNotFound');
        const lines = api.logLines();
        assert.ok(!lines.some((l) => /\.vscode|\.git|!!!/.test(l)), `nothing about the probes in the log:\n${lines.join('\n')}`);
      });

      it('an authority in other case is the same connection; a write fires one change event per spelling used', async () => {
        const upper = vscode.Uri.from({ scheme: 'ftp', authority: name.toUpperCase(), path: `${base}/hello.txt` });
        assert.strictEqual((await vscode.workspace.fs.stat(upper)).type, vscode.FileType.File);
        const events: string[] = [];
        const sub = api.provider.onDidChangeFile((es) => events.push(...es.map((e) => `${e.type} ${e.uri.authority} ${e.uri.path}`)));
        try {
          await vscode.workspace.fs.writeFile(uri('/events.txt'), enc('e'));
          await eventually(() => events.length > 0, 5000, 'a change event');
        } finally {
          sub.dispose();
        }
        const created = events.filter((e) => e.endsWith(`${base}/events.txt`));
        assert.ok(created.length >= 1 && created.every((e) => e.startsWith(`${vscode.FileChangeType.Created} `)), JSON.stringify(events));
        assert.strictEqual(new Set(created.map((e) => e.split(' ')[1].toLowerCase())).size, created.length, `one event per authority spelling: ${JSON.stringify(created)}`);
        assert.strictEqual(readDisk('events.txt'), 'e');
      });

      it("a row's tooltip says what its listing said, without a request once that listing left the cache", async () => {
        const root = (await api.tree.getChildren()).find((r) => r.kind === 'connection' && r.name === name);
        assert.ok(root);
        const hello = (await api.tree.getChildren(root)).find((k) => k.kind === 'entry' && k.path === `${base}/hello.txt`);
        assert.ok(hello, 'the tree lists hello.txt');
        // As when the listing is older than the cache keeps it (VS Code asks again for a row it redraws, and on a click).
        api.site(name)?.cache.invalidate(base);
        api.clearLog();
        const item = await api.tree.resolveTreeItem(api.tree.getTreeItem(hello), hello);
        // (Markdown: its punctuation escaped.)
        const tip = (item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip)).replace(/\\/g, '');
        assert.match(tip, /hello\.txt/);
        assert.match(tip, new RegExp(`Size: ${fs.statSync(disk('hello.txt')).size} B`), tip);
        const sent = api.logLines().filter((l) => l.includes('--->'));
        assert.deepStrictEqual(sent, [], 'no command for a tooltip');
      });

      it('deleting /a leaves the tree knowing /ab: a change in /ab still refreshes its row', async () => {
        await vscode.workspace.fs.createDirectory(uri('/a'));
        await vscode.workspace.fs.createDirectory(uri('/ab'));
        const root = (await api.tree.getChildren()).find((r) => r.kind === 'connection' && r.name === name);
        assert.ok(root);
        const ab = (await api.tree.getChildren(root)).find((k) => k.kind === 'entry' && k.path === `${base}/ab`);
        assert.ok(ab, 'the tree lists /ab');
        await api.tree.getChildren(ab);
        await vscode.workspace.fs.delete(uri('/a'), { recursive: true });
        const fired: string[] = [];
        const sub = api.tree.onDidChangeTreeData((n) => fired.push(n && n.kind === 'entry' ? n.path : String(n?.kind)));
        try {
          await vscode.workspace.fs.writeFile(uri('/ab/x.txt'), enc('x'));
          await eventually(() => fired.includes(`${base}/ab`), 5000, `a refresh of ${base}/ab (fired: ${fired.join(', ')})`);
        } finally {
          sub.dispose();
          await vscode.workspace.fs.delete(uri('/ab'), { recursive: true });
        }
      });

      it('commands with arguments: newFolder, newFile, rename, copyUri, delete (server disk)', async () => {
        const folder = await vscode.commands.executeCommand<string>('ftpExplorer.newFolder', uri().toString(), 'cmd-made');
        assert.strictEqual(folder, uri('/cmd-made').toString());
        assert.ok(fs.statSync(disk('cmd-made')).isDirectory());
        const file = await vscode.commands.executeCommand<string>('ftpExplorer.newFile', folder, 'a.txt');
        assert.strictEqual(file, uri('/cmd-made/a.txt').toString());
        assert.strictEqual(readDisk('cmd-made/a.txt'), '');
        const renamed = await vscode.commands.executeCommand<string>('ftpExplorer.rename', file, 'b.txt');
        assert.strictEqual(renamed, uri('/cmd-made/b.txt').toString());
        assert.ok(!fs.existsSync(disk('cmd-made/a.txt')) && fs.existsSync(disk('cmd-made/b.txt')));
        assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.copyUri', renamed), renamed);
        assert.strictEqual(await vscode.env.clipboard.readText(), renamed);
        assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.delete', folder), 1);
        assert.ok(!fs.existsSync(disk('cmd-made')), 'deleted with everything in it');
        await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ftpExplorer.delete', uri('/cmd-made').toString())));
      });

      it('download a folder to a local folder, upload local files (server disk)', async () => {
        const local = fs.mkdtempSync(path.join(os.tmpdir(), 'ftp-e2e-local-'));
        try {
          const down = await vscode.commands.executeCommand<{ files: number }>('ftpExplorer.download', uri('/docs').toString(), local);
          assert.strictEqual(down?.files, 2);
          assert.strictEqual(fs.readFileSync(path.join(local, 'docs', 'nested', 'deep.txt'), 'utf8'), SAMPLE_FILES['docs/nested/deep.txt']);
          fs.writeFileSync(path.join(local, 'up.txt'), 'uploaded\n');
          const up = await vscode.commands.executeCommand<{ files: number }>('ftpExplorer.upload', uri('/docs').toString(), [path.join(local, 'up.txt')]);
          assert.strictEqual(up?.files, 1);
          assert.strictEqual(readDisk('docs/up.txt'), 'uploaded\n');
          await vscode.workspace.fs.delete(uri('/docs/up.txt'));
        } finally {
          fs.rmSync(local, { recursive: true, force: true });
        }
      });

      it("upload a local folder of files: every file whole on the server's disk, and every file's size checked", async () => {
        // (In passive mode each size check goes with the next file's EPSV once the server has closed the file's
        // data connection, before its 226 is read: TransferOptions.sizeAfter. The log cannot show that order, as
        // the 226 arrives with the close; test/integration/upload-size-along.test.ts holds the 226 to prove it.)
        const local = fs.mkdtempSync(path.join(os.tmpdir(), 'ftp-e2e-batch-'));
        const batch = path.join(local, 'batch');
        fs.mkdirSync(batch);
        const content = new Map<string, Buffer>();
        for (let i = 0; i < 8; i++) {
          const b = crypto.randomBytes(100 + i * 3001);
          content.set(`f${i}.bin`, b);
          fs.writeFileSync(path.join(batch, `f${i}.bin`), b);
        }
        const lines: string[] = [];
        const sub = api.onDidLog((l) => { if (l.startsWith(`[${name}#`)) lines.push(l); });
        try {
          const up = await vscode.commands.executeCommand<{ files: number }>('ftpExplorer.upload', uri('/').toString(), [batch]);
          assert.strictEqual(up?.files, 8);
          for (const [n, b] of content) assert.ok(fs.readFileSync(disk(`batch/${n}`)).equals(b), `${n} differs on the server`);
        } finally {
          sub.dispose();
          fs.rmSync(local, { recursive: true, force: true });
          fs.rmSync(disk('batch'), { recursive: true, force: true });
        }
        const sized = lines.map((l) => /---> SIZE \S*\/batch\/(f\d\.bin)$/.exec(l)?.[1]).filter((n): n is string => !!n);
        assert.deepStrictEqual(sized.sort(), [...content.keys()].sort(), lines.join('\n'));
      });

      it("download onto a local file that exists: overwrite 'none' keeps it byte-identical, 'all' replaces it", async () => {
        const local = fs.mkdtempSync(path.join(os.tmpdir(), 'ftp-e2e-overwrite-'));
        try {
          const mine = path.join(local, 'notes.md');
          const precious = Buffer.from('local and precious\n\u0000\u00ff');
          fs.writeFileSync(mine, precious);
          type Result = { files: number; kept: string[] };
          const kept = await vscode.commands.executeCommand<Result>('ftpExplorer.download', uri('/notes.md').toString(), local, { overwrite: 'none' });
          assert.deepStrictEqual([kept?.files, kept?.kept], [0, [mine]]);
          assert.ok(fs.readFileSync(mine).equals(precious), 'the local file changed');
          // Plain arguments without the option: nothing is replaced unasked either.
          const plain = await vscode.commands.executeCommand<Result>('ftpExplorer.download', uri('/notes.md').toString(), local);
          assert.deepStrictEqual(plain?.kept, [mine]);
          assert.ok(fs.readFileSync(mine).equals(precious), 'the local file changed');
          const replaced = await vscode.commands.executeCommand<Result>('ftpExplorer.download', uri('/notes.md').toString(), local, { overwrite: 'all' });
          assert.deepStrictEqual([replaced?.files, replaced?.kept], [1, []]);
          assert.strictEqual(fs.readFileSync(mine, 'utf8'), SAMPLE_FILES['notes.md']);
          assert.deepStrictEqual(fs.readdirSync(local), ['notes.md'], 'a temporary file was left');
          await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ftpExplorer.download', uri('/notes.md').toString(), local, { overwrite: 'yes' })), /overwrite must be/);
        } finally {
          fs.rmSync(local, { recursive: true, force: true });
        }
      });

      it('an editor opens the remote file, edits and saves it (server disk), twice; the status bar shows the mode', async () => {
        // The web workbench auto-saves after a second by default; an explicit save racing it returns false.
        assert.strictEqual(vscode.workspace.getConfiguration('files').get('autoSave'), 'off', 'the outer test turns auto save off');
        const doc = await vscode.workspace.openTextDocument(uri('/src/main.js'));
        const editor = await vscode.window.showTextDocument(doc);
        assert.strictEqual(doc.getText(), SAMPLE_FILES['src/main.js']);
        assert.strictEqual(api.statusText(), `$(remote) ${name}: ${mode}`);
        assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// edited\n')), 'edit applied');
        assert.ok(doc.isDirty, 'dirty after the edit');
        const saved = await doc.save();
        assert.ok(saved, `saved (dirty now: ${doc.isDirty}; on disk: ${JSON.stringify(readDisk('src/main.js'))}; log:\n${api.logLines().slice(-15).join('\n')})`);
        assert.strictEqual(readDisk('src/main.js'), `// edited\n${SAMPLE_FILES['src/main.js']}`);
        assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// again\n')), 'second edit applied');
        assert.ok(await doc.save(), 'saved a second time (no "file is newer" conflict)');
        assert.strictEqual(readDisk('src/main.js'), `// again\n// edited\n${SAMPLE_FILES['src/main.js']}`);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      });

      it('the log has the dialogue with PASS ****, never the password', async () => {
        // A login of its own: earlier tests cleared the log, and whether one of them logged in again since depends
        // on when the pool happened to open its second connection.
        assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.disconnect', name), true);
        assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.connect', name), name);
        const lines = api.logLines();
        const mine = lines.filter((l) => l.startsWith(`[${name}#`));
        assert.ok(mine.some((l) => l.endsWith(`---> USER ${srv.user}`)), 'USER line');
        assert.ok(mine.some((l) => /---> PASS \*\*\*\*$/.test(l)), `PASS **** line in:\n${mine.slice(0, 20).join('\n')}`);
        assert.ok(!lines.some((l) => l.includes(srv.password)), 'the password is in no line');
      });

      it(`a transfer uses ${mode} mode (log)`, async () => {
        api.clearLog();
        assert.strictEqual(dec(await vscode.workspace.fs.readFile(uri('/docs/readme.md'))), SAMPLE_FILES['docs/readme.md']);
        expectMode(api.logLines(), name, mode);
      });

      it(`switchMode to ${other}: saved in the settings, and the next transfer shows ${other === 'active' ? 'EPRT/PORT, no EPSV/PASV' : 'EPSV/PASV, no EPRT/PORT'}`, async () => {
        api.clearLog();
        assert.strictEqual(await vscode.commands.executeCommand('ftpExplorer.switchMode', { name, mode: other }), other);
        assert.strictEqual(api.pool(name)?.mode, other);
        const saved = vscode.workspace.getConfiguration('ftpExplorer').get<SavedConnection[]>('connections')?.find((c) => c.name === name);
        assert.strictEqual(saved?.mode, other);
        assert.strictEqual(dec(await vscode.workspace.fs.readFile(uri('/notes.md'))), SAMPLE_FILES['notes.md']);
        await vscode.workspace.fs.writeFile(uri('/after-switch.txt'), enc(`written in ${other} mode\n`));
        assert.strictEqual(readDisk('after-switch.txt'), `written in ${other} mode\n`);
        const lines = api.logLines();
        assert.ok(lines.some((l) => l.includes(`data connection mode set to ${other}`)), 'the switch is logged');
        expectMode(lines, name, other);
        assert.ok(!lines.some((l) => l.includes(srv.password)), 'the password is in no line');
      });
    });
  }
});
