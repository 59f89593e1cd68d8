// pure-ftpd 1.0.50, extracted from Debian's package into .cache/servers/root (it conflicts with
// vsftpd as a package). A virtual user in a puredb file (written here with a SHA-512 crypt hash,
// then `pure-pw mkdb`), mapped to the test system user's uid/gid, chrooted (-A) to the temp root.
// One process per address (-S host,port).
//
// Log: pure-ftpd writes its dialogue (-d -d) only to syslog, i.e. /dev/log, which these machines
// do not have. So the server runs in a private mount namespace (`unshare -m`) whose /dev is a small
// tmpfs with null/zero/random/urandom bound in and /dev/log bound to a unix datagram socket in the
// temp folder; a small Python helper reads that socket into pure-ftpd.log. Lines look like:
//   <95>Nov 21 02:24:24 pure-ftpd: (ftpexplorer@127.0.0.1) [DEBUG] Command [port] [127,0,0,1,185,229]
//   <95>Nov 21 02:24:24 pure-ftpd: (ftpexplorer@127.0.0.1) [DEBUG] 200 PORT command successful
//   <95>Nov 21 02:24:24 pure-ftpd: (ftpexplorer@127.0.0.1) [DEBUG] Command [list] []
//   <95>Nov 21 02:24:24 pure-ftpd: (ftpexplorer@127.0.0.1) [DEBUG] 150 Connecting to port 47589
//   <95>Nov 21 02:24:24 pure-ftpd: (ftpexplorer@127.0.0.1) [DEBUG] 226 2 matches total
// ("150 Connecting to port N" is pure-ftpd's own word that it opened the data connection; it always
// connects from source port 20.) Transfers of files are also in a W3C log (-O w3c:...), appended by
// log() after "==> transfer log <==". Without unshare/python3, log() has only that transfer log.
import * as fs from 'fs';
import * as path from 'path';
import { BIN, extractedLibPath } from './paths';
import { run, runOk } from './exec';
import { ServerProcess, stopProcesses } from './process';
import { randomPassword, sha512Crypt } from './users';
import { readIfExists, type LaunchContext, type Launched, type ServerDriver } from './driver';

const SYSLOG_SINK = String.raw`
import os, socket, sys
sock_path, out_path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
os.chmod(sock_path, 0o666)
out = open(out_path, 'ab', buffering=0)
sys.stdout.write('ready\n'); sys.stdout.flush()
while True:
    d = s.recv(65536)
    out.write(d.rstrip(b'\n\0') + b'\n')
`;

/** The text of the lines drainSyslog sends through the syslog socket (left out of log()). */
const MARK = 'ftpx-syslog-mark';

/**
 * The sink writes pure-ftpd's lines a moment after pure-ftpd sent them (another process, reading a datagram socket):
 * a log read at once can miss the last ones on a busy machine. Send a line of our own through the same socket
 * (`logger`, util-linux) and wait until the sink has written it: every line sent before it is in the file then.
 */
async function drainSyslog(sock: string, logFile: string): Promise<void> {
  const mark = `${MARK}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  await runOk(BIN.logger, ['-d', '-u', sock, '--', mark], { timeoutMs: 5000 });
  const deadline = Date.now() + 5000;
  while (!(await readIfExists(logFile)).includes(mark)) {
    if (Date.now() > deadline) throw new Error(`pure-ftpd's syslog sink did not write a line within 5 s (${logFile})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Runs inside `unshare -m --propagation private`: gives pure-ftpd a /dev/log of our own.
// $1 = temp folder, $2 = syslog socket, rest = pure-ftpd and its arguments.
const NAMESPACE_WRAPPER = String.raw`set -e
dir=$1; sock=$2; shift 2
real="$dir/ns-realdev"
mkdir -p "$real"
mount --bind /dev "$real"
mount -t tmpfs -o mode=755,size=64k ftpexplorer-dev /dev
for n in null zero full random urandom tty; do
  if [ -e "$real/$n" ]; then : > "/dev/$n"; mount --bind "$real/$n" "/dev/$n"; fi
done
ln -s /proc/self/fd /dev/fd
: > /dev/log
mount --bind "$sock" /dev/log
umount -l "$real"
exec "$@"
`;

let namespaceOk: Promise<boolean> | undefined;
function canUseNamespace(): Promise<boolean> {
  namespaceOk ??= run(BIN.unshare, ['-m', '--propagation', 'private', 'true'], { timeoutMs: 5000 })
    .then((r) => r.code === 0 && fs.existsSync(BIN.python3), () => false);
  return namespaceOk;
}

export const pureFtpd: ServerDriver = {
  name: 'pure-ftpd',

  async unavailable() {
    if (!fs.existsSync(BIN.pureFtpd) || !fs.existsSync(BIN.purePw)) return `${BIN.pureFtpd} missing`;
    const r = await run(BIN.pureFtpd, ['--help'], { env: { ...process.env, LD_LIBRARY_PATH: extractedLibPath() }, timeoutMs: 5000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    if (!/pure-ftpd v/.test(r.stdout + r.stderr)) return `pure-ftpd does not run: ${r.stderr.trim()}`;
    return undefined;
  },

  async launch(ctx: LaunchContext): Promise<Launched> {
    const { dir, opts, sysUser } = ctx;
    const env = { ...process.env, LD_LIBRARY_PATH: extractedLibPath() };
    const user = sysUser.name;
    const password = randomPassword();
    const passwdFile = path.join(dir, 'pureftpd.passwd');
    const pdbFile = path.join(dir, 'pureftpd.pdb');
    // user:hash:uid:gid:gecos:home/./ (the /./ marks the chroot) and 12 empty limit fields
    fs.writeFileSync(passwdFile, `${user}:${await sha512Crypt(password)}:${sysUser.uid}:${sysUser.gid}::${ctx.root}/./::::::::::::\n`, { mode: 0o600 });
    await runOk(BIN.purePw, ['mkdb', pdbFile, '-f', passwdFile], { env });

    const logFile = path.join(dir, 'pure-ftpd.log');
    const xferFile = path.join(dir, 'transfer.log');
    const args = [
      '-S', `${ctx.host},${ctx.port}`,
      '-l', `puredb:${pdbFile}`,
      '-E',                     // no anonymous
      '-A',                     // chroot everyone
      '-H',                     // no reverse DNS
      '-p', `${ctx.pasvPorts[0]}:${ctx.pasvPorts[1]}`,
      '-c', '50', '-C', '50',
      '-d', '-d',               // log commands and replies (to syslog)
      '-O', `w3c:${xferFile}`,
    ];
    if (ctx.tls) {
      if (ctx.tls.mode === 'implicit') throw new Error('pure-ftpd: Debian builds it without implicit TLS');
      args.push('-Y', '3', '-2', `${ctx.tls.certFile},${ctx.tls.keyFile}`);   // 3: TLS required for control and data
    }
    for (const [k, v] of Object.entries(opts.extraConfig ?? {})) { args.push(k); if (v !== '') args.push(v); }

    const procs: ServerProcess[] = [];
    let protocolLog = false;
    const sock = path.join(dir, 'syslog.sock');
    if (await canUseNamespace()) {
      const sinkScript = path.join(dir, 'syslog-sink.py');
      fs.writeFileSync(sinkScript, SYSLOG_SINK);
      const sink = new ServerProcess('pure-ftpd syslog sink', BIN.python3, [sinkScript, sock, logFile], { cwd: dir });
      procs.push(sink);
      try {
        await sink.waitForOutput(/ready/, 5000);
      } catch (e) {
        await stopProcesses([sink]);
        throw e;
      }
      const wrapper = path.join(dir, 'ns-wrapper.sh');
      fs.writeFileSync(wrapper, NAMESPACE_WRAPPER);
      procs.unshift(new ServerProcess('pure-ftpd', BIN.unshare, ['-m', '--propagation', 'private', '/bin/sh', wrapper, dir, sock, BIN.pureFtpd, ...args], { cwd: dir, env }));
      protocolLog = true;
    } else {
      procs.unshift(new ServerProcess('pure-ftpd', BIN.pureFtpd, args, { cwd: dir, env }));
    }
    return {
      procs,
      user,
      password,
      capabilities: {
        mlsd: true, ipv6: true, pasvOverIpv6: false, epsv: true, eprt: true, active: true,
        activeFromPort20: true, refusesForeignPort: true,
        tlsExplicit: true, tlsImplicit: false, tlsSessionReuseRequired: false,
        optsUtf8: false, protocolLog,
      },
      async log() {
        if (protocolLog) await drainSyslog(sock, logFile);
        const main = (await readIfExists(logFile)).split('\n').filter((l) => !l.includes(MARK)).join('\n');
        const xfer = await readIfExists(xferFile);
        return xfer ? `${main}==> transfer log <==\n${xfer}` : main;
      },
    };
  },
};
