/**
 * A network link in user space, for the benchmarks at a real round trip (this kernel has no netem): TCP relays on
 * loopback that hold every chunk for a one-way delay per direction, keep the order, and optionally pace each
 * direction at a rate.
 *
 *   const link = new Link({ rttMs: 50, rateMbit: 100 });
 *   const front = await link.front({ host: '127.0.0.1', port: serverPort });   // the client connects to front
 *   ...
 *   await link.close();
 *
 * How it models a link:
 * - Delay: a chunk read from one side at time t is written to the other side at t + delay (plus its wait at the
 *   rate limit). Chunks are not serialized behind each other's delay: a chunk read 1 ms after another leaves 1 ms
 *   after it, as on a wire.
 * - Rate: one serializer per direction, shared by every connection of the link (the user's access line is shared
 *   by all their connections: four parallel connections do not get four times the bandwidth). A chunk of n bytes
 *   leaves the serializer n / rate after the previous one left, then travels the delay.
 * - Bounded: each connection may have at most `windowBytes` inside the link per direction; beyond that the relay
 *   stops reading from the sender (TCP backpressure pushes back to it), so neither the queue nor the delay grows
 *   without bound when a sender outruns the rate or a receiver stops reading. The default window is two
 *   bandwidth-delay products plus 64 KiB with a rate (the line stays full while the relay waits to be scheduled), 4 MiB
 *   without (throughput then at most window / one-way delay, as a TCP window limits a real connection).
 * - Handshake: the relay opens its own connection to the target only when the TCP handshake's last packet would
 *   arrive there (2 x the delay of the connecting direction + 1 x the other after the accept), and holds what the
 *   connecting side sent until then. The connecting program's own connect() completes at loopback speed, which no
 *   relay can change, but the far end sees the connection, and anything sent on it, no earlier than on a real
 *   link, so a request-reply exchange costs what it costs there.
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LinkOptions {
  /** Round trip added by the link, ms, split evenly unless upMs/downMs say otherwise. */
  rttMs?: number;
  /** One-way delay from the client to the server, ms. */
  upMs?: number;
  /** One-way delay from the server to the client, ms. */
  downMs?: number;
  /** Rate of each direction, Mbit/s (10^6 bits), shared by all connections of the link; none: unlimited. */
  rateMbit?: number;
  /** Bytes one connection may have inside the link per direction before the relay stops reading. */
  windowBytes?: number;
}

/** One direction of the link: its delay and its (shared) serializer. */
class Way {
  private nextFree = 0;
  constructor(
    readonly delayMs: number,
    private readonly bytesPerMs: number | undefined,
  ) {}

  /** When a chunk of `n` bytes read at `now` reaches the far side. */
  arrival(now: number, n: number): number {
    if (!this.bytesPerMs) return now + this.delayMs;
    const start = Math.max(now, this.nextFree);
    this.nextFree = start + n / this.bytesPerMs;
    return this.nextFree + this.delayMs;
  }
}

interface Item {
  at: number;
  chunk?: Buffer;
  end?: boolean;
  reset?: boolean;
}

export class Link {
  readonly upMs: number;
  readonly downMs: number;
  readonly rateMbit: number | undefined;
  readonly windowBytes: number;
  private readonly up: Way;
  private readonly down: Way;
  private readonly sockets = new Set<net.Socket>();
  private readonly servers = new Set<net.Server>();
  private closed = false;
  private inside = 0;

  constructor(options: LinkOptions) {
    const half = (options.rttMs ?? 0) / 2;
    this.upMs = options.upMs ?? half;
    this.downMs = options.downMs ?? half;
    for (const [name, v] of [['upMs', this.upMs], ['downMs', this.downMs], ['rateMbit', options.rateMbit ?? 1]] as const) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`Link: ${name} must be a number >= 0, not ${v}`);
    }
    if (options.rateMbit !== undefined && options.rateMbit <= 0) throw new Error(`Link: rateMbit must be > 0, not ${options.rateMbit}`);
    this.rateMbit = options.rateMbit;
    const bytesPerMs = options.rateMbit ? (options.rateMbit * 1e6) / 8 / 1000 : undefined;
    this.up = new Way(this.upMs, bytesPerMs);
    this.down = new Way(this.downMs, bytesPerMs);
    this.windowBytes =
      options.windowBytes ?? (bytesPerMs ? Math.ceil(2 * bytesPerMs * Math.max(this.upMs + this.downMs, 1)) + 65536 : 4 * 1024 * 1024);
  }

  /** Bytes read from a sender and not yet written to the receiver, all connections and directions. */
  get bytesInside(): number {
    return this.inside;
  }

  get rttMs(): number {
    return this.upMs + this.downMs;
  }

  /**
   * A listener whose connections are relayed through the link to `target`. `from`: which side connects to it
   * ('client': the usual; 'server': an active-mode data connection, where the server dials the client). With
   * `once`, it closes after its first connection (a data connection's listener).
   */
  async front(target: { host: string; port: number }, opts: { from?: 'client' | 'server'; once?: boolean } = {}): Promise<net.Server> {
    if (this.closed) throw new Error('Link: closed');
    const fromClient = (opts.from ?? 'client') === 'client';
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.servers.add(server);
    server.on('close', () => this.servers.delete(server));
    server.on('connection', (near) => {
      if (opts.once) server.close();
      this.track(near);
      // The handshake: SYN and the final ACK travel the connecting direction, SYN-ACK the other.
      const [toward, back] = fromClient ? [this.up, this.down] : [this.down, this.up];
      const far = new net.Socket({ allowHalfOpen: true });
      this.track(far);
      const openAt = performance.now() + 2 * toward.delayMs + back.delayMs;
      this.carry(near, far, toward);
      this.carry(far, near, back);
      near.resume();
      setTimeout(() => {
        if (!near.destroyed) far.connect(target.port, target.host);
      }, Math.max(0, openAt - performance.now()));
      far.on('error', () => kill(near));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** A socket to `target` through the link, dialled by `from` (see front()). */
  async connect(target: { host: string; port: number }, from: 'client' | 'server'): Promise<net.Socket> {
    const server = await this.front(target, { from, once: true });
    const s = net.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, allowHalfOpen: true });
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of [...this.sockets]) s.destroy();
    await Promise.all([...this.servers].map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    // Each write goes out at once, as a router forwards each segment: with Nagle's algorithm (RFC 896) a relay
    // would hold the second of two replies sent back to back (213 then 229) for the ACK of the first, which the
    // loopback peer delays (up to 40 ms on Linux).
    s.setNoDelay(true);
    s.on('error', () => undefined);
    s.on('close', () => this.sockets.delete(s));
  }

  /** Relay `from` -> `to` through one direction of the link, order kept, at most `windowBytes` inside. */
  private carry(from: net.Socket, to: net.Socket, way: Way): void {
    const queue: Item[] = [];
    let inside = 0;
    let paused = false;
    let timer: NodeJS.Timeout | undefined;
    let draining = false;
    let last = 0;
    const push = (item: Omit<Item, 'at'>, n: number) => {
      const now = performance.now();
      // Order kept: an end or reset never overtakes data (it carries no bytes, so the serializer skips it).
      last = Math.max(last, n > 0 ? way.arrival(now, n) : now + way.delayMs);
      queue.push({ ...item, at: last });
      if (!timer && !draining) flush();
    };
    const flush = (): void => {
      timer = undefined;
      if (to.pending && !to.destroyed) {
        // The relay's own connection is not open yet (the emulated handshake): hold everything until it is.
        if (!draining) {
          draining = true;
          to.once('connect', () => {
            draining = false;
            flush();
          });
        }
        return;
      }
      const now = performance.now();
      // Timers fire on the event loop's millisecond clock, which lags real time: an item due within the next half
      // millisecond goes now rather than a whole timer tick late (an error of at most half a millisecond either way).
      while (queue.length > 0 && queue[0].at <= now + EARLY_MS) {
        const item = queue.shift()!;
        if (item.reset) return kill(to);
        if (item.end) {
          if (!to.destroyed && !to.writableEnded) to.end();
          continue;
        }
        inside -= item.chunk!.length;
        this.inside -= item.chunk!.length;
        if (to.destroyed || to.writableEnded) continue;
        if (!to.write(item.chunk!)) {
          draining = true;
          to.once('drain', () => {
            draining = false;
            flush();
          });
          break;
        }
      }
      if (paused && inside <= this.windowBytes) {
        paused = false;
        from.resume();
      }
      if (queue.length > 0 && !draining) timer = setTimeout(flush, Math.max(0, queue[0].at - performance.now()));
    };
    from.on('data', (chunk: Buffer) => {
      inside += chunk.length;
      this.inside += chunk.length;
      push({ chunk }, chunk.length);
      if (inside > this.windowBytes && !paused) {
        paused = true;
        from.pause();
      }
    });
    from.on('end', () => push({ end: true }, 0));
    from.on('close', (hadError: boolean) => {
      if (hadError) push({ reset: true }, 0);
    });
    // Both directions ended: nothing more can pass.
    to.on('close', () => {
      if (timer) clearTimeout(timer);
      for (const item of queue.splice(0)) this.inside -= item.chunk?.length ?? 0;
      if (!from.destroyed && !from.readableEnded) kill(from);
    });
  }
}

const EARLY_MS = 0.5;

function kill(s: net.Socket): void {
  if (s.destroyed) return;
  if (typeof s.resetAndDestroy === 'function' && !s.connecting) s.resetAndDestroy();
  else s.destroy();
}
