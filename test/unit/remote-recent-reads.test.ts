import { strict as assert } from 'node:assert';
import { RECENT_READ_MIN_BYTES, RECENT_READ_MS, RecentReads } from '../../src/remote/recentReads';

describe('RecentReads: a large file VS Code reads again within seconds is not downloaded again', () => {
  let now = 1000;
  const r = new RecentReads(() => now);
  const data = new Uint8Array(RECENT_READ_MIN_BYTES);
  const entry = { name: 'big', type: 'file' as const, size: data.byteLength, mtimeMs: 5 };

  it('gives the same bytes for the same size and time, within the time', () => {
    r.remember('/big', entry, data);
    assert.equal(r.get('/big', entry), data);
    now += RECENT_READ_MS + 1;
    assert.equal(r.get('/big', entry), undefined, 'kept too long');
  });

  it('not after the file changed on the server (another size or time), nor after a change of ours', () => {
    r.remember('/big', entry, data);
    assert.equal(r.get('/big', { ...entry, mtimeMs: 6 }), undefined);
    r.remember('/big', entry, data);
    assert.equal(r.get('/big', { ...entry, size: 1 }), undefined);
    r.remember('/d/big', entry, data);
    r.forget('/d');
    assert.equal(r.get('/d/big', entry), undefined);
  });

  it('keeps neither small files, nor more than two', () => {
    r.remember('/small', { ...entry, size: 10 }, new Uint8Array(10));
    assert.equal(r.get('/small', { ...entry, size: 10 }), undefined);
    for (const p of ['/1', '/2', '/3']) r.remember(p, entry, data);
    assert.equal(r.get('/1', entry), undefined);
    assert.equal(r.get('/3', entry), data);
  });
});
