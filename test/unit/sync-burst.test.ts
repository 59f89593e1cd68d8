import * as assert from 'node:assert/strict';
import { BurstGate } from '../../src/remote/sync/burst';

/**
 * Upload on save's burst guard (src/remote/sync/burst.ts), on a clock of its own: a few saves go up, a branch
 * switch's hundreds of changes are asked about together.
 */
describe('upload on save: bursts of changes', () => {
  let clock = 0;
  let timer: (() => void) | undefined;
  const uploads: string[][] = [];
  const bursts: string[][] = [];
  const gate = () =>
    new BurstGate({
      threshold: 3,
      windowMs: 3000,
      quietMs: 400,
      onUpload: (p) => uploads.push(p),
      onBurst: (p) => bursts.push(p),
      now: () => clock,
      setTimer: (fn) => (timer = fn),
      clearTimer: () => (timer = undefined),
    });
  /** The quiet moment passes: the timer fires. */
  const quiet = () => {
    clock += 400;
    const t = timer;
    timer = undefined;
    t?.();
  };
  beforeEach(() => {
    clock = 0;
    timer = undefined;
    uploads.length = 0;
    bursts.length = 0;
  });

  it('uploads saves that come apart, each once, the same file twice in a row once', () => {
    const g = gate();
    g.add('a');
    g.add('a');
    quiet();
    clock += 5000;
    g.add('b');
    quiet();
    assert.deepEqual(uploads, [['a'], ['b']]);
    assert.deepEqual(bursts, []);
  });

  it('asks about more files than the threshold at once, none uploaded', () => {
    const g = gate();
    for (const p of ['a', 'b', 'c', 'd']) {
      g.add(p);
      clock += 10;
    }
    quiet();
    assert.deepEqual(uploads, []);
    assert.deepEqual(bursts, [['a', 'b', 'c', 'd']]);
  });

  it('a burst spread over a few seconds: what comes once past the threshold is asked about, until quiet', () => {
    const g = gate();
    g.add('a');
    quiet();
    g.add('b');
    quiet();
    g.add('c');
    quiet();
    g.add('d');
    clock += 100;
    g.add('e');
    quiet();
    assert.deepEqual(uploads, [['a'], ['b'], ['c']]);
    assert.deepEqual(bursts, [['d', 'e']]);
    // Saving one file again and again is not a burst.
    clock += 10_000;
    for (let i = 0; i < 6; i++) {
      g.add('a');
      quiet();
    }
    assert.deepEqual(uploads.length, 9);
    assert.deepEqual(bursts.length, 1);
  });
});
