import * as assert from 'node:assert/strict';
import {
  FtpCancelledError,
  FtpConnectionError,
  FtpDataConnectionError,
  FtpReplyError,
  FtpTimeoutError,
  isConnectionLimit,
  isConnectionLost,
  isLoginFailure,
} from '../../src/ftp';
import { FsError, toFsError } from '../../src/remote/fsErrors';
import { formatLogLines, LineBuffer, MAX_LINE } from '../../src/remote/logFormat';
import { normalizeConnection } from '../../src/remote/config';
import { Site } from '../../src/remote/site';
import { FakeServer, fsError } from './remote-fake-client';

describe('a limit on connections is not a wrong password', () => {
  const limits: [number, string][] = [
    [530, 'Sorry, the maximum number of clients (1) for this user are already connected.'], // proftpd MaxClientsPerUser
    [421, 'There are too many connections from your internet address.'], // vsftpd max_per_ip
    [421, 'There are too many connected users, please try later.'], // vsftpd max_clients
    [421, 'Too many connections from the same IP address.'], // pyftpdlib max_cons_per_ip
    [421, 'Too many connections. Service temporarily unavailable.'], // pyftpdlib max_cons
  ];
  it('the servers\' words for it are a connection limit, never a login failure; its message says what to do', () => {
    for (const [code, text] of limits) {
      const err = new FtpReplyError(code, text, 'PASS');
      assert.ok(isConnectionLimit(err), text);
      assert.ok(!isLoginFailure(err), text);
      const fe = toFsError(err, 'list', '/');
      assert.equal(fe.kind, 'Unavailable');
      assert.match(fe.message, /allows no more connections.*poolSize/);
    }
  });
  it('a refused password is a login failure, not a limit', () => {
    for (const text of ['Login incorrect.', 'Authentication failed.', 'Sorry, cannot login.']) {
      const err = new FtpReplyError(530, text, 'PASS');
      assert.ok(isLoginFailure(err), text);
      assert.ok(!isConnectionLimit(err), text);
    }
  });
});

describe('remote/fsErrors: mapping to FileSystemError kinds', () => {
  const kind = (err: unknown) => toFsError(err, 'read', '/a.txt').kind;

  it('550/450 "not found" is FileNotFound, with the server reply in the message', () => {
    const e = toFsError(new FtpReplyError(550, 'No such file or directory', 'RETR /a.txt'), 'read', '/a.txt');
    assert.equal(e.kind, 'FileNotFound');
    assert.match(e.message, /550 No such file or directory/);
    assert.match(e.message, /\/a\.txt/);
    assert.equal(kind(new FtpReplyError(450, 'File not found')), 'FileNotFound');
  });

  it('a bare 550 is "not found" at this level: the reply alone cannot say more (the Site asks the listing)', () => {
    // RFC 959 §4.2: 550 is "file unavailable (e.g., file not found, no access)". toFsError has only the reply,
    // and vsftpd's refusals carry no reason, so "not found" is its best guess; the Site's refinement of it with
    // the listing is tested in 'remote/site: a 550 on a name the listing shows' below.
    for (const text of ['Requested action not taken', 'Failed to open file.', 'Delete operation failed.', 'Create directory operation failed.']) {
      const e = toFsError(new FtpReplyError(550, text, 'DELE /a.txt'), 'delete', '/a.txt');
      assert.equal(e.kind, 'FileNotFound', text);
      assert.ok(e.message.includes(`550 ${text}`), e.message);
    }
  });

  it('501/551 with "not found" text are FileNotFound (pyftpdlib MLSD, ftp-srv RETR); other 501/551 are not', () => {
    assert.equal(kind(new FtpReplyError(501, 'No such directory.', 'MLSD /x')), 'FileNotFound');
    assert.equal(kind(new FtpReplyError(551, "ENOENT: no such file or directory, stat '/srv/a.txt'", 'RETR /a.txt')), 'FileNotFound');
    assert.equal(kind(new FtpReplyError(501, 'Syntax error in parameters or arguments')), 'Unknown');
    assert.equal(kind(new FtpReplyError(551, 'Page type unknown')), 'Unknown');
  });

  it('permission replies are NoPermissions', () => {
    assert.equal(kind(new FtpReplyError(550, 'Permission denied')), 'NoPermissions');
    assert.equal(kind(new FtpReplyError(553, 'Could not create file')), 'NoPermissions');
    assert.equal(kind(new FtpReplyError(530, 'Login incorrect')), 'NoPermissions');
  });

  it('"exists" replies are FileExists', () => {
    assert.equal(kind(new FtpReplyError(550, 'File exists')), 'FileExists');
    assert.equal(kind(new FtpReplyError(550, 'Directory already exists')), 'FileExists');
  });

  it('connection trouble is Unavailable', () => {
    assert.equal(kind(new FtpReplyError(421, 'Timeout')), 'Unavailable');
    assert.equal(kind(new FtpReplyError(450, 'File busy')), 'Unavailable');
    assert.equal(kind(new FtpReplyError(425, "Can't open data connection")), 'Unavailable');
    assert.equal(kind(new FtpConnectionError('ECONNRESET')), 'Unavailable');
    assert.equal(kind(new FtpTimeoutError('no reply for 30 s')), 'Unavailable');
    const data = toFsError(new FtpDataConnectionError('no data connection', 'RETR x', 'A firewall blocks it. Use passive mode.', 'active'), 'read', '/x');
    assert.equal(data.kind, 'Unavailable');
    assert.match(data.message, /Use passive mode/);
  });

  it('a cancelled transfer is Cancelled', () => {
    assert.equal(kind(new FtpCancelledError('The transfer was cancelled')), 'Cancelled');
    assert.equal(kind(Object.assign(new Error('x'), { name: 'AbortError' })), 'Cancelled');
  });

  it('an FsError passes through unchanged', () => {
    const e = new FsError('FileExists', 'x');
    assert.equal(toFsError(e, 'read', '/'), e);
  });

  it('tells connection errors (reconnect and retry) from others', () => {
    assert.ok(isConnectionLost(new FtpReplyError(421, 'bye')));
    assert.ok(isConnectionLost(new FtpConnectionError('reset')));
    assert.ok(isConnectionLost(new FtpTimeoutError('slow')));
    assert.ok(isConnectionLost(Object.assign(new Error('x'), { code: 'ECONNRESET' })));
    assert.ok(!isConnectionLost(new FtpReplyError(550, 'No such file')));
    assert.ok(!isConnectionLost(new Error('plain')));
    assert.ok(isLoginFailure(new FtpReplyError(530, 'Login incorrect', 'login')));
    assert.ok(!isLoginFailure(new FtpReplyError(550, 'x')));
  });
});

describe('remote/site: a 550 on a name the listing shows', () => {
  // vsftpd's words for a refused RETR, DELE and MKD (RFC 959 §4.2: 550 "file unavailable" covers both).
  const refusals = [
    { op: 'download', text: 'Failed to open file.', run: (site: Site) => site.readFile('/d/a.txt') },
    { op: 'delete', text: 'Delete operation failed.', run: (site: Site) => site.delete('/d/a.txt', { recursive: false }) },
    { op: 'mkdir', text: 'Create directory operation failed.', run: (site: Site) => site.createDirectory('/d/new') },
  ];

  function makeSite(server: FakeServer) {
    const infos: string[] = [];
    const config = normalizeConnection({ name: 'site', host: 'h', username: 'bob' }).config!;
    const site = new Site(config, 'saved:site', { connect: () => server.connect(), poolSize: 1, info: (t) => infos.push(t) });
    return { site, infos };
  }

  for (const { op, text, run } of refusals) {
    it(`${op}: the server refused what is there: NoPermissions with its words, and logged`, async () => {
      const server = new FakeServer().file('/d/a.txt', 'a');
      const { site, infos } = makeSite(server);
      server.failNext(op, () => new FtpReplyError(550, text, op));
      const e = await fsError(run(site));
      assert.equal(e.kind, 'NoPermissions', e.message);
      assert.ok(e.message.includes(`550 ${text}`), e.message);
      assert.match(e.message, /Check the permissions/);
      assert.match(e.message, /^The server refused to (read|delete|create folder) '\/d\/(a\.txt|new)': 550 /);
      assert.deepEqual(infos, [e.message], 'the refusal is said in the log, once');
      await site.dispose();
    });
  }

  for (const { op, text, run } of refusals.filter((r) => r.op !== 'mkdir')) {
    it(`${op}: a name gone from the listing by the time the server answered 550: FileNotFound, nothing logged`, async () => {
      const server = new FakeServer().file('/d/a.txt', 'a');
      const { site, infos } = makeSite(server);
      // Someone else deleted it between the Site's look-up and the command.
      server.failNext(op, () => (server.nodes.delete('/d/a.txt'), new FtpReplyError(550, text, op)));
      const e = await fsError(run(site));
      assert.equal(e.kind, 'FileNotFound', e.message);
      assert.ok(e.message.includes(`550 ${text}`), e.message);
      assert.deepEqual(infos, []);
      await site.dispose();
    });
  }

  it('mkdir: a 550 in a folder gone from the listing: FileNotFound, nothing logged', async () => {
    const server = new FakeServer().dir('/d');
    const { site, infos } = makeSite(server);
    server.failNext('mkdir', () => (server.nodes.delete('/d'), new FtpReplyError(550, 'Create directory operation failed.', 'MKD /d/new')));
    const e = await fsError(site.createDirectory('/d/new'));
    assert.equal(e.kind, 'FileNotFound', e.message);
    assert.deepEqual(infos, []);
    await site.dispose();
  });
});

describe('remote/fsErrors: the password is masked where it is sent, nowhere else', () => {
  it('an error about a folder named like the password names the folder', () => {
    const e = toFsError(new FtpReplyError(550, 'Failed to open file.', 'RETR /hunter22/ok.txt'), 'read', '/hunter22/ok.txt');
    assert.ok(e.message.includes('/hunter22/ok.txt'), e.message);
  });
});

describe('remote/logFormat: the FTP output channel', () => {
  it('prefixes every line with the connection and a direction marker', () => {
    assert.deepEqual(formatLogLines('site#1', { kind: 'command', text: 'LIST' }), ['[site#1] ---> LIST']);
    assert.deepEqual(formatLogLines('site#1', { kind: 'reply', code: 211, text: '211-Features:\n MLST\n211 End' }), [
      '[site#1] <--- 211-Features:',
      '[site#1] <---  MLST',
      '[site#1] <--- 211 End',
    ]);
    const fallback = formatLogLines('s#2', { kind: 'fallback', from: 'passive', to: 'active', reason: 'EPSV refused' });
    assert.match(fallback[0], /^\[s#2\] --- falling back from passive to active mode/);
  });

  it('shows every line as the client logged it: no text is searched for a password', () => {
    assert.deepEqual(formatLogLines('s', { kind: 'command', text: 'RETR /hunter22/ok.txt' }), ['[s] ---> RETR /hunter22/ok.txt']);
    assert.deepEqual(formatLogLines('s', { kind: 'command', text: 'CWD /PASS word' }), ['[s] ---> CWD /PASS word']);
  });

  it('cuts long lines', () => {
    const line = formatLogLines('s', { kind: 'info', text: 'x'.repeat(5000) })[0];
    assert.ok(line.length < MAX_LINE + 100, String(line.length));
    assert.match(line, /more characters\)$/);
  });

  it('keeps the last lines in a ring buffer', () => {
    const b = new LineBuffer(3);
    for (const l of ['a', 'b', 'c', 'd']) b.push(l);
    assert.deepEqual(b.all(), ['b', 'c', 'd']);
    b.clear();
    assert.deepEqual(b.all(), []);
  });
});
