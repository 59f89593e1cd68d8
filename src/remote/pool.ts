/**
 * A small pool of control connections for one site. No vscode import, so it is tested with a fake client.
 *
 * - At most `size` clients; one client runs one operation at a time (a client is either idle or leased).
 * - Requests wait in FIFO order. Transfers may hold at most `maxTransfers` clients (default size - 1, at least 1),
 *   so browsing keeps a connection while a large file moves; a browsing request may pass a transfer that waits
 *   for that reason, never another browsing request.
 * - Reconnecting belongs to the client: one whose control connection was dropped (421, idle timeout, reset) stays
 *   in the pool, and its next operation opens a new connection and logs in again. Only a client that is `closed`
 *   (for good) is discarded, and a new one is opened on the next request. An idempotent operation that failed
 *   with a lost connection is retried once: on the same client if it is not closed, else on a fresh one.
 * - If opening an extra connection fails while others are open (servers that allow one login per user),
 *   the pool shrinks to the connections it has and the request waits for one of them.
 * - A folder transfer may widen the pool for its duration (widen()): more connections than the configured size,
 *   never more than the server took, and the extra ones closed when it is done.
 * - `mode` is set on every client, idle or busy (it takes effect for its next transfer), and on new ones.
 */
import { isConnectionLost, type DataMode } from '../ftp';
import { connected, PoolClosedError, PoolWaitCancelledError, type ClosingOptions, type PoolClient, type PoolOptions, type PoolStats, type RunOptions } from './poolTypes';

export { PoolClosedError, PoolWaitCancelledError, type ClosingOptions, type PoolClient, type PoolOptions, type PoolStats, type RunOptions };

interface Waiter<C> {
  transfer: boolean;
  settled: boolean;
  resolve: (c: C) => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
  /** Connections refused for the server's limit while no other was open (retried a moment later). */
  refusals?: number;
}

interface Idle<C> {
  client: C;
  since: number;
}

export class ClientPool<C extends PoolClient> {
  /** How many clients may be open now: the configured size, or more while widen() asks, or fewer than asked once the server refused. */
  private limit: number;
  /** The configured size (the constructor's, resize()'s). */
  private base: number;
  /** The sizes asked for by widen() and not yet given back. */
  private readonly widenings: number[] = [];
  /** The server refused a connection with this many open (or opening): no more than that until resize(). */
  private refusedAbove: number | undefined;
  private readonly idle: Idle<C>[] = [];
  /** Leased clients; `connected`: whether it was connected when leased (the tree hears when that changed). */
  private readonly busy = new Map<C, { transfer: boolean; connected: boolean }>();
  private readonly waiters: Waiter<C>[] = [];
  private readonly closeOnRelease = new Set<C>();
  private readonly listeners = new Set<() => void>();
  private connecting = 0;
  private transfers = 0;
  private opened = 0;
  private disposed = false;
  private generation = 0;
  private currentMode: DataMode;
  private timer: ReturnType<typeof setInterval> | undefined;
  private keepAliveMs = 0;
  private readonly now: () => number;

  constructor(private readonly opts: PoolOptions<C>) {
    this.base = Math.max(1, Math.floor(opts.size));
    this.limit = this.base;
    this.currentMode = opts.mode ?? 'passive';
    this.now = opts.now ?? Date.now;
    this.setKeepAlive(opts.keepAliveMs ?? 0);
  }

  /** The keep-alive period from now on (ftpExplorer.keepAliveSeconds changed); 0 = off. */
  setKeepAlive(ms: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.keepAliveMs = ms > 0 ? ms : 0;
    if (this.keepAliveMs > 0 && !this.disposed) {
      // Check twice per period: a client that went idle just after a check would otherwise wait up to two
      // periods for its NOOP, long enough for a server whose idle timeout is just above the period to drop it.
      this.timer = setInterval(() => void this.keepAlive(), Math.max(250, this.keepAliveMs / 2));
      this.timer.unref?.();
    }
  }

  get size(): number {
    return this.limit;
  }

  get mode(): DataMode {
    return this.currentMode;
  }

  /** Clients whose control connection is open (idle or busy). */
  get connectedCount(): number {
    let n = 0;
    for (const i of this.idle) if (connected(i.client)) n++;
    for (const c of this.busy.keys()) if (connected(c)) n++;
    return n;
  }

  get stats(): PoolStats {
    return {
      size: this.limit,
      idle: this.idle.length,
      busy: this.busy.size,
      connecting: this.connecting,
      waiting: this.waiters.length,
      transfers: this.transfers,
      opened: this.opened,
    };
  }

  /** Called when clients open or close (for "connected" in the tree). Returns an unsubscribe function. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private get maxTransfers(): number {
    const m = this.opts.maxTransfers ?? this.limit - 1;
    return Math.max(1, Math.min(m, this.limit));
  }

  /** Change the number of connections; extra idle ones are closed, extra busy ones when released. */
  resize(size: number): void {
    this.base = Math.max(1, Math.floor(size));
    this.refusedAbove = undefined;
    this.applyLimit();
  }

  /**
   * Allow up to `size` connections until the returned function is called (a folder transfer over a long round
   * trip: each connection waits out its own round trips). Never beyond what the server took before it refused one;
   * when given back, the extra connections close (idle ones at once, busy ones when released).
   */
  widen(size: number): () => void {
    const n = Math.max(1, Math.floor(size));
    this.widenings.push(n);
    this.applyLimit();
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.widenings.splice(this.widenings.indexOf(n), 1);
      this.applyLimit();
    };
  }

  private applyLimit(): void {
    const wanted = Math.max(this.base, ...this.widenings);
    this.limit = Math.max(1, this.refusedAbove === undefined ? wanted : Math.min(wanted, this.refusedAbove));
    while (this.idle.length && this.total > this.limit) this.discard(this.idle.shift()!.client, true);
    this.pump();
  }

  /** The data connection mode of every client from its next transfer on. */
  setMode(mode: DataMode): void {
    this.currentMode = mode;
    for (const i of this.idle) i.client.mode = mode;
    for (const c of this.busy.keys()) c.mode = mode;
  }

  /** Run `fn` with a client of its own. */
  async run<T>(fn: (client: C) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const transfer = options.transfer === true;
    let client = await this.acquire(transfer, options.signal);
    for (let attempt = 0; ; attempt++) {
      let result: T;
      try {
        result = await fn(client);
      } catch (err) {
        const lost = client.closed || this.isConnectionError(err);
        const again = typeof options.idempotent === 'function' ? options.idempotent() : options.idempotent === true;
        if (!lost || !again || attempt > 0 || options.signal?.aborted || this.disposed) {
          this.release(client, client.closed);
          throw err;
        }
        // Once more: the same client reconnects by itself, unless it is closed for good or was to close.
        if (client.closed || this.closeOnRelease.has(client)) {
          this.release(client, client.closed);
          client = await this.acquire(transfer, options.signal);
        }
        continue;
      }
      this.release(client, client.closed);
      return result;
    }
  }

  /** Close the connections (Disconnect): idle ones now, busy ones when their operation ends. */
  async closeAll(opts?: ClosingOptions): Promise<void> {
    this.generation++;
    const idle = this.idle.splice(0);
    for (const c of this.busy.keys()) this.closeOnRelease.add(c);
    this.emit();
    await Promise.all(idle.map((i) => this.closeQuietly(i.client, opts)));
  }

  /** Close everything and refuse new requests. */
  async dispose(opts?: ClosingOptions): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.waiters.splice(0)) this.settle(w, undefined, new PoolClosedError());
    await this.closeAll(opts);
    this.listeners.clear();
  }

  /**
   * Send NOOP on clients idle for at least half of keepAliveMs (called by the timer every half period, so no
   * client stays idle longer than keepAliveMs; public for tests).
   */
  async keepAlive(): Promise<void> {
    const ms = this.keepAliveMs / 2;
    // (Not a client whose connection was dropped: its NOOP would log in again just to keep an unused connection.)
    const due = this.idle.filter((i) => this.now() - i.since >= ms && i.client.noop && connected(i.client));
    await Promise.all(
      due.map(async (i) => {
        const at = this.idle.indexOf(i);
        if (at < 0) return;
        this.idle.splice(at, 1);
        this.lease(i.client, false);
        try {
          await i.client.noop!();
        } catch (err) {
          // The client dropped its connection; it reconnects by itself on the next request.
          this.opts.onInfo?.(`keep-alive failed, will reconnect on the next request: ${(err as Error).message}`);
        }
        this.release(i.client, i.client.closed);
      }),
    );
  }

  private get total(): number {
    return this.idle.length + this.busy.size + this.connecting;
  }

  private isConnectionError(err: unknown): boolean {
    return (this.opts.isConnectionError ?? isConnectionLost)(err);
  }

  private acquire(transfer: boolean, signal?: AbortSignal): Promise<C> {
    if (this.disposed) return Promise.reject(new PoolClosedError());
    if (signal?.aborted) return Promise.reject(new PoolWaitCancelledError());
    return new Promise<C>((resolve, reject) => {
      const w: Waiter<C> = { transfer, settled: false, resolve, reject, cleanup: () => undefined };
      if (signal) {
        const onAbort = () => {
          const at = this.waiters.indexOf(w);
          if (at >= 0) this.waiters.splice(at, 1);
          this.settle(w, undefined, new PoolWaitCancelledError());
          this.pump();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        w.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.waiters.push(w);
      this.pump();
    });
  }

  /** Hand a client to `w`, or an error; a client for a waiter that gave up goes back to the pool. */
  private settle(w: Waiter<C>, client: C | undefined, err?: unknown): void {
    if (w.settled) {
      if (client) this.release(client, client.closed);
      return;
    }
    w.settled = true;
    w.cleanup();
    if (client) w.resolve(client);
    else w.reject(err);
  }

  private pump(): void {
    if (this.disposed) return;
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i];
      if (w.transfer && this.transfers >= this.maxTransfers) {
        i++;
        continue;
      }
      const idle = this.takeIdle();
      if (idle) {
        this.waiters.splice(i, 1);
        this.lease(idle.client, w.transfer);
        const validateMs = this.opts.validateAfterIdleMs ?? 0;
        // (A dropped client is not checked: its next operation reconnects anyway.)
        if (validateMs > 0 && idle.client.noop && connected(idle.client) && this.now() - idle.since >= validateMs) this.validate(idle.client, w);
        else this.settle(w, idle.client);
        continue;
      }
      if (this.total < this.limit) {
        this.waiters.splice(i, 1);
        this.open(w);
        continue;
      }
      break;
    }
  }

  /** The most recently used idle client, preferring one still connected (a dropped one must log in again first). */
  private takeIdle(): Idle<C> | undefined {
    for (let k = this.idle.length - 1; k >= 0; k--) if (this.idle[k].client.closed) this.discard(this.idle[k].client, false);
    let at = this.idle.length - 1;
    while (at > 0 && !connected(this.idle[at].client)) at--;
    if (at >= 0 && !connected(this.idle[at].client)) at = this.idle.length - 1;
    return at >= 0 ? this.idle.splice(at, 1)[0] : undefined;
  }

  private lease(client: C, transfer: boolean): void {
    this.busy.set(client, { transfer, connected: connected(client) });
    if (transfer) this.transfers++;
  }

  private validate(client: C, w: Waiter<C>): void {
    client.noop!().then(
      () => (client.closed ? this.retryWaiter(client, w) : this.settle(w, client)),
      () => this.retryWaiter(client, w),
    );
  }

  /**
   * The long-idle client handed to `w` failed its NOOP check: replace it (the request gets a client that just
   * answered), and put `w` back at the head of the queue.
   */
  private retryWaiter(client: C, w: Waiter<C>): void {
    this.release(client, true);
    if (w.settled) return;
    if (this.disposed) return this.settle(w, undefined, new PoolClosedError());
    this.waiters.unshift(w);
    this.pump();
  }

  private open(w: Waiter<C>): void {
    this.connecting++;
    if (w.transfer) this.transfers++;
    const gen = this.generation;
    const n = ++this.opened;
    this.opts.create(n).then(
      (client) => {
        this.connecting--;
        client.mode = this.currentMode;
        client.on?.('close', () => this.onClientClosed(client));
        this.busy.set(client, { transfer: w.transfer, connected: connected(client) });
        if (gen !== this.generation) this.closeOnRelease.add(client);
        this.emit();
        if (this.disposed) {
          this.settle(w, undefined, new PoolClosedError());
          this.release(client, true);
          return;
        }
        this.settle(w, client);
      },
      (err) => {
        this.connecting--;
        if (w.transfer) this.transfers--;
        // Open, or still being opened: a refusal may come back before another connection is through its login.
        const alive = this.idle.length + this.busy.size + this.connecting;
        if (alive > 0 && this.isConnectionError(err) && !w.settled && !this.disposed) {
          // The server refuses another connection: make do with the ones we have.
          this.refusedAbove = alive;
          this.limit = Math.min(this.limit, alive);
          this.opts.onInfo?.(`the server refused connection ${n} (${(err as Error).message}); using ${alive}`);
          this.waiters.unshift(w);
        } else if (alive === 0 && this.opts.isConnectionLimit?.(err) && (w.refusals ?? 0) < 2 && !w.settled && !this.disposed) {
          w.refusals = (w.refusals ?? 0) + 1;
          this.opts.onInfo?.(`the server refused connection ${n} (${(err as Error).message}) with none open: trying again`);
          const again = setTimeout(() => {
            if (this.disposed || w.settled) return;
            this.waiters.unshift(w);
            this.pump();
          }, 500 * w.refusals);
          again.unref?.();
        } else {
          this.settle(w, undefined, err);
        }
        this.pump();
      },
    );
  }

  private release(client: C, broken: boolean): void {
    const info = this.busy.get(client);
    if (!info) return;
    this.busy.delete(client);
    if (info.transfer) this.transfers--;
    const close = this.closeOnRelease.delete(client) || this.disposed || this.total >= this.limit;
    if (broken || client.closed) this.discard(client, false);
    else if (close) this.discard(client, true);
    else {
      this.idle.push({ client, since: this.now() });
      // It reconnected (or lost its connection) during the operation: "connected" in the tree changes.
      if (connected(client) !== info.connected) this.emit();
    }
    this.pump();
  }

  /** The control connection closed: dropped (the client stays, and reconnects when next used), or closed for good. */
  private onClientClosed(client: C): void {
    if (client.closed) {
      const at = this.idle.findIndex((i) => i.client === client);
      if (at >= 0) this.idle.splice(at, 1);
    }
    this.emit();
    this.pump();
  }

  private discard(client: C, graceful: boolean): void {
    const at = this.idle.findIndex((i) => i.client === client);
    if (at >= 0) this.idle.splice(at, 1);
    if (graceful && !client.closed) void this.closeQuietly(client);
    else if (!client.closed) {
      try {
        client.destroy();
      } catch {
        /* already gone */
      }
    }
    this.emit();
  }

  private async closeQuietly(client: C, opts?: ClosingOptions): Promise<void> {
    try {
      if (!client.closed) await client.close(opts);
    } catch {
      try {
        client.destroy();
      } catch {
        /* already gone */
      }
    }
    this.emit();
  }

  private emit(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        /* a listener's problem */
      }
    }
  }
}

