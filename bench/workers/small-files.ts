/**
 * 1,000 small files over ONE control connection, downloaded or uploaded one after the other, with the names known
 * in advance (no listing). Candidates: our client, basic-ftp, and the bare-socket loop (without and with the rules,
 * bare-ftp.ts). Ours and the bare loops do the same local file I/O (whole file in memory, fs.promises.writeFile /
 * readFile), so the difference between them is the client; basic-ftp uses its own file API (downloadTo / uploadFrom
 * with a path).
 *
 * Prints {seconds, cpuSeconds, machineBusy, files, commands, perFile}: commands counted from our logger's `command` events (and basic-ftp's
 * own log hook, and the bare loop's counter); perFile is the number each file took.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { BareFtp } from './bare-ftp';
import { busyShare, machineTicks } from '../machine';
import { connectBasic, connectOurs, cpuSeconds, fail, finish, params, seconds, smallName, type ServerParams } from './common';

interface Params {
  server: ServerParams;
  impl: 'ours' | 'basic-ftp' | 'bare' | 'bare-rules';
  direction: 'download' | 'upload';
  remoteDir: string;
  localDir: string;
  count: number;
  /** Files moved untimed first (JIT warm-up); more than `count`: the files again, from the first. */
  warmup?: number;
}

/** One candidate: moves one file by name, counts its commands, closes. */
interface Mover {
  one(name: string): Promise<void>;
  commands(): number;
  close(): Promise<void>;
}

async function mover(p: Params): Promise<Mover> {
  const remote = (n: string) => `${p.remoteDir}/${n}`;
  const local = (n: string) => path.join(p.localDir, n);
  const download = p.direction === 'download';
  let commands = 0;
  if (p.impl === 'ours') {
    const client = await connectOurs(p.server, {}, (e) => {
      if (e.kind === 'command') commands++;
    });
    return {
      one: async (n) => {
        if (download) await fsp.writeFile(local(n), await client.downloadBuffer(remote(n)));
        else await client.upload(await fsp.readFile(local(n)), remote(n));
      },
      commands: () => commands,
      close: () => client.close(),
    };
  }
  if (p.impl === 'basic-ftp') {
    const client = await connectBasic(p.server, () => commands++);
    return {
      one: async (n) => {
        if (download) await client.downloadTo(local(n), remote(n));
        else await client.uploadFrom(local(n), remote(n));
      },
      commands: () => commands,
      close: async () => client.close(),
    };
  }
  const bare = await BareFtp.login(p.server.host, p.server.port, p.server.user, p.server.password, p.impl === 'bare-rules');
  return {
    one: async (n) => {
      if (download) await fsp.writeFile(local(n), await bare.retr(remote(n)));
      else await bare.stor(remote(n), await fsp.readFile(local(n)));
    },
    commands: () => bare.commands,
    close: () => bare.quit(),
  };
}

async function main(): Promise<void> {
  const p = params<Params>();
  const names = Array.from({ length: p.count }, (_, i) => smallName(i));
  const m = await mover(p);
  // Untimed first: the same work on the first files (overwritten below), so the JIT has compiled the hot path, as
  // it has in a long-running editor. Every candidate gets the same warm-up.
  // (More than the files: all of them again, as many times as it takes; the JIT-warm case.)
  for (let i = 0; i < (p.warmup ?? 0); i++) await m.one(names[i % names.length]);
  const perFile: number[] = [];
  const c0 = m.commands();
  const cpu0 = process.cpuUsage();
  const ticks0 = machineTicks();
  const t0 = process.hrtime.bigint();
  for (const n of names) {
    const before = m.commands();
    await m.one(n);
    perFile.push(m.commands() - before);
  }
  const s = seconds(t0);
  const cpu = cpuSeconds(cpu0);
  const machineBusy = busyShare(ticks0, machineTicks());
  const sent = m.commands() - c0;
  await m.close();
  finish({ seconds: s, cpuSeconds: cpu, machineBusy, files: names.length, commands: sent, perFile: histogram(perFile) });
}

/** {first: n, after: {"2": 999}}: how many commands the first file took, and the counts of the others. */
function histogram(perFile: number[]): { first: number; after: Record<string, number> } {
  const after: Record<string, number> = {};
  for (const n of perFile.slice(1)) after[n] = (after[n] ?? 0) + 1;
  return { first: perFile[0] ?? 0, after };
}

main().catch(fail);
