/**
 * A folder of 1,000 small files downloaded or uploaded as a whole. Candidates:
 * - 'pool': our client through src/remote/pool.ts (ClientPool), `connections` control connections moving files at
 *   once (one file per connection at a time, fed from one queue);
 * - 'extension': what the extension's Download/Upload commands run: src/remote/transfers.ts over a Site with the
 *   default pool of the setting ftpExplorer.poolSize;
 * - 'basic-ftp': downloadToDir / uploadFromDir (sequential on one connection, its only way);
 * - 'bare': the bare-socket loop (bare-ftp.ts) on `connections` control connections fed from one queue, NLST for
 *   the names: the least a Node program can do to move the folder with a pool, so the table shows how far a pool
 *   can go on this machine at all;
 * - 'bare-rules': the same loop doing what the project's rules require of any client (bare-ftp.ts: timeouts on every
 *   wait, the data connection's local port, a short download caught), so the table shows what those cost.
 * Download: remoteDir into localParent/<basename>. Upload: localDir into remoteParent/<basename>. Logins happen
 * before the clock starts, for every candidate.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { FtpClient } from '../../src/ftp';
import { ClientPool } from '../../src/remote/pool';
import { Site } from '../../src/remote/site';
import { isConnectionLost } from '../../src/ftp';
import { downloadTo } from '../../src/remote/download';
import { uploadTo } from '../../src/remote/upload';
import { BareFtp } from './bare-ftp';
import { busyShare, machineTicks } from '../machine';
import { connectBasic, connectOurs, cpuSeconds, fail, finish, params, seconds, type ServerParams } from './common';

interface Params {
  server: ServerParams;
  impl: 'pool' | 'extension' | 'basic-ftp' | 'bare' | 'bare-rules';
  direction: 'download' | 'upload';
  remoteDir?: string;
  localParent?: string;
  localDir?: string;
  remoteParent?: string;
  connections: number;
  /** A smaller folder moved the same way, untimed, first (JIT warm-up): remote for downloads, local for uploads. */
  warmRemoteDir?: string;
  warmLocalDir?: string;
  /**
   * The JIT's steady state: after the small warm-up, the measured folder itself moved this many times more, untimed,
   * into subfolders steady-1..N of the parent (the driver makes them on the server for uploads).
   */
  steadyRounds?: number;
}

/** One candidate, logged in: moves a whole folder (remote dir or local dir, by direction), counts commands. */
interface FolderMover {
  /** `into`: a subfolder of the parent to move into (the steady-state warm-up's rounds), else the parent itself. */
  move(remoteDir: string, localDir: string, into?: string): Promise<void>;
  commands(): number;
  close(): Promise<void>;
}

async function mover(p: Params): Promise<FolderMover> {
  const localParentOf = (into?: string) => (into ? path.join(p.localParent!, into) : p.localParent!);
  const remoteParentOf = (into?: string) => (into ? `${p.remoteParent}/${into}` : p.remoteParent!);
  let commands = 0;
  const count = () => commands++;
  const download = p.direction === 'download';

  if (p.impl === 'pool') {
    const pool = new ClientPool<FtpClient>({
      size: p.connections,
      maxTransfers: p.connections,
      create: () => connectOurs(p.server, {}, (e) => e.kind === 'command' && count()),
      isConnectionError: isConnectionLost,
    });
    await Promise.all(Array.from({ length: p.connections }, () => pool.run((c) => c.noop())));
    return {
      async move(remoteDir, localDir, into) {
        const name = path.posix.basename(download ? remoteDir : localDir);
        if (download) {
          const target = path.join(localParentOf(into), name);
          const [entries] = await Promise.all([pool.run((c) => c.list(remoteDir)), fsp.mkdir(target, { recursive: true })]);
          const queue = entries.filter((e) => e.type === 'file').map((e) => e.name);
          await workers(p.connections, queue, async (n, more) => {
            const content = await pool.run((c) => c.downloadBuffer(`${remoteDir}/${n}`, { followedByTransfer: more }), { transfer: true });
            await fsp.writeFile(path.join(target, n), content);
          });
        } else {
          const target = `${remoteParentOf(into)}/${name}`;
          const [queue] = await Promise.all([fsp.readdir(localDir), pool.run((c) => c.mkdir(target))]);
          await workers(p.connections, queue, async (n, more) => {
            const content = await fsp.readFile(path.join(localDir, n));
            await pool.run((c) => c.upload(content, `${target}/${n}`, { followedByTransfer: more }), { transfer: true });
          });
        }
      },
      commands: () => commands,
      close: () => pool.dispose(),
    };
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
    return {
      async move(remoteDir, localDir, into) {
        if (download) await downloadTo(site, remoteDir, localParentOf(into));
        else await uploadTo(site, [localDir], remoteParentOf(into));
      },
      commands: () => commands,
      close: () => site.dispose(),
    };
  }

  if (p.impl === 'bare' || p.impl === 'bare-rules') {
    const s = p.server;
    const rules = p.impl === 'bare-rules';
    const conns = await Promise.all(Array.from({ length: p.connections }, () => BareFtp.login(s.host, s.port, s.user, s.password, rules)));
    return {
      async move(remoteDir, localDir, into) {
        if (download) {
          const target = path.join(localParentOf(into), path.posix.basename(remoteDir));
          const [names] = await Promise.all([conns[0].nlst(remoteDir), fsp.mkdir(target, { recursive: true })]);
          await pooled(conns, names, async (c, n) => fsp.writeFile(path.join(target, n), await c.retr(`${remoteDir}/${n}`)));
        } else {
          const target = `${remoteParentOf(into)}/${path.basename(localDir)}`;
          const [names] = await Promise.all([fsp.readdir(localDir), conns[0].expect(`MKD ${target}`, '257')]);
          await pooled(conns, names, async (c, n) => c.stor(`${target}/${n}`, await fsp.readFile(path.join(localDir, n))));
        }
      },
      commands: () => conns.reduce((sum, c) => sum + c.commands, 0),
      close: async () => {
        for (const c of conns) await c.quit();
      },
    };
  }

  const client = await connectBasic(p.server, count);
  return {
    async move(remoteDir, localDir, into) {
      if (download) await client.downloadToDir(path.join(localParentOf(into), path.posix.basename(remoteDir)), remoteDir);
      else await client.uploadFromDir(localDir, `${remoteParentOf(into)}/${path.basename(localDir)}`);
    },
    commands: () => commands,
    close: async () => client.close(),
  };
}

async function main(): Promise<void> {
  const p = params<Params>();
  const m = await mover(p);
  // Untimed first: the same transfer of a smaller folder, so the JIT has compiled the hot path (as in a
  // long-running editor). Every candidate gets the same warm-up.
  if (p.warmRemoteDir && p.warmLocalDir) await m.move(p.warmRemoteDir, p.warmLocalDir);
  for (let k = 1; k <= (p.steadyRounds ?? 0); k++) await m.move(p.remoteDir ?? '', p.localDir ?? '', `steady-${k}`);
  const c0 = m.commands();
  const cpu0 = process.cpuUsage();
  const ticks0 = machineTicks();
  const t0 = process.hrtime.bigint();
  await m.move(p.remoteDir ?? '', p.localDir ?? '');
  const s = seconds(t0);
  const cpu = cpuSeconds(cpu0);
  const machineBusy = busyShare(ticks0, machineTicks());
  const sent = m.commands() - c0;
  await m.close();
  finish({ seconds: s, cpuSeconds: cpu, machineBusy, commands: sent });
}

/** Run `task` over `items` with `n` workers taking from one queue. */
async function workers<T>(n: number, items: T[], task: (item: T, more: () => boolean) => Promise<void>): Promise<void> {
  let next = 0;
  const more = () => next < items.length;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await task(items[next++], more);
    }),
  );
}

/** Each connection takes the next item from one queue until none is left. */
async function pooled<C, T>(conns: C[], items: T[], task: (conn: C, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    conns.map(async (c) => {
      while (next < items.length) await task(c, items[next++]);
    }),
  );
}

main().catch(fail);
