import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { FtpClient, formatLogEvent, safeSave, type FtpLogEvent } from '../../src/ftp';
import { formatProbeReport, probe } from '../../src/ftp/probe';
import { normalizeConnections, toConnectOptions, DEFAULT_SETTINGS } from '../../src/remote/config';
import { toFsError } from '../../src/remote/fsErrors';
import { formatLogLines } from '../../src/remote/logFormat';
import { startServer, type RunningServer } from '../servers';
import { FaultProxy } from '../faults/proxy';

/**
 * The password never appears anywhere a user or a log collector could see it: after a full session (with
 * failures and faults), scan the CLI's stdout and stderr (with --log), the client's
 * log events, every error's message and its inspected form (what a crash prints), the probe (diagnosis) report,
 * the extension's output lines, and the connection settings. It is masked where it is sent (PASS, ACCT), never by
 * searching other text for it: a folder named like the password shows in the log as it is (otherwise the log,
 * compared with the tree, gives the password away). A server that echoes the password back in a reply is not
 * masked: it knows the password already, and masking its reply would need that search.
 */
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 30000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}

describe('Reliability: the password is never shown', function () {
  this.timeout(60000);
  let srv: RunningServer;
  let tmp: string;
  const seen: string[] = [];
  const forms = () => [srv.password, encodeURIComponent(srv.password)];

  before(async () => {
    srv = await startServer('vsftpd');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-secrets-'));
  });
  after(async () => {
    await srv?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function scan(where: string, text: string): void {
    seen.push(text);
    for (const f of forms()) assert.ok(!text.includes(f), `the password appears in ${where}:\n${text}`);
  }

  it('the CLI: a full session with --log, errors and probe, password in the URL and in FTP_PASSWORD', async function () {
    if (!fs.existsSync(CLI)) this.skip();
    const pw = encodeURIComponent(srv.password);
    const base = `ftp://${srv.user}:${pw}@${srv.host}:${srv.port}`;
    const noPw = `ftp://${srv.user}@${srv.host}:${srv.port}`;
    const local = path.join(tmp, 'up.txt');
    fs.writeFileSync(local, 'secret-free content\n');
    const runs: [string[], Record<string, string>?][] = [
      [['put', local, `${base}/cli.txt`, '--log']],
      [['put', local, `${noPw}/cli2.txt`, '--log', '--no-safe-save'], { FTP_PASSWORD: srv.password }],
      [['ls', `${base}/`, '--log']],
      [['ls', `${base}/`, '--json']],
      [['get', `${base}/cli.txt`, path.join(tmp, 'down.txt'), '--log']],
      [['get', `${base}/missing.txt`, path.join(tmp, 'x.txt'), '--log']],
      [['mv', `${base}/cli.txt`, '/cli-moved.txt', '--log']],
      [['mkdir', `${base}/d`, '--log']],
      [['rmdir', `${base}/d`, '--log']],
      [['rm', `${base}/cli-moved.txt`, '--log']],
      [['probe', `${base}/`]],
      [['probe', `${base}/`, '--json']],
      [['ls', `ftp://${srv.user}:${pw}x@${srv.host}:${srv.port}/`, '--log']], // wrong password
      [['ls', `ftp://${srv.user}:${pw}@${srv.host}:1/`, '--log']], // nothing listens
      [['ls', `ftp://${srv.user}:${pw}@${srv.host}:99999/`]], // a broken URL
      [['ls', `ftp://${srv.user}:${pw} x@${srv.host}/`]], // a space in it
      [['ls', `ftp:/${srv.user}:${pw}@[zz/`]], // not a URL at all
      [['ls', `${srv.user}:${pw}@${srv.host}`]], // no scheme
      [['ls', `${noPw}/`], { FTP_PASSWORD: `${srv.password}\r\nDELE x` }], // a password FTP cannot send
    ];
    for (const [args, env] of runs) {
      const r = await cli(args, env);
      scan(`ftp-explorer ${args[0]} (exit ${r.code})`, r.out);
    }
    assert.ok(seen.some((t) => /---> PASS \*\*\*\*/.test(t)), 'no log was scanned');
    assert.ok(seen.some((t) => /530/.test(t)), 'the failed login was not scanned');
  });

  it('the client, the extension log lines, errors (and what a crash prints), the probe report, the settings', async () => {
    const proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
    const events: FtpLogEvent[] = [];
    const errors: unknown[] = [];
    const opts = { host: proxy.host, port: proxy.port, user: srv.user, password: srv.password, timeoutMs: 2000, logger: (e: FtpLogEvent) => events.push(e) };
    const c = await FtpClient.connect(opts);
    try {
      await safeSave(c, '/s.txt', Buffer.from('x'));
      await c.list('/');
      for (const p of [c.downloadBuffer('/missing'), c.delete('/missing'), c.cd('/missing')]) await p.catch((e) => errors.push(e));
      // Faults: a cut mid-transfer, a 421.
      proxy.hooks = { data: () => ({ cutAfter: 0 }) };
      await c.downloadBuffer('/s.txt').catch((e) => errors.push(e));
      proxy.hooks = { command: (l) => (/^NOOP/.test(l) ? { reply: '421 Bye' } : undefined) };
      await c.noop().catch((e) => errors.push(e));
      proxy.hooks = {};
      await c.noop();
    } finally {
      await c.close();
      await proxy.close();
    }
    // A login refused.
    await FtpClient.connect({ ...opts, host: srv.host, port: srv.port, password: `${srv.password}-wrong` }).catch((e) => errors.push(e));
    assert.ok(errors.length >= 5, `${errors.length} errors`);

    const lines = events.map(formatLogEvent).join('\n');
    scan('the client log', lines);
    scan('the extension output lines', events.flatMap((e) => formatLogLines('site#1', e)).join('\n'));
    for (const e of errors) {
      scan('an error message', String((e as Error).message));
      scan('an inspected error (crash output)', util.inspect(e, { depth: 6 }));
      scan('an error as the extension shows it', toFsError(e, 'read', '/x').message);
    }
    const report = await probe({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, timeoutMs: 5000 }, '/');
    scan('the probe report', formatProbeReport(report));
    scan('the probe report as JSON', JSON.stringify(report));
    // Settings: a password put in ftpExplorer.connections is flagged and never part of a connection.
    const n = normalizeConnections([{ name: 'x', host: srv.host, username: srv.user, password: srv.password }]);
    assert.deepEqual(n.withPassword, ['x']);
    const cfg = n.configs[0];
    scan('a normalized connection', JSON.stringify(cfg));
    scan('connect options without a password', JSON.stringify(toConnectOptions(cfg, DEFAULT_SETTINGS, undefined)));
  });

  it('a folder named like the password shows in the log, the errors and the output lines as it is; PASS and ACCT are masked', async () => {
    const events: FtpLogEvent[] = [];
    const dir = path.join(srv.root, srv.password);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'ok.txt'), 'ok\n');
    fs.chownSync(dir, fs.statSync(srv.root).uid, fs.statSync(srv.root).gid);
    fs.chownSync(path.join(dir, 'ok.txt'), fs.statSync(srv.root).uid, fs.statSync(srv.root).gid);
    const c = await FtpClient.connect({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, timeoutMs: 5000, logger: (e) => events.push(e) });
    let missing: unknown;
    try {
      assert.equal((await c.downloadBuffer(`/${srv.password}/ok.txt`)).toString(), 'ok\n');
      missing = await c.downloadBuffer(`/${srv.password}/missing.txt`).catch((e: unknown) => e);
    } finally {
      await c.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const lines = events.flatMap((e) => formatLogLines('site#1', e));
    assert.ok(lines.includes(`[site#1] ---> RETR /${srv.password}/ok.txt`), lines.join('\n'));
    assert.ok(lines.includes('[site#1] ---> PASS ****'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('/****/')), 'no folder name masked');
    assert.match(toFsError(missing, 'read', `/${srv.password}/missing.txt`).message, new RegExp(`RETR /${srv.password}/missing\\.txt|/${srv.password}/missing\\.txt`));
    assert.ok(!String((missing as Error).message).includes('****'), String((missing as Error).message));
  });
});
