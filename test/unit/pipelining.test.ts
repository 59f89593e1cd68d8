import { strict as assert } from 'node:assert';
import { FtpClient, FtpIncompleteError, FtpReplyError, safeSave } from '../../src/ftp';
import { ControlConnection } from '../../src/ftp/control';
import { PathCodec } from '../../src/ftp/names/pathCodec';
import { ScriptedFtp, commandParts, pyftpdlibReplies, vsftpdReplies } from './scriptedFtp';

/**
 * Commands sent without waiting for the reply of the one before (RFC 959 §4.2: replies come in the order of the
 * commands): after the login, FEAT, TYPE I and PWD together, then what FEAT decides (OPTS) together; a listing's
 * CWD with its EPSV. The scripted server holds its replies until the whole batch is there, so a client that waits
 * for each reply times out; the replies are recorded from vsftpd and pyftpdlib, and must pair with their commands.
 */
describe('pipelined commands', function () {
  this.timeout(10000);
  const servers: ScriptedFtp[] = [];
  const clients: FtpClient[] = [];

  async function serve(script: ConstructorParameters<typeof ScriptedFtp>[0]): Promise<ScriptedFtp> {
    const s = await new ScriptedFtp(script).start();
    servers.push(s);
    return s;
  }

  async function connect(server: ScriptedFtp): Promise<FtpClient> {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', timeoutMs: 1500 });
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.stop();
  });

  /** FEAT's reply waits until TYPE I and PWD have arrived too. */
  const afterBatch = (command: string, received: readonly string[]) => command !== 'FEAT' || (received.includes('TYPE I') && received.includes('PWD'));

  it('sends FEAT, TYPE I and PWD in one write after the login, and pairs their replies (vsftpd)', async () => {
    const server = await serve({ reply: vsftpdReplies('/home/ftpexplorer'), gate: afterBatch });
    const c = await connect(server);
    assert.deepEqual(server.arrivalOf('FEAT'), ['FEAT', 'TYPE I', 'PWD']);
    assert.equal(c.homeDirectory, '/home/ftpexplorer');
    assert.ok(c.features.has('EPSV') && c.features.has('MDTM'));
    // Nothing more: vsftpd offers nothing to turn on with OPTS.
    assert.deepEqual(server.received, ['USER u', 'PASS p', 'FEAT', 'TYPE I', 'PWD']);
    // The dialogue is in step: the next command gets its own reply.
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it('sends the OPTS that FEAT offers together, after it (pyftpdlib)', async () => {
    const server = await serve({ reply: pyftpdlibReplies('/'), gate: (cmd, rec) => afterBatch(cmd, rec) && (!cmd.startsWith('OPTS UTF8') || rec.some((r) => r.startsWith('OPTS MLST'))) });
    const c = await connect(server);
    assert.deepEqual(server.arrivalOf('FEAT'), ['FEAT', 'TYPE I', 'PWD']);
    assert.deepEqual(server.arrivalOf('OPTS UTF8 ON'), ['OPTS UTF8 ON', 'OPTS MLST type;perm;size;modify;unix.mode;']);
    assert.equal(c.homeDirectory, '/');
    assert.ok(c.features.has('MLST'));
    assert.equal((await c.send('NOOP')).text, "200 I successfully done nothin'.");
  });

  it('asks PWD again after OPTS UTF8 ON when the login folder is not ASCII', async () => {
    let utf8 = false;
    const base = pyftpdlibReplies();
    const server = await serve({
      reply: (cmd) => {
        if (cmd === 'OPTS UTF8 ON') utf8 = true;
        // A server that sends its local encoding until UTF8 is on (here: a stand-in name before, the real one after).
        if (cmd === 'PWD') return utf8 ? '257 "/home/jörg" is the current directory.' : '257 "/home/j?rg" is the current directory.';
        return base(cmd);
      },
    });
    // The stand-in is ASCII: no second PWD; the real name arrives first in the test below.
    const c = await connect(server);
    assert.equal(c.homeDirectory, '/home/j?rg');
    assert.equal(server.received.filter((r) => r === 'PWD').length, 1);
    const server2 = await serve({
      reply: (cmd) => (cmd === 'PWD' ? `257 "/home/${server2.received.includes('OPTS UTF8 ON') ? 'jörg' : 'jÃ¶rg'}" is the current directory.` : base(cmd)),
    });
    const c2 = await connect(server2);
    assert.deepEqual(server2.arrivalOf('OPTS UTF8 ON'), ['OPTS UTF8 ON', 'OPTS MLST type;perm;size;modify;unix.mode;', 'PWD']);
    assert.equal(c2.homeDirectory, '/home/jörg');
  });

  it('fails the login with TYPE I named when the server refuses it', async () => {
    const base = vsftpdReplies();
    const server = await serve({ reply: (cmd) => (cmd === 'TYPE I' ? '504 Bad MODE command.' : base(cmd)) });
    await assert.rejects(connect(server), (err: unknown) => err instanceof FtpReplyError && err.code === 504 && err.command === 'TYPE I');
  });

  const listing = Buffer.from('drwxr-xr-x    2 1000     1000         4096 Dec 06 07:00 sub\r\n-rw-r--r--    1 1000     1000           12 Dec 06 07:00 a.txt\r\n');

  it('sends a listing\'s CWD with its EPSV and lists the folder', async () => {
    const base = vsftpdReplies();
    const server = await serve({
      reply: base,
      data: (cmd) => (cmd.startsWith('LIST') ? listing : undefined),
      // CWD's reply waits for the EPSV.
      gate: (cmd, rec) => !cmd.startsWith('CWD') || rec.includes('EPSV'),
    });
    const c = await connect(server);
    const entries = await c.list('/pub');
    assert.deepEqual(entries.map((e) => e.name).sort(), ['a.txt', 'sub']);
    assert.deepEqual(server.arrivalOf('CWD /pub'), ['CWD /pub', 'EPSV']);
    assert.equal((await c.send('NOOP')).code, 200);
  });

  it('fails a listing with the CWD\'s refusal and keeps the replies in step', async () => {
    const base = vsftpdReplies();
    const server = await serve({
      reply: (cmd) => (cmd === 'CWD /missing' ? '550 Failed to change directory.' : base(cmd)),
      data: (cmd) => (cmd.startsWith('LIST') ? listing : undefined),
    });
    const c = await connect(server);
    await assert.rejects(c.list('/missing'), (err: unknown) => err instanceof FtpReplyError && err.code === 550 && err.command === 'CWD /missing');
    // No LIST went out after the refused CWD, and the EPSV's reply was read with it: the next command gets its own.
    assert.ok(!server.received.some((r) => r.startsWith('LIST')));
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
    assert.deepEqual((await c.list('/pub')).map((e) => e.name).sort(), ['a.txt', 'sub']);
  });

  it('sends a download\'s MDTM with its EPSV and hands its time over before the data (onModified)', async () => {
    const base = vsftpdReplies();
    const server = await serve({
      reply: (cmd) => (cmd === 'MDTM /pub/a.txt' ? '213 20241206070012' : cmd.startsWith('MDTM') ? '550 Could not get file modification time.' : base(cmd)),
      data: (cmd) => (cmd.startsWith('RETR') ? Buffer.from('hello') : undefined),
      // MDTM's reply waits for the EPSV.
      gate: (cmd, rec) => !cmd.startsWith('MDTM') || rec.filter((r) => r === 'EPSV').length >= rec.filter((r) => r.startsWith('MDTM')).length,
    });
    const c = await connect(server);
    const told: Array<{ time?: Date; code: number }> = [];
    const data = await c.downloadBuffer('/pub/a.txt', { onModified: (m) => told.push(m) });
    assert.equal(data.toString(), 'hello');
    assert.deepEqual(server.arrivalOf('MDTM /pub/a.txt'), ['MDTM /pub/a.txt', 'EPSV']);
    assert.deepEqual(told.map((m) => [m.code, m.time?.toISOString()]), [[213, '2024-12-06T07:00:12.000Z']]);
    // A refused MDTM is told, and the download goes on.
    const again = await c.downloadBuffer('/pub/b.txt', { onModified: (m) => told.push(m) });
    assert.equal(again.toString(), 'hello');
    assert.deepEqual(told.slice(1).map((m) => [m.code, m.time]), [[550, undefined]]);
    assert.equal((await c.send('NOOP')).code, 200);
  });

  it('reads the reply of a command written ahead that no read took, before the next command\'s', async () => {
    const server = await serve({ reply: vsftpdReplies() });
    const ctl = await ControlConnection.open('127.0.0.1', server.port, new PathCodec('utf8', { raw: new Map() }, () => undefined), 1500, () => undefined, 8192);
    try {
      assert.equal((await ctl.read()).code, 220);
      let checked = 0;
      ctl.writeAhead('CWD /a', () => checked++);
      assert.equal(ctl.hasAhead, true);
      await ctl.settleAhead();
      assert.equal(ctl.hasAhead, false);
      assert.equal(checked, 0, 'a settled reply is not checked');
      assert.equal((await ctl.send('NOOP')).text, '200 NOOP ok.');
    } finally {
      ctl.destroy();
    }
  });

  it('carries a finished operation\'s SIZE with the next command (sizeAlong), or sends it alone when none comes', async () => {
    const base = vsftpdReplies();
    const server = await serve({
      reply: (cmd) => (cmd.startsWith('SIZE') ? '213 5' : base(cmd)),
      // SIZE /a's reply waits for the NOOP: a client that sent it alone and waited would time out.
      gate: (cmd, rec) => cmd !== 'SIZE /a' || rec.includes('NOOP'),
    });
    const c = await connect(server);
    const size = c.sizeAlong('/a');
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
    assert.equal(await size, 5);
    assert.deepEqual(server.arrivalOf('SIZE /a'), ['SIZE /a', 'NOOP']);
    // Nothing follows: sent alone, not held.
    assert.equal(await c.sizeAlong('/b'), 5);
    assert.deepEqual(server.arrivalOf('SIZE /b'), ['SIZE /b']);
    assert.equal((await c.send('NOOP')).text, '200 NOOP ok.');
  });

  it('hands a carried command\'s reply to its check when settled, and tells its loss when the connection fails', async () => {
    const base = vsftpdReplies();
    const server = await serve({ reply: (cmd) => (cmd.startsWith('SIZE') ? '213 5' : base(cmd)) });
    const ctl = await ControlConnection.open('127.0.0.1', server.port, new PathCodec('utf8', { raw: new Map() }, () => undefined), 1500, () => undefined, 8192);
    try {
      assert.equal((await ctl.read()).code, 220);
      const told: string[] = [];
      ctl.writeAhead('SIZE /a', (r) => told.push(`reply ${r.code}`), { carried: { lost: () => told.push('lost') } });
      assert.equal(ctl.mustSettle, false, 'not sent yet: it goes with the next command');
      await ctl.settleAhead();
      assert.deepEqual(told, ['reply 213']);
      ctl.writeAhead('SIZE /b', (r) => told.push(`reply ${r.code}`), { carried: { lost: () => told.push('lost') } });
      ctl.destroy();
      assert.deepEqual(told, ['reply 213', 'lost']);
    } finally {
      ctl.destroy();
    }
  });
});

/**
 * Safe save's end in one round trip: SIZE of the temporary file, SITE CHMOD and RNFR together, then RNTO. The
 * scripted server (vsftpd's replies) holds the SIZE reply until the RNFR has arrived.
 */
describe('safe save with SIZE, SITE CHMOD and RNFR in one write', function () {
  this.timeout(10000);
  let server: ScriptedFtp;
  let client: FtpClient;
  const files = new Map<string, Buffer>();
  let renamedFrom: string | undefined;
  /** Bytes the server says it stored fewer than it got (a cut it did not notice). */
  let shortBy = 0;

  beforeEach(async () => {
    files.clear();
    renamedFrom = undefined;
    shortBy = 0;
    files.set('/www/a.txt', Buffer.from('old'));
    const base = vsftpdReplies();
    server = await new ScriptedFtp({
      reply: (cmd) => {
        const [verb] = cmd.split(' ');
        const arg = cmd.slice(verb.length + 1);
        switch (verb) {
          case 'SIZE':
            return files.has(arg) ? `213 ${files.get(arg)!.length - shortBy}` : '550 Could not get file size.';
          case 'SITE':
            return '200 SITE CHMOD command ok.';
          case 'RNFR':
            renamedFrom = arg;
            return files.has(arg) ? '350 Ready for RNTO.' : '550 RNFR command failed.';
          case 'RNTO':
            if (!renamedFrom || !files.has(renamedFrom)) return '503 RNFR required first.';
            files.set(arg, files.get(renamedFrom)!);
            files.delete(renamedFrom);
            renamedFrom = undefined;
            return '250 Rename successful.';
          case 'DELE':
            renamedFrom = undefined;
            return files.delete(arg) ? '250 Delete operation successful.' : '550 Delete operation failed.';
          default:
            return base(cmd);
        }
      },
      stored: (p, data) => files.set(p, data),
      gate: (cmd, rec) => !cmd.startsWith('SIZE') || rec.some((r) => r.startsWith('RNFR')),
    }).start();
    client = await FtpClient.connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', timeoutMs: 1500 });
  });

  afterEach(async () => {
    client.destroy();
    await server.stop();
  });

  it('sends them together and puts the file in place, its mode kept', async () => {
    const existing = { name: 'a.txt', type: 'file' as const, size: 3, mode: 0o640 };
    const r = await safeSave(client, '/www/a.txt', Buffer.from('new content'), { existing });
    assert.deepEqual([r.method, r.verified], ['rename', 'size']);
    assert.equal(files.get('/www/a.txt')?.toString(), 'new content');
    const batch = server.arrivals.find((a) => a.some((c) => c.startsWith('SIZE')));
    assert.deepEqual(batch?.map((c) => c.split(' ')[0] + (c.startsWith('SITE') ? ` ${c.split(' ')[1]} ${c.split(' ')[2]}` : '')), ['SIZE', 'SITE CHMOD 640', 'RNFR']);
    assert.ok(server.received.some((c) => c === 'RNTO /www/a.txt'));
    assert.equal((await client.send('NOOP')).code, 200);
  });

  it('renames nothing when the stored size is short, and deletes the temporary file', async () => {
    shortBy = 1;
    const existing = { name: 'a.txt', type: 'file' as const, size: 3 };
    await assert.rejects(safeSave(client, '/www/a.txt', Buffer.from('new content'), { existing }), FtpIncompleteError);
    assert.equal(files.get('/www/a.txt')?.toString(), 'old', 'the original is untouched');
    assert.ok(!server.received.some((c) => c.startsWith('RNTO')));
    assert.deepEqual([...files.keys()], ['/www/a.txt'], 'no temporary file left');
    assert.equal((await client.send('NOOP')).code, 200, 'the replies are in step');
  });
});

describe('a save straight onto the name (safe: false) with `after`', function () {
  this.timeout(10000);
  let server: ScriptedFtp;
  let client: FtpClient;
  const files = new Map<string, Buffer>();
  /** Bytes the server says it stored fewer than it got. */
  let shortBy = 0;

  beforeEach(async () => {
    files.clear();
    shortBy = 0;
    const base = vsftpdReplies();
    server = await new ScriptedFtp({
      reply: (cmd) => {
        const { verb, arg } = commandParts(cmd);
        if (verb === 'SIZE') return files.has(arg) ? `213 ${files.get(arg)!.length - shortBy}` : '550 Could not get file size.';
        if (verb === 'MLST') return files.has(arg) ? `250- Listing ${arg}\r\n type=file;size=${files.get(arg)!.length};modify=20261207120000; ${arg}\r\n250 End.` : '550 No such file.';
        return base(cmd);
      },
      stored: (p, data) => files.set(p, data),
    }).start();
    client = await FtpClient.connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', timeoutMs: 1500 });
  });

  afterEach(async () => {
    client.destroy();
    await server.stop();
  });

  it('sends its size check and `after` in one write, and returns the answer', async () => {
    const r = await safeSave(client, '/www/b.txt', Buffer.from('new file'), { existing: null, safe: false, after: 'MLST /www/b.txt' });
    assert.deepEqual([r.method, r.verified], ['direct', 'size']);
    assert.deepEqual(
      server.arrivals.find((a) => a.some((c) => c.startsWith('SIZE'))),
      ['SIZE /www/b.txt', 'MLST /www/b.txt'],
    );
    const e = r.after && client.readAnswer('/www/b.txt', r.after)?.entry;
    assert.deepEqual([e?.type, e?.size, e?.mtimeMs], ['file', 8, Date.UTC(2026, 11, 7, 12)]);
    assert.equal((await client.send('NOOP')).code, 200, 'the replies are in step');
  });

  it('still fails when the server stored less, with the replies in step', async () => {
    shortBy = 1;
    await assert.rejects(safeSave(client, '/www/b.txt', Buffer.from('new file'), { existing: null, safe: false, after: 'MLST /www/b.txt' }), FtpIncompleteError);
    assert.equal((await client.send('NOOP')).code, 200, 'the replies are in step');
  });
});
