import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeConnection } from '../../src/remote/config';
import { connector } from '../../src/remote/connector';
import { Site } from '../../src/remote/site';
import { startServer, type RunningServer } from '../servers';

/**
 * proftpd with MaxClientsPerUser 1 answers a second login "530 Sorry, the maximum number of clients (1) for this
 * user are already connected.": a limit, not a wrong password. A site with a pool of 2 browses on the one
 * connection it may have (whichever of its two got in first), and never asks for the password again (asking again
 * forgets the stored one).
 */
describe('a server that allows one connection per user (proftpd MaxClientsPerUser 1)', function () {
  this.timeout(60000);
  let srv: RunningServer;
  let site: Site | undefined;

  before(async () => {
    srv = await startServer('proftpd', { extraConfig: { MaxClientsPerUser: '1' } });
    const { uid, gid } = fs.statSync(srv.root);
    for (const d of ['a', 'b']) {
      fs.mkdirSync(path.join(srv.root, d));
      fs.chownSync(path.join(srv.root, d), uid, gid);
      fs.writeFileSync(path.join(srv.root, d, 'x.txt'), `in ${d}`);
    }
  });
  after(async () => {
    await site?.dispose();
    await srv?.stop();
  });

  it('browsing works over the one connection, and the password is never asked again', async () => {
    let retries = 0;
    const infos: string[] = [];
    const open = connector({
      passwords: {
        get: async () => srv.password,
        retry: async () => {
          retries++;
          return srv.password;
        },
      },
      trust: { connect: (_cfg, connect) => connect(undefined) },
      settings: () => ({ timeoutSeconds: 10, poolSize: 2, poolSizeChosen: false, keepAliveSeconds: 0 }),
      log: { event: () => undefined },
    });
    const cfg = normalizeConnection({ name: 'limited', host: srv.host, port: srv.port, username: srv.user, poolSize: 2 }).config!;
    const s: Site = new Site(cfg, 'saved:limited', { poolSize: 2, connect: (n: number) => open(s, n), info: (t) => infos.push(t) });
    site = s;
    const [root, a, x] = await Promise.all([s.readDirectory('/'), s.readDirectory('/a'), s.readFile('/b/x.txt')]);
    assert.deepEqual(root.map(([n]) => n).sort(), ['a', 'b']);
    assert.deepEqual(a.map(([n]) => n), ['x.txt']);
    assert.equal(Buffer.from(x).toString(), 'in b');
    assert.equal(retries, 0, 'the password was asked again (and would have been forgotten)');
    assert.ok(infos.some((t) => /refused connection \d/.test(t)), infos.join('\n'));
    assert.equal(s.pool.size, 1);
  });
});
