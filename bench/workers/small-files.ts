/**
 * 1,000 small files over ONE control connection, downloaded or uploaded one after the other, with the names known
 * in advance (no listing). Candidates: our client, basic-ftp, and the bare-socket loop. Ours and the bare loop do
 * the same local file I/O (whole file in memory, fs.promises.writeFile / readFile), so the difference between them
 * is the client; basic-ftp uses its own file API (downloadTo / uploadFrom with a path).
 *
 * Prints {seconds, files, commands, perFile}: commands counted from our logger's `command` events (and basic-ftp's
 * own log hook, and the bare loop's counter); perFile is the number each file took.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { BareFtp } from './bare-ftp';
import { connectBasic, connectOurs, fail, finish, params, seconds, smallName, type ServerParams } from './common';

interface Params {
  server: ServerParams;
  impl: 'ours' | 'basic-ftp' | 'bare';
  direction: 'download' | 'upload';
  remoteDir: string;
  localDir: string;
  count: number;
}

async function main(): Promise<void> {
  const p = params<Params>();
  const names = Array.from({ length: p.count }, (_, i) => smallName(i));
  const remote = (n: string) => `${p.remoteDir}/${n}`;
  const local = (n: string) => path.join(p.localDir, n);
  const perFile: number[] = [];
  let commands = 0;
  let t0: bigint;

  if (p.impl === 'ours') {
    const client = await connectOurs(p.server, {}, (e) => {
      if (e.kind === 'command') commands++;
    });
    commands = 0;
    t0 = process.hrtime.bigint();
    for (const n of names) {
      const before = commands;
      if (p.direction === 'download') await fsp.writeFile(local(n), await client.downloadBuffer(remote(n)));
      else await client.upload(await fsp.readFile(local(n)), remote(n));
      perFile.push(commands - before);
    }
    const s = seconds(t0);
    await client.close();
    return finish({ seconds: s, files: names.length, commands, perFile: histogram(perFile) });
  }

  if (p.impl === 'basic-ftp') {
    const client = await connectBasic(p.server, () => commands++);
    commands = 0;
    t0 = process.hrtime.bigint();
    for (const n of names) {
      const before = commands;
      if (p.direction === 'download') await client.downloadTo(local(n), remote(n));
      else await client.uploadFrom(local(n), remote(n));
      perFile.push(commands - before);
    }
    const s = seconds(t0);
    client.close();
    return finish({ seconds: s, files: names.length, commands, perFile: histogram(perFile) });
  }

  const bare = await BareFtp.login(p.server.host, p.server.port, p.server.user, p.server.password);
  t0 = process.hrtime.bigint();
  for (const n of names) {
    const before = bare.commands;
    if (p.direction === 'download') await fsp.writeFile(local(n), await bare.retr(remote(n)));
    else await bare.stor(remote(n), await fsp.readFile(local(n)));
    perFile.push(bare.commands - before);
  }
  const s = seconds(t0);
  await bare.quit();
  finish({ seconds: s, files: names.length, commands: bare.commands, perFile: histogram(perFile) });
}

/** {first: n, after: {"2": 999}}: how many commands the first file took, and the counts of the others. */
function histogram(perFile: number[]): { first: number; after: Record<string, number> } {
  const after: Record<string, number> = {};
  for (const n of perFile.slice(1)) after[n] = (after[n] ?? 0) + 1;
  return { first: perFile[0] ?? 0, after };
}

main().catch(fail);
