import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BufferSink, DIRECT_READ_MIN_BYTES } from '../../src/remote/bufferSink';

/** `total` bytes of a recognisable pattern, in chunks of `chunk` bytes. */
function content(total: number): Buffer {
  const b = Buffer.alloc(total);
  for (let i = 0; i < total; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

async function collect(data: Buffer, chunk: number, expected: number | undefined, max = 1 << 30): Promise<{ out: Buffer; sink: BufferSink }> {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, Math.min(data.length, i + chunk)));
  const sink = new BufferSink(expected, max, (n) => new Error(`too large: ${n}`));
  await pipeline(Readable.from(parts), sink.stream);
  return { out: sink.result(), sink };
}

describe('remote/bufferSink: readFile into one buffer', () => {
  const CHUNK = 64 * 1024;
  // Up to 1 MiB + 5: from DIRECT_READ_MIN_BYTES on, the sink is a file stream writing into memory.
  const sizes = [0, 1, 2, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5, DIRECT_READ_MIN_BYTES - 1, DIRECT_READ_MIN_BYTES + 5];

  for (const size of sizes) {
    it(`${size} bytes: exact with the size known, unknown, and announced too small or too large`, async () => {
      const data = content(size);
      for (const expected of [size, undefined, 0, Math.floor(size / 2), size + 1, size * 3 + 100]) {
        for (const chunk of [1, 1000, CHUNK]) {
          if ((chunk === 1 && size > 3 * 1024) || (chunk === 1000 && size > 300 * 1024)) continue;
          const { out, sink } = await collect(data, chunk, expected);
          assert.equal(out.length, size, `expected ${expected}, chunks of ${chunk}`);
          assert.ok(out.equals(data), `content differs: expected ${expected}, chunks of ${chunk}`);
          assert.equal(sink.bytes, size);
        }
      }
    });
  }

  for (const total of [5 * CHUNK + 3, DIRECT_READ_MIN_BYTES + 7]) it(`with the size right (${total}), the result is one buffer of exactly the file's size, filled in place`, async () => {
    const data = content(total);
    // A source that reuses one buffer for every chunk: each chunk must be copied when it comes.
    const reused = Buffer.alloc(CHUNK);
    const sink = new BufferSink(data.length, 1 << 30, () => new Error('too large'));
    for (let i = 0; i < data.length; i += CHUNK) {
      const n = Math.min(CHUNK, data.length - i);
      data.copy(reused, 0, i, i + n);
      await new Promise<void>((resolve, reject) => sink.stream.write(reused.subarray(0, n), (err) => (err ? reject(err) : resolve())));
      reused.fill(0xee);
    }
    await new Promise<void>((resolve) => sink.stream.end(resolve));
    const out = sink.result();
    assert.ok(out.equals(data));
    assert.equal(out.byteOffset, 0);
    assert.equal(out.buffer.byteLength, data.length, 'no slack, no second buffer');
  });

  it('an announced size far above what came does not keep its memory: the result is a copy of the part received', async () => {
    const data = content(10);
    const { out } = await collect(data, CHUNK, 10 * 1024 * 1024);
    assert.ok(out.equals(data));
    assert.ok(out.buffer.byteLength < 1024 * 1024, `the result holds ${out.buffer.byteLength} bytes`);
  });

  it('more than the cap fails with the caller\'s error, whether the size was known or not', async () => {
    for (const expected of [undefined, 10, 100]) {
      await assert.rejects(collect(content(101), 7, expected, 100), /too large: 10[1-9]/);
    }
    const { out } = await collect(content(100), 7, undefined, 100);
    assert.equal(out.length, 100, 'exactly the cap is allowed');
  });
});
