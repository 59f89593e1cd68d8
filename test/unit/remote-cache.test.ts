import * as assert from 'node:assert/strict';
import type { FileEntry } from '../../src/ftp';
import { DirCache, type Listing } from '../../src/remote/dirCache';
import { isProbe, probeAnchor } from '../../src/remote/probes';
import { Deferred } from './remote-fake-client';

const f = (name: string, size = 1): FileEntry => ({ name, type: 'file', size });
const d = (name: string): FileEntry => ({ name, type: 'dir' });

class Clock {
  t = 1000;
  now = () => this.t;
}

describe('remote/dirCache', () => {
  it('answers from a listing until the TTL passes, then fetches again', async () => {
    const clock = new Clock();
    const cache = new DirCache(5000, clock.now);
    let fetches = 0;
    const fetch = async (): Promise<Listing> => {
      fetches++;
      return [f('a')];
    };
    await cache.list('/x', fetch);
    clock.t += 4999;
    await cache.list('/x', fetch);
    assert.equal(fetches, 1);
    assert.equal(cache.lookup('/x/a').state, 'found');
    clock.t += 1;
    assert.equal(cache.lookup('/x/a').state, 'unknown', 'stale listings are not used');
    await cache.list('/x', fetch);
    assert.equal(fetches, 2);
  });

  it('shares one fetch between concurrent requests for the same folder', async () => {
    const cache = new DirCache(5000, new Clock().now);
    const gate = new Deferred<Listing>();
    let fetches = 0;
    const fetch = () => {
      fetches++;
      return gate.promise;
    };
    const all = Promise.all([cache.list('/x', fetch), cache.list('/x/', fetch), cache.list('/x', fetch)]);
    gate.resolve([f('a')]);
    const [a, b, c] = await all;
    assert.equal(fetches, 1);
    assert.equal(a, b);
    assert.equal(b, c);
  });

  it('does not cache a failed fetch', async () => {
    const cache = new DirCache(5000, new Clock().now);
    await assert.rejects(cache.list('/x', async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(cache.get('/x'), undefined);
    assert.deepEqual(await cache.list('/x', async () => [f('a')]), [f('a')]);
  });

  it('knows found, missing and unknown paths', () => {
    const cache = new DirCache(5000, new Clock().now);
    cache.store('/', [d('www'), f('readme')]);
    cache.store('/www', [f('index.html')]);
    assert.equal(cache.lookup('/').state, 'found');
    assert.deepEqual(cache.lookup('/www/index.html'), { state: 'found', entry: f('index.html') });
    assert.equal(cache.lookup('/www/nope').state, 'missing');
    assert.equal(cache.lookup('/nope/deeper/x').state, 'missing', 'an ancestor listing proves the path missing');
    assert.equal(cache.lookup('/readme/x').state, 'missing', 'a file has no children');
    assert.equal(cache.lookup('/www/sub/x').state, 'missing');
    cache.store('/www', [d('sub')]);
    assert.equal(cache.lookup('/www/sub/x').state, 'unknown', '/www/sub exists but is not listed');
  });

  it("entry(): a name of a folder's fresh listing, nothing once it is stale", () => {
    const clock = new Clock();
    const cache = new DirCache(5000, clock.now);
    cache.store('/www', [f('index.html', 7)]);
    assert.deepEqual(cache.entry('/www/', 'index.html'), f('index.html', 7));
    assert.equal(cache.entry('/www', 'nope'), undefined);
    clock.t += 5000;
    assert.equal(cache.entry('/www', 'index.html'), undefined);
  });

  it('remembers a missing folder', () => {
    const cache = new DirCache(5000, new Clock().now);
    cache.store('/gone', 'missing');
    assert.equal(cache.get('/gone'), 'missing');
    assert.equal(cache.lookup('/gone/x').state, 'missing');
  });

  it('drops a listing that was being fetched when the folder changed (own write)', async () => {
    const cache = new DirCache(5000, new Clock().now);
    const old = new Deferred<Listing>();
    const first = cache.list('/x', () => old.promise);
    cache.invalidate('/x');
    let fetches = 0;
    const second = cache.list('/x', async () => {
      fetches++;
      return [f('a'), f('new')];
    });
    assert.equal(fetches, 1, 'a request after the write does not join the old fetch');
    old.resolve([f('a')]);
    assert.deepEqual(await first, [f('a')]);
    assert.deepEqual(await second, [f('a'), f('new')]);
    assert.deepEqual(cache.get('/x'), [f('a'), f('new')], 'the stale result was not stored');
  });

  it('invalidatePath drops the parent listing and everything under the path', () => {
    const cache = new DirCache(5000, new Clock().now);
    cache.store('/', [d('a')]);
    cache.store('/a', [d('b')]);
    cache.store('/a/b', [f('c')]);
    cache.store('/other', [f('z')]);
    cache.invalidatePath('/a');
    assert.equal(cache.get('/'), undefined);
    assert.equal(cache.get('/a'), undefined);
    assert.equal(cache.get('/a/b'), undefined);
    assert.deepEqual(cache.get('/other'), [f('z')]);
  });
});

describe('remote/probes: what VS Code looks for on its own', () => {
  it('finds the first probe segment', () => {
    assert.equal(probeAnchor('/www/.vscode/settings.json'), '/www/.vscode');
    assert.equal(probeAnchor('/www/.git/config'), '/www/.git');
    assert.equal(probeAnchor('/www/node_modules/x/package.json'), '/www/node_modules');
    assert.equal(probeAnchor('/www/.devcontainer/devcontainer.json'), '/www/.devcontainer');
    assert.equal(probeAnchor('/www/index.html'), undefined);
    assert.ok(isProbe('/.vscode'));
    assert.ok(!isProbe('/vscode/settings'));
  });

  it("knows what VS Code 1.139's workbench reads by itself: MCP servers and chat customizations too", () => {
    for (const p of ['/www/.mcp.json', '/www/AGENTS.md', '/www/CLAUDE.md', '/www/CLAUDE.local.md', '/www/.claude/settings.json', '/www/.agents/skills', '/www/.github/copilot-instructions.md', '/www/.vscode/mcp.json']) {
      assert.ok(isProbe(p), p);
    }
    assert.ok(!isProbe('/www/README.md'));
  });
});
