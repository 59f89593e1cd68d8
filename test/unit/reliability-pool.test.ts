import { strict as assert } from 'node:assert';
import { mock } from 'node:test';
import type { DataMode } from '../../src/ftp';
import { ClientPool, type PoolClient } from '../../src/remote/pool';

/** Keep-alive of the connection pool: no idle connection goes longer than the period without a NOOP. */
class Fake implements PoolClient {
  closed = false;
  mode: DataMode = 'passive';
  noops = 0;
  onNoop: (() => void) | undefined;
  async close(): Promise<void> {
    this.closed = true;
  }
  destroy(): void {
    this.closed = true;
  }
  async noop(): Promise<void> {
    this.noops++;
    this.onNoop?.();
  }
}

describe('remote/pool: keep-alive', () => {
  it('sends the NOOP once a client has been idle half a period (checked every half period), so no gap exceeds the period', async () => {
    const clock = { t: 0 };
    const clients: Fake[] = [];
    const pool = new ClientPool<Fake>({ size: 1, create: async () => (clients.push(new Fake()), clients[clients.length - 1]), keepAliveMs: 60000, now: () => clock.t });
    await pool.run(async () => undefined);
    clock.t = 29999;
    await pool.keepAlive();
    assert.equal(clients[0].noops, 0);
    clock.t = 30000;
    await pool.keepAlive();
    assert.equal(clients[0].noops, 1, 'a check at half the period must keep a client idle since then alive');
    clock.t = 45000;
    await pool.keepAlive();
    assert.equal(clients[0].noops, 1, 'the NOOP counts as activity');
    await pool.dispose();
  });

  it('setKeepAlive turns it on and off on a running pool (ftpExplorer.keepAliveSeconds changed): off sends no NOOP at all', async () => {
    // The pool's timer is a setInterval: node's fake timers move it (mocha has none of its own), so an hour
    // passes in no time and "no NOOP while off" is checked over that hour, not over a real second or two.
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const clock = { t: 0 };
      const clients: Fake[] = [];
      const pool = new ClientPool<Fake>({ size: 1, create: async () => (clients.push(new Fake()), clients[clients.length - 1]), now: () => clock.t });
      await pool.run(async () => undefined);
      /** `ms` of fake time in steps of `step`, letting each NOOP finish (its client back in the pool) before the next. */
      const pass = async (ms: number, step = 100) => {
        for (let done = 0; done < ms; done += step) {
          clock.t += step;
          mock.timers.tick(step);
          await new Promise((r) => setImmediate(r));
        }
      };
      await pass(3_600_000, 10_000);
      assert.equal(clients[0].noops, 0, 'a NOOP while keep-alive was never on');

      pool.setKeepAlive(400);
      await pass(400);
      assert.ok(clients[0].noops >= 1, 'no NOOP within one period of setKeepAlive(400)');
      await pass(10_000 - 400);
      assert.ok(clients[0].noops >= 10_000 / 400, `${clients[0].noops} NOOPs in 10 s: an idle gap longer than the period`);

      pool.setKeepAlive(0);
      const n = clients[0].noops;
      await pass(3_600_000, 10_000);
      assert.equal(clients[0].noops, n, 'a NOOP after setKeepAlive(0)');
      await pool.dispose();
    } finally {
      mock.timers.reset();
    }
  });
});
