import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { FtpClient } from '../../src/ftp';
import { startServer, type RunningServer, type ServerName, type ServerOptions } from '../servers';
import { clientOf } from './connect';

/**
 * Servers whose LIST shows local times, run with TZ set to UTC+8 (a POSIX zone string: no zone file needed inside
 * a chroot). LIST times are then 8 hours ahead of the files' real (UTC) times; MDTM and MLSD stay UTC. With the
 * default settings the offset is found from one file's LIST and MDTM times and LIST times come out right; a
 * `timeZoneOffset` set by hand is used as it is.
 */
const ZONE = 'FTZ-8'; // POSIX: 8 hours east of UTC
const cases: [ServerName, ServerOptions, { mdtmUtc: boolean }][] = [
  ['pure-ftpd', {}, { mdtmUtc: true }],
  ['proftpd', { extraConfig: { TimesGMT: 'off' } }, { mdtmUtc: true }],
  // vsftpd's use_localtime puts MDTM in local time too: nothing to compare, only the setting helps.
  ['vsftpd', { extraConfig: { use_localtime: 'YES' } }, { mdtmUtc: false }],
];

async function startInZone(name: ServerName, opts: ServerOptions): Promise<RunningServer> {
  const before = process.env.TZ;
  process.env.TZ = ZONE; // inherited by the server's process (the test's own code uses UTC only)
  try {
    return await startServer(name, opts);
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

for (const [name, opts, { mdtmUtc }] of cases) {
  describe(`server time zone (${name} in UTC+8)`, function () {
    this.timeout(60000);
    let srv: RunningServer;
    // A file changed an hour ago, to the minute (LIST shows minutes).
    const mtime = Math.floor((Date.now() - 3600_000) / 60_000) * 60_000;

    before(async () => {
      srv = await startInZone(name, opts);
      const file = `${srv.root}/report.txt`;
      fs.writeFileSync(file, 'x\n');
      const { uid, gid } = fs.statSync(srv.root);
      fs.chownSync(file, uid, gid);
      fs.utimesSync(file, mtime / 1000, mtime / 1000);
    });
    after(async () => srv?.stop());

    const listTime = async (client: FtpClient) => (await client.list('/', { useList: true })).find((e) => e.name === 'report.txt')?.mtimeMs;

    it('LIST shows local time: read as UTC it is 8 hours off (so the test means something)', async () => {
      const client = await clientOf(srv, { timeZoneOffset: 0 });
      try {
        assert.equal(await listTime(client), mtime + 8 * 3600_000);
      } finally {
        await client.close();
      }
    });

    (mdtmUtc ? it : it.skip)('finds the offset from LIST and MDTM by itself, and gives the real time', async () => {
      const logs: string[] = [];
      const client = await clientOf(srv, { logger: (e) => e.kind === 'info' && logs.push(e.text) });
      try {
        assert.equal(await listTime(client), mtime);
        assert.equal(client.traits.timeZoneOffset, 480);
        assert.ok(logs.some((t) => t.includes('UTC+08:00')), logs.join('\n'));
        // MDTM (and MLSD) were right all along.
        assert.equal((await client.lastModified('/report.txt')).getTime(), mtime);
        if (client.features.has('MLST')) assert.equal((await client.list('/')).find((e) => e.name === 'report.txt')?.mtimeMs, mtime);
      } finally {
        await client.close();
      }
    });

    if (!mdtmUtc) {
      it('where LIST and MDTM agree, finds the offset from the MDTM of a file it has just written', async () => {
        const logs: string[] = [];
        const client = await clientOf(srv, { logger: (e) => e.kind === 'info' && logs.push(e.text) });
        try {
          await listTime(client);
          assert.equal(client.traits.timeZoneOffset, 0);
          await client.upload(Buffer.from('new\n'), '/written.txt');
          assert.equal(client.traits.timeZoneOffset, 480);
          assert.ok(logs.some((t) => t.includes('UTC+08:00')), logs.join('\n'));
          assert.equal(await listTime(client), mtime);
          assert.equal((await client.lastModified('/report.txt')).getTime(), mtime);
        } finally {
          await client.close();
        }
      });

      it('finds no offset where MDTM is in local time too (LIST and MDTM agree), and says nothing', async () => {
        const logs: string[] = [];
        const client = await clientOf(srv, { logger: (e) => e.kind === 'info' && logs.push(e.text) });
        try {
          await listTime(client);
          assert.equal(client.traits.timeZoneOffset, 0);
          assert.ok(!logs.some((t) => /time zone/.test(t)), logs.join('\n'));
        } finally {
          await client.close();
        }
      });
    }

    it('uses an offset set by hand as it is, without asking MDTM for it', async () => {
      const client = await clientOf(srv, { timeZoneOffset: 480 });
      try {
        assert.equal(await listTime(client), mtime);
        // MDTM is right too: UTC where the server sends UTC, shifted where it sends local time (vsftpd).
        assert.equal((await client.lastModified('/report.txt')).getTime(), mtime);
        assert.equal(client.traits.mdtmLocal, !mdtmUtc);
        assert.equal(client.traits.timeZoneChecked, undefined);
      } finally {
        await client.close();
      }
    });
  });
}
