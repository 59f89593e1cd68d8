import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpClient, FtpTimeoutError } from '../../src/ftp';
import { startServer, type RunningServer } from '../servers';

/**
 * pyftpdlib 1.5.7's active mode, as shipped: once a session's active data connection is closed, the session's next
 * EPRT unregisters that socket's descriptor number from the server's event loop a second time (test/servers/
 * pyftpdlib.ts). The kernel gives a closed number to the next socket, here the next connection's control socket,
 * which the server then never reads again. Our client does not wait for ever: the command on that connection ends
 * with a timeout naming it, the connection is closed, and a new one works. On the harness's mended server (what the
 * other tests use) the same steps are answered.
 */
describe('pyftpdlib active mode: a descriptor unregistered twice stops another connection', function () {
  this.timeout(30000);
  const TIMEOUT_MS = 1500;

  for (const asShipped of [true, false]) {
    describe(asShipped ? 'as shipped' : 'mended by the harness', () => {
      let srv: RunningServer;
      before(async () => {
        srv = await startServer('pyftpdlib', { asShipped });
        fs.writeFileSync(path.join(srv.root, 'a.txt'), 'the content');
      });
      after(async () => srv?.stop());

      const connect = (mode: 'active' | 'passive') =>
        FtpClient.connect({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, mode, fallback: false, timeoutMs: TIMEOUT_MS });

      it(asShipped ? 'the other connection gets no reply: a timeout naming its command, then a new connection works' : 'the other connection is answered', async () => {
        const a = await connect('active');
        const clients = [a];
        try {
          // An active data connection: made, used and closed (its descriptor number is free again).
          assert.equal((await a.downloadBuffer('/a.txt')).toString(), 'the content');
          // The server's socket for this connection gets the lowest free number: the one just closed.
          const b = await connect('passive');
          clients.push(b);
          // A's next EPRT: the server unregisters the old number, now B's control socket.
          assert.ok((await a.list('/')).some((e) => e.name === 'a.txt'));
          if (!asShipped) {
            assert.equal(await b.size('/a.txt'), 11);
            return;
          }
          const t0 = Date.now();
          await assert.rejects(b.size('/a.txt'), (err: Error) => {
            assert.ok(err instanceof FtpTimeoutError, `${err.name}: ${err.message}`);
            assert.match(err.message, /No reply from the server within 2 s to SIZE \/a\.txt/);
            return true;
          });
          // Ended by the timeout, not much later (the wait is bounded), and the connection is given up.
          assert.ok(Date.now() - t0 < TIMEOUT_MS + 5000, `${Date.now() - t0} ms`);
          assert.ok(!b.connected, 'the connection that got no reply is dropped (its next operation reconnects)');
          // The server itself is fine: a new connection is answered (and A too).
          const c = await connect('passive');
          clients.push(c);
          assert.equal(await c.size('/a.txt'), 11);
          assert.equal((await a.downloadBuffer('/a.txt')).toString(), 'the content');
        } finally {
          for (const c of clients) c.destroy();
        }
      });
    });
  }
});
