// ftp-srv 4.6.3 (the project's devDependency), run in a child Node process (a script written
// into the temp folder) so that a crash of the server cannot take the test process down.
// `pasv_url` is the listen address (PASV replies carry it; on ::1 the reply is malformed: use EPSV).
// The child binds as root, then drops to the test system user's uid/gid.
//
// Log: ftp-srv's bunyan logger at trace level, rendered by the child as text lines
// (`<-` a command received, `->` a reply sent; other records as `LEVEL msg {fields}`):
//   2026-11-21T02:30:00.123Z 127.0.0.1 [3f2a9c1d] <- PORT 127,0,0,1,172,175
//   2026-11-21T02:30:00.124Z 127.0.0.1 [3f2a9c1d] -> 200 OK
//   2026-11-21T02:30:00.125Z 127.0.0.1 [3f2a9c1d] <- LIST
//   2026-11-21T02:30:00.130Z 127.0.0.1 [3f2a9c1d] -> 150 File status okay; about to open data connection
//   2026-11-21T02:30:00.131Z 127.0.0.1 [3f2a9c1d] -> 226 Closing data connection
// ([id] is the start of ftp-srv's connection id.)
//
// Deviation from stock ftp-srv: the child patches AUTH TLS so the TLS wrap happens in the same tick
// as the 234 reply (stock ftp-srv loses that race on loopback: see the comment in CHILD).
import * as fs from 'fs';
import * as path from 'path';
import { ServerProcess } from './process';
import { randomPassword } from './users';
import { bracketed, readIfExists, type LaunchContext, type Launched, type ServerDriver } from './driver';

const CHILD = String.raw`'use strict';
const fs = require('fs');
const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = fs.openSync(cfg.log, 'a');
const bunyan = require(cfg.bunyanPath);
const FtpSrv = require(cfg.ftpSrvPath);

const SKIP = new Set(['name', 'hostname', 'pid', 'level', 'msg', 'time', 'v', 'id', 'ip', 'directive', 'command', 'message', 'encoding', 'port']);
function render(rec) {
  // connection.js traces every raw message (PASS in clear): the parsed 'Handle command' record is enough
  if (typeof rec.msg === 'string' && rec.msg.startsWith("[ '")) return '';
  const t = new Date(rec.time).toISOString();
  const ip = (rec.ip ? rec.ip + ' ' : '') + (rec.id ? '[' + String(rec.id).slice(0, 8) + '] ' : '');
  if (rec.msg === 'Handle command' && rec.command) {
    return t + ' ' + ip + '<- ' + rec.command.directive + (rec.command.arg != null ? ' ' + rec.command.arg : '') + '\n';
  }
  if (rec.msg === 'Reply' && typeof rec.message === 'string') {
    return rec.message.split(/\r?\n/).filter((l) => l !== '').map((l) => t + ' ' + ip + '-> ' + l + '\n').join('');
  }
  const extra = {};
  for (const k of Object.keys(rec)) if (!SKIP.has(k)) extra[k] = rec[k];
  if (rec.err) extra.err = rec.err.stack || rec.err.message;
  const lvl = bunyan.nameFromLevel[rec.level] || rec.level;
  return t + ' ' + ip + lvl.toUpperCase() + ' ' + rec.msg + (Object.keys(extra).length ? ' ' + JSON.stringify(extra) : '') + '\n';
}
const log = bunyan.createLogger({
  name: 'ftp-srv',
  level: 'trace',
  streams: [{ type: 'raw', level: 'trace', stream: { write(rec) { try { fs.writeSync(out, render(rec)); } catch (e) { /* ignore */ } } } }],
});

function parse(v) { try { return JSON.parse(v); } catch (e) { return v; } }
const extra = {};
for (const k of Object.keys(cfg.extra || {})) extra[k] = parse(cfg.extra[k]);

const tls = cfg.tls ? { key: fs.readFileSync(cfg.tls.key), cert: fs.readFileSync(cfg.tls.cert) } : false;
const server = new FtpSrv(Object.assign({
  url: cfg.url,
  pasv_url: cfg.host,
  pasv_min: cfg.pasv[0],
  pasv_max: cfg.pasv[1],
  anonymous: false,
  greeting: null,
  tls,
  log,
}, extra));

server.on('login', ({ username, password }, resolve, reject) => {
  if (username === cfg.user && password === cfg.password) resolve({ root: cfg.root });
  else reject(new Error('Invalid username or password'));
});
server.on('client-error', ({ context, error }) => log.warn({ context, err: error }, 'client-error'));

// Stock ftp-srv answers AUTH TLS with 234 and only wraps the socket in TLS once that reply's write
// has completed; on loopback the client's ClientHello arrives first and is read as a command
// ("502 Command not allowed: <binary>"). The harness sends 234 and wraps in the same tick.
const path = require('path');
const registry = require(path.join(path.dirname(cfg.ftpSrvPath), 'src', 'commands', 'registry'));
const tlsMod = require('tls');
const stockAuth = registry.AUTH.handler;
registry.AUTH.handler = function (args) {
  const arg = String((args && args.command && args.command.arg) || '').toUpperCase();
  if (arg !== 'TLS' || !this.server.options.tls || this.secure) return stockAuth.apply(this, arguments);
  this.log.trace({ message: '234 Honored' }, 'Reply');
  this.commandSocket.write('234 Honored\r\n');
  const secureSocket = new tlsMod.TLSSocket(this.commandSocket, { isServer: true, secureContext: tlsMod.createSecureContext(this.server.options.tls) });
  const plain = this.commandSocket;
  ['data', 'timeout', 'end', 'close', 'drain', 'error'].forEach((event) => {
    secureSocket.on(event, function () { plain.emit.apply(plain, [event].concat(Array.prototype.slice.call(arguments))); });
  });
  this.commandSocket = secureSocket;
  this.secure = true;
  return Promise.resolve();
};

process.on('uncaughtException', (e) => { try { fs.writeSync(out, 'FATAL ' + (e && e.stack || e) + '\n'); } catch (x) {} process.exit(70); });

if (process.getuid() === 0 && cfg.uid != null) {
  process.setgroups([cfg.gid]);
  process.setgid(cfg.gid);
  process.setuid(cfg.uid);
}
server.listen().then(() => process.stdout.write('listening\n'), (e) => { process.stderr.write('listen failed: ' + (e && e.stack || e) + '\n'); process.exit(1); });
`;

function resolveModule(id: string, from?: string): string | undefined {
  try { return require.resolve(id, from ? { paths: [from] } : undefined); } catch { return undefined; }
}

export const ftpSrv: ServerDriver = {
  name: 'ftp-srv',

  async unavailable() {
    const main = resolveModule('ftp-srv');
    if (!main) return 'ftp-srv not in node_modules (devDependency: npm install)';
    if (!resolveModule('bunyan', path.dirname(main))) return 'bunyan (ftp-srv dependency) not found';
    return undefined;
  },

  async launch(ctx: LaunchContext): Promise<Launched> {
    const { dir, opts, sysUser } = ctx;
    const ftpSrvPath = resolveModule('ftp-srv');
    if (!ftpSrvPath) throw new Error('ftp-srv not installed');
    const bunyanPath = resolveModule('bunyan', path.dirname(ftpSrvPath)) as string;
    const user = sysUser.name;
    const password = randomPassword();
    const logFile = path.join(dir, 'ftp-srv.log');
    fs.writeFileSync(logFile, '', { mode: 0o644 });
    const script = path.join(dir, 'ftp-srv-child.js');
    fs.writeFileSync(script, CHILD, { mode: 0o644 });
    const cfgFile = path.join(dir, 'ftp-srv.json');
    const scheme = ctx.tls?.mode === 'implicit' ? 'ftps' : 'ftp';
    fs.writeFileSync(cfgFile, JSON.stringify({
      url: `${scheme}://${bracketed(ctx.host)}:${ctx.port}`, host: ctx.host, pasv: ctx.pasvPorts,
      user, password, root: ctx.root, uid: sysUser.uid, gid: sysUser.gid, log: logFile,
      tls: ctx.tls ? { cert: ctx.tls.certFile, key: ctx.tls.keyFile } : undefined,
      extra: opts.extraConfig ?? {}, ftpSrvPath, bunyanPath,
    }), { mode: 0o600 });
    const proc = new ServerProcess('ftp-srv', process.execPath, [script, cfgFile], { cwd: dir });
    return {
      procs: [proc],
      user,
      password,
      capabilities: {
        mlsd: false, ipv6: true, pasvOverIpv6: false, epsv: true, eprt: true, active: true,
        activeFromPort20: false, refusesForeignPort: true,
        tlsExplicit: true, tlsImplicit: true, tlsSessionReuseRequired: false,
        optsUtf8: true, protocolLog: true,
      },
      log: () => readIfExists(logFile),
    };
  },
};
