import { strict as assert } from 'node:assert';
import { mlstFactsToEnable } from '../../src/ftp/replyParsers';
import { FtpProtocolError } from '../../src/ftp/errors';
import { assertSafeArgument } from '../../src/ftp/guard';
import { ReplyParser } from '../../src/ftp/reply';
import { isSafeSaveTemp, tempName } from '../../src/ftp/safeSave';
import { maskUrlPassword, parseFtpUrl } from '../../src/ftp/url';

describe('reliability helpers', () => {
  it('turns on UNIX.mode with OPTS MLST only where the server offers it switched off', () => {
    assert.equal(mlstFactsToEnable('type*;perm*;size*;modify*;unique;unix.mode;unix.uid;unix.gid;'), 'type;perm;size;modify;unix.mode;');
    assert.equal(mlstFactsToEnable('type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;'), undefined, 'on already');
    assert.equal(mlstFactsToEnable('type*;size*;modify*;'), undefined, 'not offered');
    assert.equal(mlstFactsToEnable(undefined), undefined);
  });

  it('never echoes a password in URL errors', () => {
    assert.equal(maskUrlPassword('ftp://bob:hunter22@host:21/x'), 'ftp://bob:****@host:21/x');
    assert.equal(maskUrlPassword('ftp:/bob:hunter22@[zz/'), 'ftp:/bob:****@[zz/');
    assert.equal(maskUrlPassword('bob:hunter22@host'), 'bob:****@host');
    assert.equal(maskUrlPassword('ftp://bob:p@ss@host/'), 'ftp://bob:****@host/');
    assert.equal(maskUrlPassword('ftp://host:21/a'), 'ftp://host:21/a');
    for (const bad of ['ftp://bob:hunter22@host:99999/', 'ftp:/bob:hunter22@[zz/', 'http://bob:hunter22@host/']) {
      assert.throws(() => parseFtpUrl(bad), (e: Error) => !e.message.includes('hunter22'));
    }
  });

  it('never echoes a password or account with CR/LF/NUL in the error about it', () => {
    assert.throws(() => assertSafeArgument('hunter22\r\nDELE x', 'password'), (e: Error) => /CR character/.test(e.message) && !e.message.includes('hunter22'));
    assert.throws(() => assertSafeArgument('acct\0', 'account'), (e: Error) => !e.message.includes('acct'));
    assert.throws(() => assertSafeArgument('a\nb.txt', 'path'), /"a\\nb.txt"/);
  });

  it('caps a multi-line reply at 1 MiB', () => {
    const p = new ReplyParser((b) => b.toString('latin1'));
    p.push(Buffer.from('220-hello\r\n'));
    const line = Buffer.from(`${'x'.repeat(8000)}\r\n`);
    assert.throws(() => {
      for (let i = 0; i < 200; i++) p.push(line);
    }, (e: Error) => e instanceof FtpProtocolError && /multi-line reply larger than 1 MiB/.test(e.message));
  });

  it('names temporary files of safe save recognisably, in the same folder, short enough', () => {
    const t = tempName(`/www/${'n'.repeat(300)}.html`, 'tmp');
    assert.ok(t.startsWith('/www/.'), t);
    assert.ok(t.length < 120, t);
    assert.ok(isSafeSaveTemp(t.slice(5)));
    assert.ok(isSafeSaveTemp('.a.txt.0123abcd.ftpx-old'));
    assert.ok(!isSafeSaveTemp('a.txt'));
  });
});
