/**
 * One listing of a large folder, LIST or MLSD, by our client or basic-ftp, on a logged-in connection: the clock runs
 * from the list call to the parsed entries (data connection, transfer, decoding, parsing). Prints {seconds, entries}.
 */
import { connectBasic, connectOurs, fail, finish, params, seconds, type ServerParams } from './common';

interface Params {
  server: ServerParams;
  impl: 'ours' | 'basic-ftp';
  format: 'LIST' | 'MLSD';
  dir: string;
}

async function main(): Promise<void> {
  const p = params<Params>();
  if (p.impl === 'ours') {
    const client = await connectOurs(p.server);
    if (p.format === 'LIST') {
      // Our client takes MLSD whenever FEAT lists it; without those features it lists with LIST.
      client.features.delete('MLST');
      client.features.delete('MLSD');
    } else if (!client.features.has('MLST') && !client.features.has('MLSD')) {
      throw new Error('the server has no MLSD');
    }
    await client.list('/'); // warm-up, untimed (and the same for basic-ftp)
    const t0 = process.hrtime.bigint();
    const entries = await client.list(p.dir);
    const s = seconds(t0);
    await client.close();
    return finish({ seconds: s, entries: entries.length });
  }
  const client = await connectBasic(p.server);
  client.availableListCommands = p.format === 'MLSD' ? ['MLSD'] : ['LIST -a', 'LIST'];
  await client.list('/');
  const t0 = process.hrtime.bigint();
  const entries = await client.list(p.dir);
  const s = seconds(t0);
  client.close();
  finish({ seconds: s, entries: entries.length });
}

main().catch(fail);
