import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { FtpTlsError, parseFtpUrl, setTranslator } from '../../src/ftp';
import { assertSafeArgument } from '../../src/ftp/guard';
import { startTls } from '../../src/ftp/tls';
import { actionWord, cliHint, reasonText, type PlanRow } from '../../src/remote/sync/plan';
import { namePattern } from '../../src/remote/search';
import { checkCancelled } from '../../src/remote/transfers';

/** A translator that marks what went through it, as vscode.l10n.t would replace it. */
const marked = (message: string, ...args: (string | number | boolean)[]) => `«${message}»[${args.join('|')}]`;

describe('texts below src/vscode in the user\'s language', () => {
  afterEach(() => setTranslator(undefined));

  it("src/remote's errors go through the translator (a cancel, a bad search pattern), English without one", () => {
    const aborted = AbortSignal.abort();
    setTranslator(marked);
    assert.throws(() => checkCancelled(aborted), { message: '«Cancelled»[]' });
    assert.throws(() => namePattern('  '), { message: '«Enter a part of a file name, or a pattern like *.php.»[]' });
    setTranslator(undefined);
    assert.throws(() => checkCancelled(aborted), { message: 'Cancelled' });
  });

  it("a sync plan's reasons are whole messages per direction, the CLI's flags are not in them", () => {
    const extra: PlanRow = { path: 'a', action: 'skip', reason: 'extra', remote: { type: 'file', size: 1, mtimeMs: 0 } };
    const changed: PlanRow = { path: 'b', action: 'conflict', reason: 'changed-target' };
    setTranslator(marked);
    assert.equal(reasonText(extra, 'upload'), '«only on the server»[]');
    assert.equal(reasonText(extra, 'download'), '«only here»[]');
    assert.equal(reasonText(changed, 'download'), '«changed here since the last sync»[]');
    assert.equal(reasonText({ path: 'c/d', action: 'skip', reason: 'blocked', blockedBy: 'c' }, 'upload'), '«inside {0}, which is skipped»[c]');
    // The hints and the action words are the command line's: English whatever the translator.
    assert.equal(cliHint(extra), ' (--delete deletes it)');
    assert.equal(cliHint(changed), ' (--overwrite replaces it)');
    assert.equal(cliHint({ ...extra, action: 'delete' }), '');
    assert.equal(actionWord('copy', 'upload'), 'upload');
    setTranslator(undefined);
    assert.equal(`${reasonText(extra, 'upload')}${cliHint(extra)}`, 'only on the server (--delete deletes it)');
  });

  it("src/ftp's errors go through the translator, English without one", () => {
    assert.throws(() => parseFtpUrl('ftp://host:99999/'), { message: 'The URL "ftp://host:99999/" has a port out of range (1-65535)' });
    setTranslator(marked);
    assert.throws(() => parseFtpUrl('ftp://host:99999/'), { message: '«The URL "{0}" has a port out of range (1-65535)»[ftp://host:99999/]' });
    assert.throws(() => assertSafeArgument('a\r\nb', 'password'), { message: '«The password contains a {0} character, which FTP cannot send»[CR]' });
  });

  it('a failed TLS handshake on a data connection says so in a field, not only in its text', async () => {
    const server = net.createServer((s) => s.end('not TLS\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      for (const what of ['data connection', 'control connection'] as const) {
        const socket = net.connect(port, '127.0.0.1');
        await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        const err = await startTls(socket, { servername: 'localhost', timeoutMs: 5000 }, what).then(
          () => assert.fail('the handshake succeeded'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof FtpTlsError);
        assert.equal(err.onDataConnection, what === 'data connection' ? true : undefined);
        assert.match(err.message, new RegExp(`^The TLS handshake on the ${what} failed`));
      }
    } finally {
      server.close();
    }
  });
});
