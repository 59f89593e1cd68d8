/**
 * ftp-explorer: a small command line over src/ftp, for people debugging a server (and for benchmarks).
 * Exit code 0 only on success; an error prints one clear line on stderr.
 */
import * as fs from 'node:fs';
import { FtpClient, FtpError, formatLogEvent, formatProbeReport, parseFtpUrl, probe, safeSave, type DataMode, type FtpConnectOptions, type FileEntry, type TlsMode } from './ftp';
import { parsePortRange } from './remote/config';

const USAGE = `usage: ftp-explorer COMMAND ARGS [options]
commands:
  ls URL [--json]         list a folder
  get URL FILE            download a file (FILE - for stdout)
  put FILE URL            upload a file (safely: to a temporary name, size checked, renamed into place)
  rm URL | mkdir URL | rmdir URL
  mv URL NEWPATH          rename
  probe URL [--json]      log in, then list through EPSV, PASV, EPRT and PORT and say what works
options:
  --mode passive|active   data-connection mode (default passive)
  --no-fallback           do not try the other mode when the data connection fails
  --trust-pasv-address    connect to the address in 227 replies instead of the control peer
  --active-address ADDR   address to advertise in PORT/EPRT (client behind NAT)
  --active-ports LO-HI    port range to listen on in active mode
  --no-safe-save          put: write straight onto the file (the size is still checked)
  --log                   print the control dialogue to stderr (PASS masked)
  --timeout SECONDS       timeout of every wait (default 30)
  --encoding NAME         encoding of names on the server (default utf8)
  --tls explicit|implicit FTPS: AUTH TLS before login, or TLS from the first byte (port 990)
  --trust-fingerprint FP  accept the server certificate with this SHA-256 fingerprint (self-signed servers)
URL: ftp://user[:password]@host[:port]/path (ftps:// for implicit TLS); the password may also come from FTP_PASSWORD.`;

interface Parsed {
  args: string[];
  flags: Map<string, string | true>;
}

const VALUED = new Set(['mode', 'timeout', 'encoding', 'active-address', 'active-ports', 'tls', 'trust-fingerprint']);

function parseArgs(argv: string[]): Parsed {
  const args: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (eq >= 0) flags.set(name, a.slice(eq + 1));
      else if (VALUED.has(name)) {
        if (i + 1 >= argv.length) throw new FtpError(`--${name} needs a value`);
        flags.set(name, argv[++i]);
      } else flags.set(name, true);
    } else {
      args.push(a);
    }
  }
  return { args, flags };
}

function options(urlText: string, flags: Map<string, string | true>): { opts: FtpConnectOptions; path: string } {
  const url = parseFtpUrl(urlText);
  const mode = (flags.get('mode') ?? 'passive') as string;
  if (mode !== 'passive' && mode !== 'active') throw new FtpError(`--mode must be passive or active, not "${mode}"`);
  const timeout = flags.has('timeout') ? Number(flags.get('timeout')) : 30;
  if (!(timeout > 0)) throw new FtpError(`--timeout must be a number of seconds above 0`);
  let range: [number, number] | undefined;
  const ports = flags.get('active-ports');
  if (typeof ports === 'string') {
    range = parsePortRange(ports);
    if (!range) throw new FtpError(`--active-ports must look like 50000-50100 (ports 1-65535, low to high), not "${ports}"`);
  }
  const tlsFlag = flags.get('tls');
  if (tlsFlag !== undefined && tlsFlag !== 'explicit' && tlsFlag !== 'implicit' && tlsFlag !== 'none') {
    throw new FtpError(`--tls must be explicit, implicit or none, not "${String(tlsFlag)}"`);
  }
  const tls = (tlsFlag as TlsMode | undefined) ?? (url.implicitTls ? 'implicit' : 'none');
  const opts: FtpConnectOptions = {
    host: url.host,
    port: url.port,
    user: url.user,
    tls,
    trustedFingerprint: typeof flags.get('trust-fingerprint') === 'string' ? (flags.get('trust-fingerprint') as string) : undefined,
    password: url.password ?? process.env.FTP_PASSWORD,
    mode: mode as DataMode,
    fallback: !flags.has('no-fallback'),
    trustPasvAddress: flags.has('trust-pasv-address'),
    activeAddress: typeof flags.get('active-address') === 'string' ? (flags.get('active-address') as string) : undefined,
    activePortRange: range,
    timeoutMs: timeout * 1000,
    encoding: typeof flags.get('encoding') === 'string' ? (flags.get('encoding') as string) : undefined,
    logger: flags.has('log') ? (e) => process.stderr.write(`${formatLogEvent(e)}\n`) : undefined,
  };
  return { opts, path: url.path || '.' };
}

function need(args: string[], n: number, what: string): void {
  if (args.length < n) throw new FtpError(`${what}\n${USAGE}`);
}

function formatEntry(e: FileEntry): string {
  const t = e.type === 'dir' ? 'd' : e.type === 'symlink' ? 'l' : e.type === 'file' ? '-' : '?';
  const size = String(e.size ?? '').padStart(12);
  const when = e.mtimeMs !== undefined ? new Date(e.mtimeMs).toISOString().slice(0, 16).replace('T', ' ') : '                ';
  return `${t} ${size} ${when} ${e.name}${e.target ? ` -> ${e.target}` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const { args, flags } = parseArgs(argv);
  const [command, ...rest] = args;
  if (!command || flags.has('help') || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const json = flags.has('json');
  switch (command) {
    case 'ls': {
      need(rest, 1, 'ls needs a URL');
      const { opts, path } = options(rest[0], flags);
      return withClient(opts, async (c) => {
        const entries = await c.list(path);
        if (json) {
          const out = entries.map((e) => ({ name: e.name, type: e.type, size: e.size ?? null, mtime: e.mtimeMs !== undefined ? new Date(e.mtimeMs).toISOString() : null, ...(e.target ? { target: e.target } : {}) }));
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          for (const e of entries) process.stdout.write(`${formatEntry(e)}\n`);
        }
      });
    }
    case 'get': {
      need(rest, 2, 'get needs a URL and a local file');
      const { opts, path } = options(rest[0], flags);
      const toStdout = rest[1] === '-';
      return withClient(opts, async (c) => {
        // Write to a temporary name and rename, so a failed download never leaves a truncated file.
        const target = rest[1];
        const temp = toStdout ? '' : `${target}.part-${process.pid}`;
        const dest = toStdout ? process.stdout : fs.createWriteStream(temp, { highWaterMark: 1 << 20 });
        try {
          await c.download(path, dest, { end: !toStdout });
          if (!toStdout) fs.renameSync(temp, target);
        } catch (err) {
          if (!toStdout) fs.rmSync(temp, { force: true });
          throw err;
        }
      });
    }
    case 'put': {
      need(rest, 2, 'put needs a local file and a URL');
      const { opts, path } = options(rest[1], flags);
      if (!fs.existsSync(rest[0])) throw new FtpError(`No such local file: ${rest[0]}`);
      const local = rest[0];
      return withClient(opts, async (c) => {
        // Safe save: an interrupted upload never leaves the remote file cut short (src/ftp/safeSave.ts).
        await safeSave(c, path, () => fs.createReadStream(local, { highWaterMark: 1 << 20 }), {
          safe: !flags.has('no-safe-save'),
          expectedBytes: fs.statSync(local).size,
          log: (text) => process.stderr.write(`ftp-explorer: ${text}\n`),
        });
      });
    }
    case 'rm':
    case 'mkdir':
    case 'rmdir': {
      need(rest, 1, `${command} needs a URL`);
      const { opts, path } = options(rest[0], flags);
      return withClient(opts, (c) => (command === 'rm' ? c.delete(path) : command === 'mkdir' ? c.mkdir(path) : c.rmdir(path)));
    }
    case 'mv': {
      need(rest, 2, 'mv needs a URL and a new path');
      const { opts, path } = options(rest[0], flags);
      return withClient(opts, (c) => c.rename(path, rest[1]));
    }
    case 'probe': {
      need(rest, 1, 'probe needs a URL');
      const { opts, path } = options(rest[0], flags);
      const report = await probe(opts, path);
      process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatProbeReport(report)}\n`);
      return report.login.ok && report.methods.some((m) => m.ok) ? 0 : 1;
    }
    default:
      throw new FtpError(`Unknown command "${command}"\n${USAGE}`);
  }
}

async function withClient(opts: FtpConnectOptions, fn: (c: FtpClient) => Promise<unknown>): Promise<number> {
  const client = await FtpClient.connect(opts);
  try {
    await fn(client);
  } finally {
    await client.close();
  }
  return 0;
}

let settled = false;
// Node exits when nothing is left to wait for, even with the command unfinished: that is a failure, never a 0.
process.on('exit', () => {
  if (settled) return;
  process.stderr.write('ftp-explorer: the operation never finished (nothing was left to wait for): treat it as failed\n');
  process.exitCode = 1;
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (err: Error) => {
    settled = true;
    process.stderr.write(`ftp-explorer: ${err instanceof FtpError ? err.message : String(err?.message ?? err)}\n`);
    process.exitCode = 1;
  },
);
