import * as assert from 'node:assert/strict';
import { crc32Update, parseHashReply, parseXReply } from '../../src/remote/sync/checksum';
import { makePlan, reasonText, type PlanInput, type PlanRow } from '../../src/remote/sync/plan';
import type { Seen } from '../../src/remote/sync/state';
import type { Tree, TreeNode } from '../../src/remote/sync/trees';

/**
 * The plan of a sync, a pure function of the two trees and what the last sync saw: every case of the issue
 * (new, changed by size, by time only, same, deleted on each side, file against folder, links) in both
 * directions, and the conflicts a record of the last sync makes visible.
 */
const MIN = 60000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const file = (size: number, mtimeMs: number): TreeNode => ({ type: 'file', size, mtimeMs });
const dir = (): TreeNode => ({ type: 'dir' });
const tree = (o: Record<string, TreeNode>): Tree => new Map(Object.entries(o));

function plan(p: Partial<PlanInput> & Pick<PlanInput, 'local' | 'remote'>): Record<string, string> {
  const rows = makePlan({ direction: 'upload', seen: new Map(), delete: false, remotePrecisionMs: MIN, ...p }).rows;
  return Object.fromEntries(rows.map((r: PlanRow) => [r.path, `${r.action} ${r.reason}`]));
}

describe('sync plan', () => {
  it('upload without a record: new, size, time (cut to the minute), same, only on the server, file against folder, links', () => {
    const local = tree({
      'new.txt': file(1, T0),
      'size.txt': file(2, T0),
      'newer.txt': file(3, T0 + 2 * MIN),
      'same minute.txt': file(3, T0 + 30000),
      'older.txt': file(3, T0 - 5 * MIN),
      clash: dir(),
      'clash/inside.txt': file(1, T0),
      'ünï cödé/x.txt': file(1, T0),
      'ünï cödé': dir(),
      'linked': dir(),
      'linked/a.txt': file(1, T0),
    });
    const remote = tree({
      'size.txt': file(3, T0),
      'newer.txt': file(3, T0),
      'same minute.txt': file(3, T0),
      'older.txt': file(3, T0),
      'extra.txt': file(1, T0),
      'extra dir': dir(),
      'extra dir/x': file(1, T0),
      clash: file(5, T0),
      linked: { type: 'link', target: '/elsewhere' },
      'link.txt': { type: 'link', target: 'a.txt' },
    });
    assert.deepEqual(plan({ local, remote }), {
      'new.txt': 'copy new',
      'size.txt': 'copy size',
      'newer.txt': 'copy time',
      'same minute.txt': 'same same',
      'older.txt': 'same same',
      'extra.txt': 'keep extra',
      'extra dir': 'keep extra',
      'extra dir/x': 'keep extra',
      clash: 'conflict type',
      'clash/inside.txt': 'skip blocked',
      'ünï cödé': 'mkdir new',
      'ünï cödé/x.txt': 'copy new',
      linked: 'skip link',
      'linked/a.txt': 'skip blocked',
      'link.txt': 'skip link',
    });
  });

  it('--delete deletes what is only on the target, but not a folder that holds excluded files', () => {
    const remote = tree({ 'a.txt': file(1, T0), d: dir(), 'd/b': file(1, T0), kept: { ...dir(), holdsExcluded: true }, 'kept/c': file(1, T0) });
    assert.deepEqual(plan({ local: tree({}), remote, delete: true }), {
      'a.txt': 'delete extra',
      d: 'delete extra',
      'd/b': 'delete extra',
      kept: 'keep holds-excluded',
      'kept/c': 'delete extra',
    });
  });

  it('--delete keeps a folder that would not be empty: it holds a link, or a folder that holds one', () => {
    const remote = tree({ d: dir(), 'd/e': dir(), 'd/e/link': { type: 'link' }, 'd/f.txt': file(1, T0), g: dir(), 'g/h.txt': file(1, T0) });
    assert.deepEqual(plan({ local: tree({}), remote, delete: true }), {
      d: 'keep holds-excluded',
      'd/e': 'keep holds-excluded',
      'd/e/link': 'skip link',
      'd/f.txt': 'delete extra',
      g: 'delete extra',
      'g/h.txt': 'delete extra',
    });
  });

  it('download: a server name with a backslash is skipped', () => {
    assert.deepEqual(plan({ direction: 'download', local: tree({}), remote: tree({ 'a\\b.txt': file(1, T0) }) }), { 'a\\b.txt': 'skip name' });
  });

  it('download: the server is the source, the local side the target', () => {
    const local = tree({ 'only here.txt': file(1, T0), 'old.txt': file(1, T0), 'same.txt': file(4, T0 + 10000) });
    const remote = tree({ 'only there.txt': file(1, T0), 'old.txt': file(1, T0 + MIN), 'same.txt': file(4, T0) });
    assert.deepEqual(plan({ direction: 'download', local, remote }), {
      'only here.txt': 'keep extra',
      'only there.txt': 'copy new',
      'old.txt': 'copy time',
      'same.txt': 'same same',
    });
  });

  it('with a record of the last sync: which side changed decides; a change on the target is a conflict', () => {
    const seen: Seen = new Map([
      ['unchanged.txt', { local: { size: 1, mtimeMs: T0 }, remote: { size: 1, mtimeMs: T0 + MIN } }],
      ['touched.txt', { local: { size: 1, mtimeMs: T0 }, remote: { size: 1, mtimeMs: T0 + MIN } }],
      ['server.txt', { local: { size: 1, mtimeMs: T0 }, remote: { size: 1, mtimeMs: T0 + MIN } }],
      ['both.txt', { local: { size: 1, mtimeMs: T0 }, remote: { size: 1, mtimeMs: T0 + MIN } }],
      ['gone here.txt', { local: { size: 1, mtimeMs: T0 }, remote: { size: 1, mtimeMs: T0 + MIN } }],
    ]);
    const local = tree({
      'unchanged.txt': file(1, T0),
      // Saved again within the same minute, same size: LIST's minutes cannot tell, the record can.
      'touched.txt': file(1, T0 + 20000),
      'server.txt': file(1, T0),
      'both.txt': file(2, T0 + 5000),
    });
    const remote = tree({
      'unchanged.txt': file(1, T0 + MIN),
      'touched.txt': file(1, T0 + MIN),
      'server.txt': file(7, T0 + 2 * MIN),
      'both.txt': file(3, T0 + 2 * MIN),
      'gone here.txt': file(1, T0 + MIN),
    });
    assert.deepEqual(plan({ local, remote, seen }), {
      'unchanged.txt': 'same same',
      'touched.txt': 'copy time',
      'server.txt': 'conflict changed-target',
      'both.txt': 'conflict changed-both',
      'gone here.txt': 'keep deleted',
    });
    const forced = plan({ local, remote, seen, overwrite: true });
    assert.equal(forced['server.txt'], 'copy size');
    assert.equal(forced['both.txt'], 'copy size');
  });

  it('--checksum: the same content is the same whatever the times; different content of the same size is copied', () => {
    const local = tree({ 'a.txt': file(3, T0 + 10 * MIN), 'b.txt': file(3, T0) });
    const remote = tree({ 'a.txt': file(3, T0), 'b.txt': file(3, T0) });
    const sameContent = new Map([['a.txt', true], ['b.txt', false]]);
    assert.deepEqual(plan({ local, remote, sameContent }), { 'a.txt': 'same same', 'b.txt': 'copy content' });
  });

  it('leftovers of interrupted transfers on the target are deleted, with or without --delete', () => {
    assert.deepEqual(plan({ local: tree({}), remote: tree({}), leftovers: ['.a.txt.0123abcd.ftpx-tmp'] }), { '.a.txt.0123abcd.ftpx-tmp': 'delete leftover' });
  });

  it('every reason has words', () => {
    const r: PlanRow = { path: 'a', action: 'copy', reason: 'size', local: file(2, T0), remote: file(3, T0) };
    assert.equal(reasonText(r, 'upload'), 'size differs: 2 here, 3 on the server');
    assert.equal(reasonText(r, 'download'), 'size differs: 3 on the server, 2 here');
    assert.match(reasonText({ path: 'l', action: 'skip', reason: 'link', remote: { type: 'link', target: '/x' } }, 'upload'), /a link on the server to \/x/);
  });
});

describe('sync checksum replies', () => {
  it('reads HASH (the algorithm it names) and the X commands (the last hex word)', () => {
    assert.deepEqual(parseHashReply({ code: 213, lines: ['213-Computing SHA-256 digest', '213 SHA-256 0-6 5891B5b522 a b.txt'] }), { algorithm: 'sha256', hex: '5891b5b522' });
    assert.equal(parseHashReply({ code: 213, lines: ['213 WHIRLPOOL 0-6 abcdef01 a'] }), undefined);
    assert.equal(parseHashReply({ code: 550, lines: ['550 nope'] }), undefined);
    const sha = '5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03';
    assert.deepEqual(parseXReply({ code: 250, lines: ['250-Computing SHA256 digest', `250 ${sha}`] }, 'sha256'), { algorithm: 'sha256', hex: sha.toLowerCase() });
    assert.equal(parseXReply({ code: 250, lines: ['250 ABCDEF'] }, 'sha256'), undefined);
    assert.deepEqual(parseXReply({ code: 250, lines: ['250 ABCDEF'] }, 'crc32'), { algorithm: 'crc32', hex: '00abcdef' });
  });

  it('computes CRC-32 as zip does', () => {
    assert.equal(((crc32Update(0xffffffff, Buffer.from('123456789')) ^ 0xffffffff) >>> 0).toString(16), 'cbf43926');
  });
});
