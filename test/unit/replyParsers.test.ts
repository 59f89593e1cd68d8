import { strict as assert } from 'node:assert';
import { parseFeatures, parseMdtm, parsePwd } from '../../src/ftp/replyParsers';
import { assertSafeArgument } from '../../src/ftp/guard';
import { maskCommand } from '../../src/ftp/control';
import { FtpInputError } from '../../src/ftp/errors';
import { charsetFor } from '../../src/ftp/encoding';

describe('single-reply parsers', () => {
  it('reads FEAT (RFC 2389) into upper-case keys', () => {
    const f = parseFeatures(['211-Features:', ' mlst type*;size*;', ' UTF8', ' REST STREAM', '211 End']);
    assert.deepEqual([...f], [['MLST', 'type*;size*;'], ['UTF8', ''], ['REST', 'STREAM']]);
  });

  it('reads the 257 path with doubled quotes', () => {
    assert.equal(parsePwd('257 "/" is the current directory'), '/');
    assert.equal(parsePwd('257 "/a ""b"" c" created'), '/a "b" c');
    assert.equal(parsePwd('257 no quotes'), undefined);
    assert.equal(parsePwd('257 "unterminated'), undefined);
  });

  it('reads MDTM times as UTC, with fractions', () => {
    assert.equal(parseMdtm('20240305060708')?.toISOString(), '2024-03-05T06:07:08.000Z');
    assert.equal(parseMdtm('20240305060708.5')?.toISOString(), '2024-03-05T06:07:08.500Z');
    assert.equal(parseMdtm('2024030506'), undefined);
  });
});

describe('input guards', () => {
  it('refuses CR, LF and NUL in anything sent', () => {
    for (const bad of ['a\r\nDELE b', 'a\nb', 'a\rb', 'a\0b']) {
      assert.throws(() => assertSafeArgument(bad, 'path'), (e: Error) => e instanceof FtpInputError && /path contains a (CR|LF|NUL)/.test(e.message));
    }
    assertSafeArgument('a name with spaces and 中文 and -dash', 'path');
  });

  it('masks PASS and ACCT', () => {
    assert.equal(maskCommand('PASS hunter2'), 'PASS ****');
    assert.equal(maskCommand('pass hunter2'), 'pass ****');
    assert.equal(maskCommand('ACCT secret'), 'ACCT ****');
    assert.equal(maskCommand('PASV'), 'PASV');
  });

  it('encodes paths in the connection\'s encoding', () => {
    const gbk = charsetFor('GBK');
    const bytes = gbk.encode('中文');
    assert.deepEqual([...bytes], [0xd6, 0xd0, 0xce, 0xc4]);
    assert.equal(gbk.decode(bytes), '中文');
    assert.equal(charsetFor(undefined).name, 'utf8');
    assert.throws(() => charsetFor('klingon'), /Unknown encoding "klingon"/);
  });
});
