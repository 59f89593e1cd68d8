import * as assert from 'node:assert/strict';
import { FtpConnectionError, FtpReplyError, type DataMode } from '../../src/ftp';
import { isConnectionLost } from '../../src/ftp';
import { ClientPool, PoolClosedError, type PoolClient } from '../../src/remote/pool';
import { Deferred } from './remote-fake-client';

/** A client that counts what runs on it at once. */
class Client implements PoolClient {
  closed = false;
  mode: DataMode = 'passive';
  running = 0;
  maxRunning = 0;
  closes = 0;
  noops = 0;
  noopError: unknown;
  private listeners: (() => void)[] = [];
  constructor(readonly id: number) {}
  on(_e: 'close', l: () => void) {
    this.listeners.push(l);
    return this;
  }
  async close() {
    this.closes++;
    this.closed = true;
  }
  destroy() {
    this.closed = true;
  }
  async noop() {
    this.noops++;
    if (this.noopError) throw this.noopError;
  }
  /** The server drops the connection. */
  drop() {
    this.closed = true;
    for (const l of this.listeners) l();
  }
}

function makePool(size: number, extra: Partial<ConstructorParameters<typeof ClientPool<Client>>[0]> = {}) {
  const clients: Client[] = [];
  const pool = new ClientPool<Client>({
    size,
    isConnectionError: isConnectionLost,
    create: async (n) => {
      const c = new Client(n);
      clients.push(c);
      return c;
    },
    ...extra,
  });
  return { pool, clients };
}

/** A pool of 2 whose server refuses the `refused`-th connection with 421 (its limit per address). */
function refusingPool(refused: number): ClientPool<Client> {
  let n = 0;
  return new ClientPool<Client>({
    size: 2,
    isConnectionError: isConnectionLost,
    create: async () => {
      n++;
      if (n === refused) throw new FtpReplyError(421, 'Too many connections from your IP');
      return new Client(n);
    },
  });
}

/** An operation that holds its client until released, and checks nothing else runs on it meanwhile. */
function holdingOp(log: string[], name: string) {
  const started = new Deferred<Client>();
  const release = new Deferred<void>();
  const fn = async (c: Client) => {
    c.running++;
    c.maxRunning = Math.max(c.maxRunning, c.running);
    log.push(`${name}@${c.id}`);
    started.resolve(c);
    await release.promise;
    c.running--;
    return name;
  };
  return { fn, started, release };
}

describe('remote/pool', () => {
  it('never opens more than size clients, and queues the rest', async () => {
    const { pool, clients } = makePool(2);
    const log: string[] = [];
    const ops = ['a', 'b', 'c', 'd', 'e'].map((n) => holdingOp(log, n));
    const results = ops.map((o) => pool.run(o.fn));
    assert.equal(pool.stats.connecting, 2);
    assert.equal(pool.stats.waiting, 3);
    await Promise.all([ops[0].started.promise, ops[1].started.promise]);
    assert.equal(clients.length, 2);
    assert.deepEqual(log, ['a@1', 'b@2']);
    ops[1].release.resolve();
    await ops[2].started.promise;
    assert.deepEqual(log, ['a@1', 'b@2', 'c@2']);
    for (const o of ops) o.release.resolve();
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(clients.length, 2);
    assert.ok(clients.every((c) => c.maxRunning === 1), 'one operation at a time per client');
  });

  it('serves waiting requests in order', async () => {
    const { pool } = makePool(1);
    const order: string[] = [];
    const first = holdingOp(order, 'first');
    const p1 = pool.run(first.fn);
    const rest = ['b', 'c', 'd'].map((n) => pool.run(async () => void order.push(n)));
    await first.started.promise;
    first.release.resolve();
    await Promise.all([p1, ...rest]);
    assert.deepEqual(order, ['first@1', 'b', 'c', 'd']);
  });

  it('never runs two operations on one client, under a random load', async () => {
    const { pool, clients } = makePool(3);
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pending: { release: Deferred<void> }[] = [];
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const op = holdingOp([], `op${i}`);
      pending.push(op);
      runs.push(pool.run(op.fn, { transfer: rnd() < 0.3 }));
    }
    while (pending.length) {
      const i = Math.floor(rnd() * pending.length);
      pending.splice(i, 1)[0].release.resolve();
    }
    await Promise.all(runs);
    assert.ok(clients.length <= 3);
    for (const c of clients) assert.equal(c.maxRunning, 1, `client ${c.id}`);
  });

  it('opens a new connection when the server closed the idle one', async () => {
    const { pool, clients } = makePool(1);
    assert.equal(await pool.run(async (c) => c.id), 1);
    assert.equal(pool.connectedCount, 1);
    clients[0].drop();
    assert.equal(pool.connectedCount, 0);
    assert.equal(await pool.run(async (c) => c.id), 2);
    assert.equal(clients.length, 2);
  });

  it('keeps a client whose connection dropped but which is not closed: it reconnects by itself', async () => {
    const { pool, clients } = makePool(1);
    assert.equal(await pool.run(async (c) => c.id), 1);
    const c = clients[0] as Client & { connected: boolean };
    c.connected = false;
    assert.equal(pool.connectedCount, 0);
    assert.equal(await pool.run(async (x) => x.id), 1);
    assert.equal(clients.length, 1);
    let attempts = 0;
    const id = await pool.run(
      async (x) => {
        if (++attempts === 1) throw new FtpConnectionError('reset');
        return x.id;
      },
      { idempotent: true },
    );
    assert.equal(id, 1, 'retried on the same client');
    assert.equal(attempts, 2);
  });

  it('never hands out an idle client that closed without telling', async () => {
    const { pool, clients } = makePool(1);
    await pool.run(async () => undefined);
    clients[0].closed = true;
    assert.equal(await pool.run(async (c) => c.id), 2);
  });

  it('retries an idempotent operation once on a fresh connection after a connection error', async () => {
    const { pool, clients } = makePool(1);
    let attempts = 0;
    const result = await pool.run(
      async (c) => {
        attempts++;
        if (attempts === 1) {
          c.drop();
          throw new FtpReplyError(421, 'Service not available, closing control connection');
        }
        return c.id;
      },
      { idempotent: true },
    );
    assert.equal(result, 2);
    assert.equal(attempts, 2);
    assert.equal(clients.length, 2);
  });

  it('retries only once, and never a non-idempotent operation', async () => {
    const { pool } = makePool(1);
    let attempts = 0;
    await assert.rejects(
      pool.run(
        async () => {
          attempts++;
          throw new FtpConnectionError('reset');
        },
        { idempotent: true },
      ),
      /reset/,
    );
    assert.equal(attempts, 2);
    attempts = 0;
    await assert.rejects(
      pool.run(async () => {
        attempts++;
        throw new FtpConnectionError('reset');
      }),
      /reset/,
    );
    assert.equal(attempts, 1);
  });

  it('asks an idempotent function after the failure whether to run once more (a download: until a byte arrived)', async () => {
    const { pool } = makePool(1);
    for (const safe of [true, false]) {
      let attempts = 0;
      let asked = 0;
      const run = pool.run(
        async (c) => {
          if (++attempts === 1) throw new FtpConnectionError('reset');
          return c.id;
        },
        {
          idempotent: () => {
            asked++;
            return safe;
          },
        },
      );
      if (safe) assert.equal(await run, 1);
      else await assert.rejects(run, /reset/);
      assert.equal(attempts, safe ? 2 : 1);
      assert.equal(asked, 1, 'asked once, after the failure');
    }
  });

  it('keeps a client after an ordinary error (550), and does not retry', async () => {
    const { pool, clients } = makePool(1);
    let attempts = 0;
    await assert.rejects(
      pool.run(
        async () => {
          attempts++;
          throw new FtpReplyError(550, 'No such file');
        },
        { idempotent: true },
      ),
    );
    assert.equal(attempts, 1);
    assert.equal(await pool.run(async (c) => c.id), 1);
    assert.equal(clients.length, 1);
  });

  it('leaves a connection for browsing while transfers wait', async () => {
    const { pool } = makePool(2);
    const log: string[] = [];
    const t1 = holdingOp(log, 't1');
    const t2 = holdingOp(log, 't2');
    const p1 = pool.run(t1.fn, { transfer: true });
    const p2 = pool.run(t2.fn, { transfer: true });
    await t1.started.promise;
    assert.equal(pool.stats.transfers, 1);
    const browse = await pool.run(async (c) => `browse@${c.id}`);
    assert.equal(browse, 'browse@2');
    assert.deepEqual(log, ['t1@1'], 't2 still waits: transfers may use size - 1 connections');
    t1.release.resolve();
    await t2.started.promise;
    t2.release.resolve();
    await Promise.all([p1, p2]);
  });

  it('sets the mode on idle, busy and future clients', async () => {
    const { pool, clients } = makePool(2, { mode: 'passive' });
    const busy = holdingOp([], 'busy');
    const p = pool.run(busy.fn);
    await pool.run(async () => undefined);
    await busy.started.promise;
    pool.setMode('active');
    assert.deepEqual(
      clients.map((c) => c.mode),
      ['active', 'active'],
    );
    busy.release.resolve();
    await p;
    const { pool: pool2, clients: c2 } = makePool(1, { mode: 'passive' });
    pool2.setMode('active');
    await pool2.run(async () => undefined);
    assert.equal(c2[0].mode, 'active');
  });

  it('gives up waiting when aborted, without using a client', async () => {
    const { pool, clients } = makePool(1);
    const hold = holdingOp([], 'hold');
    const p = pool.run(hold.fn);
    const abort = new AbortController();
    let ran = false;
    const waiting = pool.run(async () => (ran = true), { signal: abort.signal });
    abort.abort();
    await assert.rejects(waiting, /Cancelled while waiting/);
    await hold.started.promise;
    hold.release.resolve();
    await p;
    assert.equal(ran, false);
    assert.equal(clients.length, 1);
    assert.equal(pool.stats.busy, 0);
    assert.equal(pool.stats.idle, 1);
  });

  it('shrinks to the connections it has when the server refuses one more', async () => {
    const pool = refusingPool(2);
    const first = holdingOp([], 'first');
    const p1 = pool.run(first.fn);
    await first.started.promise;
    const p2 = pool.run(async (c) => c.id);
    first.release.resolve();
    assert.equal(await p2, 1, 'the waiting request ran on the first connection');
    await p1;
    assert.equal(pool.size, 1);
  });

  it('widens for a folder transfer, then closes the extra connections and is its size again', async () => {
    const { pool, clients } = makePool(2);
    const log: string[] = [];
    const giveBack = pool.widen(4);
    assert.equal(pool.size, 4);
    const ops = ['a', 'b', 'c', 'd', 'e'].map((n) => holdingOp(log, n));
    const results = ops.map((o) => pool.run(o.fn));
    await Promise.all(ops.slice(0, 4).map((o) => o.started.promise));
    assert.equal(clients.length, 4, 'four at once');
    assert.equal(pool.stats.waiting, 1);
    giveBack();
    giveBack(); // (twice is once)
    assert.equal(pool.size, 2);
    // Busy extras close when released (the first two released), the one waiting runs on a client that stays.
    ops[0].release.resolve();
    ops[1].release.resolve();
    await Promise.all([results[0], results[1]]);
    assert.equal(pool.stats.waiting, 1, 'still waiting: the two released were extra');
    ops[2].release.resolve();
    assert.equal((await ops[4].started.promise).id, (await ops[2].started.promise).id);
    for (const o of ops) o.release.resolve();
    await Promise.all(results);
    assert.equal(clients.filter((c) => !c.closed).length, 2, 'two left open');
    assert.equal(clients.filter((c) => c.closes === 1).length, 2, 'the two extra ones closed with QUIT');
    // Widened again while idle: idle clients above the size close as soon as it is given back.
    const again = pool.widen(3);
    const more = ['f', 'g', 'h'].map((n) => holdingOp(log, n));
    const runs = more.map((o) => pool.run(o.fn));
    await Promise.all(more.map((o) => o.started.promise));
    for (const o of more) o.release.resolve();
    await Promise.all(runs);
    assert.equal(pool.stats.idle, 3);
    again();
    assert.equal(pool.stats.idle, 2);
    assert.equal(pool.size, 2);
  });

  it('widens no further than the server took, and forgets that limit only when resized', async () => {
    const pool = refusingPool(4);
    const giveBack = pool.widen(4);
    const ops = ['a', 'b', 'c', 'd'].map((x) => holdingOp([], x));
    const results = ops.map((o) => pool.run(o.fn));
    await Promise.all(ops.slice(0, 3).map((o) => o.started.promise));
    assert.equal(pool.size, 3, 'three: the fourth was refused');
    ops[0].release.resolve();
    await ops[3].started.promise;
    for (const o of ops) o.release.resolve();
    await Promise.all(results);
    giveBack();
    assert.equal(pool.size, 2);
    // Widened again: still no more than the 3 the server took.
    const again = pool.widen(4);
    assert.equal(pool.size, 3);
    again();
    pool.resize(2);
    const third = pool.widen(4);
    assert.equal(pool.size, 4, 'a resize (the settings changed) forgets the refusal');
    third();
  });

  it('a refusal that comes back while another connection is still logging in waits for that one', async () => {
    const second = new Deferred<Client>();
    const pool = new ClientPool<Client>({
      size: 2,
      isConnectionError: isConnectionLost,
      // Both open at once; the server lets the second in, and refuses the first before the second is through.
      create: async (n) => {
        if (n === 1) throw new FtpReplyError(421, 'Too many connections from your IP');
        return second.promise;
      },
      // The refusal has been handled: now the second connection gets through.
      onInfo: () => second.resolve(new Client(2)),
    });
    const a = pool.run(async (c) => c.id);
    const b = pool.run(async (c) => c.id);
    assert.deepEqual(await Promise.all([a, b]), [2, 2], 'both requests ran on the connection the server let in');
    assert.equal(pool.size, 1);
  });

  it("two logins that raced for the server's last place, both refused: tried again a moment later, and it works", async () => {
    const limit = (e: unknown) => e instanceof FtpReplyError && e.code === 530 && /maximum number of clients/.test(e.replyText);
    let n = 0;
    const infos: string[] = [];
    const pool = new ClientPool<Client>({
      size: 2,
      isConnectionError: (e) => isConnectionLost(e) || limit(e),
      isConnectionLimit: limit,
      // The first two logins are both refused (the server counted both); the next one gets in.
      create: async () => {
        n++;
        if (n <= 2) throw new FtpReplyError(530, 'Sorry, the maximum number of clients (1) for this user are already connected.');
        return new Client(n);
      },
      onInfo: (t) => infos.push(t),
    });
    const ids = await Promise.all([pool.run(async (c) => c.id), pool.run(async (c) => c.id)]);
    assert.deepEqual(ids, [3, 3]);
    assert.ok(infos.some((t) => /with none open: trying again/.test(t)), infos.join('\n'));
  });

  it('reports a failed first connection to the caller', async () => {
    const pool = new ClientPool<Client>({
      size: 2,
      isConnectionError: isConnectionLost,
      create: async () => {
        throw new FtpConnectionError('ECONNREFUSED');
      },
    });
    await assert.rejects(pool.run(async () => 1), /ECONNREFUSED/);
    assert.equal(pool.stats.connecting, 0);
  });

  it('checks a long-idle client with NOOP before use and replaces a dead one', async () => {
    const clock = { t: 0 };
    const { pool, clients } = makePool(1, { validateAfterIdleMs: 1000, now: () => clock.t });
    await pool.run(async () => undefined);
    clock.t = 500;
    await pool.run(async () => undefined);
    assert.equal(clients[0].noops, 0, 'fresh enough');
    clock.t = 5000;
    clients[0].noopError = new FtpConnectionError('reset');
    assert.equal(await pool.run(async (c) => c.id), 2);
    assert.equal(clients[0].noops, 1);
  });

  it('keeps idle connections alive with NOOP', async () => {
    const clock = { t: 0 };
    const { pool, clients } = makePool(1, { keepAliveMs: 60000, now: () => clock.t });
    await pool.run(async () => undefined);
    await pool.keepAlive();
    assert.equal(clients[0].noops, 0);
    clock.t = 60000;
    await pool.keepAlive();
    assert.equal(clients[0].noops, 1);
    await pool.dispose();
  });

  it('closes idle clients at once and busy ones when they finish (Disconnect)', async () => {
    const { pool, clients } = makePool(2);
    const busy = holdingOp([], 'busy');
    const p = pool.run(busy.fn);
    await pool.run(async () => undefined);
    await busy.started.promise;
    await pool.closeAll();
    const idle = clients.find((c) => c.running === 0)!;
    const running = clients.find((c) => c.running === 1)!;
    assert.equal(idle.closes, 1);
    assert.equal(running.closed, false);
    busy.release.resolve();
    await p;
    assert.equal(running.closed, true);
    assert.equal(await pool.run(async (c) => c.id), 3, 'the next request opens a new connection');
  });

  it('rejects waiting requests when disposed', async () => {
    const { pool } = makePool(1);
    const hold = holdingOp([], 'hold');
    const p = pool.run(hold.fn);
    const waiting = pool.run(async () => 1);
    await hold.started.promise;
    await pool.dispose();
    await assert.rejects(waiting, PoolClosedError);
    await assert.rejects(pool.run(async () => 1), PoolClosedError);
    hold.release.resolve();
    await p;
  });
});
