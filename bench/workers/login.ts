/**
 * Connect and log in `times` times in a row, by our client or basic-ftp, each connection closed before the next
 * (outside the clock). Each login is the full sequence the client uses before its first operation: ours sends
 * USER, PASS, FEAT, OPTS UTF8 ON, TYPE I, PWD; basic-ftp's access() sends USER, PASS, FEAT, TYPE I, STRU F,
 * OPTS UTF8 ON (and OPTS MLST where MLSD exists). Prints {seconds, logins, commands}.
 */
import { connectBasic, connectOurs, fail, finish, params, type ServerParams } from './common';

interface Params {
  server: ServerParams;
  impl: 'ours' | 'basic-ftp';
  times: number;
}

async function main(): Promise<void> {
  const p = params<Params>();
  let total = 0n;
  let commands = 0;
  let counted = 0;
  // One untimed login first (warm-up), then the measured ones.
  for (let i = -1; i < p.times; i++) {
    const t0 = process.hrtime.bigint();
    if (p.impl === 'ours') {
      const c = await connectOurs(p.server, {}, (e) => e.kind === 'command' && commands++);
      if (i >= 0) total += process.hrtime.bigint() - t0;
      counted = commands;
      await c.close();
      commands = counted;
    } else {
      const c = await connectBasic(p.server, () => commands++);
      if (i >= 0) total += process.hrtime.bigint() - t0;
      counted = commands;
      c.close();
    }
    if (i < 0) commands = counted = 0;
  }
  finish({ seconds: Number(total) / 1e9, logins: p.times, commands: counted / p.times });
}

main().catch(fail);
