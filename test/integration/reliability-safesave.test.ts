import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpClient, isSafeSaveTemp, safeSave, type SafeSaveResult } from '../../src/ftp';
import { SERVER_NAMES, startServer, type RunningServer, type ServerName } from '../servers';
import { contentOf } from '../faults/util';

/**
 * Safe save on the five real servers: over an existing file (its content replaced byte-exact, its permissions
 * kept), a new file, a file in a subfolder, a name with spaces and non-ASCII characters, an empty file; no
 * temporary file left; what each server made it fall back to, said once in the log.
 */

/** What each server makes safe save do over an existing file. */
interface Expected {
  /** How the file got into place (safeSave.ts step 4). */
  method: SafeSaveResult['method'];
  /** How the stored size of an empty file was checked (of the others: SIZE on all five). */
  emptyVerified: SafeSaveResult['verified'];
  /** What was said in the log, each once however many saves: the fallbacks. */
  said: RegExp[];
}

const EXPECTED: Record<ServerName, Expected> = {
  vsftpd: { method: 'rename', emptyVerified: 'size', said: [] },
  'pure-ftpd': { method: 'rename', emptyVerified: 'size', said: [] },
  proftpd: { method: 'rename', emptyVerified: 'size', said: [] },
  pyftpdlib: { method: 'rename', emptyVerified: 'size', said: [] },
  // ftp-srv answers SIZE of an empty file "213 File status", without the number: the listing tells instead.
  'ftp-srv': { method: 'rename', emptyVerified: 'listing', said: [] },
};

for (const name of SERVER_NAMES as ServerName[]) {
  describe(`Reliability: safe save on ${name}`, function () {
    this.timeout(30000);
    const expected = EXPECTED[name];
    let srv: RunningServer;
    let client: FtpClient;
    const logs: string[] = [];
    const log = (t: string) => logs.push(t);

    before(async () => {
      srv = await startServer(name);
      client = await FtpClient.connect({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, timeoutMs: 10000 });
    });
    after(async () => {
      await client?.close();
      await srv?.stop();
    });

    /** `file` on the server's disk, owned by the FTP user, with mode 640 (not what the server gives a new file). */
    function existing(file: string, content: Buffer): string {
      const local = path.join(srv.root, file);
      const owner = fs.statSync(srv.root);
      fs.mkdirSync(path.dirname(local), { recursive: true });
      fs.chownSync(path.dirname(local), owner.uid, owner.gid);
      fs.writeFileSync(local, content);
      fs.chownSync(local, owner.uid, owner.gid);
      fs.chmodSync(local, 0o640);
      return local;
    }

    for (const file of ['plain.txt', 'sub dir/name with spaces ü.bin', 'empty.bin']) {
      it(`replaces "${file}" byte-exact, keeping its permissions`, async () => {
        const size = file === 'empty.bin' ? 0 : 200 * 1024;
        const local = existing(file, contentOf(file, 1, size));
        const data = file === 'empty.bin' ? Buffer.alloc(0) : contentOf(file, 2, size + 17);
        const r = await safeSave(client, `/${file}`, data, { log });
        assert.ok(fs.readFileSync(local).equals(data), 'the content differs');
        assert.deepEqual(fs.readdirSync(path.dirname(local)).filter(isSafeSaveTemp), []);
        assert.equal(r.method, expected.method);
        assert.equal(r.verified, file === 'empty.bin' ? expected.emptyVerified : 'size');
        // The temporary file is new, so it has the server's default mode (644 or 666 here) until SITE CHMOD gives
        // it the original's, read from the listing (pyftpdlib's MLSD says "unix.mode=0o640", after OPTS MLST).
        assert.equal((fs.statSync(local).mode & 0o777).toString(8), '640', 'the permissions were not kept');
      });
    }

    it('creates a new file', async () => {
      const r = await safeSave(client, '/new.txt', Buffer.from('new file\n'), { log });
      assert.equal(fs.readFileSync(path.join(srv.root, 'new.txt'), 'utf8'), 'new file\n');
      assert.equal(r.method, 'rename');
    });

    it(`says what it had to fall back to, once: ${expected.said.length ? expected.said.join(', ') : 'nothing'}`, async () => {
      // One more save over an existing file, so that this test holds when run alone too.
      existing('again.txt', Buffer.from('old'));
      await safeSave(client, '/again.txt', Buffer.from('new'), { log });
      assert.equal(fs.readFileSync(path.join(srv.root, 'again.txt'), 'utf8'), 'new');
      assert.equal(logs.length, expected.said.length, `said:\n${logs.join('\n')}`);
      expected.said.forEach((re, i) => assert.match(logs[i], re));
    });
  });
}

/**
 * Servers set up to refuse a step of safe save: each fallback is taken, the file is still replaced byte-exact,
 * nothing is left behind, and the fallback is said once however many saves.
 */
const REFUSING: { name: ServerName; extraConfig: Record<string, string>; refuses: string; method: SafeSaveResult['method']; mode: string; said: RegExp }[] = [
  // RNTO onto an existing file refused ("550 Rename permission denied"): the original is renamed aside, the new
  // file into place, the original deleted; the temporary file had its mode before the rename, so the permissions
  // are kept. (A <Directory> block, as the harness's server-wide "AllowOverwrite on" comes first.)
  { name: 'proftpd', extraConfig: { '<Directory': '/*>\nAllowOverwrite off\n</Directory>' }, refuses: 'to rename onto an existing file', method: 'rename-aside', mode: '640', said: /refuses to rename onto an existing file \(550 .*\): saving by renaming the original aside/ },
  // SITE CHMOD refused (pure-ftpd -R): the permissions cannot be kept, the file gets the server's default (umask 022).
  { name: 'pure-ftpd', extraConfig: { '-R': '' }, refuses: 'SITE CHMOD', method: 'rename', mode: '644', said: /refused SITE CHMOD \(5\d\d .*\): saved files get the server's default permissions/ },
];

for (const t of REFUSING) {
  describe(`Reliability: safe save on ${t.name} refusing ${t.refuses}`, function () {
    this.timeout(30000);
    let srv: RunningServer;
    let client: FtpClient;

    before(async () => {
      srv = await startServer(t.name, { extraConfig: t.extraConfig });
      client = await FtpClient.connect({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, timeoutMs: 10000 });
    });
    after(async () => {
      await client?.close();
      await srv?.stop();
    });

    it(`falls back (${t.method}, mode ${t.mode}) and says so once in three saves`, async () => {
      const logs: string[] = [];
      const owner = fs.statSync(srv.root);
      for (let i = 0; i < 3; i++) {
        const local = path.join(srv.root, `f${i}.txt`);
        fs.writeFileSync(local, contentOf('f', 1, 5000));
        fs.chownSync(local, owner.uid, owner.gid);
        fs.chmodSync(local, 0o640);
        const data = contentOf('f', 2, 7000);
        const r = await safeSave(client, `/f${i}.txt`, data, { log: (l) => logs.push(l) });
        assert.ok(fs.readFileSync(local).equals(data), 'the content differs');
        assert.equal(r.method, t.method);
        assert.equal((fs.statSync(local).mode & 0o777).toString(8), t.mode);
      }
      assert.deepEqual(fs.readdirSync(srv.root).filter(isSafeSaveTemp), [], 'a temporary or aside file was left');
      assert.equal(logs.length, 1, `said:\n${logs.join('\n')}`);
      assert.match(logs[0], t.said);
    });
  });
}
