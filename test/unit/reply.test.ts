import { strict as assert } from 'node:assert';
import { ReplyParser, replyMessage, type FtpReply } from '../../src/ftp/reply';
import { FtpProtocolError } from '../../src/ftp/errors';

const decode = (b: Buffer) => b.toString('utf8');

function feed(chunks: Buffer[], max?: number): FtpReply[] {
  const p = new ReplyParser(decode, max);
  return chunks.flatMap((c) => p.push(c));
}

const session = Buffer.from(
  '120 Service ready in 1 minute\r\n' +
    '220-Welcome\r\n220-second line\r\n 123 indented line that starts with digits\r\n221 not the end\r\n220 ready\r\n' +
    '331 Password please\r\n230 ok\r\n' +
    '211-Features:\r\n MLST type*;size*;\r\n UTF8\r\n211 End\r\n' +
    '257 "/home" is cwd\n' + // LF only
    '200\r\n', // bare code
);

describe('ReplyParser (RFC 959 §4.2)', () => {
  const expected = [120, 220, 331, 230, 211, 257, 200];

  it('parses a whole session in one chunk', () => {
    const replies = feed([session]);
    assert.deepEqual(replies.map((r) => r.code), expected);
    assert.equal(replies[1].lines.length, 5);
    assert.equal(replies[1].lines[3], '221 not the end');
    assert.equal(replies[4].lines[1], ' MLST type*;size*;');
  });

  it('gives the same replies whatever the chunking, byte by byte included', () => {
    const whole = feed([session]);
    for (const size of [1, 2, 3, 5, 7, 13, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < session.length; i += size) chunks.push(session.subarray(i, i + size));
      assert.deepEqual(feed(chunks), whole, `chunk size ${size}`);
    }
  });

  it('keeps a CR that splits from its LF across chunks out of the text', () => {
    const r = feed([Buffer.from('200 ok\r'), Buffer.from('\n')]);
    assert.equal(r[0].text, '200 ok');
  });

  it('decodes with the given decoder, across chunk boundaries inside a character', () => {
    const bytes = Buffer.from('550 中文文件名.txt: No such file\r\n');
    const r = feed([bytes.subarray(0, 6), bytes.subarray(6)]);
    assert.equal(replyMessage(r[0]), '中文文件名.txt: No such file');
  });

  it('refuses an over-long line instead of buffering forever', () => {
    const p = new ReplyParser(decode, 100);
    assert.throws(() => p.push(Buffer.alloc(150, 0x41)), FtpProtocolError);
    const q = new ReplyParser(decode, 100);
    assert.throws(() => {
      for (let i = 0; i < 20; i++) q.push(Buffer.alloc(10, 0x41));
    }, /longer than 100 bytes/);
  });

  it('refuses a reply without a code, and an out-of-range code', () => {
    assert.throws(() => feed([Buffer.from('hello there\r\n')]), /without a valid code/);
    assert.throws(() => feed([Buffer.from('999 nope\r\n')]), /invalid code 999/);
    assert.throws(() => feed([Buffer.from('2000 nope\r\n')]), /without a valid code/);
  });

  it('tolerates empty lines between replies', () => {
    assert.deepEqual(feed([Buffer.from('\r\n200 a\r\n\r\n200 b\r\n')]).map((r) => r.text), ['200 a', '200 b']);
  });

  it('waits for the end of an unfinished multi-line reply', () => {
    const p = new ReplyParser(decode);
    assert.deepEqual(p.push(Buffer.from('230-a\r\n230-b\r\n')), []);
    assert.deepEqual(p.push(Buffer.from('230 c\r\n')).map((r) => r.lines), [['230-a', '230-b', '230 c']]);
  });

  it('never throws anything but a protocol error on random bytes', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 500; i++) {
      const p = new ReplyParser(decode, 512);
      const buf = Buffer.alloc(1 + Math.floor(rand() * 300));
      for (let j = 0; j < buf.length; j++) buf[j] = rand() < 0.1 ? 0x0a : Math.floor(rand() * 256);
      try {
        const out = p.push(buf);
        for (const r of out) assert.ok(r.code >= 100 && r.code < 600);
      } catch (err) {
        assert.ok(err instanceof FtpProtocolError, String(err));
      }
    }
  });
});
