import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { FtpClient, FtpReplyError, formatLogEvent, type DataMode, type FtpLogEvent } from '../../src/ftp';
import { SERVER_NAMES, startServer, serverSawActiveTransfer, type RunningServer, type ServerName } from '../servers';

/**
 * The client against five real servers on loopback, in passive and active mode: every operation, checked on
 * the server's disk. Active mode is checked from both sides: our listener accepted a connection from the
 * server, and the server's own log shows it connected out.
 */
const NAMES = ['empty.bin', 'random-5MiB.bin', '中文文件名.txt', 'name with spaces.txt', '-dash-leading.txt'];

function contentFor(name: string): Buffer {
  if (name === 'empty.bin') return Buffer.alloc(0);
  if (name === 'random-5MiB.bin') return crypto.randomBytes(5 * 1024 * 1024);
  return Buffer.from(`content of ${name}\n`);
}

for (const serverName of SERVER_NAMES as ServerName[]) {
  for (const ipv6 of [false, true]) {
    describe(`FtpClient on ${serverName}${ipv6 ? ' over ::1' : ''}`, function () {
      this.timeout(60000);
      let server: RunningServer | undefined;
      let skip = '';

      before(async function () {
        try {
          server = await startServer(serverName, { ipv6 });
        } catch (err) {
          if (ipv6) {
            skip = `${serverName} does not run on ::1 here: ${(err as Error).message}`;
            return;
          }
          throw err;
        }
        if (ipv6 && !server.capabilities.ipv6) skip = `${serverName} has no IPv6 support in the harness`;
      });
      after(async () => server?.stop());

      for (const mode of ['passive', 'active'] as DataMode[]) {
        describe(`${mode} mode`, () => {
          let client: FtpClient;
          const events: FtpLogEvent[] = [];
          const dir = `/it-${mode}`;

          before(async function () {
            if (skip) this.skip();
            const s = server!;
            client = await FtpClient.connect({
              host: s.host,
              port: s.port,
              user: s.user,
              password: s.password,
              mode,
              fallback: false,
              timeoutMs: 15000,
              logger: (e) => events.push(e),
            });
            await client.mkdir(dir);
          });
          after(async () => client?.close());

          it('logs in, and never logs the password', () => {
            const text = events.map(formatLogEvent).join('\n');
            assert.match(text, /---> PASS \*\*\*\*/);
            assert.ok(!text.includes(server!.password), 'the password appears in the log');
          });

          for (const name of NAMES) {
            it(`uploads and downloads "${name}" byte-exact`, async () => {
              const data = contentFor(name);
              const remote = `${dir}/${name}`;
              const sent = await client.upload(Readable.from([data]), remote);
              assert.equal(sent, data.length);
              const onDisk = fs.readFileSync(path.join(server!.root, remote));
              assert.ok(onDisk.equals(data), 'the file on the server differs');
              const back = await client.downloadBuffer(remote);
              assert.ok(back.equals(data), 'the downloaded file differs');
            });
          }

          it('uploads from a Buffer and appends with APPE', async () => {
            const remote = `${dir}/appended.txt`;
            await client.upload(Buffer.from('one\n'), remote);
            await client.upload(Buffer.from('two\n'), remote, { append: true });
            assert.equal(fs.readFileSync(path.join(server!.root, remote), 'utf8'), 'one\ntwo\n');
          });

          it('resumes a download with REST', async () => {
            const back = await client.downloadBuffer(`${dir}/appended.txt`, { offset: 4 });
            assert.equal(back.toString(), 'two\n');
          });

          it('lists the folder with names, types and sizes', async () => {
            fs.writeFileSync(path.join(server!.root, dir, '.hidden'), 'hidden');
            const entries = await client.list(dir);
            const byName = new Map(entries.map((e) => [e.name, e]));
            for (const name of NAMES) {
              const e = byName.get(name);
              assert.ok(e, `${name} missing from ${[...byName.keys()].join(', ')}`);
              assert.equal(e.type, 'file');
              assert.equal(e.size, contentFor(name).length || 0);
            }
            assert.ok(byName.has('.hidden'), `dotfile missing from ${[...byName.keys()].join(', ')}`);
            assert.ok(!byName.has('.') && !byName.has('..'));
          });

          it('stats a file, a folder and a missing path', async () => {
            const f = await client.stat(`${dir}/name with spaces.txt`);
            assert.equal(f?.type, 'file');
            assert.equal(f?.size, contentFor('name with spaces.txt').length);
            const d = await client.stat(dir);
            assert.equal(d?.type, 'dir');
            assert.equal(await client.stat(`${dir}/does-not-exist`), undefined);
          });

          it('reads SIZE and MDTM', async () => {
            assert.equal(await client.size(`${dir}/random-5MiB.bin`), 5 * 1024 * 1024);
            const t = await client.lastModified(`${dir}/random-5MiB.bin`);
            assert.ok(Math.abs(t.getTime() - Date.now()) < 10 * 60 * 1000, `MDTM ${t.toISOString()} is not about now`);
          });

          it('renames, makes and removes folders, deletes files', async () => {
            await client.rename(`${dir}/appended.txt`, `${dir}/renamed.txt`);
            assert.ok(fs.existsSync(path.join(server!.root, dir, 'renamed.txt')));
            assert.ok(!fs.existsSync(path.join(server!.root, dir, 'appended.txt')));
            await client.mkdir(`${dir}/sub folder`);
            assert.ok(fs.statSync(path.join(server!.root, dir, 'sub folder')).isDirectory());
            await client.rmdir(`${dir}/sub folder`);
            assert.ok(!fs.existsSync(path.join(server!.root, dir, 'sub folder')));
            await client.delete(`${dir}/renamed.txt`);
            assert.ok(!fs.existsSync(path.join(server!.root, dir, 'renamed.txt')));
          });

          it('reports a missing file as a reply error with code and command', async () => {
            await assert.rejects(client.downloadBuffer(`${dir}/nope.txt`), (e: Error) => {
              assert.ok(e instanceof FtpReplyError, String(e));
              assert.ok(e.code >= 450 && e.code < 600);
              assert.match(e.command ?? '', /^RETR /);
              return true;
            });
            // The connection is still usable.
            assert.ok((await client.list(dir)).length >= NAMES.length);
          });

          it(`used ${mode} data connections${mode === 'active' ? ' that the server opened' : ''}`, async () => {
            const opens = events.filter((e) => e.kind === 'data' && e.phase === 'open');
            assert.ok(opens.length > 0);
            for (const e of opens) assert.equal((e as { mode: string }).mode, mode);
            const sent = events.filter((e) => e.kind === 'command').map((e) => (e as { text: string }).text.split(' ')[0]);
            if (mode === 'active') {
              assert.ok(sent.includes('EPRT') || sent.includes('PORT'));
              assert.ok(!sent.includes('EPSV') && !sent.includes('PASV'));
              assert.ok(serverSawActiveTransfer(await server!.log()), 'the server log shows no active transfer');
            } else {
              assert.ok(sent.includes('EPSV') || sent.includes('PASV'));
              assert.ok(!sent.includes('EPRT') && !sent.includes('PORT'));
            }
          });
        });
      }
    });
  }
}
