import { strict as assert } from 'node:assert';
import { FtpClient } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { Site, type RemoteClient } from '../../src/remote/site';
import { ScriptedFtp, commandParts, vsftpdReplies } from './scriptedFtp';

/**
 * A save of a file its folder's listing shows (the extension's Site over a real FtpClient, a vsftpd-like server that
 * answers SIZE and MDTM), the listing asked a moment before: the check of the file (SIZE, MDTM) goes in the write of
 * the upload's EPSV once the server is known to answer it, and decides only the rename; the saved file's new time
 * goes in the write of the RNTO (RFC 959 §4.2: replies in order). The server holds the replies that would otherwise
 * each take a round trip of their own until the command they ride with has arrived: a client that waits for them
 * first never gets them.
 */
describe('save: the check with the upload\'s EPSV, the new time with the RNTO', function () {
  this.timeout(10000);
  const NEW_TIME = '20240305100042';
  let server: ScriptedFtp;
  let site: Site;
  let stored = new Map<string, Buffer>();
  let renamed = false;
  /** /www/a.txt on the server: its size and its time as MDTM gives it. */
  let a = { size: 5, time: '20240305100012' };
  /** The times the server gives the file at each rename onto it. */
  let renames = 0;
  /** Once set, the check's MDTM of /www/a.txt is answered only once an EPSV has arrived after it. */
  let checkWithEpsv = false;
  let deleted: string[] = [];

  beforeEach(async () => {
    stored = new Map();
    renamed = false;
    a = { size: 5, time: '20240305100012' };
    renames = 0;
    checkWithEpsv = false;
    deleted = [];
    const base = vsftpdReplies('/www');
    let from = '';
    server = await new ScriptedFtp({
      reply: (cmd) => {
        const { verb, arg } = commandParts(cmd);
        switch (verb) {
          case 'SIZE':
            return arg === '/www/a.txt' ? `213 ${a.size}` : stored.has(arg) ? `213 ${stored.get(arg)!.length}` : '550 Could not get file size.';
          case 'MDTM':
            return arg === '/www/a.txt' ? `213 ${a.time}` : '550 Could not get file modification time.';
          case 'DELE':
            deleted.push(arg);
            return stored.delete(arg) ? '250 Delete operation successful.' : '550 Delete operation failed.';
          case 'SITE':
            return '200 SITE CHMOD command ok.';
          case 'RNFR':
            from = arg;
            return stored.has(arg) ? '350 Ready for RNTO.' : '550 RNFR command failed.';
          case 'RNTO':
            if (!stored.has(from)) return '550 Rename failed.';
            a = { size: stored.get(from)!.length, time: String(Number(NEW_TIME) + renames++) };
            renamed = stored.delete(from);
            return '250 Rename successful.';
          default:
            return base(cmd);
        }
      },
      gate: (cmd, received) => {
        const at = received.lastIndexOf(cmd);
        if (cmd.startsWith('RNTO')) return received.indexOf('MDTM /www/a.txt', at) > 0;
        if (checkWithEpsv && cmd === 'MDTM /www/a.txt' && received[at - 1] !== 'RNTO /www/a.txt') return received.indexOf('EPSV', at) > 0;
        return true;
      },
      data: (cmd) => (cmd.startsWith('LIST') ? Buffer.from(`-rw-r--r--    1 1001     1001     ${String(a.size).padStart(8)} Mar 05  2024 a.txt\r\n`) : undefined),
      stored: (p, data) => stored.set(p, data),
    }).start();
    site = new Site(normalizeConnection({ name: 'site', host: '127.0.0.1', username: 'u' }).config!, 'saved:site', {
      poolSize: 1,
      connect: async () =>
        (await FtpClient.connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', timeoutMs: 2000, traits: site.traits })) as unknown as RemoteClient,
    });
  });

  /**
   * A save, then the folder listed again (a moment before the next save, as VS Code's stat does): the first save
   * found that this server answers SIZE and MDTM, and the editor's copy is now the saved one.
   */
  async function afterAFirstSave(): Promise<void> {
    await site.readDirectory('/www');
    await site.writeFile('/www/a.txt', Buffer.from('abcd'), { create: true, overwrite: true });
    renamed = false;
    stored.clear();
    checkWithEpsv = true;
    site.cache.invalidate('/www');
    await site.readDirectory('/www');
  }

  afterEach(async () => {
    await site.dispose();
    await server.stop();
  });

  it('sends MDTM with the RNTO, and stat after the save answers with that time, asking nothing', async () => {
    await site.readDirectory('/www');
    await site.writeFile('/www/a.txt', Buffer.from('abcd'), { create: true, overwrite: true });
    assert.ok(renamed, server.received.join(', '));
    assert.deepEqual(server.arrivalOf('RNTO /www/a.txt'), ['RNTO /www/a.txt', 'MDTM /www/a.txt']);
    const sent = server.received.length;
    const s = await site.stat('/www/a.txt');
    assert.deepEqual([s.size, s.mtime, s.mtimeExact], [4, Date.UTC(2024, 2, 5, 10, 0, 42), true]);
    assert.equal(server.received.length, sent, `asked again: ${server.received.slice(sent).join(', ')}`);
  });

  it('a second save asks its check (SIZE and MDTM) in the write of the upload\'s EPSV, and its new time with the RNTO', async () => {
    await afterAFirstSave();
    await site.writeFile('/www/a.txt', Buffer.from('abc'), { create: true, overwrite: true });
    assert.ok(renamed, server.received.join(', '));
    const check = server.arrivals.filter((a) => a.includes('EPSV') && a.includes('MDTM /www/a.txt'));
    assert.equal(check.length, 1, server.arrivals.map((a) => a.join(' + ')).join('\n'));
    assert.deepEqual(check[0].slice(0, 3), ['SIZE /www/a.txt', 'MDTM /www/a.txt', 'EPSV']);
  });

  it('a check that went with the upload and finds someone else\'s change: refused, the temporary file deleted, no rename', async () => {
    await afterAFirstSave();
    // Someone saves the file after our listing: MDTM now gives another time.
    a = { ...a, time: '20240305100055' };
    const before = server.received.length;
    await assert.rejects(site.writeFile('/www/a.txt', Buffer.from('abc'), { create: true, overwrite: true }), { name: 'SaveConflict' });
    const sent = server.received.slice(before);
    assert.ok(!sent.some((c) => c.startsWith('RNFR') || c.startsWith('RNTO')), sent.join(', '));
    assert.equal(deleted.length, 1, sent.join(', '));
    assert.match(deleted[0], /^\/www\/\.a\.txt\.[0-9a-f]{8}\.ftpx-tmp$/);
    assert.equal(stored.size, 0, 'the temporary file is gone');
  });
});
