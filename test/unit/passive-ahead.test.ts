import { strict as assert } from 'node:assert';
import { FtpClient } from '../../src/ftp';
import { ScriptedFtp, vsftpdReplies } from './scriptedFtp';

/**
 * The next file's passive port asked for ahead (TransferOptions.followedByTransfer, ControlConnection.sendPassiveAhead):
 * after a download's data has arrived, EPSV goes out before the download's 226 is read, and the next transfer takes
 * its 229 instead of asking again. Any other command in between reads that reply first, so the dialogue stays in
 * step. Against the scripted server (vsftpd's replies); the folder downloads on the five real servers, with the 226
 * held until the EPSV arrives, are in test/integration/download-port-ahead.test.ts.
 */
describe('the next transfer\'s passive port asked for ahead', function () {
  this.timeout(10000);
  const servers: ScriptedFtp[] = [];
  const clients: FtpClient[] = [];
  const FILES: Record<string, string> = { '/a': 'first file', '/b': 'second file', '/c': 'third file, from byte 5' };

  async function setup(extra: Partial<ConstructorParameters<typeof ScriptedFtp>[0]> = {}): Promise<{ server: ScriptedFtp; c: FtpClient }> {
    const base = vsftpdReplies('/');
    const server = await new ScriptedFtp({
      reply: (cmd) => (cmd.startsWith('REST ') ? `350 Restart position accepted (${cmd.slice(5)}).` : base(cmd)),
      data: (cmd) => {
        const m = /^RETR (.*)$/.exec(cmd);
        return m && FILES[m[1]] !== undefined ? Buffer.from(FILES[m[1]]) : undefined;
      },
      ...extra,
    }).start();
    servers.push(server);
    const c = await FtpClient.connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', timeoutMs: 1500 });
    clients.push(c);
    return { server, c };
  }

  /** The commands after the login. */
  const dialogue = (server: ScriptedFtp) => server.received.slice(server.received.indexOf('PWD') + 1);

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.stop();
  });

  it('sends EPSV after a download that another follows, before its 226, and the next download uses its port', async () => {
    // The 226 of RETR /a comes only once the next EPSV is there: a client that waits for it first times out.
    const { server, c } = await setup({ finalGate: (cmd, rec) => cmd !== 'RETR /a' || rec.filter((r) => r === 'EPSV').length >= 2 });
    assert.equal((await c.downloadBuffer('/a', { followedByTransfer: true })).toString(), FILES['/a']);
    assert.equal((await c.downloadBuffer('/b', { followedByTransfer: true })).toString(), FILES['/b']);
    assert.equal((await c.downloadBuffer('/b')).toString(), FILES['/b']);
    assert.deepEqual(dialogue(server), ['EPSV', 'RETR /a', 'EPSV', 'RETR /b', 'EPSV', 'RETR /b']);
    // Nothing left over: the next command gets its own reply.
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it('reads the early EPSV\'s reply before another command\'s, and asks again for the transfer after it', async () => {
    const { server, c } = await setup();
    await c.downloadBuffer('/a', { followedByTransfer: true });
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
    assert.equal((await c.downloadBuffer('/b', { followedByTransfer: true })).toString(), FILES['/b']);
    // REST is a command in between too: the port asked before it is not used.
    assert.equal((await c.downloadBuffer('/c', { offset: 5 })).toString(), FILES['/c']);
    assert.deepEqual(dialogue(server), ['EPSV', 'RETR /a', 'EPSV', 'NOOP', 'EPSV', 'RETR /b', 'EPSV', 'REST 5', 'EPSV', 'RETR /c']);
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it('asks again when the early EPSV is refused, and keeps using EPSV', async () => {
    const { server, c } = await setup({ epsv: (n) => (n === 2 ? "425 Can't open a passive port now." : undefined) });
    await c.downloadBuffer('/a', { followedByTransfer: true });
    assert.equal((await c.downloadBuffer('/b', { followedByTransfer: true })).toString(), FILES['/b']);
    assert.equal((await c.downloadBuffer('/a')).toString(), FILES['/a']);
    assert.deepEqual(dialogue(server), ['EPSV', 'RETR /a', 'EPSV', 'EPSV', 'RETR /b', 'EPSV', 'RETR /a']);
  });

  it('asks nothing ahead without followedByTransfer, nor when it says no at the end of the data', async () => {
    const { server, c } = await setup();
    await c.downloadBuffer('/a');
    // Asked when the data has arrived, not before (the next file may have gone to another connection meanwhile).
    let asked = 0;
    await c.downloadBuffer('/a', { followedByTransfer: () => (asked++, false) });
    assert.equal(asked, 1);
    await c.downloadBuffer('/b');
    assert.deepEqual(dialogue(server), ['EPSV', 'RETR /a', 'EPSV', 'RETR /a', 'EPSV', 'RETR /b']);
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it('sends EPSV after an upload that another follows once the server has closed its data connection, before the 226', async () => {
    const stored: string[] = [];
    // The 226 of STOR /u comes only once the next EPSV is there: a client that waits for it first times out.
    const { server, c } = await setup({
      stored: (p) => stored.push(p),
      finalGate: (cmd, rec) => cmd !== 'STOR /u' || rec.filter((r) => r === 'EPSV').length >= 3,
    });
    await c.downloadBuffer('/a');
    await c.upload(Buffer.from('up'), '/u', { followedByTransfer: true });
    await c.upload(Buffer.from('more'), '/v', { followedByTransfer: false });
    assert.deepEqual(dialogue(server), ['EPSV', 'RETR /a', 'EPSV', 'STOR /u', 'EPSV', 'STOR /v']);
    assert.deepEqual(stored, ['/u', '/v']);
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it("sends an upload's SIZE in the same write as the next port (sizeAfter), for sizeAlong; a last one is read at once", async () => {
    const sizes = new Map<string, number>();
    const base = vsftpdReplies('/');
    // The 226 of STOR /u comes only once its SIZE and the next EPSV are there.
    const { server, c } = await setup({
      reply: (cmd) => (cmd.startsWith('SIZE ') ? `213 ${sizes.get(cmd.slice(5)) ?? 0}` : base(cmd)),
      stored: (p, b) => sizes.set(p, b.length),
      finalGate: (cmd, rec) => cmd !== 'STOR /u' || (rec.includes('SIZE /u') && rec.filter((r) => r === 'EPSV').length >= 3),
    });
    await c.downloadBuffer('/a');
    await c.upload(Buffer.from('12345'), '/u', { followedByTransfer: true, sizeAfter: true });
    const first = c.sizeAlong('/u');
    await c.upload(Buffer.from('1234567'), '/v', { followedByTransfer: () => false, sizeAfter: true });
    assert.equal(await first, 5);
    // Not sent with a port: asked the usual way (written ahead of the next operation, or alone).
    assert.equal(await c.sizeAlong('/v'), 7);
    const arrivals = server.arrivals.map((a) => a.filter((l) => !l.startsWith('MDTM')).join(' | '));
    assert.ok(arrivals.includes('SIZE /u | EPSV'), arrivals.join('; '));
    assert.deepEqual(dialogue(server).filter((x) => !x.startsWith('MDTM')), ['EPSV', 'RETR /a', 'EPSV', 'STOR /u', 'SIZE /u', 'EPSV', 'STOR /v', 'SIZE /v']);
    // Again with the next port asked and no operation after it: sizeAlong's answer still comes.
    await c.upload(Buffer.from('123'), '/w', { followedByTransfer: true, sizeAfter: true });
    assert.equal(await c.sizeAlong('/w'), 3);
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });
});
