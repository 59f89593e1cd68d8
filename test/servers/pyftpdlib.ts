// pyftpdlib 1.5.7 (Debian's python3-pyftpdlib, run with /usr/bin/python3, not a pyenv shim):
// a small script written into the temp folder: DummyAuthorizer with one user whose home is the
// temp root, FTPHandler or TLS_FTPHandler, passive_ports; it binds, then drops to the test system
// user's uid/gid so files it creates belong to that user like on the other servers.
//
// Log (the 'pyftpdlib' logger at DEBUG into pyftpdlib.log; `->` is a reply sent, `<-` a command received):
//   2026-11-21 02:30:00,123 DEBUG 127.0.0.1:51234-[ftpexplorer] <- PORT 127,0,0,1,172,175
//   2026-11-21 02:30:00,124 DEBUG 127.0.0.1:51234-[ftpexplorer] -> 200 Active data connection established.
//   2026-11-21 02:30:00,125 DEBUG 127.0.0.1:51234-[ftpexplorer] <- LIST
//   2026-11-21 02:30:00,125 DEBUG 127.0.0.1:51234-[ftpexplorer] -> 125 Data connection already open. Transfer starting.
//   2026-11-21 02:30:00,126 DEBUG 127.0.0.1:51234-[ftpexplorer] -> 226 Transfer complete.
//   2026-11-21 02:30:00,126 INFO 127.0.0.1:51234-[ftpexplorer] RETR /tmp/.../a.txt completed=1 bytes=6 seconds=0.001
// pyftpdlib connects at PORT/EPRT time ("200 Active data connection established.") and answers
// the transfer command with 125.
//
// Its active mode has a bug the harness mends (unless `asShipped`): after an active data connection
// is made, the session keeps the connector that made it, with that socket's descriptor number, and at
// the session's next PORT/EPRT/PASV/EPSV, ABOR, USER or close it unregisters that number from the
// event loop once more. By then the socket is closed and the kernel may have given the number to a
// new socket: another session's control or data connection, which is then never read again (its
// commands get no reply, its upload no data). With several connections in active mode this hangs
// one now and then (upstream: giampaolo/pyftpdlib PR #657, open). The mend forgets the number once
// the socket is handed on, as that PR does. test/integration/pyftpdlib-active-fd.test.ts shows the
// bug on the server as shipped, and what our client does about it.
import * as fs from 'fs';
import * as path from 'path';
import { BIN } from './paths';
import { run } from './exec';
import { ServerProcess } from './process';
import { randomPassword } from './users';
import { readIfExists, type LaunchContext, type Launched, type ServerDriver } from './driver';

const SCRIPT = String.raw`
import json, logging, os, sys
cfg = json.load(open(sys.argv[1]))
handler_log = logging.FileHandler(cfg['log'])
handler_log.setFormatter(logging.Formatter('%(asctime)s %(levelname)s %(message)s'))
for name in ('pyftpdlib', ''):
    lg = logging.getLogger(name)
    lg.setLevel(logging.DEBUG)
    lg.addHandler(handler_log)

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

authorizer = DummyAuthorizer()
authorizer.add_user(cfg['user'], cfg['password'], cfg['root'], perm='elradfmwMT')

if cfg.get('tls'):
    from pyftpdlib.handlers import TLS_FTPHandler
    class Handler(TLS_FTPHandler):
        pass
    Handler.certfile = cfg['tls']['cert']
    Handler.keyfile = cfg['tls']['key']
    Handler.tls_control_required = True
    Handler.tls_data_required = True
else:
    class Handler(FTPHandler):
        pass
Handler.authorizer = authorizer
Handler.passive_ports = range(cfg['pasv'][0], cfg['pasv'][1] + 1)
Handler.banner = 'pyftpdlib ready.'
for k, v in cfg.get('extra', {}).items():
    try:
        v = json.loads(v)
    except ValueError:
        pass
    setattr(Handler, k, v)

if not cfg.get('asShipped'):
    from pyftpdlib.handlers import ActiveDTP
    _connected = ActiveDTP.handle_connect
    def handle_connect(self):
        _connected(self)
        # The socket now belongs to the DTPHandler: its number is not this connector's to unregister.
        self._fileno = None
    ActiveDTP.handle_connect = handle_connect

server = FTPServer((cfg['host'], cfg['port']), Handler)
server.max_cons = 256
server.max_cons_per_ip = 0
if os.getuid() == 0 and cfg.get('uid') is not None:
    os.setgroups([])
    os.setgid(cfg['gid'])
    os.setuid(cfg['uid'])
server.serve_forever(handle_exit=True)
`;

export const pyftpdlib: ServerDriver = {
  name: 'pyftpdlib',

  async unavailable() {
    if (!fs.existsSync(BIN.python3)) return `${BIN.python3} missing`;
    const r = await run(BIN.python3, ['-c', 'import pyftpdlib; print(pyftpdlib.__ver__)'], { timeoutMs: 10000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    if (r.code !== 0) return `python3-pyftpdlib missing: ${r.stderr.trim().split('\n').pop()}`;
    return undefined;
  },

  async launch(ctx: LaunchContext): Promise<Launched> {
    const { dir, opts, sysUser } = ctx;
    if (ctx.tls?.mode === 'implicit') throw new Error('pyftpdlib has no implicit FTPS');
    const user = sysUser.name;
    const password = randomPassword();
    const logFile = path.join(dir, 'pyftpdlib.log');
    fs.writeFileSync(logFile, '', { mode: 0o644 });
    const script = path.join(dir, 'pyftpdlib_server.py');
    fs.writeFileSync(script, SCRIPT, { mode: 0o644 });
    const cfgFile = path.join(dir, 'pyftpdlib.json');
    fs.writeFileSync(cfgFile, JSON.stringify({
      host: ctx.host, port: ctx.port, user, password, root: ctx.root, pasv: ctx.pasvPorts,
      uid: sysUser.uid, gid: sysUser.gid, log: logFile,
      tls: ctx.tls ? { cert: ctx.tls.certFile, key: ctx.tls.keyFile } : undefined,
      extra: opts.extraConfig ?? {},
      asShipped: opts.asShipped === true,
    }), { mode: 0o600 });
    const proc = new ServerProcess('pyftpdlib', BIN.python3, [script, cfgFile], {
      cwd: dir, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    });
    return {
      procs: [proc],
      user,
      password,
      capabilities: {
        mlsd: true, ipv6: true, pasvOverIpv6: false, epsv: true, eprt: true, active: true,
        activeFromPort20: false, refusesForeignPort: true,
        tlsExplicit: true, tlsImplicit: false, tlsSessionReuseRequired: false,
        optsUtf8: false, protocolLog: true,
      },
      log: () => readIfExists(logFile),
    };
  },
};
