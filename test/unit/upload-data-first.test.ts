import { strict as assert } from 'node:assert';
import { FtpClient, FtpProtocolError, FtpReplyError } from '../../src/ftp';
import { ScriptedFtp, vsftpdReplies } from './scriptedFtp';

/**
 * An upload over a long round trip (the quickest of 3 answers the server gives at once, USER, FEAT, EPSV, at least
 * a few ms): its STOR goes in the same write as
 * its EPSV, so the server has it before it can see the data connection, and the data goes as soon as that
 * connection is up, without waiting for the 150 (one round trip less per file). The scripted server answers every
 * command late (the round trip) and, where said, sends the 150 only once data has arrived: a client that waits for the
 * 150 first times out. The five real servers behind the emulated link: test/integration/upload-data-first.test.ts.
 */
describe('an upload\'s command with its EPSV, its data before the 150', function () {
  this.timeout(10000);
  const servers: ScriptedFtp[] = [];
  const clients: FtpClient[] = [];

  async function setup(extra: Partial<ConstructorParameters<typeof ScriptedFtp>[0]> = {}): Promise<{ server: ScriptedFtp; c: FtpClient; stored: Map<string, string> }> {
    const stored = new Map<string, string>();
    const server = await new ScriptedFtp({
      reply: vsftpdReplies('/'),
      stored: (p, data) => stored.set(p, data.toString()),
      delayMs: 15,
      ...extra,
    }).start();
    servers.push(server);
    const c = await FtpClient.connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', timeoutMs: 1500 });
    clients.push(c);
    return { server, c, stored };
  }

  /** Three uploads, which teach the client passive mode (and more of the round trip than the login's 2 answers). */
  async function warm(c: FtpClient): Promise<void> {
    for (const n of [1, 2, 3]) await c.upload(Buffer.from(`warm ${n}`), `/w${n}`);
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.stop();
  });

  it('sends STOR with the EPSV once passive mode has worked, and the data before the 150 (a client that waits for it times out)', async () => {
    // The first uploads learn passive mode and the round trip (their 150 comes at once); then the 150 comes only
    // after data has arrived.
    const { server, c, stored } = await setup({ storNeedsData: (p) => !p.startsWith('/w') });
    await warm(c);
    server.received.length = 0;
    const arrivalsBefore = server.arrivals.length;
    await c.upload(Buffer.from('two'), '/b');
    await c.upload(Buffer.alloc(300000, 7), '/c');
    assert.deepEqual(server.received, ['EPSV', 'STOR /b', 'EPSV', 'STOR /c']);
    assert.deepEqual(server.arrivals.slice(arrivalsBefore), [['EPSV', 'STOR /b'], ['EPSV', 'STOR /c']]);
    assert.equal(stored.get('/w1'), 'warm 1');
    assert.equal(stored.get('/b'), 'two');
    assert.equal(stored.get('/c'), '\x07'.repeat(300000));
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it('waits for the 150 on a short round trip (ftp-srv looks for the data connection only every 50 ms)', async () => {
    const { server, c, stored } = await setup({ delayMs: 0 });
    await warm(c);
    await c.upload(Buffer.from('two'), '/b');
    assert.ok(!server.arrivals.some((a) => a.includes('EPSV') && a.some((x) => x.startsWith('STOR'))), JSON.stringify(server.arrivals));
    assert.equal(stored.get('/b'), 'two');
  });

  it('not before passive mode has worked, and 3 answers have shown the round trip (the login gives 2)', async () => {
    const { server, c } = await setup();
    await c.upload(Buffer.from('one'), '/a');
    assert.deepEqual(server.arrivalOf('STOR /a'), ['STOR /a']);
    await c.upload(Buffer.from('two'), '/b');
    assert.deepEqual(server.arrivalOf('STOR /b'), ['EPSV', 'STOR /b']);
  });

  it('a refused STOR is the error, at once, and the dialogue stays in step', async () => {
    const { server, c, stored } = await setup({ storReply: (p) => (p === '/no' ? '553 Could not create file.' : undefined) });
    await warm(c);
    const t0 = Date.now();
    await assert.rejects(c.upload(Buffer.alloc(100000, 1), '/no'), (err: unknown) => err instanceof FtpReplyError && err.code === 553);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
    assert.ok(server.arrivalOf('STOR /no')?.includes('EPSV'));
    await c.upload(Buffer.from('two'), '/b');
    assert.equal(stored.get('/b'), 'two');
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it('an EPSV refused with the STOR along: the STOR\'s refusal is read, and the upload goes on with PASV', async () => {
    const { server, c, stored } = await setup({ epsv: (n) => (n === 4 ? "425 Can't open a passive port now." : undefined) });
    await warm(c);
    server.received.length = 0;
    await c.upload(Buffer.from('two'), '/b');
    assert.deepEqual(server.received, ['EPSV', 'STOR /b', 'PASV', 'STOR /b']);
    assert.equal(stored.get('/b'), 'two');
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it('an EPSV refused, and the STOR sent with it started anyway: the connection is dropped, the next operation reconnects', async () => {
    const base = vsftpdReplies('/');
    const { c, stored } = await setup({
      epsv: (n) => (n === 4 ? "425 Can't open a passive port now." : undefined),
      reply: (cmd) => (cmd.startsWith('STOR ') ? '150 File status okay. About to open data connection.' : base(cmd)),
    });
    await warm(c);
    await assert.rejects(c.upload(Buffer.from('two'), '/b'), FtpProtocolError);
    await c.upload(Buffer.from('three'), '/c');
    assert.equal(stored.get('/c'), 'three');
  });
});
