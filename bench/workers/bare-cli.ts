/**
 * The bare-socket reference for one large upload, as a command line like ours, curl and lftp:
 *
 *   node out/bench/workers/bare-cli.js put FILE ftp://user:pass@host:port/path [KiB] [--active]
 *
 * Log in, TYPE I, EPSV (with --active: EPRT), STOR, the file piped from fs.createReadStream (KiB per read; 1024
 * unless given) into the data socket, the 226, QUIT: the least a Node program does to send a file, and so the most
 * Node allows (it has no sendfile(2) or splice(2) for sockets). Whole program, start-up included, as for the other
 * candidates.
 */
import { BareFtp } from './bare-ftp';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const active = args.includes('--active');
  const [command, file, target, kib] = args.filter((a) => a !== '--active');
  if (command !== 'put' || !file || !target) throw new Error('usage: bare-cli.js put FILE URL [KiB] [--active]');
  const u = new URL(target);
  const ftp = await BareFtp.login(u.hostname, Number(u.port || 21), decodeURIComponent(u.username), decodeURIComponent(u.password));
  const content = { file, chunk: Number(kib ?? 1024) * 1024 };
  if (active) await ftp.storActive(decodeURIComponent(u.pathname), content);
  else await ftp.stor(decodeURIComponent(u.pathname), content);
  await ftp.quit();
}

main().catch((err: Error) => {
  process.stderr.write(`bare-cli: ${err.message}\n`);
  process.exitCode = 1;
});
