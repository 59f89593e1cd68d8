/**
 * The in-host half of the benchmark's "in real VS Code" case: code-server's extension host require()s this module
 * (as extensionTestsPath, with FTP Explorer loaded from source as in the in-host tests) and awaits run(). It is no
 * test: it is not named *.test.ts, lives outside test/e2e/host, and no test suite looks here.
 *
 * It adds a connection to the bench's FTP server through the extension's own command, then times
 * vscode.workspace.fs.readDirectory (a folder of 10,000 entries), readFile (50 MiB) and writeFile (a save of 50 MiB
 * into an empty folder): a warm-up of each, then rounds in an order rotated per round. Before every call, untimed,
 * the connection is closed with FTP: Disconnect (which also drops the extension's listing cache) and one control
 * connection is opened and logged in again (the Site's connect(), what FTP: Connect does without revealing the tree,
 * whose listing would run into the timed call): each call then sends its own commands to the server, as the
 * "extension core (Site)" rows do, and none is answered from a listing a previous call left. The control commands
 * of each call are counted from the "FTP" output channel (the extension's test API onDidLog: every line, as the
 * channel shows it). The results go as JSON to the file the driver names (HostResult, protocol.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FtpExplorerApi } from '../../src/vscode/api';
import { rotation } from '../stats';
import { HOST_OPS, HOST_PARAMS_ENV, type HostOp, type HostParams, type HostResult, type HostSample } from './protocol';

const EXTENSION_ID = 'ftp-explorer.ftp-explorer';

function withTimeout<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

export async function run(): Promise<void> {
  const p = JSON.parse(process.env[HOST_PARAMS_ENV] ?? 'null') as HostParams | null;
  if (!p) throw new Error(`${HOST_PARAMS_ENV} is not set: this module is started by bench/cases/vscode.ts`);
  const result: HostResult = { ok: false, vscodeVersion: vscode.version, warmup: [], rounds: [] };
  try {
    await measure(p, result);
    result.ok = true;
  } catch (err) {
    result.error = (err as Error).stack ?? String(err);
    throw err;
  } finally {
    const tmp = `${p.resultFile}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(result)}\n`);
    fs.renameSync(tmp, p.resultFile);
  }
}

async function measure(p: HostParams, result: HostResult): Promise<void> {
  const ext = vscode.extensions.getExtension<FtpExplorerApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  result.extensionVersion = (ext.packageJSON as { version?: string }).version;
  const api = await ext.activate();
  const name = `bench-${p.server}`;
  const added = await vscode.commands.executeCommand<{ name: string } | undefined>('ftpExplorer.addConnection', {
    name, host: p.host, port: p.port, username: p.user, password: p.password, remember: false, mode: 'passive',
  });
  if (added?.name !== name) throw new Error(`ftpExplorer.addConnection returned ${JSON.stringify(added)}`);
  // Looked up each time: a settings change may replace the Site of a connection.
  const site = () => {
    const s = api.site(name);
    if (!s) throw new Error(`no site ${name} after addConnection`);
    return s;
  };
  const uri = (p2: string) => vscode.Uri.from({ scheme: 'ftp', authority: name, path: p2 });
  const onDisk = (p2: string) => path.join(p.root, ...p2.split('/').filter(Boolean));

  // Commands of this connection: "[bench-vsftpd#3] ---> LIST" (the password never appears: PASS ****).
  const prefix = `[${name}#`;
  let counting = false;
  let verbs: string[] = [];
  const errors: string[] = [];
  const sub = api.onDidLog((line) => {
    if (!counting || !line.startsWith(prefix)) return;
    const m = /\] ---> (\S+)/.exec(line);
    if (m) verbs.push(m[1].toUpperCase());
    else if (line.includes('] !!! ')) errors.push(line);
  });

  const content = Buffer.alloc(p.bytes, 0x61);
  const expectedFile = fs.readFileSync(onDisk(p.file));
  if (expectedFile.length !== p.bytes) throw new Error(`${p.file} on disk has ${expectedFile.length} bytes, not ${p.bytes}`);

  const call = async (op: HostOp): Promise<() => void> => {
    switch (op) {
      case 'readDirectory': {
        const entries = await vscode.workspace.fs.readDirectory(uri(p.dir));
        return () => {
          if (entries.length !== p.entries) throw new Error(`readDirectory ${p.dir}: ${entries.length} entries, not ${p.entries}`);
        };
      }
      case 'readFile': {
        const data = await vscode.workspace.fs.readFile(uri(p.file));
        return () => {
          if (!Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(expectedFile)) {
            throw new Error(`readFile ${p.file}: ${data.byteLength} bytes, not the ${p.bytes} bytes on disk`);
          }
        };
      }
      case 'save': {
        await vscode.workspace.fs.writeFile(uri(p.saveTo), content);
        return () => {
          const st = fs.statSync(onDisk(p.saveTo));
          if (st.size !== p.bytes) throw new Error(`save ${p.saveTo}: ${st.size} bytes on the server's disk, not ${p.bytes}`);
        };
      }
    }
  };

  const once = async (op: HostOp): Promise<HostSample> => {
    try {
      // Untimed: a fresh, logged-in control connection and an empty listing cache; no file at the save's path.
      await withTimeout(vscode.commands.executeCommand('ftpExplorer.disconnect', name), p.opTimeoutMs, 'ftpExplorer.disconnect');
      if (op === 'save') fs.rmSync(onDisk(p.saveTo), { force: true });
      await withTimeout(site().connect(), p.opTimeoutMs, 'connect');
      verbs = [];
      errors.length = 0;
      counting = true;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let check: () => void;
      try {
        check = await withTimeout(call(op), p.opTimeoutMs, op);
      } finally {
        counting = false;
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      check();
      const sample: HostSample = { op, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, commands: verbs.length, verbs };
      console.log(`bench-host ${name}: ${op} ${seconds.toFixed(3)} s, ${verbs.length} commands (${verbs.join(' ')})`);
      return sample;
    } catch (err) {
      const message = `${(err as Error).message}${errors.length ? `\n${errors.slice(0, 5).join('\n')}` : ''}`;
      console.log(`bench-host ${name}: ${op} failed: ${message}`);
      return { op, error: message, verbs: [...verbs] };
    }
  };

  try {
    for (let w = 0; w < p.warmup; w++) for (const op of HOST_OPS) result.warmup.push(await once(op));
    for (let r = 0; r < p.rounds; r++) {
      const round: HostSample[] = [];
      for (const op of rotation([...HOST_OPS], r)) round.push(await once(op));
      result.rounds.push(round);
    }
  } finally {
    sub.dispose();
    fs.rmSync(onDisk(p.saveTo), { force: true });
    await withTimeout(vscode.commands.executeCommand('ftpExplorer.disconnect', name), p.opTimeoutMs, 'ftpExplorer.disconnect').catch(() => undefined);
  }
}
