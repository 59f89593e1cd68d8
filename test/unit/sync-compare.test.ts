import * as assert from 'node:assert/strict';
import { compareTrees } from '../../src/remote/sync/compare';
import type { Seen } from '../../src/remote/sync/state';
import type { Tree, TreeNode } from '../../src/remote/sync/trees';

/** The folder comparison's rows (src/remote/sync/compare.ts): which side changed, from the trees and the record. */
describe('folder comparison', () => {
  const T = 1_700_000_000_000;
  const f = (size: number, mtimeMs = T): TreeNode => ({ type: 'file', size, mtimeMs });
  const dir: TreeNode = { type: 'dir' };
  const tree = (o: Record<string, TreeNode>): Tree => new Map(Object.entries(o));
  const rows = (local: Tree, remote: Tree, seen: Seen = new Map(), sameContent?: Map<string, boolean>) =>
    Object.fromEntries(compareTrees({ local, remote, seen, remotePrecisionMs: 60_000, sameContent }).map((d) => [d.path, d.newer ? `${d.kind} ${d.newer}` : d.kind]));

  it('without a record: only one side, a file against a folder, size, time cut to the server precision', () => {
    assert.deepEqual(
      rows(
        tree({ here: f(1), same: f(5), size: f(2), late: f(3, T + 120_000), sec: f(3, T + 20_000), d: dir, 'd/x': f(1), clash: dir, 'clash/y': f(1), link: { type: 'link' } }),
        tree({ there: dir, 'there/z': f(1), same: f(5), size: f(3), late: f(3), sec: f(3), clash: f(1), d: dir, 'd/x': f(1), link: f(1) }),
      ),
      { clash: 'type', here: 'local-only', late: 'differs local', size: 'differs', there: 'remote-only' },
    );
  });

  it('with a record: changed here, on the server, on both; content decides where asked', () => {
    const seen: Seen = new Map([
      ['a', { local: { size: 1, mtimeMs: T }, remote: { size: 1, mtimeMs: T } }],
      ['b', { local: { size: 1, mtimeMs: T }, remote: { size: 1, mtimeMs: T } }],
      ['c', { local: { size: 1, mtimeMs: T }, remote: { size: 1, mtimeMs: T } }],
      ['d', { local: { size: 1, mtimeMs: T }, remote: { size: 1, mtimeMs: T } }],
      ['e', { local: { size: 1, mtimeMs: T }, remote: { size: 1, mtimeMs: T } }],
    ]);
    assert.deepEqual(
      rows(tree({ a: f(2), b: f(1), c: f(2), d: f(1), e: f(1, T + 5000) }), tree({ a: f(1), b: f(2), c: f(3), d: f(1), e: f(1, T + 7000) }), seen, new Map([['e', true]])),
      { a: 'changed-local', b: 'changed-remote', c: 'changed-both' },
    );
    assert.deepEqual(rows(tree({ d: f(1) }), tree({ d: f(1) }), seen, new Map([['d', false]])), { d: 'differs' });
  });
});
