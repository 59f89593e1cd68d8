import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { ControlConnection } from '../../src/ftp/control';
import { PathCodec } from '../../src/ftp/names/pathCodec';
import { FtpTimeoutError } from '../../src/ftp/errors';

/**
 * The control connection re-arms one reply timer for every read at its default timeout (instead of a timer per
 * reply). What must still hold: a reply that never comes times out after the timeout, counted from that read,
 * however many replies came before; a read with its own timeout keeps it; and an idle connection does not keep
 * the process alive.
 */
describe('ControlConnection reply timer', function () {
  this.timeout(10000);
  let server: net.Server;
  let port: number;
  /** Answers "200 ok" to each command until `answer` is false; then stays silent. */
  let answer = true;

  before(async () => {
    server = net.createServer((s) => {
      s.write('220 ready\r\n');
      s.on('data', () => {
        if (answer) s.write('200 ok\r\n');
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => server.close());
  beforeEach(() => (answer = true));

  async function open(timeoutMs: number): Promise<ControlConnection> {
    const ctl = await ControlConnection.open('127.0.0.1', port, new PathCodec('utf8', { raw: new Map() }, () => undefined), timeoutMs, () => undefined, 8192);
    assert.equal((await ctl.read()).code, 220);
    return ctl;
  }

  it('times a silent server out after the timeout, counted from the read that waits', async () => {
    const ctl = await open(300);
    for (let i = 0; i < 5; i++) {
      assert.equal((await ctl.send('NOOP')).code, 200);
      // Time passing between replies is what is tested here, not a wait for something: in all longer than the
      // timeout, so a timer counted from an earlier read fires while idle. Real time, because node 20's fake
      // timers (node:test mock.timers) do not re-arm on Timeout.refresh(), which the shared timer relies on.
      await new Promise((r) => setTimeout(r, 100));
    }
    answer = false;
    const started = Date.now();
    // Bounded below mocha's timeout, so a timer that never fires again fails with its own message.
    let bound: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ctl.send('NOOP').then(
        () => 'a reply',
        (err: unknown) => err,
      ),
      new Promise<string>((r) => (bound = setTimeout(() => r('no timeout at all'), 3000))),
    ]);
    clearTimeout(bound);
    if (!(outcome instanceof FtpTimeoutError)) ctl.destroy();
    assert.ok(outcome instanceof FtpTimeoutError, `expected a timeout, got ${String(outcome)}`);
    const waited = Date.now() - started;
    assert.ok(waited >= 250 && waited < 2000, `timed out after ${waited} ms, not about 300`);
    assert.equal(ctl.closed, true);
  });

  it('keeps a read with its own timeout to that timeout', async () => {
    const ctl = await open(5000);
    assert.equal((await ctl.send('NOOP')).code, 200);
    answer = false;
    const started = Date.now();
    ctl.write('NOOP');
    await assert.rejects(ctl.read(200), FtpTimeoutError);
    assert.ok(Date.now() - started < 2000);
  });

  it('does not keep the process alive while idle', async () => {
    const ctl = await open(5000);
    assert.equal((await ctl.send('NOOP')).code, 200);
    const timer = (ctl as unknown as { replyTimer?: NodeJS.Timeout }).replyTimer;
    assert.ok(timer, 'no shared reply timer');
    assert.equal(timer.hasRef(), false, 'the idle reply timer keeps the event loop alive');
    ctl.destroy();
  });
});
