import { strict as assert } from 'node:assert';
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

  it('setKeepAlive turns it on and off on a running pool (ftpExplorer.keepAliveSeconds changed)', async () => {
    const clients: Fake[] = [];
    const pool = new ClientPool<Fake>({ size: 1, create: async () => (clients.push(new Fake()), clients[clients.length - 1]) });
    await pool.run(async () => undefined);
    const noop = new Promise<void>((resolve) => (clients[0].onNoop = resolve));
    pool.setKeepAlive(400);
    let timer: NodeJS.Timeout | undefined;
    const got = await Promise.race([noop.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 3000)))]);
    clearTimeout(timer);
    assert.ok(got, 'no keep-alive NOOP within 3 s of setKeepAlive(400)');
    pool.setKeepAlive(0);
    const n = clients[0].noops;
    await pool.keepAlive(); // a manual check still works; the timer is gone
    assert.ok(clients[0].noops >= n);
    await pool.dispose();
  });
});
