import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { FtpClient, FtpIncompleteError, FtpReplyError } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { Site, type RemoteClient } from '../../src/remote/site';
import { uploadTo } from '../../src/remote/upload';
import { ScriptedFtp, vsftpdReplies } from './scriptedFtp';
import { tempDirPerTest } from './tempDir';

/**
 * A folder's files on one connection (a pool of 1, the extension's Site over a real FtpClient): the SIZE that
 * checks file k goes in the same write as the EPSV of file k+1 (RFC 959 §4.2: replies in order), never before
 * the 226 of its STOR; the last one alone. Each file is done only once its own SIZE matched: a short or refused
 * SIZE fails that file (deleted, as before) and not the next one, whose EPSV reply is still read in order.
 */
describe('folder upload: each file\'s SIZE with the next file\'s EPSV', function () {
  this.timeout(10000);
  const { dir: tmp } = tempDirPerTest('ftpx-upload-pipelining-');
  let server: ScriptedFtp;
  let site: Site;
  const files = new Map<string, Buffer>();
  /** What SIZE answers for a path instead of the truth (a reply line), when set. */
  let sizeReply: (p: string) => string | undefined = () => undefined;

  async function start(): Promise<void> {
    files.clear();
    const base = vsftpdReplies('/www');
    server = await new ScriptedFtp({
      reply: (cmd) => {
        const [verb] = cmd.split(' ');
        const arg = cmd.slice(verb.length + 1);
        switch (verb) {
          case 'SIZE':
            return sizeReply(arg) ?? (files.has(arg) ? `213 ${files.get(arg)!.length}` : '550 Could not get file size.');
          case 'DELE':
            return files.delete(arg) ? '250 Delete operation successful.' : '550 Delete operation failed.';
          case 'MDTM':
            return '550 Could not get file modification time.';
          default:
            return base(cmd);
        }
      },
      data: (cmd) => (cmd.startsWith('LIST') ? Buffer.alloc(0) : undefined),
      stored: (p, data) => files.set(p, data),
    }).start();
    site = new Site(normalizeConnection({ name: 'site', host: '127.0.0.1', username: 'u' }).config!, 'saved:site', {
      poolSize: 1,
      connect: async () =>
        (await FtpClient.connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', timeoutMs: 2000 })) as unknown as RemoteClient,
    });
  }

  beforeEach(start);
  afterEach(async () => {
    sizeReply = () => undefined;
    await site.dispose();
    await server.stop();
  });

  async function local(names: string[]): Promise<string[]> {
    const paths = names.map((n) => path.join(tmp(), n));
    for (const p of paths) await fs.writeFile(p, `content of ${path.basename(p)}`);
    return paths;
  }

  /** The commands after the folder's listing, one string per write as the server read them. */
  const writes = () => server.arrivals.slice(server.arrivals.findIndex((a) => a.some((c) => c.startsWith('LIST'))) + 1).map((a) => a.join(' + '));

  it('uploads 3 files: SIZE a + EPSV, SIZE b + EPSV, then SIZE c alone', async () => {
    const r = await uploadTo(site, await local(['a', 'b', 'c']), '/www');
    assert.equal(r.files, 3);
    for (const n of ['a', 'b', 'c']) assert.equal(files.get(`/www/${n}`)?.toString(), `content of ${n}`);
    assert.deepEqual(writes(), ['EPSV', 'STOR /www/a', 'SIZE /www/a + EPSV', 'STOR /www/b', 'SIZE /www/b + EPSV', 'STOR /www/c', 'SIZE /www/c']);
    // The dialogue is in step: the next operation gets its own reply.
    assert.equal((await site.pool.run((c) => c.send!('NOOP'))).text, '200 NOOP ok.');
  });

  it('a short SIZE fails that file only: it is deleted, the next one is uploaded and its EPSV reply read in order', async () => {
    sizeReply = (p) => (p === '/www/b' ? `213 ${files.get(p)!.length - 1}` : undefined);
    await assert.rejects(
      uploadTo(site, await local(['a', 'b', 'c']), '/www'),
      (err: Error & { cause?: unknown }) => err.cause instanceof FtpIncompleteError || err instanceof FtpIncompleteError,
    );
    assert.equal(files.get('/www/a')?.toString(), 'content of a');
    assert.equal(files.get('/www/c')?.toString(), 'content of c', 'the next file is uploaded all the same');
    assert.ok(!files.has('/www/b'), 'the file cut short is deleted');
    assert.ok(server.received.includes('DELE /www/b'));
    assert.deepEqual(writes().slice(0, 6), ['EPSV', 'STOR /www/a', 'SIZE /www/a + EPSV', 'STOR /www/b', 'SIZE /www/b + EPSV', 'STOR /www/c']);
    // c's SIZE goes with whatever comes next on the connection (here the DELE of b), or alone.
    assert.ok(writes()[6].startsWith('SIZE /www/c'), writes()[6]);
    assert.equal((await site.pool.run((c) => c.send!('NOOP'))).text, '200 NOOP ok.');
  });

  it('a refused SIZE (550) fails that file as before, and the next file goes on', async () => {
    sizeReply = (p) => (p === '/www/b' ? '550 Could not get file size.' : undefined);
    await assert.rejects(
      uploadTo(site, await local(['a', 'b', 'c']), '/www'),
      (err: Error & { cause?: unknown }) => {
        const e = err.cause ?? err;
        return e instanceof FtpReplyError && e.code === 550 && e.command === 'SIZE /www/b';
      },
    );
    assert.equal(files.get('/www/c')?.toString(), 'content of c');
    assert.ok(server.received.includes('DELE /www/b'));
    assert.ok(server.arrivals.some((a) => a.join(' + ') === 'SIZE /www/b + EPSV'));
    assert.equal((await site.pool.run((c) => c.send!('NOOP'))).text, '200 NOOP ok.');
  });
});
