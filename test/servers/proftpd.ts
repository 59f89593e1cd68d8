// proftpd 1.3.8, extracted from Debian's proftpd-core (plus libhiredis0.14, libmemcached11,
// libmemcachedutil2, libhashkit2, libpcre2-posix3) into .cache/servers/root, run with
// LD_LIBRARY_PATH on the extracted libs: `proftpd -n -c CONF` (foreground). The user comes from an
// AuthUserFile (SHA-512 crypt hash) with the test system user's uid/gid, home = temp root,
// `DefaultRoot ~` chroots there. mod_tls is a DSO: `ModulePath` points into the extraction.
//
// Log (ExtendedLog with LogFormat `%{iso8601} [%P] %a %u "%r" %s %S`; one line per command once it
// is answered, with the final reply; [%P] is the session process):
//   2026-11-21 02:24:36,218 [7971] 127.0.0.1 ftpexplorer "PORT 127,0,0,1,172,175" 200 PORT command successful
//   2026-11-21 02:24:36,219 [7971] 127.0.0.1 ftpexplorer "LIST" 226 Transfer complete
// then "==> xferlog <==" and the TransferLog (wu-ftpd xferlog format, file transfers only).
import * as fs from 'fs';
import * as path from 'path';
import { BIN, extractedLibPath } from './paths';
import { run } from './exec';
import { ServerProcess } from './process';
import { randomPassword, sha512Crypt } from './users';
import { readIfExists, type LaunchContext, type Launched, type ServerDriver } from './driver';

export const proftpd: ServerDriver = {
  name: 'proftpd',

  async unavailable() {
    if (!fs.existsSync(BIN.proftpd)) return `${BIN.proftpd} missing`;
    const r = await run(BIN.proftpd, ['-v'], { env: { ...process.env, LD_LIBRARY_PATH: extractedLibPath() }, timeoutMs: 5000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    if (r.code !== 0) return `proftpd does not run: ${(r.stderr || r.stdout).trim()}`;
    return undefined;
  },

  async launch(ctx: LaunchContext): Promise<Launched> {
    const { dir, opts, sysUser } = ctx;
    const user = sysUser.name;
    const password = randomPassword();
    const passwdFile = path.join(dir, 'proftpd.passwd');
    const groupFile = path.join(dir, 'proftpd.group');
    fs.writeFileSync(passwdFile, `${user}:${await sha512Crypt(password)}:${sysUser.uid}:${sysUser.gid}::${ctx.root}:/bin/sh\n`, { mode: 0o600 });
    fs.writeFileSync(groupFile, `${user}:x:${sysUser.gid}:\n`, { mode: 0o600 });
    const extLog = path.join(dir, 'proftpd-commands.log');
    const xferLog = path.join(dir, 'xferlog');
    const lines = [
      'ServerName "ftpexplorer proftpd"',
      'ServerType standalone',
      'DefaultServer on',
      `Port ${ctx.port}`,
      'UseIPv6 on',
      `DefaultAddress ${ctx.host}`,
      'SocketBindTight on',
      'User nobody',
      'Group nogroup',
      `PidFile ${path.join(dir, 'proftpd.pid')}`,
      `ScoreboardFile ${path.join(dir, 'proftpd.scoreboard')}`,
      `ModulePath ${BIN.proftpdModules}`,
      'DelayEngine off',
      'WtmpLog off',
      'UseReverseDNS off',
      'UseFtpUsers off',
      'AuthPAM off',
      'AuthOrder mod_auth_file.c',
      `AuthUserFile ${passwdFile}`,
      `AuthGroupFile ${groupFile}`,
      'RequireValidShell off',
      'DefaultRoot ~',
      `PassivePorts ${ctx.pasvPorts[0]} ${ctx.pasvPorts[1]}`,
      'MaxInstances 50',
      'Umask 022',
      'AllowOverwrite on',
      'AllowStoreRestart on',
      `SystemLog ${path.join(dir, 'proftpd-system.log')}`,
      `TransferLog ${xferLog}`,
      'LogFormat commands "%{iso8601} [%P] %a %u \\"%r\\" %s %S"',
      `ExtendedLog ${extLog} ALL commands`,
    ];
    if (ctx.tls) {
      lines.push(
        'LoadModule mod_tls.c',
        '<IfModule mod_tls.c>',
        'TLSEngine on',
        `TLSLog ${path.join(dir, 'tls.log')}`,
        `TLSRSACertificateFile ${ctx.tls.certFile}`,
        `TLSRSACertificateKeyFile ${ctx.tls.keyFile}`,
        'TLSProtocol TLSv1.2 TLSv1.3',
        'TLSVerifyClient off',
        'TLSRequired on',
        ...(ctx.tls.mode === 'implicit' ? ['TLSOptions UseImplicitSSL'] : []),
        '</IfModule>',
      );
    }
    for (const [k, v] of Object.entries(opts.extraConfig ?? {})) lines.push(`${k} ${v}`);
    const confFile = path.join(dir, 'proftpd.conf');
    fs.writeFileSync(confFile, lines.join('\n') + '\n', { mode: 0o600 });

    const proc = new ServerProcess('proftpd', BIN.proftpd, ['-n', '-c', confFile], {
      cwd: dir, env: { ...process.env, LD_LIBRARY_PATH: extractedLibPath() },
    });
    const reuseOff = (opts.extraConfig?.TLSOptions ?? '').includes('NoSessionReuseRequired');
    return {
      procs: [proc],
      user,
      password,
      capabilities: {
        mlsd: true, ipv6: true, pasvOverIpv6: false, epsv: true, eprt: true, active: true,
        activeFromPort20: false, refusesForeignPort: true,
        tlsExplicit: true, tlsImplicit: true, tlsSessionReuseRequired: !reuseOff,
        optsUtf8: true, protocolLog: true,
      },
      async log() {
        const main = await readIfExists(extLog);
        const xfer = await readIfExists(xferLog);
        return xfer ? `${main}==> xferlog <==\n${xfer}` : main;
      },
    };
  },
};
