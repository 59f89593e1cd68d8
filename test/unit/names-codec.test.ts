import { strict as assert } from 'node:assert';
import * as iconv from 'iconv-lite';
import { charsetFor } from '../../src/ftp/encoding';
import { PathCodec, type NameMemory } from '../../src/ftp/names/pathCodec';
import { bytesToRaw, hasEscapes, rawToBytes } from '../../src/ftp/names/rawText';
import type { FtpLogEvent } from '../../src/ftp';

/** Bytes of a command line as the control connection sends them. */
const wire = (line: string | Buffer) => (typeof line === 'string' ? Buffer.from(line, 'utf8') : line);
const gbk = (s: string) => iconv.encode(s, 'gbk');

/** A deterministic stream of random bytes (xorshift), so a failure can be reproduced. */
function randomBytes(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('name bytes without loss', () => {
  it('raw text keeps every byte and shows only ASCII as itself', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const raw = bytesToRaw(all);
    assert.deepEqual(rawToBytes(raw), all);
    assert.equal(raw.slice(0, 128), all.subarray(0, 128).toString('latin1'));
    assert.ok(!/\s/.test(raw.slice(128)), 'a high byte reads as white space');
  });

  for (const name of ['utf8', 'gb18030', 'gbk', 'big5', 'shift_jis', 'euc-kr', 'windows-1251', 'windows-1252', 'latin1']) {
    it(`${name}: decoding then encoding gives any bytes back, and marks the bytes that are no character`, () => {
      const cs = charsetFor(name);
      for (let seed = 1; seed < 300; seed++) {
        const b = randomBytes(seed, 1 + (seed % 23));
        assert.deepEqual(cs.encode(cs.decode(b)), b, `seed ${seed}: ${b.toString('hex')}`);
      }
      assert.ok(!hasEscapes(cs.decode(iconv.encode('abc', name))));
    });
  }

  it('utf8: a real U+F780 in a name is escaped too, so it cannot be taken for an escape', () => {
    const b = Buffer.from('a\uf780b', 'utf8');
    const text = charsetFor('utf8').decode(b);
    assert.ok(hasEscapes(text));
    assert.deepEqual(charsetFor('utf8').encode(text), b);
  });
});

describe('PathCodec', () => {
  const memory = (): NameMemory => ({ raw: new Map() });
  const listingOf = (codec: PathCodec, folder: string, names: Buffer[]) => {
    const lt = codec.listing(Buffer.concat(names.flatMap((n) => [n, Buffer.from('\r\n')])), folder);
    const raws = lt.text.split('\r\n').filter(Boolean);
    return raws.map((r) => (lt.name ? lt.name(r) : r));
  };

  it('auto: reads UTF-8 names as UTF-8 and learns nothing', () => {
    const m = memory();
    const codec = new PathCodec('auto', m, () => undefined);
    assert.deepEqual(listingOf(codec, '/', [Buffer.from('中文.txt'), Buffer.from('a.txt')]), ['中文.txt', 'a.txt']);
    assert.equal(m.codePage, undefined);
    assert.deepEqual(wire(codec.encodeLine('RETR /中文.txt')), Buffer.from('RETR /中文.txt'));
    assert.deepEqual(wire(codec.encodeLine('STOR /新.txt')), Buffer.from('STOR /新.txt'));
  });

  it('auto: a UTF-8 listing with a lone accented letter between a space and a dot stays UTF-8', () => {
    const m = memory();
    const codec = new PathCodec('auto', m, () => undefined);
    assert.deepEqual(listingOf(codec, '/sub dir', [Buffer.from('name with spaces ü.bin')]), ['name with spaces ü.bin']);
    assert.equal(m.codePage, undefined);
  });

  it('auto: learns GBK from the names, says so once, and sends each name back as its own bytes', () => {
    const m = memory();
    const logs: FtpLogEvent[] = [];
    const codec = new PathCodec(undefined, m, (e) => logs.push(e));
    const names = listingOf(codec, '/docs', [gbk('中文文件.txt'), gbk('新建文件夹'), Buffer.from('utf8名字.txt'), Buffer.from('plain')]);
    assert.deepEqual(names, ['中文文件.txt', '新建文件夹', 'utf8名字.txt', 'plain']);
    assert.equal(m.codePage, 'gb18030');
    assert.equal(logs.filter((e) => e.kind === 'info' && /gb18030/.test(e.text)).length, 1);
    assert.deepEqual(wire(codec.encodeLine('DELE /docs/中文文件.txt')), Buffer.concat([Buffer.from('DELE /docs/'), gbk('中文文件.txt')]));
    assert.deepEqual(wire(codec.encodeLine('DELE /docs/utf8名字.txt')), Buffer.from('DELE /docs/utf8名字.txt'));
    // A new name is in the server's code page, under a folder whose own bytes were kept.
    listingOf(codec, '/', [Buffer.from('目录')]);
    assert.deepEqual(wire(codec.encodeLine('MKD /目录/新')), Buffer.concat([Buffer.from('MKD /'), Buffer.from('目录'), Buffer.from('/'), gbk('新')]));
    assert.deepEqual(wire(codec.encodeLine('SITE CHMOD 644 /docs/新建文件夹')), Buffer.concat([Buffer.from('SITE CHMOD 644 /docs/'), gbk('新建文件夹')]));
  });

  it('auto: UTF-8 names read before the code page was learned still go back as UTF-8', () => {
    const m = memory();
    const codec = new PathCodec('auto', m, () => undefined);
    listingOf(codec, '/', [Buffer.from('早.txt')]);
    listingOf(codec, '/gbk', [gbk('中文文件.txt')]);
    assert.equal(m.codePage, 'gb18030');
    assert.deepEqual(wire(codec.encodeLine('RETR /早.txt')), Buffer.from('RETR /早.txt'));
  });

  it('auto: a folder mixing GBK, Big5 and Shift_JIS names reads each in its own code page and sends its bytes back', () => {
    const m = memory();
    const codec = new PathCodec('auto', m, () => undefined);
    const bytes = [gbk('中文文件.txt'), gbk('会议纪要.doc'), gbk('照片'), iconv.encode('繁體中文檔案.txt', 'big5'), iconv.encode('日本語のファイル.txt', 'shift_jis')];
    const names = listingOf(codec, '/mix', bytes);
    assert.deepEqual(names, ['中文文件.txt', '会议纪要.doc', '照片', '繁體中文檔案.txt', '日本語のファイル.txt']);
    names.forEach((n, i) => assert.deepEqual(wire(codec.encodeLine(`RETR /mix/${n}`)), Buffer.concat([Buffer.from('RETR /mix/'), bytes[i]])));
  });

  it('forgets the bytes of a deleted or renamed path and of what was under it', () => {
    const m: NameMemory = { raw: new Map(), codePage: 'gb18030' };
    const codec = new PathCodec('auto', m, () => undefined);
    listingOf(codec, '/', [Buffer.from('旧目录')]);
    listingOf(codec, '/旧目录', [Buffer.from('文件')]);
    assert.deepEqual(wire(codec.encodeLine('CWD /旧目录')), Buffer.from('CWD /旧目录'));
    codec.forget('/旧目录');
    assert.equal(m.raw.size, 0);
    assert.deepEqual(wire(codec.encodeLine('MKD /旧目录')), Buffer.concat([Buffer.from('MKD /'), gbk('旧目录')]));
  });

  it('a name with bytes that are no character is shown marked, and goes back as the same bytes', () => {
    const m = memory();
    const codec = new PathCodec('utf8', m, () => undefined);
    const b = Buffer.from([0x61, 0xff, 0x62]);
    const [name] = listingOf(codec, '/', [b]);
    assert.ok(hasEscapes(name));
    assert.deepEqual(wire(codec.encodeLine(`DELE /${name}`)), Buffer.concat([Buffer.from('DELE /'), b]));
  });

  it('an encoding set by hand reads every name in it (no guessing)', () => {
    const codec = new PathCodec('big5', memory(), () => undefined);
    const [name] = listingOf(codec, '/', [iconv.encode('檔案', 'big5')]);
    assert.equal(name, '檔案');
    assert.deepEqual(wire(codec.encodeLine('RETR /檔案')), Buffer.concat([Buffer.from('RETR /'), iconv.encode('檔案', 'big5')]));
    assert.throws(() => new PathCodec('klingon', memory(), () => undefined), /Unknown encoding "klingon"/);
    // A character Big5 has not: refused, not written as "?" (a file under another name).
    assert.throws(() => codec.encodeLine('STOR /我们.txt'), /cannot hold: 们/);
    assert.throws(() => new PathCodec('gbk', memory(), () => undefined).encodeLine('MKD /😀'), /encoding \(gbk\) cannot hold: 😀/);
  });

  it('reply lines: UTF-8 as UTF-8, others in the learned code page', () => {
    const m: NameMemory = { raw: new Map(), codePage: 'gb18030' };
    const codec = new PathCodec('auto', m, () => undefined);
    assert.equal(codec.decodeLine(Buffer.concat([Buffer.from('257 "/'), gbk('目录'), Buffer.from('"')])), '257 "/目录"');
    assert.equal(codec.decodeLine(Buffer.from('257 "/目录"')), '257 "/目录"');
  });

  it('auto: a code-page name whose bytes happen to be valid UTF-8 is read in the code page, a Latin UTF-8 name is not', () => {
    const m: NameMemory = { raw: new Map(), codePage: 'gb18030' };
    const codec = new PathCodec('auto', m, () => undefined);
    assert.deepEqual(listingOf(codec, '/', [gbk('目录'), Buffer.from('café.txt'), Buffer.from('Ελληνικά')]), ['目录', 'café.txt', 'Ελληνικά']);
    assert.deepEqual(wire(codec.encodeLine('CWD /目录')), Buffer.concat([Buffer.from('CWD /'), gbk('目录')]));
    assert.deepEqual(wire(codec.encodeLine('RETR /café.txt')), Buffer.from('RETR /café.txt'));
  });
});
