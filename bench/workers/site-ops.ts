/**
 * What the extension's FileSystemProvider calls for the VS Code case, without VS Code: src/remote/site.ts (the
 * vscode-free core under provider.ts) with the default pool of 2, already logged in. One operation per run:
 * readDirectory of a big folder, readFile of a big file, or writeFile (a save) of a big file. Prints
 * {seconds, commands, bytes|entries}: commands from our logger, over every connection of the pool.
 */
import { Site } from '../../src/remote/site';
import { connectOurs, fail, finish, params, seconds, type ServerParams } from './common';

interface Params {
  server: ServerParams;
  op: 'readDirectory' | 'readFile' | 'save';
  path: string;
  bytes?: number;
  poolSize: number;
}

async function main(): Promise<void> {
  const p = params<Params>();
  let commands = 0;
  const site = new Site(
    {
      name: 'bench', host: p.server.host, port: p.server.port, username: p.server.user, remoteRoot: '', mode: 'passive',
      fallback: true, trustPasvAddress: false, encoding: 'utf8', readOnly: false, poolSize: p.poolSize,
    },
    'bench',
    { connect: () => connectOurs(p.server, {}, (e) => e.kind === 'command' && commands++), poolSize: p.poolSize },
  );
  await site.connect();
  const content = p.op === 'save' ? Buffer.alloc(p.bytes ?? 0, 0x61) : undefined;
  commands = 0;
  const t0 = process.hrtime.bigint();
  let result: Record<string, unknown>;
  if (p.op === 'readDirectory') result = { entries: (await site.readDirectory(p.path)).length };
  else if (p.op === 'readFile') result = { bytes: (await site.readFile(p.path)).length };
  else {
    await site.writeFile(p.path, content!, { create: true, overwrite: true });
    result = { bytes: content!.length };
  }
  const s = seconds(t0);
  const sent = commands;
  await site.dispose();
  finish({ seconds: s, commands: sent, ...result });
}

main().catch(fail);
