// Integration tests of the test harness itself (test/servers): each real FTP server starts on
// loopback, greets, logs in, lists over passive and active data connections, takes an upload
// into its root, logs the dialogue, and stop() leaves no process and frees the port.
// The FTP client under src/ is NOT used here: a tiny raw-socket dialogue helper is enough.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as tls from 'tls';
import {
  SERVER_NAMES, dataTransfers, freePortRange, ipv6LoopbackAvailable, pidAlive, portIsFree, serverSawActiveTransfer,
  serverSawPassiveTransfer, serversAvailable, startServer, stopAllServers,
  type RunningServer, type ServerName,
} from '../servers';

// ---- a minimal FTP dialogue over a raw socket ----------------------------------------------

interface Reply { code: number; text: string }

class RawFtp {
  private buf = '';
  private waiter: (() => void) | undefined;
  private closed: Error | undefined;

  constructor(public sock: net.Socket) { this.attach(sock); }

  private attach(sock: net.Socket): void {
    this.sock = sock;
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => { this.buf += d; this.waiter?.(); });
    sock.on('error', (e) => { this.closed = e; this.waiter?.(); });
    sock.on('close', () => { this.closed ??= new Error('control connection closed'); this.waiter?.(); });
  }

  static connect(host: string, port: number, timeoutMs = 5000): Promise<{ ftp: RawFtp; banner: Reply }> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port });
      const timer = setTimeout(() => { sock.destroy(); reject(new Error('connect timeout')); }, timeoutMs);
      sock.once('error', (e) => { clearTimeout(timer); reject(e); });
      sock.once('connect', () => {
        clearTimeout(timer);
        const ftp = new RawFtp(sock);
        ftp.read(timeoutMs).then((banner) => resolve({ ftp, banner }), reject);
      });
    });
  }

  /** Reads one complete reply (multi-line `ddd-` ... `ddd ` aware). */
  read(timeoutMs = 10000): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiter = undefined; reject(new Error(`no reply within ${timeoutMs} ms; buffer ${JSON.stringify(this.buf)}`)); }, timeoutMs);
      const check = (): void => {
        const lines = this.buf.split('\r\n');
        if (lines.length > 1) {
          const first = /^(\d{3})([- ])/.exec(lines[0]);
          if (first) {
            let end = 0;
            if (first[2] === '-') {
              end = lines.slice(0, -1).findIndex((l, i) => i > 0 && l.startsWith(first[1] + ' '));
            }
            if (end >= 0 && end < lines.length - 1) {
              const text = lines.slice(0, end + 1).join('\r\n');
              this.buf = lines.slice(end + 1).join('\r\n');
              clearTimeout(timer); this.waiter = undefined;
              resolve({ code: Number(first[1]), text });
              return;
            }
          }
        }
        if (this.closed) { clearTimeout(timer); this.waiter = undefined; reject(new Error(`${this.closed.message}; buffer ${JSON.stringify(this.buf)}`)); }
      };
      this.waiter = check;
      check();
    });
  }

  async send(cmd: string, timeoutMs?: number): Promise<Reply> {
    this.sock.write(cmd + '\r\n');
    return this.read(timeoutMs);
  }

  async expect(cmd: string, codes: number[]): Promise<Reply> {
    const r = await this.send(cmd);
    assert.ok(codes.includes(r.code), `${cmd.startsWith('PASS') ? 'PASS ****' : cmd} -> ${r.text} (wanted ${codes.join('/')})`);
    return r;
  }

  /** AUTH TLS on the control connection. */
  async startTls(ca: string): Promise<void> {
    await this.expect('AUTH TLS', [234]);
    const plain = this.sock;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, ca, servername: 'localhost' }, () => resolve(s));
      s.once('error', reject);
    });
    this.attach(secure);
  }

  close(): void { this.sock.destroy(); }
}

function collect(sock: net.Socket, timeoutMs = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('data connection did not finish')); }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => { data += d; });
    sock.once('error', (e) => { clearTimeout(timer); reject(e); });
    sock.once('close', () => { clearTimeout(timer); resolve(data); });
  });
}

function connectData(host: string, port: number, timeoutMs = 5000, tlsOpts?: tls.ConnectionOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`data connect to ${host}:${port} timed out`)); }, timeoutMs);
    const s: net.Socket = tlsOpts
      ? tls.connect({ ...tlsOpts, host, port }, () => { clearTimeout(timer); resolve(s); })
      : net.connect({ host, port }, () => { clearTimeout(timer); resolve(s); });
    s.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** Opens a passive data connection (EPSV on IPv6, PASV or EPSV on IPv4). */
async function passive(ftp: RawFtp, srv: RunningServer, useEpsv: boolean): Promise<number> {
  if (useEpsv) {
    const r = await ftp.expect('EPSV', [229]);
    const m = /\(\|\|\|(\d+)\|\)/.exec(r.text);
    assert.ok(m, `EPSV reply ${r.text}`);
    return Number(m[1]);
  }
  const r = await ftp.expect('PASV', [227]);
  const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(r.text);
  assert.ok(m, `PASV reply ${r.text}`);
  assert.strictEqual(`${m[1]}.${m[2]}.${m[3]}.${m[4]}`, srv.host, `PASV address ${r.text}`);
  return Number(m[5]) * 256 + Number(m[6]);
}

async function login(srv: RunningServer): Promise<{ ftp: RawFtp; banner: Reply }> {
  const c = await RawFtp.connect(srv.host, srv.port);
  await c.ftp.expect(`USER ${srv.user}`, [331]);
  await c.ftp.expect(`PASS ${srv.password}`, [230]);
  return c;
}

async function listPassive(srv: RunningServer, useEpsv: boolean): Promise<string> {
  const { ftp } = await login(srv);
  try {
    const port = await passive(ftp, srv, useEpsv);
    assert.ok(port >= srv.pasvPorts[0] && port <= srv.pasvPorts[1], `passive port ${port} outside ${srv.pasvPorts}`);
    const data = await connectData(srv.host, port);
    const listing = collect(data);
    await ftp.expect('LIST', [125, 150]);
    const text = await listing;
    const done = await ftp.read();
    assert.ok([226, 250].includes(done.code), `LIST end -> ${done.text}`);
    return text;
  } finally {
    ftp.close();
  }
}

/** Active mode: the test listens, sends PORT/EPRT, the server connects back. */
async function listActive(srv: RunningServer, useEprt: boolean): Promise<{ listing: string; from: { address: string; port: number } }> {
  const { ftp } = await login(srv);
  const listener = net.createServer();
  try {
    // the address the server sees us at (what a client puts in PORT/EPRT); for a server on another
    // 127.x address this is still 127.0.0.1
    const me = ftp.sock.localAddress as string;
    await new Promise<void>((resolve, reject) => { listener.once('error', reject); listener.listen(0, me, resolve); });
    const lport = (listener.address() as net.AddressInfo).port;
    const accepted = new Promise<net.Socket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server never connected back')), 10000);
      listener.once('connection', (s) => { clearTimeout(timer); resolve(s); });
    });
    accepted.catch(() => undefined);
    if (useEprt) {
      await ftp.expect(`EPRT |${me.includes(':') ? 2 : 1}|${me}|${lport}|`, [200]);
    } else {
      await ftp.expect(`PORT ${me.split('.').join(',')},${lport >> 8},${lport & 255}`, [200]);
    }
    ftp.sock.write('LIST\r\n');
    const sock = await accepted;
    const from = { address: sock.remoteAddress as string, port: sock.remotePort as number };
    const listing = collect(sock);
    const prelim = await ftp.read();
    assert.ok([125, 150].includes(prelim.code), `LIST -> ${prelim.text}`);
    const text = await listing;
    const done = await ftp.read();
    assert.ok([226, 250].includes(done.code), `LIST end -> ${done.text}`);
    await ftp.expect('QUIT', [221]).catch(() => undefined);
    return { listing: text, from };
  } finally {
    ftp.close();
    listener.close();
  }
}

// ---- the tests -----------------------------------------------------------------------------

const START_MS: Record<string, number> = {};

describe('real FTP servers on loopback (test/servers harness)', function () {
  this.timeout(60000);
  let availability: Map<ServerName, string | undefined>;
  let hasIpv6 = false;

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log('    (skipped: the server harness needs root)');
      this.skip();
    }
    availability = new Map((await serversAvailable()).map((a) => [a.name, a.ok ? undefined : a.why]));
    hasIpv6 = await ipv6LoopbackAvailable();
  });

  after(async () => {
    await stopAllServers();
    if (Object.keys(START_MS).length) console.log('    start times (ms):', JSON.stringify(START_MS));
  });

  for (const name of SERVER_NAMES) {
    for (const ipv6 of [false, true]) {
      describe(`${name} over ${ipv6 ? 'IPv6 (::1)' : 'IPv4 (127.0.0.1)'}`, function () {
        let srv: RunningServer | undefined;
        let stopped = false;

        before(async function () {
          const why = availability.get(name);
          if (why) { console.log(`    (skipped: ${why})`); this.skip(); }
          if (ipv6 && !hasIpv6) { console.log('    (skipped: no ::1 here)'); this.skip(); }
          const t0 = Date.now();
          srv = await startServer(name, { ipv6 });
          START_MS[`${name}${ipv6 ? '/v6' : ''}`] = Date.now() - t0;
          fs.writeFileSync(path.join(srv.root, 'hello.txt'), 'hello from the harness\n');
        });

        after(async () => { if (srv && !stopped) await srv.stop(); });

        it('greets with 220 and logs in with USER/PASS', async () => {
          const s = srv as RunningServer;
          const { ftp, banner } = await RawFtp.connect(s.host, s.port);
          try {
            assert.strictEqual(banner.code, 220, banner.text);
            await ftp.expect(`USER ${s.user}`, [331]);
            await ftp.expect(`PASS ${s.password}`, [230]);
            const pwd = await ftp.expect('PWD', [257]);
            assert.match(pwd.text, /"\/"/, 'the user starts in its root, shown as /');
            await ftp.expect('QUIT', [221]);
          } finally { ftp.close(); }
        });

        it('refuses a wrong password', async () => {
          const s = srv as RunningServer;
          const { ftp } = await RawFtp.connect(s.host, s.port);
          try {
            await ftp.expect(`USER ${s.user}`, [331]);
            const r = await ftp.send('PASS wrong-password', 15000);
            assert.ok(r.code >= 500 || r.code === 421, `wrong password -> ${r.text}`);
          } finally { ftp.close(); }
        });

        if (!ipv6) {
          it('lists over PASV', async () => {
            const listing = await listPassive(srv as RunningServer, false);
            assert.match(listing, /hello\.txt/);
          });
        }

        it('lists over EPSV', async () => {
          const listing = await listPassive(srv as RunningServer, true);
          assert.match(listing, /hello\.txt/);
        });

        if (!ipv6) {
          it('lists in active mode after PORT (the server connects back)', async () => {
            const s = srv as RunningServer;
            const { listing, from } = await listActive(s, false);
            assert.match(listing, /hello\.txt/);
            assert.strictEqual(from.address, s.host);
            // pure-ftpd connects from port 20, or from another privileged port while 20 is held by
            // TIME_WAIT sockets of other servers' active connections (see test/servers/README.md)
            if (s.capabilities.activeFromPort20) assert.ok(from.port < 1024, `from port ${from.port}`);
            else assert.ok(from.port >= 1024, `from port ${from.port}`);
          });
        }

        it('lists in active mode after EPRT (the server connects back)', async () => {
          const s = srv as RunningServer;
          const { listing, from } = await listActive(s, true);
          assert.match(listing, /hello\.txt/);
          assert.strictEqual(from.address, s.host);
        });

        it('takes an upload, mkdir and rename into its root (readable by the test)', async () => {
          const s = srv as RunningServer;
          const { ftp } = await login(s);
          try {
            await ftp.expect('TYPE I', [200]);
            const port = await passive(ftp, s, true);
            const data = await connectData(s.host, port);
            const r = await ftp.send('STOR up.bin');
            assert.ok([125, 150].includes(r.code), `STOR -> ${r.text}`);
            data.end(Buffer.from([0, 1, 2, 255, 13, 10]));
            await new Promise((res) => data.once('close', res));
            const done = await ftp.read();
            assert.strictEqual(done.code, 226, done.text);
            await ftp.expect('MKD newdir', [257]);
            await ftp.expect('RNFR up.bin', [350]);
            await ftp.expect('RNTO newdir/moved.bin', [250]);
          } finally { ftp.close(); }
          assert.deepStrictEqual([...fs.readFileSync(path.join(s.root, 'newdir', 'moved.bin'))], [0, 1, 2, 255, 13, 10]);
        });

        it('logs the dialogue: the active transfers were server-initiated, the passive ones not', async function () {
          const s = srv as RunningServer;
          if (!s.capabilities.protocolLog) { console.log(`    (no protocol log for ${name} here)`); this.skip(); }
          const log = await s.log();
          const transfers = dataTransfers(log);
          assert.ok(serverSawActiveTransfer(log), `no active transfer in ${name}'s log:\n${log}`);
          assert.ok(serverSawPassiveTransfer(log), `no passive transfer in ${name}'s log:\n${log}`);
          const active = transfers.filter((t) => t.mode === 'active');
          assert.ok(active.every((t) => /^(PORT|EPRT)\b/i.test(t.setup)), JSON.stringify(active));
          assert.ok(active.some((t) => /^EPRT\b/i.test(t.setup)), 'EPRT transfer logged');
          assert.ok(transfers.some((t) => t.mode === 'passive' && /^STOR\b/i.test(t.command)), 'STOR logged');
        });

        it('stop() ends every server process and frees the port', async () => {
          const s = srv as RunningServer;
          // a client still connected must not keep anything alive
          const { ftp } = await login(s);
          const pid = s.pid;
          assert.ok(pidAlive(pid), 'server runs before stop()');
          await s.stop();
          stopped = true;
          ftp.close();
          assert.ok(!pidAlive(pid), `pid ${pid} still alive`);
          assert.ok(await portIsFree(s.host, s.port), `port ${s.port} still taken`);
          assert.ok(!fs.existsSync(s.dir), 'temp folder removed');
          const leftovers = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && pidAlive(Number(p))).filter((p) => {
            try { return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(s.dir); } catch { return false; }
          });
          assert.deepStrictEqual(leftovers, [], 'no process mentions the temp folder');
        });
      });
    }
  }

  describe('options', function () {
    it('vsftpd connectFromPort20: active data connections come from port 20', async function () {
      if (availability.get('vsftpd')) this.skip();
      // an address of its own: port 20 on 127.0.0.1 may be in TIME_WAIT from pure-ftpd (vsftpd then
      // answers the transfer with "500 OOPS: vsf_sysutil_bind")
      const host = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
      const srv = await startServer('vsftpd', { connectFromPort20: true, host });
      try {
        assert.strictEqual(srv.host, host);
        assert.strictEqual(srv.capabilities.activeFromPort20, true);
        fs.writeFileSync(path.join(srv.root, 'hello.txt'), 'x');
        const { listing, from } = await listActive(srv, false);
        assert.match(listing, /hello\.txt/);
        assert.strictEqual(from.port, 20);
      } finally { await srv.stop(); }
    });

    it('a test process killed without stop() leaves no server behind (watchdog)', async function () {
      if (availability.get('pyftpdlib')) this.skip();
      const harness = require.resolve('../servers');
      const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(harness)}).startServer('pyftpdlib')
        .then((s) => process.stdout.write(JSON.stringify({ pid: s.pid, dir: s.dir }) + '\\n'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
      const info = await new Promise<{ pid: number; dir: string }>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('child did not start a server')); }, 20000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) { clearTimeout(timer); resolve(JSON.parse(out)); }
        });
      });
      assert.ok(pidAlive(info.pid));
      child.kill('SIGKILL');
      const deadline = Date.now() + 10000;
      while ((pidAlive(info.pid) || fs.existsSync(info.dir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(!pidAlive(info.pid), `server ${info.pid} survived its test process`);
      assert.ok(!fs.existsSync(info.dir), `${info.dir} left behind`);
    });

    it('pasvPorts: the given passive range is used', async function () {
      if (availability.get('proftpd')) this.skip();
      const range = await freePortRange('127.0.0.1', 5);
      const srv = await startServer('proftpd', { pasvPorts: range });
      try {
        assert.deepStrictEqual(srv.pasvPorts, range);
        await listPassive(srv, false);             // asserts the port is inside srv.pasvPorts
      } finally { await srv.stop(); }
    });

    const banners: [ServerName, Record<string, string>][] = [
      ['vsftpd', { ftpd_banner: 'hello harness' }],
      ['proftpd', { ServerIdent: 'on "hello harness"' }],
      ['pyftpdlib', { banner: 'hello harness' }],
      ['ftp-srv', { greeting: 'hello harness' }],
    ];
    for (const [name, extraConfig] of banners) {
      it(`${name} extraConfig reaches the server (banner)`, async function () {
        if (availability.get(name)) this.skip();
        const srv = await startServer(name, { extraConfig });
        try {
          const { ftp, banner } = await RawFtp.connect(srv.host, srv.port);
          ftp.close();
          assert.match(banner.text, /hello harness/);
        } finally { await srv.stop(); }
      });
    }
  });

  describe('FTPS smoke tests (self-signed certificate, PROT P, data connection resumes the TLS session)', function () {
    for (const name of SERVER_NAMES) {
      for (const mode of ['explicit', 'implicit'] as const) {
        it(`${name}: ${mode} FTPS, login, LIST over a TLS data connection`, async function () {
          if (availability.get(name)) this.skip();
          if (mode === 'implicit' && (name === 'pure-ftpd' || name === 'pyftpdlib')) {
            await assert.rejects(startServer(name, { tls: mode }), /implicit/, 'the harness says it cannot');
            return;
          }
          const srv = await startServer(name, { tls: mode });
          try {
            assert.ok(srv.tls);
            assert.ok(mode === 'explicit' ? srv.capabilities.tlsExplicit : srv.capabilities.tlsImplicit);
            fs.writeFileSync(path.join(srv.root, 'secret.txt'), 'tls\n');
            const ca = srv.tls.certPem;
            let ftp: RawFtp;
            if (mode === 'explicit') {
              ftp = (await RawFtp.connect(srv.host, srv.port)).ftp;
              await ftp.startTls(ca);
            } else {
              ftp = new RawFtp(await connectData(srv.host, srv.port, 5000, { ca, servername: 'localhost' }));
              assert.strictEqual((await ftp.read()).code, 220);
            }
            try {
              await ftp.expect(`USER ${srv.user}`, [331]);
              await ftp.expect(`PASS ${srv.password}`, [230]);
              await ftp.expect('PBSZ 0', [200]);
              await ftp.expect('PROT P', [200]);
              const port = await passive(ftp, srv, true);
              ftp.sock.write('LIST\r\n');             // pyftpdlib wants the data handshake after the command
              const data = await connectData(srv.host, port, 5000, {
                ca, servername: 'localhost', session: (ftp.sock as tls.TLSSocket).getSession(),
              });
              const listing = collect(data);
              const prelim = await ftp.read();
              assert.ok([125, 150].includes(prelim.code), `LIST -> ${prelim.text}`);
              assert.match(await listing, /secret\.txt/);
              const done = await ftp.read();
              assert.ok([226, 250].includes(done.code), `LIST end -> ${done.text}`);
            } finally { ftp.close(); }
          } finally { await srv.stop(); }
        });
      }
    }
  });
});
