/** The command line's usage text, its argument parser, and the connection options from a URL and flags. */
import { FtpError, formatLogEvent, parseFtpUrl, type DataMode, type FtpConnectOptions, type TlsMode } from '../ftp';
import { MAX_POOL_SIZE, parsePortRange } from '../remote/config';
import { isSiteRef, siteRefOptions } from './filezilla';

export const USAGE = `usage: ftp-explorer COMMAND ARGS [options]
commands:
  ls URL [--json]         list a folder
  stat URL [--json]       type, size, modification time and link target of one path
  get URL FILE|DIR        download a file (FILE - for stdout; into DIR under its own name)
  get -r URL DIR          download a folder with everything in it into DIR (links to folders are not followed)
  put FILE URL            upload a file (safely: to a temporary name, size checked, renamed into place)
  put -r DIR URL          upload a local folder with everything in it into the remote folder URL
  rm URL                  delete a file or a link
  rm -r URL               delete a folder with everything in it (links in it are deleted, never followed)
  mkdir URL | rmdir URL   make a folder, delete an empty one
  mv URL NEWPATH          rename (NEWPATH absolute, or relative to the login folder)
  probe URL [--json]      log in, then list through EPSV, PASV, EPRT and PORT and say what works
  sites [--json]          the sites of FileZilla's Site Manager (--filezilla FILE, or FileZilla's own file)
  sync DIR URL            make the remote folder like the local one (new and changed files uploaded)
  sync URL DIR            make the local folder like the remote one (downloaded)
options:
  --overwrite             get: replace local files that exist; mv: replace the destination;
                          sync: replace files changed on the side being made alike since the last sync
  --skip-existing         get: keep local files that exist; put: keep remote files that exist
                          (get without either: asks on a terminal, otherwise refuses to replace a file)
  --mode passive|active   data-connection mode (default passive)
  --no-fallback           do not try the other mode when the data connection fails
  --trust-pasv-address    connect to the address in 227 replies instead of the control peer
  --active-address ADDR   address to advertise in PORT/EPRT (client behind NAT)
  --active-ports LO-HI    port range to listen on in active mode
  --connections N         control connections for folder transfers (default 2, 4 to 8 over a slow network; at most ${MAX_POOL_SIZE})
  --no-safe-save          put: write straight onto the file (the size is still checked)
  --dry-run               sync: print the plan (one line per file, with the reason) and change nothing
  --delete                sync: delete what is only on the side being made alike
  --checksum              sync: compare files of the same size by content (HASH/XSHA256/XMD5/XCRC, else download)
  --exclude PATTERN       sync: leave out paths matching PATTERN (gitignore syntax; may be repeated)
  --parallel N            sync: files moved at once, over N connections (default 2)
  --no-gitignore          sync: do not read the local folder's .gitignore files
  --no-default-excludes   sync: include .git and node_modules
  --state FILE | --no-state  sync: where to keep what the last sync saw (default DIR/.ftpexplorer-sync.json)
  --verbose               sync: also print the files that are the same
  --log                   print the control dialogue to stderr (PASS masked)
  --timeout SECONDS       timeout of every wait (default 30)
  --encoding NAME         encoding of names on the server: auto (default: found from the names), utf8, gbk, big5 ...
  --tls explicit|implicit FTPS: AUTH TLS before login, or TLS from the first byte (port 990)
  --trust-fingerprint FP  accept the server certificate with this SHA-256 fingerprint (self-signed servers)
  --filezilla FILE        the sitemanager.xml that sites and site:NAME read
URL: ftp://user[:password]@host[:port]/path (ftps:// for implicit TLS); the password may also come from FTP_PASSWORD.
     site:NAME/path: a site of FileZilla's Site Manager, by the name sites shows (its password, TLS, mode, encoding).
Exit code: 0 done, 1 failed (one line on stderr says why), 2 no command or bad usage,\n3 sync: conflicts left as they were (everything else done).`;

export type Flags = Map<string, string | true>;

export interface Parsed {
  args: string[];
  flags: Flags;
}

const VALUED = new Set(['filezilla', 'mode', 'timeout', 'encoding', 'active-address', 'active-ports', 'tls', 'trust-fingerprint', 'connections', 'exclude', 'parallel', 'state']);
/** Options that may be given several times: their values are kept joined by NUL (which no argument can hold). */
const REPEATABLE = new Set(['exclude']);
/** Short flags: -r is --recursive. */
const SHORT: Record<string, string> = { r: 'recursive', R: 'recursive' };

export function parseArgs(argv: string[]): Parsed {
  const args: string[] = [];
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      let value: string | true = true;
      if (eq >= 0) value = a.slice(eq + 1);
      else if (VALUED.has(name)) {
        if (i + 1 >= argv.length) throw new FtpError(`--${name} needs a value`);
        value = argv[++i];
      }
      const before = flags.get(name);
      flags.set(name, REPEATABLE.has(name) && typeof before === 'string' && typeof value === 'string' ? `${before}\u0000${value}` : value);
    } else if (/^-[a-zA-Z]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (!SHORT[c]) throw new FtpError(`Unknown option -${c}\n${USAGE}`);
        flags.set(SHORT[c], true);
      }
    } else {
      args.push(a);
    }
  }
  return { args, flags };
}

export function need(args: string[], n: number, what: string): void {
  if (args.length < n) throw new FtpError(`${what}\n${USAGE}`);
}

export function text(flags: Flags, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable option (--exclude A --exclude B). */
export function texts(flags: Flags, name: string): string[] {
  const v = flags.get(name);
  return typeof v === 'string' ? v.split('\u0000') : [];
}

/** The connection options of a URL and the flags, and the URL's path ('' for the login folder). */
export function connectOptions(urlText: string, flags: Flags): { opts: FtpConnectOptions; path: string; poolSize: number } {
  const site = isSiteRef(urlText) ? siteRefOptions(urlText, flags) : undefined;
  const url = site ? { ...site.opts, path: site.path, implicitTls: site.opts.tls === 'implicit', port: site.opts.port, user: site.opts.user, password: site.opts.password } : parseFtpUrl(urlText);
  const mode = (flags.get('mode') ?? site?.opts.mode ?? 'passive') as string;
  if (mode !== 'passive' && mode !== 'active') throw new FtpError(`--mode must be passive or active, not "${mode}"`);
  const timeout = flags.has('timeout') ? Number(flags.get('timeout')) : 30;
  if (!(timeout > 0)) throw new FtpError(`--timeout must be a number of seconds above 0`);
  let range: [number, number] | undefined;
  const ports = text(flags, 'active-ports');
  if (ports !== undefined) {
    range = parsePortRange(ports);
    if (!range) throw new FtpError(`--active-ports must look like 50000-50100 (ports 1-65535, low to high), not "${ports}"`);
  }
  const tlsFlag = flags.get('tls');
  if (tlsFlag !== undefined && tlsFlag !== 'explicit' && tlsFlag !== 'implicit' && tlsFlag !== 'none') {
    throw new FtpError(`--tls must be explicit, implicit or none, not "${String(tlsFlag)}"`);
  }
  const poolSize = flags.has('connections') ? Number(flags.get('connections')) : 2;
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > MAX_POOL_SIZE) throw new FtpError(`--connections must be a whole number from 1 to ${MAX_POOL_SIZE}`);
  const tls = (tlsFlag as TlsMode | undefined) ?? site?.opts.tls ?? (url.implicitTls ? 'implicit' : 'none');
  const opts: FtpConnectOptions = {
    host: url.host,
    port: url.port,
    user: url.user,
    tls,
    trustedFingerprint: text(flags, 'trust-fingerprint'),
    password: url.password ?? process.env.FTP_PASSWORD,
    mode: mode as DataMode,
    fallback: !flags.has('no-fallback'),
    trustPasvAddress: flags.has('trust-pasv-address'),
    activeAddress: text(flags, 'active-address'),
    activePortRange: range,
    timeoutMs: timeout * 1000,
    encoding: text(flags, 'encoding') ?? site?.opts.encoding,
    timeZoneOffset: site?.opts.timeZoneOffset,
    account: site?.opts.account,
  };
  return { opts, path: url.path, poolSize };
}

/** The --log logger: the dialogue on stderr, each line after the first connection's marked with its number. */
export function stderrLogger(flags: Flags, n: number): FtpConnectOptions['logger'] {
  if (!flags.has('log')) return undefined;
  return (e) => process.stderr.write(`${n > 1 ? `[#${n}] ` : ''}${formatLogEvent(e)}\n`);
}
