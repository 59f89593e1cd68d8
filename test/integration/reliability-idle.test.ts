import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpClient, formatLogEvent, type FtpLogEvent } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { Site, type RemoteClient } from '../../src/remote/site';
import { startServer, type RunningServer } from '../servers';

/**
 * Idle connections against vsftpd with idle_session_timeout=2 s, through the extension's Site and pool:
 * with keep-alive on, the connection survives idle time; with it off, the server drops it and the next action
 * reconnects without an error reaching the user.
 */
describe('Reliability: idle connections (vsftpd idle_session_timeout=2)', function () {
  this.timeout(30000);
  let srv: RunningServer;

  before(async () => {
    srv = await startServer('vsftpd', { extraConfig: { idle_session_timeout: '2' } });
    fs.writeFileSync(path.join(srv.root, 'a.txt'), 'hello');
  });
  after(async () => srv?.stop());

  function makeSite(keepAliveMs: number) {
    const events: FtpLogEvent[] = [];
    const infos: string[] = [];
    const waiters: { test: (e: FtpLogEvent[]) => boolean; resolve: () => void }[] = [];
    const cfg = normalizeConnection({ name: 'idle', host: srv.host, port: srv.port, username: srv.user, poolSize: 1 }).config!;
    const site = new Site(cfg, 'saved:idle', {
      connect: async () =>
        (await FtpClient.connect({
          host: srv.host,
          port: srv.port,
          user: srv.user,
          password: srv.password,
          timeoutMs: 5000,
          logger: (e) => {
            events.push(e);
            for (const w of [...waiters]) {
              if (w.test(events)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve();
              }
            }
          },
        })) as unknown as RemoteClient,
      poolSize: 1,
      keepAliveMs,
      info: (t) => infos.push(t),
    });
    /** Resolve when the log satisfies `test`, or fail after `ms`. */
    const logReaches = (test: (e: FtpLogEvent[]) => boolean, ms: number, what: string) =>
      new Promise<void>((resolve, reject) => {
        if (test(events)) return resolve();
        const t = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms:\n${events.map(formatLogEvent).join('\n')}`)), ms);
        waiters.push({ test, resolve: () => (clearTimeout(t), resolve()) });
      });
    return { site, events, infos, logReaches };
  }

  const count = (events: FtpLogEvent[], kind: string, re?: RegExp) =>
    events.filter((e) => e.kind === kind && (!re || re.test((e as { text?: string }).text ?? ''))).length;

  it('keep-alive (1.5 s) keeps the connection through 5 s of idle time: no reconnect', async () => {
    const { site, events, logReaches } = makeSite(1500);
    try {
      assert.deepEqual((await site.readDirectory('/')).map(([n]) => n), ['a.txt']);
      // Five NOOPs span well over the server's idle timeout.
      await logReaches((e) => count(e, "command", /^NOOP/) >= 5, 10000, "five keep-alive NOOPs");
      assert.equal(count(events, 'close'), 0, `the connection was dropped:\n${events.map(formatLogEvent).join('\n')}`);
      site.cache.clear();
      assert.deepEqual((await site.readDirectory('/')).map(([n]) => n), ['a.txt']);
      assert.equal(count(events, 'connect'), 1, 'reconnected');
      assert.equal(site.pool.stats.opened, 1);
    } finally {
      await site.dispose();
    }
  });

  it('without keep-alive the server drops the idle connection; the next action reconnects without an error', async () => {
    const { site, events, infos, logReaches } = makeSite(0);
    try {
      await site.readFile('/a.txt');
      await logReaches((e) => count(e, 'close') >= 1, 6000, 'the server dropping the idle connection');
      assert.match(events.map(formatLogEvent).join('\n'), /421 Timeout/);
      // Reading, listing and saving all work on a new connection, and nothing failed on the way.
      assert.equal(Buffer.from(await site.readFile('/a.txt')).toString(), 'hello');
      await site.writeFile('/a.txt', Buffer.from('saved after idle'), { create: true, overwrite: true });
      assert.equal(fs.readFileSync(path.join(srv.root, 'a.txt'), 'utf8'), 'saved after idle');
      assert.equal(count(events, 'connect'), 2);
      assert.deepEqual(infos, []);
    } finally {
      await site.dispose();
    }
  });

  it('after the server dropped every idle connection of a pool of 2, both come back on demand', async () => {
    const { site, events, logReaches } = makeSite(0);
    try {
      site.pool.resize(2);
      await Promise.all([site.readFile('/a.txt'), site.readDirectory('/')]);
      const opened = count(events, 'connect');
      await logReaches((e) => count(e, 'close') >= opened, 6000, 'the server dropping both');
      site.cache.clear();
      const [content, list] = await Promise.all([site.readFile('/a.txt'), site.readDirectory('/')]);
      assert.ok(Buffer.from(content).length > 0);
      assert.ok(list.length > 0);
    } finally {
      await site.dispose();
    }
  });
});
