/**
 * A folder of 1,000 small files downloaded or uploaded as a whole. Candidates:
 * - 'pool': our client through src/vscode/pool.ts (ClientPool), `connections` control connections moving files at
 *   once (one file per connection at a time, fed from one queue);
 * - 'extension': what the extension's Download/Upload commands run: src/vscode/transfers.ts over a Site with the
 *   default pool of the setting ftpExplorer.poolSize;
 * - 'basic-ftp': downloadToDir / uploadFromDir (sequential on one connection, its only way).
 * Download: remoteDir into localParent/<basename>. Upload: localDir into remoteParent/<basename>. Logins happen
 * before the clock starts, for every candidate.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { FtpClient } from '../../src/ftp';
import { ClientPool } from '../../src/vscode/pool';
import { Site } from '../../src/vscode/site';
import { isConnectionError } from '../../src/vscode/fsErrors';
import { downloadTo, uploadTo } from '../../src/vscode/transfers';
import { connectBasic, connectOurs, fail, finish, params, seconds, type ServerParams } from './common';

interface Params {
  server: ServerParams;
  impl: 'pool' | 'extension' | 'basic-ftp';
  direction: 'download' | 'upload';
  remoteDir?: string;
  localParent?: string;
  localDir?: string;
  remoteParent?: string;
  connections: number;
}

async function main(): Promise<void> {
  const p = params<Params>();
  let commands = 0;
  const count = () => commands++;
  const download = p.direction === 'download';
  const name = path.posix.basename(download ? p.remoteDir! : p.localDir!);

  if (p.impl === 'pool') {
    const pool = new ClientPool<FtpClient>({
      size: p.connections,
      maxTransfers: p.connections,
      create: () => connectOurs(p.server, {}, (e) => e.kind === 'command' && count()),
      isConnectionError,
    });
    await Promise.all(Array.from({ length: p.connections }, () => pool.run((c) => c.noop())));
    commands = 0;
    const t0 = process.hrtime.bigint();
    let files = 0;
    if (download) {
      const target = path.join(p.localParent!, name);
      const [entries] = await Promise.all([pool.run((c) => c.list(p.remoteDir!)), fsp.mkdir(target, { recursive: true })]);
      const queue = entries.filter((e) => e.type === 'file').map((e) => e.name);
      files = queue.length;
      await workers(p.connections, queue, async (n) => {
        const content = await pool.run((c) => c.downloadBuffer(`${p.remoteDir}/${n}`), { transfer: true });
        await fsp.writeFile(path.join(target, n), content);
      });
    } else {
      const target = `${p.remoteParent}/${name}`;
      const [queue] = await Promise.all([fsp.readdir(p.localDir!), pool.run((c) => c.mkdir(target))]);
      files = queue.length;
      await workers(p.connections, queue, async (n) => {
        const content = await fsp.readFile(path.join(p.localDir!, n));
        await pool.run((c) => c.upload(content, `${target}/${n}`), { transfer: true });
      });
    }
    const s = seconds(t0);
    await pool.dispose();
    return finish({ seconds: s, files, commands });
  }

  if (p.impl === 'extension') {
    const site = new Site(
      {
        name: 'bench', host: p.server.host, port: p.server.port, username: p.server.user, remoteRoot: '', mode: 'passive',
        fallback: true, trustPasvAddress: false, encoding: 'utf8', readOnly: false, poolSize: p.connections,
      },
      'bench',
      { connect: () => connectOurs(p.server, {}, (e) => e.kind === 'command' && count()), poolSize: p.connections },
    );
    await Promise.all(Array.from({ length: p.connections }, () => site.pool.run((c) => c.noop())));
    commands = 0;
    const t0 = process.hrtime.bigint();
    const r = download ? await downloadTo(site, p.remoteDir!, p.localParent!) : await uploadTo(site, [p.localDir!], p.remoteParent!);
    const s = seconds(t0);
    await site.dispose();
    return finish({ seconds: s, files: r.files, commands });
  }

  const client = await connectBasic(p.server, count);
  commands = 0;
  const t0 = process.hrtime.bigint();
  if (download) await client.downloadToDir(path.join(p.localParent!, name), p.remoteDir!);
  else await client.uploadFromDir(p.localDir!, `${p.remoteParent}/${name}`);
  const s = seconds(t0);
  client.close();
  finish({ seconds: s, commands });
}

/** Run `task` over `items` with `n` workers taking from one queue. */
async function workers<T>(n: number, items: T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

main().catch(fail);
