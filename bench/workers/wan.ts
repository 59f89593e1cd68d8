/**
 * One operation of the round-trip cases (bench/cases/wan.ts), through the network emulator, by our library (the
 * extension's src/remote Site with its pool, as the FileSystemProvider and the Download/Upload commands use it)
 * or basic-ftp. What a user waits for, timed alone:
 * - 'login': connect and log in (ours: Site.connect, what the Connect command and the first expand do);
 * - 'first-list': connect, log in and list a folder;
 * - 'list': list the folder again on the logged-in connection (ours: the folder's cached listing dropped first,
 *   as a Refresh does);
 * - 'open': read a small file on the logged-in connection, the folder already listed (opening it from the tree);
 * - 'save': write a small file on the logged-in connection, the folder already listed (ours: the safe save;
 *   basic-ftp: a plain STOR, it has no safe save);
 * - 'folder-down' / 'folder-up': a folder of small files (logged in, the folder not listed yet), ours through
 *   src/remote/download.ts / upload.ts (downloadTo / uploadTo over the site's pool), basic-ftp downloadToDir /
 *   uploadFromDir (one connection).
 * Prints {seconds, commands}: commands sent in the timed section (our logger; basic-ftp's log hook).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Site } from '../../src/remote/site';
import { downloadTo } from '../../src/remote/download';
import { uploadTo } from '../../src/remote/upload';
import { connectBasic, connectOurs, fail, finish, params, seconds, type ServerParams } from './common';

export type WanOp = 'login' | 'first-list' | 'list' | 'open' | 'save' | 'folder-down' | 'folder-up';

interface Params {
  server: ServerParams;
  impl: 'ours' | 'basic-ftp';
  op: WanOp;
  /** the remote folder listed, or holding the file ('open', 'save'), or moved ('folder-down') */
  dir: string;
  /** the file's name in `dir` ('open', 'save') */
  file?: string;
  bytes?: number;
  /** 'folder-down': the local parent; 'folder-up': the local folder (into remote `dir`) */
  local?: string;
  poolSize: number;
}

async function ours(p: Params): Promise<Record<string, number>> {
  let commands = 0;
  const site: Site = new Site(
    {
      name: 'bench', host: p.server.host, port: p.server.port, username: p.server.user, remoteRoot: '', mode: 'passive',
      fallback: true, trustPasvAddress: false, encoding: 'auto', readOnly: false, poolSize: p.poolSize,
    },
    'bench',
    { connect: () => connectOurs(p.server, { traits: site.traits }, (e) => e.kind === 'command' && commands++), poolSize: p.poolSize },
  );
  const file = `${p.dir}/${p.file ?? ''}`;
  const cold = p.op === 'login' || p.op === 'first-list';
  if (!cold) {
    await site.connect();
    if (!p.op.startsWith('folder')) await site.readDirectory(p.dir);
  }
  commands = 0;
  let files: number | undefined;
  const t0 = process.hrtime.bigint();
  switch (p.op) {
    case 'login':
      await site.connect();
      break;
    case 'first-list':
      await site.readDirectory(p.dir);
      break;
    case 'list':
      site.cache.invalidate(p.dir);
      await site.readDirectory(p.dir);
      break;
    case 'open':
      await site.readFile(file);
      break;
    case 'save':
      await site.writeFile(file, Buffer.alloc(p.bytes ?? 0, 0x62), { create: true, overwrite: true });
      break;
    case 'folder-down': {
      files = (await downloadTo(site, p.dir, p.local!)).files;
      break;
    }
    case 'folder-up': {
      files = (await uploadTo(site, [p.local!], p.dir)).files;
      break;
    }
  }
  const s = seconds(t0);
  const sent = commands;
  await site.dispose();
  return { seconds: s, commands: sent, ...(files !== undefined ? { files } : {}) };
}

async function basic(p: Params): Promise<{ seconds: number; commands: number }> {
  let commands = 0;
  const count = () => commands++;
  const file = `${p.dir}/${p.file ?? ''}`;
  const cold = p.op === 'login' || p.op === 'first-list';
  const t0 = cold ? process.hrtime.bigint() : 0n;
  const c = await connectBasic(p.server, count);
  if (!cold && !p.op.startsWith('folder')) await c.list(p.dir);
  commands = cold ? commands : 0;
  const t1 = cold ? t0 : process.hrtime.bigint();
  switch (p.op) {
    case 'login':
      break;
    case 'first-list':
    case 'list':
      await c.list(p.dir);
      break;
    case 'open':
      await c.downloadTo(new Writable({ write: (_chunk, _enc, cb) => cb() }), file);
      break;
    case 'save': {
      const { Readable } = await import('node:stream');
      await c.uploadFrom(Readable.from([Buffer.alloc(p.bytes ?? 0, 0x62)]), file);
      break;
    }
    case 'folder-down':
      await c.downloadToDir(path.join(p.local!, path.posix.basename(p.dir)), p.dir);
      break;
    case 'folder-up':
      await c.uploadFromDir(p.local!, `${p.dir}/${path.basename(p.local!)}`);
      break;
  }
  const s = seconds(t1);
  c.close();
  return { seconds: s, commands };
}

async function main(): Promise<void> {
  const p = params<Params>();
  if (p.op === 'folder-down') fs.mkdirSync(p.local!, { recursive: true });
  finish(p.impl === 'ours' ? await ours(p) : await basic(p));
}

main().catch(fail);
