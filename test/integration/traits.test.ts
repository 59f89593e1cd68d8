import { strict as assert } from 'node:assert';
import { ServerTraits, type FtpClient as Client } from '../../src/ftp';
import { FaultProxy } from '../faults/proxy';
import { startServer, type RunningServer } from '../servers';
import { clientOf } from './connect';

/**
 * ServerTraits: what one connection learns about a server is known to every connection that shares the record
 * (a site's pool), so the second one does not pay to learn it again. Here vsftpd behind the fault proxy refuses
 * EPSV as an old server would: the first client learns that and uses PASV; a second client sharing its traits
 * never sends EPSV, and one with its own record asks again.
 */
describe('ServerTraits shared by the connections of a site (vsftpd)', function () {
  this.timeout(60000);
  let srv: RunningServer;
  let proxy: FaultProxy;
  const clients: Client[] = [];

  before(async () => {
    srv = await startServer('vsftpd');
    proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
    proxy.hooks = { command: (line) => (/^EPSV/i.test(line) ? { reply: '500 Unknown command.' } : undefined) };
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await proxy?.close();
    await srv?.stop();
  });

  const connect = async (traits?: ServerTraits) => {
    const commands: string[] = [];
    const c = await clientOf(srv, { traits, logger: (e) => e.kind === 'command' && commands.push(e.text) }, proxy);
    clients.push(c);
    return { c, commands };
  };

  it('a fact learned on one connection is used by the next one that shares the record', async () => {
    const traits = new ServerTraits();
    const first = await connect(traits);
    await first.c.list('/');
    assert.ok(first.commands.includes('EPSV') && first.commands.includes('PASV'), first.commands.join(', '));
    assert.equal(traits.data.epsv, false);

    const second = await connect(traits);
    await second.c.list('/');
    assert.ok(!second.commands.includes('EPSV'), `the second connection asked EPSV again: ${second.commands.join(', ')}`);
    assert.ok(second.commands.includes('PASV'));

    const alone = await connect();
    await alone.c.list('/');
    assert.ok(alone.commands.includes('EPSV'), 'a client with its own record learns for itself');
  });
});
