// vsftpd 3.0.3 (Debian package, system-wide). Logs in the real system user through PAM
// (pam_service_name=vsftpd), chrooted into the temp root via local_root. One process per address:
// IPv4 with listen=YES, IPv6 with listen=NO + listen_ipv6=YES.
//
// Log (vsftpd_log_file with log_ftp_protocol=YES, dual_log_enable=YES, xferlog_std_format=NO):
//   Sat Nov 21 02:24:01 2026 [pid 7252] [ftpexplorer] FTP command: Client "127.0.0.1", "PORT 127,0,0,1,177,51"
//   ... FTP response: Client "127.0.0.1", "200 PORT command successful. Consider using PASV."
//   ... FTP command: Client "127.0.0.1", "LIST"
//   ... FTP response: Client "127.0.0.1", "150 Here comes the directory listing."
//   ... FTP response: Client "127.0.0.1", "226 Directory send OK."
//   ... OK DOWNLOAD: Client "127.0.0.1", "/a.txt", 6 bytes, 12.99Kbyte/sec
// The xferlog (wu-ftpd format) is appended by log() after a "==> xferlog <==" line.
import * as fs from 'fs';
import * as path from 'path';
import { BIN } from './paths';
import { ServerProcess } from './process';
import { readIfExists, type LaunchContext, type Launched, type ServerDriver } from './driver';

export const vsftpd: ServerDriver = {
  name: 'vsftpd',

  async unavailable() {
    if (!fs.existsSync(BIN.vsftpd)) return `${BIN.vsftpd} missing`;
    if (!fs.existsSync('/etc/pam.d/vsftpd')) return '/etc/pam.d/vsftpd missing (vsftpd package incomplete)';
    return undefined;
  },

  async launch(ctx: LaunchContext): Promise<Launched> {
    const { dir, opts } = ctx;
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty, { mode: 0o755 });
    const logFile = path.join(dir, 'vsftpd.log');
    const xferFile = path.join(dir, 'xferlog');
    const fromPort20 = !!opts.connectFromPort20;
    const conf: [string, string][] = [
      ...(ctx.host.includes(':')
        ? [['listen', 'NO'], ['listen_ipv6', 'YES'], ['listen_address6', ctx.host]] as [string, string][]
        : [['listen', 'YES'], ['listen_ipv6', 'NO'], ['listen_address', ctx.host]] as [string, string][]),
      ['listen_port', String(ctx.port)],
      ['background', 'NO'],
      ['anonymous_enable', 'NO'],
      ['local_enable', 'YES'],
      ['write_enable', 'YES'],
      ['local_umask', '022'],
      ['chroot_local_user', 'YES'],
      ['allow_writeable_chroot', 'YES'],
      ['local_root', ctx.root],
      ['pam_service_name', 'vsftpd'],
      ['seccomp_sandbox', 'NO'],
      ['secure_chroot_dir', empty],
      ['pasv_enable', 'YES'],
      ['pasv_min_port', String(ctx.pasvPorts[0])],
      ['pasv_max_port', String(ctx.pasvPorts[1])],
      ['port_enable', 'YES'],
      ['connect_from_port_20', fromPort20 ? 'YES' : 'NO'],
      ['hide_ids', 'NO'],
      ['use_localtime', 'NO'],
      ['syslog_enable', 'NO'],
      ['log_ftp_protocol', 'YES'],
      ['vsftpd_log_file', logFile],
      ['xferlog_enable', 'YES'],
      ['xferlog_file', xferFile],
      ['xferlog_std_format', 'NO'],
      ['dual_log_enable', 'YES'],
      ['max_clients', '0'],
      ['max_per_ip', '0'],
    ];
    if (ctx.tls) {
      conf.push(
        ['ssl_enable', 'YES'],
        ['rsa_cert_file', ctx.tls.certFile],
        ['rsa_private_key_file', ctx.tls.keyFile],
        ['ssl_ciphers', 'HIGH'],          // the built-in default (DES-CBC3-SHA) is refused by current OpenSSL clients
        ['ssl_tlsv1', 'YES'], ['ssl_sslv2', 'NO'], ['ssl_sslv3', 'NO'],
        ['force_local_logins_ssl', 'YES'],
        ['force_local_data_ssl', 'YES'],
        ['implicit_ssl', ctx.tls.mode === 'implicit' ? 'YES' : 'NO'],
      );
    }
    for (const [k, v] of Object.entries(opts.extraConfig ?? {})) conf.push([k, v]);
    // vsftpd refuses a key given twice? No: the last one wins. Keep only the last to be explicit.
    const merged = new Map<string, string>();
    for (const [k, v] of conf) { merged.delete(k); merged.set(k, v); }
    const confFile = path.join(dir, 'vsftpd.conf');
    fs.writeFileSync(confFile, [...merged].map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });

    const proc = opts.netns
      ? new ServerProcess('vsftpd', BIN.ip, ['netns', 'exec', opts.netns, BIN.vsftpd, confFile], { cwd: dir }) // ip execs in place: pid is vsftpd's
      : new ServerProcess('vsftpd', BIN.vsftpd, [confFile], { cwd: dir });
    return {
      procs: [proc],
      user: ctx.sysUser.name,
      password: ctx.sysUser.password,
      capabilities: {
        mlsd: false, ipv6: true, pasvOverIpv6: false, epsv: true, eprt: true, active: true,
        activeFromPort20: fromPort20, refusesForeignPort: true,
        tlsExplicit: true, tlsImplicit: true, tlsSessionReuseRequired: merged.get('require_ssl_reuse') !== 'NO',
        optsUtf8: true, protocolLog: true,
      },
      async log() {
        const main = await readIfExists(logFile);
        const xfer = await readIfExists(xferFile);
        return xfer ? `${main}==> xferlog <==\n${xfer}` : main;
      },
    };
  },
};
