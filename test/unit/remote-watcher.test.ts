import * as assert from 'node:assert/strict';
import { FtpConnectionError, FtpReplyError } from '../../src/ftp';
import type { Change } from '../../src/remote/changes';
import { normalizeConnection } from '../../src/remote/config';
import { Site } from '../../src/remote/site';
import { MAX_RECENT_FOLDERS, NODE_TIMERS, Watchers, type Timers } from '../../src/remote/watcher';
import { FakeServer, type FakeClient } from './remote-fake-client';

/** Timers driven by the test: advance() runs what is due, in order. */
class FakeClock implements Timers {
  t = 1_000_000;
  private seq = 0;
  readonly pending = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): number {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clear(h: unknown): void {
    this.pending.delete(h as number);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.pending].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
  }
}

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

function setup(opts: { pollSeconds?: number; mdtm?: boolean; focused?: boolean } = {}) {
  const server = new FakeServer().file('/www/a.txt', 'aaa', new Date(T0)).file('/www/b.txt', 'b', new Date(T0)).dir('/www/sub').dir('/other');
  const clock = new FakeClock();
  const mdtm: string[] = [];
  const config = normalizeConnection({ name: 'site', host: 'h', username: 'bob', pollSeconds: opts.pollSeconds }).config!;
  const site = new Site(config, 'saved:site', {
    connect: async () => {
      const c: FakeClient = await server.connect();
      if (opts.mdtm) {
        Object.assign(c, {
          lastModified: async (p: string) => {
            mdtm.push(p);
            const n = server.nodes.get(p);
            if (!n) throw new FtpReplyError(550, 'No such file', `MDTM ${p}`);
            return n.mtime;
          },
        });
      }
      return c;
    },
    poolSize: 2,
    now: () => clock.t,
  });
  const changes: Change[] = [];
  site.onDidChangeFiles((c) => changes.push(...c));
  const watchers = new Watchers({ sites: () => [site], timers: clock, now: () => clock.t, focused: opts.focused ?? true });
  /** Let the timer fire and the poll it started finish. */
  const tick = async (ms = 10_000) => {
    clock.advance(ms);
    await watchers.settled();
  };
  const lists = () => server.calls.filter((c) => / list /.test(c)).map((c) => c.split(' ').slice(2).join(' '));
  return { server, clock, site, changes, watchers, tick, lists, mdtm };
}

const show = (cs: Change[]) => cs.map((c) => `${c.type} ${c.path}`);

describe('remote/watcher: polling what is watched for changes made by others', () => {
  it('a watched file changed on the server gives one "changed" event after the interval; nothing when nothing changed', async () => {
    const { server, site, changes, watchers, tick, lists } = setup();
    await site.stat('/www/a.txt');
    watchers.watch('site', '/www/a.txt', { recursive: false });
    await tick();
    assert.deepEqual(show(changes), [], 'nothing changed');
    server.file('/www/a.txt', 'longer now', new Date(T0));
    await tick(9_000);
    assert.deepEqual(show(changes), [], 'not before the interval');
    await tick(1_000);
    assert.deepEqual(show(changes), ['changed /www/a.txt']);
    assert.equal((await site.stat('/www/a.txt')).size, 10, 'stat sees the new size, from the listing the poll took');
    assert.deepEqual(lists(), ['/www', '/www', '/www'], 'one listing of its folder per interval, none for the stat');
  });

  it('a change right after VS Code read the file (before the first poll) shows in the first poll', async () => {
    const { server, site, changes, watchers, tick } = setup();
    await site.stat('/www/a.txt');
    watchers.watch('site', '/www/a.txt', { recursive: false });
    server.file('/www/a.txt', 'aaa', new Date(T0 + 60_000));
    await tick();
    assert.deepEqual(show(changes), ['changed /www/a.txt']);
  });

  it('files of one folder and the folder itself: one listing of it per interval; created and deleted entries', async () => {
    const { server, site, changes, watchers, tick, lists } = setup();
    await site.readDirectory('/www');
    const off = [
      watchers.watch('site', '/www/a.txt', { recursive: false }),
      watchers.watch('site', '/www/b.txt', { recursive: false }),
      watchers.watch('site', '/www', { recursive: false }),
    ];
    server.file('/www/new.txt', 'n');
    server.nodes.delete('/www/b.txt');
    await tick();
    assert.deepEqual(show(changes).sort(), ['created /www/new.txt', 'deleted /www/b.txt']);
    assert.deepEqual(lists(), ['/www', '/www']);
    for (const o of off) o();
  });

  it('a name that became a folder is deleted and created again', async () => {
    const { server, site, changes, watchers, tick } = setup();
    await site.readDirectory('/www');
    watchers.watch('site', '/www', { recursive: false });
    server.nodes.delete('/www/a.txt');
    server.dir('/www/a.txt');
    await tick();
    assert.deepEqual(show(changes), ['deleted /www/a.txt', 'created /www/a.txt']);
  });

  it('nothing while the window is not focused; when it is again, the poll that is due runs at once', async () => {
    const { server, site, changes, watchers, tick, lists, clock } = setup();
    await site.readDirectory('/www');
    watchers.watch('site', '/www', { recursive: false });
    watchers.setFocused(false);
    assert.equal(clock.pending.size, 0, 'no timer while not focused');
    server.file('/www/new.txt', 'n');
    await tick(60_000);
    assert.deepEqual(lists(), ['/www'], 'no listing while not focused');
    watchers.setFocused(true);
    await tick(0);
    assert.deepEqual(show(changes), ['created /www/new.txt']);
    assert.deepEqual(lists(), ['/www', '/www']);
  });

  it('no events from a read that failed; the next one that works compares with the last one that did', async () => {
    const { server, site, changes, watchers, tick } = setup();
    await site.readDirectory('/www');
    watchers.watch('site', '/www', { recursive: false });
    server.file('/www/new.txt', 'n');
    server.failNext('list', () => new FtpReplyError(451, 'Local error', 'MLSD /www'));
    await tick();
    assert.deepEqual(show(changes), []);
    server.failNext('list', () => new FtpReplyError(550, 'No such file or directory', 'MLSD /www'));
    await tick();
    assert.deepEqual(show(changes), [], 'a 550 on the folder: no "deleted" for everything in it');
    await tick();
    assert.deepEqual(show(changes), ['created /www/new.txt']);
  });

  it('never two polls of one connection at once: a slow listing holds the next poll back', async () => {
    const { server, site, watchers, clock, lists } = setup();
    await site.readDirectory('/www');
    watchers.watch('site', '/www', { recursive: false });
    const gate = server.hold('list', '/www');
    clock.advance(10_000);
    await gate.reached.promise;
    const again = watchers.poll('site');
    clock.advance(60_000);
    assert.equal(clock.pending.size, 0, 'no timer while a poll runs');
    gate.release();
    await again;
    await watchers.settled();
    assert.deepEqual(lists(), ['/www', '/www'], 'the poll asked for meanwhile joined the running one');
    assert.equal(server.violations, 0);
    assert.equal(clock.pending.size, 1, 'the next poll is timed after this one ended');
  });

  it('timers: one per watched connection, cleared with the last watch, none with pollSeconds 0; unref\'d', async () => {
    const { site, watchers, clock } = setup();
    await site.readDirectory('/www');
    const a = watchers.watch('site', '/www', { recursive: false });
    const b = watchers.watch('site', '/www/a.txt', { recursive: false });
    assert.equal(clock.pending.size, 1);
    a();
    a();
    assert.equal(clock.pending.size, 1, 'still watching a.txt');
    b();
    assert.equal(clock.pending.size, 0, 'nothing watched: no timer');
    watchers.watch('site', '/www', { recursive: false });
    watchers.dispose();
    assert.equal(clock.pending.size, 0, 'dispose clears it');

    const off = setup({ pollSeconds: 0 });
    off.watchers.watch('site', '/www', { recursive: false });
    assert.equal(off.clock.pending.size, 0, 'pollSeconds 0: off');

    const h = NODE_TIMERS.set(() => undefined, 60_000) as NodeJS.Timeout;
    assert.equal(h.hasRef(), false, 'a pending poll does not keep the process alive');
    NODE_TIMERS.clear(h);
  });

  it('a recursive watch polls its folder and the folders under it VS Code listed lately, not the rest of the tree', async () => {
    const { server, site, changes, watchers, tick, lists } = setup();
    for (let i = 0; i < MAX_RECENT_FOLDERS + 3; i++) server.dir(`/www/d${i}`);
    server.dir('/www/unlisted');
    await site.readDirectory('/www');
    watchers.watch('site', '/www', { recursive: true });
    for (let i = 0; i < MAX_RECENT_FOLDERS + 3; i++) watchers.listed('site', `/www/d${i}`);
    watchers.listed('site', '/other');
    await tick();
    const polled = lists().slice(1);
    assert.equal(polled.length, 1 + MAX_RECENT_FOLDERS, polled.join(' '));
    assert.ok(polled.includes('/www') && polled.includes(`/www/d${MAX_RECENT_FOLDERS + 2}`) && !polled.includes('/www/d0'), 'the most recent ones');
    assert.ok(!polled.includes('/other') && !polled.includes('/www/unlisted'));
    server.file(`/www/d${MAX_RECENT_FOLDERS + 2}/x.txt`, 'x');
    await tick();
    assert.deepEqual(show(changes), [`created /www/d${MAX_RECENT_FOLDERS + 2}/x.txt`]);
  });

  it('a recursive watch that begins after VS Code listed a folder under it polls that folder too', async () => {
    const { site, watchers, tick, lists } = setup();
    await site.readDirectory('/www');
    watchers.listed('site', '/www/sub');
    watchers.watch('site', '/www', { recursive: true });
    await tick();
    assert.deepEqual(lists().slice(1).sort(), ['/www', '/www/sub']);
  });

  it('.vscode/settings.json, watched by VS Code in each workspace folder, costs no LIST of a missing .vscode', async () => {
    const { server, site, changes, watchers, tick, lists } = setup();
    await site.readDirectory('/www');
    watchers.watch('site', '/www/.vscode/settings.json', { recursive: false });
    await tick();
    await tick();
    assert.deepEqual(lists(), ['/www', '/www', '/www']);
    server.file('/www/.vscode/settings.json', '{}');
    await tick();
    await tick();
    assert.deepEqual(lists().slice(3), ['/www', '/www', '/www/.vscode'], 'its folder once it is there');
    server.file('/www/.vscode/settings.json', '{ "a": 1 }');
    await tick();
    assert.deepEqual(show(changes), ['created /www/.vscode', 'changed /www/.vscode/settings.json']);
  });

  it('polling never reconnects a site the user disconnected; it goes on once the user connects again', async () => {
    const { server, site, changes, watchers, tick, lists } = setup();
    await site.readDirectory('/www');
    watchers.watch('site', '/www', { recursive: false });
    await site.disconnect();
    const clients = server.clients.length;
    await tick(60_000);
    assert.equal(server.clients.length, clients, 'no new connection');
    assert.deepEqual(lists(), ['/www']);
    await site.connect();
    server.file('/www/new.txt', 'n');
    await tick();
    await tick();
    assert.deepEqual(show(changes), ['created /www/new.txt']);
  });

  it('a site the server cannot be reached for: no events, and the poll stops at the first folder', async () => {
    const { server, site, changes, watchers, tick, lists } = setup();
    await site.readDirectory('/www');
    await site.readDirectory('/other');
    watchers.watch('site', '/www', { recursive: false });
    watchers.watch('site', '/other', { recursive: false });
    server.file('/www/new.txt', 'n');
    server.failNext('list', () => new FtpConnectionError('connection refused', 'connect'));
    server.failNext('list', () => new FtpConnectionError('connection refused', 'connect'));
    await tick();
    assert.deepEqual(show(changes), []);
    assert.deepEqual(lists(), ['/www', '/other', '/www', '/www'], 'the pool tried /www again once (idempotent), not /other');
  });

  it('a watched file whose listed time has no seconds: MDTM shows a change of the same size within the minute', async () => {
    const { server, site, changes, watchers, tick, mdtm } = setup({ mdtm: true });
    await site.stat('/www/a.txt');
    watchers.watch('site', '/www/a.txt', { recursive: false });
    // The listing rounds to the minute, as vsftpd's LIST does; MDTM has the seconds.
    const minute = (d: Date) => Math.floor(d.getTime() / 60_000) * 60_000;
    for (const c of server.clients) {
      const list = c.list.bind(c);
      c.list = async (p?: string) => (await list(p)).map((e) => ({ ...e, mtimeMs: e.mtimeMs === undefined ? undefined : minute(new Date(e.mtimeMs)) }));
    }
    await tick();
    // One MDTM for the stat (VS Code's, when it opened the file), one for the poll's listing: the watcher's baseline.
    assert.deepEqual(mdtm, ['/www/a.txt', '/www/a.txt'], 'the first answer is the baseline');
    server.file('/www/a.txt', 'AAA', new Date(T0 + 20_000));
    await tick();
    assert.deepEqual(show(changes), ['changed /www/a.txt']);
    await tick();
    assert.deepEqual(show(changes), ['changed /www/a.txt'], 'once');
  });

  it('no MDTM for a file whose listing has seconds, nor for files nobody watches', async () => {
    const { server, site, watchers, tick, mdtm } = setup({ mdtm: true });
    server.file('/www/a.txt', 'aaa', new Date(T0 + 12_345));
    await site.readDirectory('/www');
    watchers.watch('site', '/www/a.txt', { recursive: false });
    watchers.watch('site', '/www', { recursive: false });
    await tick();
    await tick();
    assert.deepEqual(mdtm, []);
  });
});
