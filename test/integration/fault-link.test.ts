import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FtpClient, type FtpLogEvent } from '../../src/ftp';
import { startServer, type RunningServer } from '../servers';
import { clientOf } from './connect';
import { Link } from '../faults/link';
import { FaultProxy } from '../faults/proxy';
import { until } from '../faults/util';

/**
 * The network emulator of the benchmarks (test/faults/link.ts, and the fault proxy with a link): checks of the
 * test tool itself, so that the round trips the bench reports are the configured ones. A bare TCP ping-pong shows
 * the configured round trip, a bulk transfer the configured rate, a receiver that stops reading does not make the
 * link buffer without bound, and FTP through the proxy with a link costs one round trip per command on the control
 * connection and carries passive and active data intact. The tolerances are for a loaded 2-vCPU machine: round
 * trips are judged by their lower quartile (see lowerQuartile).
 */
const RTT_MS = 50;

async function echoServer(): Promise<net.Server> {
  const srv = net.createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  return srv;
}

function portOf(s: net.Server): number {
  return (s.address() as net.AddressInfo).port;
}

async function connected(port: number): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
  return s;
}

/**
 * The lower quartile: on a loaded machine the scheduler can only add time to an exchange (a process not running
 * when its timer is due), never take it away, so the lower quartile measures the link, the median the machine.
 */
function lowerQuartile(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 4)];
}

/** One byte out, wait for it to come back: the round trip, ms (bounded: a lost byte fails the test). */
function pingPong(s: net.Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const timer = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
    s.once('data', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
    s.write('x');
  });
}

describe('Network emulator (test/faults/link.ts)', function () {
  this.timeout(60000);
  const closers: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  it(`a TCP ping-pong through it takes the configured round trip (${RTT_MS} ms, within 5%)`, async () => {
    const echo = await echoServer();
    closers.push(() => void echo.close());
    const link = new Link({ rttMs: RTT_MS });
    closers.push(() => link.close());
    const front = await link.front({ host: '127.0.0.1', port: portOf(echo) });
    const s = await connected(portOf(front));
    closers.push(() => void s.destroy());
    await pingPong(s); // the first includes the emulated handshake
    const rtts: number[] = [];
    for (let i = 0; i < 31; i++) rtts.push(await pingPong(s));
    const m = lowerQuartile(rtts);
    assert.ok(Math.abs(m - RTT_MS) <= RTT_MS * 0.05, `round trip (lower quartile) ${m.toFixed(2)} ms, configured ${RTT_MS} ms (all: ${rtts.map((r) => r.toFixed(1)).join(' ')})`);
  });

  it('the first exchange on a new connection costs the handshake too: 2 round trips', async () => {
    const echo = await echoServer();
    closers.push(() => void echo.close());
    const link = new Link({ rttMs: RTT_MS });
    closers.push(() => link.close());
    const front = await link.front({ host: '127.0.0.1', port: portOf(echo) });
    // From the client's connect (at loopback speed: what the relay cannot change) to the first echo; the fastest of
    // nine connections (a new connection has more steps the scheduler can delay: two accepts, a connect, a timer).
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const s = await connected(portOf(front));
      closers.push(() => void s.destroy());
      times.push(await pingPong(s));
    }
    const took = Math.min(...times);
    assert.ok(Math.abs(took - 2 * RTT_MS) <= 2 * RTT_MS * 0.05, `connect + first echo took ${took.toFixed(2)} ms at best, expected ${2 * RTT_MS} ms (all: ${times.map((t) => t.toFixed(1)).join(' ')})`);
  });

  it('a bulk transfer through it runs at the configured rate (within 5%), shared by two connections', async () => {
    const rateMbit = 40;
    const bytes = 4 * 1024 * 1024;
    const link = new Link({ rttMs: RTT_MS, rateMbit });
    closers.push(() => link.close());
    // A sink that records when the bytes arrive. The rate is taken between the arrival of the first 10% and of
    // 90% of the bytes, so a start delayed by the scheduler of a loaded machine does not shorten the span.
    const arrivals: { t: number; n: number }[][] = [];
    const total = (i: number) => arrivals[i]?.reduce((a, x) => a + x.n, 0) ?? 0;
    const sink = net.createServer((s) => {
      const rec: { t: number; n: number }[] = [];
      arrivals.push(rec);
      s.on('data', (d: Buffer) => rec.push({ t: performance.now(), n: d.length }));
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => void sink.close());
    const front = await link.front({ host: '127.0.0.1', port: portOf(sink) });
    const send = async (n: number) => {
      const s = await connected(portOf(front));
      closers.push(() => void s.destroy());
      await new Promise<void>((resolve) => s.end(Buffer.alloc(n, 7), () => resolve()));
    };
    const rateOf = (recs: { t: number; n: number }[][]): number => {
      const all = recs.flat().sort((a, b) => a.t - b.t);
      const sum = all.reduce((a, x) => a + x.n, 0);
      let cum = 0;
      let from: { t: number; cum: number } | undefined;
      for (const x of all) {
        cum += x.n;
        if (!from && cum >= sum * 0.1) from = { t: x.t, cum };
        if (cum >= sum * 0.9) return ((cum - from!.cum) * 8) / 1e6 / ((x.t - from!.t) / 1000);
      }
      return NaN;
    };
    // One connection alone, then two at once: together they get the same line, not twice it.
    await send(bytes);
    assert.ok(await until(() => total(0) === bytes, 10000), 'the first transfer arrived');
    const alone = rateOf([arrivals[0]]);
    await Promise.all([send(bytes / 2), send(bytes / 2)]);
    assert.ok(await until(() => arrivals.length === 3 && total(1) + total(2) === bytes, 10000), 'the two transfers arrived');
    const both = rateOf([arrivals[1], arrivals[2]]);
    for (const [what, rate] of [['one connection', alone], ['two connections together', both]] as const) {
      assert.ok(Math.abs(rate - rateMbit) <= rateMbit * 0.05, `${what}: ${rate.toFixed(2)} Mbit/s, configured ${rateMbit}`);
    }
  });

  it('a receiver that stops reading does not make the link hold more than its window', async () => {
    const link = new Link({ rttMs: 10, windowBytes: 256 * 1024 });
    closers.push(() => link.close());
    let receiver: net.Socket | undefined;
    let received = 0;
    const sink = net.createServer((s) => {
      receiver = s;
      s.on('data', (d: Buffer) => (received += d.length));
      s.pause();
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => void sink.close());
    const front = await link.front({ host: '127.0.0.1', port: portOf(sink) });
    const s = await connected(portOf(front));
    closers.push(() => void s.destroy());
    // Far more than every buffer on the way can hold (the rest waits in the sender's own buffer).
    const block = Buffer.alloc(1024 * 1024, 1);
    const written = 32 * block.length;
    for (let i = 0; i < 32; i++) s.write(block);
    assert.ok(await until(() => receiver !== undefined, 5000), 'the receiver was connected');
    let max = 0;
    for (let i = 0; i < 20; i++) {
      max = Math.max(max, link.bytesInside);
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(max <= 256 * 1024 + block.length, `the link held ${max} bytes with a window of ${256 * 1024}`);
    // And nothing was lost: the receiver gets every byte once it reads.
    receiver!.resume();
    await new Promise<void>((resolve) => s.end(() => resolve()));
    assert.ok(await until(() => received === written, 20000), `received ${received} of ${written} bytes`);
  });
});

describe('Network emulator: FTP through the fault proxy with a link (pyftpdlib)', function () {
  this.timeout(120000);
  let srv: RunningServer;
  let proxy: FaultProxy;
  const clients: FtpClient[] = [];
  const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) & 255));

  before(async () => {
    srv = await startServer('pyftpdlib');
    fs.writeFileSync(path.join(srv.root, 'data.bin'), data);
    proxy = await FaultProxy.start({ host: srv.host, port: srv.port }, { link: { rttMs: RTT_MS } });
  });

  after(async () => {
    for (const c of clients) await c.close();
    await proxy?.close();
    await srv?.stop();
  });

  it('a NOOP on a logged-in connection costs one round trip; login and passive and active RETR work', async () => {
    const events: FtpLogEvent[] = [];
    const t0 = performance.now();
    const c = await clientOf(srv, { logger: (e) => events.push(e) }, proxy);
    clients.push(c);
    const login = performance.now() - t0;
    const sent = events.filter((e) => e.kind === 'command').length;
    // Handshake + banner (2 round trips) and at least one per command sent in order.
    assert.ok(login >= (2 + sent) * RTT_MS * 0.95 - RTT_MS * sent, `login took ${login.toFixed(1)} ms`);
    const noops: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      await c.noop();
      noops.push(performance.now() - t);
    }
    const m = lowerQuartile(noops);
    // The server's own time to answer adds to the link's round trip, as it does on a real network.
    assert.ok(m >= RTT_MS * 0.95 && m <= RTT_MS * 1.3, `NOOP (lower quartile) ${m.toFixed(2)} ms, round trip ${RTT_MS} ms`);
    assert.deepEqual(await c.downloadBuffer('data.bin'), data);
    const active = await clientOf(srv, { mode: 'active' }, proxy);
    clients.push(active);
    assert.deepEqual(await active.downloadBuffer('data.bin'), data);
    assert.ok(proxy.last!.commands.some((l) => /^(PORT|EPRT) /.test(l)), 'the active client sent PORT or EPRT through the proxy');
  });
});
