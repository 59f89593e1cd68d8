// The test user. vsftpd logs in real system users through PAM, so there is one real account,
// `ftpexplorer` (shell /bin/sh because Debian's /etc/pam.d/vsftpd requires a listed shell), whose
// password is random, made once per machine and kept in .cache/servers/ftpexplorer.password
// (so concurrent test runs agree on it). Every server maps its user to this uid/gid, so files
// uploaded through any server are owned by it; the test process (root) reads them all.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { cacheDir } from './paths';
import { run, runOk } from './exec';

export const TEST_USER = 'ftpexplorer';

export interface SystemUser { name: string; uid: number; gid: number; password: string }

let cached: Promise<SystemUser> | undefined;

/** Creates (once) the system user and makes sure its password is the stored one. Needs root. */
export function ensureSystemUser(): Promise<SystemUser> {
  if (!cached) cached = doEnsure().catch((e) => { cached = undefined; throw e; });
  return cached;
}

export function randomPassword(): string {
  return crypto.randomBytes(15).toString('base64').replace(/[+/=]/g, 'x');
}

/** SHA-512 crypt(3) hash (`$6$...`), understood by PAM, proftpd's AuthUserFile and pure-ftpd's puredb. */
export async function sha512Crypt(password: string, salt?: string): Promise<string> {
  const args = ['passwd', '-6', '-stdin'];
  if (salt !== undefined) args.push('-salt', salt);
  return (await runOk('/usr/bin/openssl', args, { input: password + '\n' })).trim();
}

function lookup(name: string): { uid: number; gid: number } | undefined {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(name + ':'));
  if (!line) return undefined;
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

function shadowHash(name: string): string | undefined {
  try {
    const line = fs.readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith(name + ':'));
    return line?.split(':')[1];
  } catch { return undefined; }
}

function storedPassword(): string {
  const file = path.join(cacheDir(), `${TEST_USER}.password`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, randomPassword() + '\n', { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const pw = fs.readFileSync(file, 'utf8').trim();
  if (!pw) throw new Error(`empty password in ${file}`);
  return pw;
}

async function doEnsure(): Promise<SystemUser> {
  if (process.getuid?.() !== 0) throw new Error('the FTP server harness needs root (system user, privileged servers)');
  if (!lookup(TEST_USER)) {
    const r = await run('/usr/sbin/useradd', ['-m', '-s', '/bin/sh', '-c', 'FTP Explorer integration tests', TEST_USER]);
    if (r.code !== 0 && r.code !== 9 /* exists: a concurrent run made it */) throw new Error(`useradd failed: ${r.stderr}`);
  }
  const ids = lookup(TEST_USER);
  if (!ids) throw new Error(`user ${TEST_USER} missing after useradd`);
  const password = storedPassword();
  const current = shadowHash(TEST_USER);
  const m = current && /^\$6\$([^$]+)\$/.exec(current);
  const ok = m ? (await sha512Crypt(password, m[1])) === current : false;
  if (!ok) {
    const hash = await sha512Crypt(password);
    await runOk('/usr/sbin/chpasswd', ['-e'], { input: `${TEST_USER}:${hash}\n` });
  }
  return { name: TEST_USER, uid: ids.uid, gid: ids.gid, password };
}
