import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { FtpClient, formatLogEvent, type FtpLogEvent } from '../../src/ftp';
import { HostileServer } from '../faults/hostileServer';

/**
 * Active mode takes the data connection only from the server's address (RFC 2577 §5 port stealing): a third
 * party that races the server to the advertised port is rejected and logged, and the transfer goes on with the
 * server's own connection.
 */
describe('active mode: a data connection from a third party', function () {
  this.timeout(20000);
  let server: HostileServer;

  before(async () => {
    server = await HostileServer.start({
      handlers: {
        EPRT: async (arg, ctx) => {
          const port = Number(arg.split('|')[3]);
          ctx.state.port = port;
          // The intruder: another loopback address, connecting first. Wait until the client has dropped it.
          await new Promise<void>((resolve) => {
            const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
            s.on('connect', () => s.write('EVIL'));
            s.on('error', () => resolve());
            s.on('close', () => resolve());
          });
          ctx.reply('200 EPRT command successful');
        },
        RETR: async (_arg, ctx) => {
          ctx.reply('150 Opening data connection');
          const s = net.connect({ host: '127.0.0.1', port: ctx.state.port as number, localAddress: '127.0.0.1' });
          await new Promise<void>((resolve) => s.on('connect', () => resolve()));
          s.end('the real content');
          await new Promise<void>((resolve) => s.on('close', () => resolve()));
          ctx.reply('226 Transfer complete');
        },
      },
    });
  });
  after(async () => server?.close());

  it('rejects the intruder, logs it, and downloads what the server sent', async () => {
    const events: FtpLogEvent[] = [];
    const client = await FtpClient.connect({
      host: server.host,
      port: server.port,
      user: 'user',
      password: server.password,
      mode: 'active',
      fallback: false,
      timeoutMs: 5000,
      logger: (e) => events.push(e),
    });
    try {
      assert.equal((await client.downloadBuffer('/a.txt')).toString(), 'the real content');
    } finally {
      await client.close();
    }
    const rejected = events.filter((e) => e.kind === 'data' && e.phase === 'rejected');
    assert.equal(rejected.length, 1, events.map(formatLogEvent).join('\n'));
    assert.match(formatLogEvent(rejected[0]), /server 127\.0\.0\.2:\d+ connected to .*not from the control peer 127\.0\.0\.1/);
  });
});
