/**
 * The bare-socket reference for one large upload, as a command line like ours, curl and lftp:
 *
 *   node out/bench/workers/bare-cli.js put FILE ftp://user:pass@host:port/path [KiB]
 *
 * Log in, TYPE I, EPSV, STOR, the file piped from fs.createReadStream (KiB per read; 1024 unless given) into the
 * data socket, the 226, QUIT: the least a Node program does to send a file, and so the most Node allows (it has no
 * sendfile(2) or splice(2) for sockets). Whole program, start-up included, as for the other candidates.
 */
import { BareFtp } from './bare-ftp';

async function main(): Promise<void> {
  const [command, file, target, kib] = process.argv.slice(2);
  if (command !== 'put' || !file || !target) throw new Error('usage: bare-cli.js put FILE URL [KiB]');
  const u = new URL(target);
  const ftp = await BareFtp.login(u.hostname, Number(u.port || 21), decodeURIComponent(u.username), decodeURIComponent(u.password));
  await ftp.stor(decodeURIComponent(u.pathname), { file, chunk: Number(kib ?? 1024) * 1024 });
  await ftp.quit();
}

main().catch((err: Error) => {
  process.stderr.write(`bare-cli: ${err.message}\n`);
  process.exitCode = 1;
});
