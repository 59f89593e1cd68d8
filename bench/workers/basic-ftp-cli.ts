/**
 * The basic-ftp reference for single large transfers, as a command line like ours, curl and lftp:
 *
 *   node out/bench/workers/basic-ftp-cli.js get ftp://user:pass@host:port/path FILE
 *   node out/bench/workers/basic-ftp-cli.js put FILE ftp://user:pass@host:port/path
 *
 * It uses basic-ftp the way its README shows (downloadTo / uploadFrom with a local path: it streams the file with
 * its own defaults). basic-ftp has no active mode, so there is no --mode.
 */
import { Client } from 'basic-ftp';

function parse(url: string): { host: string; port: number; user: string; password: string; path: string } {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 21),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    path: decodeURIComponent(u.pathname),
  };
}

async function main(): Promise<void> {
  const [command, a, b] = process.argv.slice(2);
  const url = parse(command === 'get' ? a : b);
  const client = new Client(60000);
  try {
    await client.access({ host: url.host, port: url.port, user: url.user, password: url.password, secure: false });
    if (command === 'get') await client.downloadTo(b, url.path);
    else if (command === 'put') await client.uploadFrom(a, url.path);
    else throw new Error(`unknown command ${command}`);
  } finally {
    client.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`basic-ftp-cli: ${err.message}\n`);
  process.exitCode = 1;
});
