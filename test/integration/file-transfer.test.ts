import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FtpClient, type DataMode, type FtpLogEvent } from '../../src/ftp';
import { startServer, type RunningServer, type ServerName } from '../servers';

/**
 * Transfers to and from local file streams take their own paths: a download into an fs.WriteStream reads the data
 * socket into reused buffers that go to the file without a copy (src/ftp/fileSink.ts); an upload from an unread
 * fs.ReadStream reads the file into reused buffers (src/ftp/fileSource.ts). In passive and active mode: byte-exact,
 * with the byte count, progress, back-pressure, `end: false`, start/end, resume and errors as for any stream.
 */
const SIZE = 6 * 1024 * 1024 + 12345; // several read buffers, and an odd tail

for (const serverName of ['vsftpd', 'pyftpdlib'] as ServerName[]) {
  for (const mode of ['passive', 'active'] as DataMode[]) {
    describe(`file streams: ${serverName}, ${mode}`, function () {
      this.timeout(60000);
      let server: RunningServer;
      let client: FtpClient;
      let tmp: string;
      const content = crypto.randomBytes(SIZE);
      const events: FtpLogEvent[] = [];

      before(async () => {
        server = await startServer(serverName);
        fs.writeFileSync(path.join(server.root, 'big.bin'), content);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-file-download-'));
        client = await FtpClient.connect({
          host: server.host,
          port: server.port,
          user: server.user,
          password: server.password,
          mode,
          fallback: false,
          timeoutMs: 15000,
          logger: (e) => events.push(e),
        });
      });
      after(async () => {
        await client?.close();
        await server?.stop();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
      });

      it('is byte-exact, returns the byte count, reports progress and logs the bytes', async () => {
        const file = path.join(tmp, 'a.bin');
        const progress: number[] = [];
        events.length = 0;
        const n = await client.download('/big.bin', fs.createWriteStream(file), { onProgress: (b) => progress.push(b) });
        assert.equal(n, SIZE);
        assert.ok(fs.readFileSync(file).equals(content), 'the downloaded file differs');
        assert.ok(progress.length > 1, 'progress was reported once or never');
        assert.deepEqual([...progress].sort((a, b) => a - b), progress, 'progress went backwards');
        assert.equal(progress[progress.length - 1], SIZE);
        const close = events.find((e) => e.kind === 'data' && e.phase === 'close');
        assert.equal(close && close.kind === 'data' ? close.bytes : undefined, SIZE);
        assert.ok(events.some((e) => e.kind === 'data' && e.phase === 'open' && e.mode === mode), `no ${mode} data connection`);
      });

      it('keeps to back-pressure from a slow file stream (tiny highWaterMark)', async () => {
        const file = path.join(tmp, 'slow.bin');
        const dest = fs.createWriteStream(file, { highWaterMark: 1024 });
        assert.equal(await client.download('/big.bin', dest), SIZE);
        assert.ok(fs.readFileSync(file).equals(content));
      });

      it('leaves the stream open with end: false, and resumes at an offset', async () => {
        const file = path.join(tmp, 'two.bin');
        const dest = fs.createWriteStream(file);
        assert.equal(await client.download('/big.bin', dest, { end: false }), SIZE);
        assert.equal(dest.writableEnded, false);
        const offset = SIZE - 1000;
        assert.equal(await client.download('/big.bin', dest, { offset }), 1000);
        if (!dest.closed) await new Promise<void>((resolve) => dest.once('close', () => resolve()));
        assert.ok(fs.readFileSync(file).equals(Buffer.concat([content, content.subarray(offset)])));
      });

      it('fails on a missing file, a broken file stream, and stays usable', async () => {
        await assert.rejects(client.download('/missing.bin', fs.createWriteStream(path.join(tmp, 'missing.bin'))), { code: 550 });
        const broken = fs.createWriteStream(path.join(tmp, 'no-such-dir', 'x.bin'));
        broken.on('error', () => undefined);
        await assert.rejects(client.download('/big.bin', broken));
        const file = path.join(tmp, 'after.bin');
        assert.equal(await client.download('/big.bin', fs.createWriteStream(file)), SIZE);
        assert.ok(fs.readFileSync(file).equals(content));
      });

      it('uploads from a file stream byte-exact, reports progress, and closes the stream', async () => {
        const file = path.join(tmp, 'up.bin');
        fs.writeFileSync(file, content);
        const source = fs.createReadStream(file);
        const progress: number[] = [];
        assert.equal(await client.upload(source, '/up.bin', { onProgress: (b) => progress.push(b) }), SIZE);
        assert.ok(fs.readFileSync(path.join(server.root, 'up.bin')).equals(content), 'the file on the server differs');
        assert.equal(progress[progress.length - 1], SIZE);
        if (!source.closed) await new Promise<void>((resolve) => source.once('close', () => resolve()));
      });

      it('uploads the start..end of a file stream, and from an open fd', async () => {
        const file = path.join(tmp, 'range.bin');
        fs.writeFileSync(file, content);
        assert.equal(await client.upload(fs.createReadStream(file, { start: 1000, end: 2_000_000 }), '/range.bin'), 2_000_000 - 1000 + 1);
        assert.ok(fs.readFileSync(path.join(server.root, 'range.bin')).equals(content.subarray(1000, 2_000_001)));
        const fd = fs.openSync(file, 'r');
        assert.equal(await client.upload(fs.createReadStream('', { fd, start: 5 }), '/fd.bin'), SIZE - 5);
        assert.ok(fs.readFileSync(path.join(server.root, 'fd.bin')).equals(content.subarray(5)));
      });

      it('fails on a missing local file, and stays usable', async () => {
        const missing = fs.createReadStream(path.join(tmp, 'no-such-file.bin'));
        missing.on('error', () => undefined);
        await assert.rejects(client.upload(missing, '/never.bin'), /ENOENT/);
        assert.equal(await client.upload(Buffer.from('still here'), '/after-missing.txt'), 10);
      });
    });
  }
}
