import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpIncompleteError } from '../../src/ftp';
import { uploadTo } from '../../src/remote/upload';
import { SERVER_NAMES } from '../servers';
import { withProxiedSite } from './connect';
import { assertPortsAhead, holdFinalUntilNextPort } from './portsAhead';

/**
 * A folder upload whose size checks ride along with the next file's EPSV (FtpClient.sizeAlong; on a short round
 * trip sent once the server has closed the file's data connection, before its 226: TransferOptions.sizeAfter), on
 * the five servers through the fault proxy; and under its faults: a control connection cut instead of a SIZE reply (the file's size is asked
 * again on another connection, and the next file, whose EPSV reply was lost with it, is uploaded again), and a
 * SIZE reply that says the file is short (that file fails and is deleted; no false success).
 */
const FILES = 12;

for (const name of SERVER_NAMES) {
  describe(`folder upload with each SIZE sent along, under faults, on ${name}`, function () {
    this.timeout(60000);
    let local = '';
    const ctx = withProxiedSite(name, {
      poolSize: 2,
      tmpPrefix: 'ftpx-size-along-',
      prepare: (_srv, tmp) => {
        local = path.join(tmp, 'folder');
        fs.mkdirSync(local);
        for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(local, `f${i}.bin`), crypto.randomBytes(100 + i * 37));
      },
    });

    /** The files of the uploaded folder on the server's disk that have the local content. */
    function stored(remote: string): string[] {
      const dir = path.join(ctx.srv.root, remote);
      return fs.readdirSync(dir).filter((n) => fs.readFileSync(path.join(dir, n)).equals(fs.readFileSync(path.join(local, n))));
    }

    it("on a short round trip each SIZE goes with the next EPSV/PASV before the file's 226, all but each connection's last", async () => {
      const waited = holdFinalUntilNextPort(ctx.proxy, 'STOR');
      const r = await uploadTo(ctx.site, [local], '/');
      assert.equal(r.files, FILES);
      assert.deepEqual(stored('folder').sort(), fs.readdirSync(local).sort());
      const commands = ctx.proxy.sessions.flatMap((s) => s.commands);
      assertPortsAhead(waited, FILES, commands, /^(STOR|LIST|MLSD|NLST) /);
      // Every file's size was checked, and every SIZE but a worker's last went right after its STOR, before the next port.
      assert.equal(commands.filter((c) => c.startsWith('SIZE /folder/')).length, FILES);
      const withPort = commands.filter((c, i) => c.startsWith('SIZE /folder/') && /^STOR /.test(commands[i - 1] ?? '') && /^(EPSV|PASV)$/.test(commands[i + 1] ?? '')).length;
      assert.ok(withPort >= FILES - 2, `${withPort} of ${FILES} SIZEs went right after their STOR, before the next port`);
      fs.rmSync(path.join(ctx.srv.root, 'folder'), { recursive: true });
    });

    it('a connection cut instead of a SIZE reply: the size is asked again elsewhere, every file stored', async () => {
      let sizes = 0;
      ctx.proxy.hooks = { reply: (r) => (/^SIZE /.test(r.command ?? '') && ++sizes === 4 ? 'cut' : undefined) };
      const r = await uploadTo(ctx.site, [local], '/');
      assert.ok(sizes >= 4, 'the fault happened');
      assert.equal(r.files, FILES);
      assert.deepEqual(stored('folder').sort(), fs.readdirSync(local).sort());
    });

    it('a SIZE reply that says the file is short: that file fails and is deleted, none reported done wrongly', async () => {
      ctx.proxy.hooks = { reply: (r) => (r.command === `SIZE /folder2/f3.bin` && r.code === 213 ? { replace: '213 1' } : undefined) };
      fs.renameSync(local, path.join(ctx.tmp, 'folder2'));
      local = path.join(ctx.tmp, 'folder2');
      await assert.rejects(uploadTo(ctx.site, [local], '/'), (err: Error & { cause?: unknown }) => (err.cause ?? err) instanceof FtpIncompleteError);
      const onDisk = fs.readdirSync(path.join(ctx.srv.root, 'folder2'));
      assert.ok(!onDisk.includes('f3.bin'), `the file said to be short is left: ${onDisk.join(' ')}`);
      assert.ok(onDisk.includes('f0.bin'), onDisk.join(' '));
      // Whatever else is there is whole.
      assert.deepEqual(stored('folder2').sort(), onDisk.sort());
    });
  });
}
