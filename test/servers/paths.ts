// Where the harness finds the project, the extracted servers (.cache/servers, made by
// scripts/install-servers.sh) and the system binaries.
import * as fs from 'fs';
import * as path from 'path';

/** The project folder: the nearest parent of this file holding package.json (works from test/ and out/test/). */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
}

/** .cache/servers of the project, or $FTP_SERVERS_CACHE (same variable as install-servers.sh). */
export function cacheDir(): string {
  return process.env.FTP_SERVERS_CACHE || path.join(projectRoot(), '.cache', 'servers');
}

/** Root of the `dpkg -x` extraction of pure-ftpd, proftpd-core and libs. */
export function extractedRoot(): string {
  return path.join(cacheDir(), 'root');
}

export function extractedLibPath(): string {
  const r = extractedRoot();
  return [path.join(r, 'usr/lib/x86_64-linux-gnu'), path.join(r, 'lib/x86_64-linux-gnu')].join(':');
}

export const BIN = {
  vsftpd: '/usr/sbin/vsftpd',
  /** Debian's python3 (python3-pyftpdlib is installed for it), not whatever `python3` is first on PATH */
  python3: '/usr/bin/python3',
  openssl: '/usr/bin/openssl',
  /** iproute2's ip, for `ip netns exec` (test/network) */
  ip: fs.existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/bin/ip',
  unshare: '/usr/bin/unshare',
  /** util-linux's logger: a line through pure-ftpd's syslog socket (pureftpd.ts) */
  logger: '/usr/bin/logger',
  get pureFtpd(): string { return path.join(extractedRoot(), 'usr/sbin/pure-ftpd'); },
  get purePw(): string { return path.join(extractedRoot(), 'usr/bin/pure-pw'); },
  get proftpd(): string { return path.join(extractedRoot(), 'usr/sbin/proftpd'); },
  get proftpdModules(): string { return path.join(extractedRoot(), 'usr/lib/proftpd'); },
};

export const INSTALL_HINT = 'run `bash scripts/install-servers.sh` as root';
