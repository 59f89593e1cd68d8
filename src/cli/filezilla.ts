/**
 * The command line and FileZilla's Site Manager: `sites --filezilla FILE` lists its sites, and `site:NAME/path`
 * (with --filezilla FILE, or FileZilla's own file) connects to one of them wherever a URL is taken.
 */
import * as fs from 'node:fs';
import { FtpError, type FtpConnectOptions } from '../ftp';
import { connectionEntry, defaultSiteManagerPaths, importName, parseSiteManager, type FileZillaSite } from '../remote/filezilla';
import type { Flags } from './args';

/** The sitemanager.xml to read: --filezilla FILE, else FileZilla's own. */
function siteManagerFile(flags: Flags): string {
  const given = flags.get('filezilla');
  if (given === true) throw new FtpError('--filezilla needs a file');
  if (given) return given;
  const found = defaultSiteManagerPaths().find((p) => fs.existsSync(p));
  if (!found) throw new FtpError(`No FileZilla Site Manager file found (looked in ${defaultSiteManagerPaths().join(', ')}): give one with --filezilla FILE`);
  return found;
}

function readSites(flags: Flags): { file: string; sites: FileZillaSite[] } {
  const file = siteManagerFile(flags);
  let xml: string;
  try {
    xml = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new FtpError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return { file, sites: parseSiteManager(xml) };
  } catch (err) {
    throw new FtpError(`${file}: ${(err as Error).message}`);
  }
}

function urlOf(s: FileZillaSite): string {
  const scheme = s.tls === 'implicit' ? 'ftps' : 'ftp';
  const user = s.user && s.user !== 'anonymous' ? `${encodeURIComponent(s.user)}@` : '';
  const port = s.port && s.port !== (s.tls === 'implicit' ? 990 : 21) ? `:${s.port}` : '';
  return `${scheme}://${user}${s.host}${port}${s.remoteDir ?? '/'}`;
}

/** `sites [--filezilla FILE] [--json]`: the sites, with the name `site:NAME` takes. */
export function sites(_rest: string[], flags: Flags): number {
  const { sites: all } = readSites(flags);
  if (flags.has('json')) {
    const list = all.map((s) => ({
      name: importName(s),
      url: urlOf(s),
      protocol: s.protocolName,
      supported: !s.unsupported,
      ...(s.unsupported ? { why: s.unsupported } : { connection: connectionEntry(s) }),
      password: s.password !== undefined ? 'saved' : s.passwordEncrypted ? 'encrypted' : 'none',
    }));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  for (const s of all) {
    const tls = s.tls === 'none' ? '' : ` (${s.tls} TLS${s.tlsIfAvailable ? ', FileZilla: if available' : ''})`;
    const note = s.unsupported ? `  not supported: ${s.unsupported}` : s.passwordEncrypted ? '  password encrypted: give it in FTP_PASSWORD' : '';
    process.stdout.write(`${importName(s)}\t${urlOf(s)}${tls}${note}\n`);
  }
  return 0;
}

/** Whether a command's target is `site:NAME[/path]`. */
export function isSiteRef(target: string): boolean {
  return /^site:/i.test(target);
}

/**
 * The connection options of `site:NAME[/path]`: NAME as `sites` shows it, or a site's own FileZilla name when
 * only one has it; the path, else the site's remote folder, else the login folder ('').
 */
export function siteRefOptions(target: string, flags: Flags): { opts: FtpConnectOptions; path: string } {
  const ref = target.slice('site:'.length);
  const slash = ref.indexOf('/');
  const name = (slash < 0 ? ref : ref.slice(0, slash)).trim();
  const { file, sites: all } = readSites(flags);
  const lower = name.toLowerCase();
  let site = all.find((s) => importName(s).toLowerCase() === lower);
  if (!site) {
    const bare = all.filter((s) => s.name.toLowerCase() === lower);
    if (bare.length > 1) throw new FtpError(`${bare.length} sites of ${file} are named "${name}": use the name with its folders (see: sites)`);
    site = bare[0];
  }
  if (!site) throw new FtpError(`No site "${name}" in ${file} (see: sites --filezilla ${file})`);
  if (site.unsupported) throw new FtpError(`Site "${name}": ${site.unsupported}`);
  const password = site.password ?? process.env.FTP_PASSWORD;
  if (password === undefined && site.passwordEncrypted) {
    throw new FtpError(`The password of "${name}" is encrypted with FileZilla's master password: give it in FTP_PASSWORD`);
  }
  const opts: FtpConnectOptions = {
    host: site.host,
    port: site.port,
    user: site.user || 'anonymous',
    password,
    account: site.account,
    tls: site.tls,
    mode: site.mode ?? 'passive',
    encoding: site.encoding,
    ...(site.timeZoneOffsetMinutes ? { timeZoneOffset: site.timeZoneOffsetMinutes } : {}),
  };
  const path = slash >= 0 ? ref.slice(slash) : site.remoteDir ?? '';
  return { opts, path };
}
