import { strict as assert } from 'node:assert';
import { FtpClient } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { Site, type RemoteClient } from '../../src/remote/site';
import { ScriptedFtp, vsftpdReplies } from './scriptedFtp';

/**
 * A save of a file its folder's listing shows (the extension's Site over a real FtpClient, a vsftpd-like server that
 * answers MDTM): the saved file's new time is asked in the same write as the RNTO that puts it in place (RFC 959
 * §4.2: replies in order), so it costs no round trip of its own. The server answers the RNTO only once the MDTM has
 * arrived: a client that waits for the RNTO's reply before asking never gets it.
 */
describe('save: the new time asked in the RNTO\'s write', function () {
  this.timeout(10000);
  const NEW_TIME = '20240305100042';
  let server: ScriptedFtp;
  let site: Site;
  let stored = new Map<string, Buffer>();
  let renamed = false;

  beforeEach(async () => {
    stored = new Map();
    renamed = false;
    const base = vsftpdReplies('/www');
    let from = '';
    server = await new ScriptedFtp({
      reply: (cmd) => {
        const [verb] = cmd.split(' ');
        const arg = cmd.slice(verb.length + 1);
        switch (verb) {
          case 'SIZE':
            return arg === '/www/a.txt' ? `213 ${renamed ? 4 : 5}` : stored.has(arg) ? `213 ${stored.get(arg)!.length}` : '550 Could not get file size.';
          case 'MDTM':
            return arg === '/www/a.txt' ? `213 ${renamed ? NEW_TIME : '20240305100012'}` : '550 Could not get file modification time.';
          case 'SITE':
            return '200 SITE CHMOD command ok.';
          case 'RNFR':
            from = arg;
            return stored.has(arg) ? '350 Ready for RNTO.' : '550 RNFR command failed.';
          case 'RNTO':
            renamed = stored.delete(from);
            return renamed ? '250 Rename successful.' : '550 Rename failed.';
          default:
            return base(cmd);
        }
      },
      gate: (cmd, received) => !cmd.startsWith('RNTO') || received.indexOf('MDTM /www/a.txt', received.indexOf(cmd)) > 0,
      data: (cmd) => (cmd.startsWith('LIST') ? Buffer.from('-rw-r--r--    1 1001     1001            5 Mar 05  2024 a.txt\r\n') : undefined),
      stored: (p, data) => stored.set(p, data),
    }).start();
    site = new Site(normalizeConnection({ name: 'site', host: '127.0.0.1', username: 'u' }).config!, 'saved:site', {
      poolSize: 1,
      connect: async () =>
        (await FtpClient.connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', timeoutMs: 2000, traits: site.traits })) as unknown as RemoteClient,
    });
  });

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
});
