import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileSink } from '../../src/ftp/fileSink';

/**
 * FileSink on a plain loopback socket (no FTP): a sender we script, a socket opened with the sink's `onread`, and
 * a file stream. What the client relies on: byte-exact output under back-pressure, even with a 'data' listener on
 * the socket (the client counts bytes with one); the socket's idle timeout still sees the reads; a cut connection
 * or a failing file is an error, never a hang.
 */
describe('FileSink', function () {
  this.timeout(20000);
  let tmp: string;
  let server: net.Server | undefined;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpx-filesink-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  afterEach(() => server?.close());

  /** A server that runs `send` on its one connection; resolves with its port. */
  function serve(send: (s: net.Socket) => void): Promise<number> {
    return new Promise((resolve) => {
      server = net.createServer(send);
      server.listen(0, '127.0.0.1', () => resolve((server!.address() as net.AddressInfo).port));
    });
  }

  function connect(port: number, sink: FileSink): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port, onread: sink.direct });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
  }

  it('writes every byte in order through a full file stream, with a data listener on the socket', async () => {
    const content = crypto.randomBytes(9 * 1024 * 1024 + 7);
    const port = await serve((s) => s.end(content));
    const file = path.join(tmp, 'a.bin');
    const progress: number[] = [];
    const sink = new FileSink(fs.createWriteStream(file, { highWaterMark: 4096 }), (n) => progress.push(n));
    const socket = await connect(port, sink);
    let dataEvents = 0;
    socket.on('data', () => dataEvents++); // the client's byte counter does this; it must not break resuming
    await sink.finish(socket, true);
    assert.equal(sink.bytes, content.length);
    assert.equal(dataEvents, 0, 'onread delivers no data events');
    assert.equal(progress[progress.length - 1], content.length);
    assert.ok(fs.readFileSync(file).equals(content));
  });

  it('keeps the socket idle timer fed by its reads, and lets it fire when the sender stalls', async () => {
    const chunk = crypto.randomBytes(16 * 1024);
    const port = await serve((s) => {
      let sent = 0;
      const timer = setInterval(() => {
        if (sent++ < 8) s.write(chunk);
        else clearInterval(timer); // then stall with the connection open
      }, 50);
      s.on('close', () => clearInterval(timer));
      s.on('error', () => undefined);
    });
    const sink = new FileSink(fs.createWriteStream(path.join(tmp, 'stall.bin')));
    const socket = await connect(port, sink);
    const started = Date.now();
    let timedOutAfter = 0;
    socket.setTimeout(250, () => {
      timedOutAfter = Date.now() - started;
      socket.destroy(new Error('idle'));
    });
    await assert.rejects(sink.finish(socket, true), /idle/);
    assert.equal(sink.bytes, 8 * chunk.length);
    assert.ok(timedOutAfter >= 400, `the idle timer fired after ${timedOutAfter} ms, while data still came`);
  });

  it('rejects when the sender resets the connection', async () => {
    // The reset comes once the sink has bytes (mid-transfer, the client connected) and the data has left the
    // sender (its write called back: reset with writes still queued, the reading side here often sees a clean end
    // instead of ECONNRESET, and FTP's 226 or 426 tells the rest): on those two events, not after a guess.
    let sent!: () => void;
    let received!: () => void;
    const both = Promise.all([new Promise<void>((r) => (sent = r)), new Promise<void>((r) => (received = r))]);
    const port = await serve((s) => {
      s.on('error', () => undefined);
      s.write(crypto.randomBytes(100_000), () => sent());
      void both.then(() => s.resetAndDestroy());
    });
    const sink = new FileSink(fs.createWriteStream(path.join(tmp, 'reset.bin')), () => received());
    const socket = await connect(port, sink);
    socket.on('error', () => undefined);
    await assert.rejects(sink.finish(socket, true), { code: 'ECONNRESET' });
  });

  it('rejects and stops the socket when the file stream fails', async () => {
    const port = await serve((s) => {
      s.on('error', () => undefined);
      s.write(crypto.randomBytes(1024 * 1024));
    });
    const dest = fs.createWriteStream(path.join(tmp, 'missing-dir', 'x.bin'));
    dest.on('error', () => undefined);
    const sink = new FileSink(dest);
    const socket = await connect(port, sink);
    socket.on('error', () => undefined);
    await assert.rejects(sink.finish(socket, true), { code: 'ENOENT' });
    assert.ok(socket.destroyed);
  });
});
