import { strict as assert } from 'node:assert';
import {
  encodeEprt,
  encodePort,
  isPrivateAddress,
  normalizeAddress,
  parseEpsvReply,
  parsePasvReply,
  sameAddress,
} from '../../src/ftp/address';
import { FtpProtocolError } from '../../src/ftp/errors';

describe('PASV / EPSV / PORT / EPRT encoding', () => {
  it('parses 227 replies with and without parentheses and trailing dot', () => {
    for (const text of [
      '227 Entering Passive Mode (127,0,0,1,196,43).',
      '227 Entering Passive Mode (127,0,0,1,196,43)',
      '227 Entering Passive Mode 127,0,0,1,196,43',
      '227 =127,0,0,1,196,43',
      '227 Entering passive mode (127, 0, 0, 1, 196, 43)',
    ]) {
      assert.deepEqual(parsePasvReply(text), { host: '127.0.0.1', port: 196 * 256 + 43 }, text);
    }
  });

  it('reads vsftpd\'s 0,0,0,0 tuple over IPv6 without failing (the address is ignored by default)', () => {
    assert.deepEqual(parsePasvReply('227 Entering Passive Mode (0,0,0,0,156,64).'), { host: '0.0.0.0', port: 40000 });
  });

  it('refuses malformed and out-of-range tuples with a clear error', () => {
    assert.throws(() => parsePasvReply('227 Entering Passive Mode (1,196,54).'), /no address h1,h2,h3,h4,p1,p2/);
    assert.throws(() => parsePasvReply('227 Entering Passive Mode (300,0,0,1,1,1)'), /above 255/);
    assert.throws(() => parsePasvReply('227 Entering Passive Mode (127,0,0,1,0,0)'), /invalid port 0/);
    assert.throws(() => parsePasvReply('227 nothing'), FtpProtocolError);
  });

  it('parses 229 replies with any delimiter', () => {
    assert.equal(parseEpsvReply('229 Entering Extended Passive Mode (|||50215|)'), 50215);
    assert.equal(parseEpsvReply('229 Entering Extended Passive Mode (!!!50215!)'), 50215);
    assert.equal(parseEpsvReply('229 (|||21|).'), 21);
    assert.throws(() => parseEpsvReply('229 Entering Extended Passive Mode (|||99999|)'), /invalid port/);
    assert.throws(() => parseEpsvReply('229 Entering Extended Passive Mode (|1|2|)'), /\(\|\|\|port\|\)/);
  });

  it('encodes PORT and EPRT', () => {
    assert.equal(encodePort('127.0.0.1', 50215), '127,0,0,1,196,39');
    assert.equal(encodePort('::ffff:10.0.0.2', 20), '10,0,0,2,0,20');
    assert.throws(() => encodePort('::1', 1000), /IPv4/);
    assert.equal(encodeEprt('127.0.0.1', 50215), '|1|127.0.0.1|50215|');
    assert.equal(encodeEprt('::1', 50215), '|2|::1|50215|');
    assert.throws(() => encodeEprt('example.com', 1), /IP address/);
  });

  it('normalises and compares addresses', () => {
    assert.equal(normalizeAddress('::FFFF:127.0.0.1'), '127.0.0.1');
    assert.ok(sameAddress('::ffff:10.1.2.3', '10.1.2.3'));
    assert.ok(!sameAddress('10.1.2.3', '10.1.2.4'));
  });

  it('knows private addresses', () => {
    for (const a of ['10.200.1.1', '192.168.0.5', '172.16.0.1', '172.31.9.9', '127.0.0.1', '::1', 'fd00::1', 'fe80::1']) {
      assert.ok(isPrivateAddress(a), a);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '2001:db8::1']) assert.ok(!isPrivateAddress(a), a);
  });
});
