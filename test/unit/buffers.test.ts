import { strict as assert } from 'node:assert';
import { TRANSFER_BUFFER_SIZE, giveBuffer, idleBufferCount, takeBuffer } from '../../src/ftp/buffers';

describe('transfer buffers (src/ftp/buffers.ts)', () => {
  it('a buffer given back is the next one taken: no allocation per transfer', () => {
    while (idleBufferCount() > 0) takeBuffer();
    const a = takeBuffer();
    assert.equal(a.length, TRANSFER_BUFFER_SIZE);
    giveBuffer(a);
    assert.equal(idleBufferCount(), 1);
    assert.equal(takeBuffer(), a);
    assert.equal(idleBufferCount(), 0);
  });

  it('keeps at most four idle, and never a buffer of another size', () => {
    while (idleBufferCount() > 0) takeBuffer();
    const taken = Array.from({ length: 6 }, () => takeBuffer());
    for (const b of taken) giveBuffer(b);
    assert.equal(idleBufferCount(), 4);
    while (idleBufferCount() > 0) takeBuffer();
    giveBuffer(Buffer.alloc(4096));
    giveBuffer(taken[0].subarray(0, 10));
    assert.equal(idleBufferCount(), 0);
  });
});
