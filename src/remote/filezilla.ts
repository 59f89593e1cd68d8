/**
 * FileZilla's Site Manager (sitemanager.xml, FileZilla 3.x): text in, sites out, and each site as an entry of
 * `ftpExplorer.connections`. A parser only: reading the file, asking and saving are the command's (src/vscode)
 * and the CLI's.
 *
 * The file: <FileZilla3><Servers> holds <Server> and <Folder> elements; a folder's name is its own text, a
 * server's is <Name>. Protocol numbers, logon types and the encoded remote folder are FileZilla's own.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { t } from './l10n';
import { childText, childrenNamed, ownText, parseXml, type XmlElement } from './xmlReader';

export type FileZillaTls = 'none' | 'explicit' | 'implicit';

export interface FileZillaSite {
  /** The folders it is in, outermost first. */
  folders: string[];
  name: string;
  host: string;
  port?: number;
  /** FileZilla's protocol number and its name. */
  protocol: number;
  protocolName: string;
  /** Undefined when FTP Explorer can open it; else why not ("SFTP is not supported"). */
  unsupported?: string;
  tls: FileZillaTls;
  /** FTP with "TLS if available" (protocol 0): imported as explicit TLS, which is then required. */
  tlsIfAvailable: boolean;
  /** 0 anonymous, 1 normal, 2 ask for password, 3 interactive, 4 account, 5 key file. */
  logonType: number;
  user: string;
  /** The saved password (base64 decoded), when FileZilla kept one in the clear. */
  password?: string;
  /** FileZilla encrypted the password with a master password: it is not read. */
  passwordEncrypted: boolean;
  account?: string;
  mode?: 'active' | 'passive';
  /** 'auto', 'utf8', or the custom encoding's name as FileZilla wrote it. */
  encoding: string;
  /** FileZilla's server time offset, in minutes. */
  timeZoneOffsetMinutes: number;
  /** The remote folder, as a path; undefined when none was set. */
  remoteDir?: string;
}

export class FileZillaFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileZillaFormatError';
  }
}

const PROTOCOLS: Record<number, string> = {
  0: 'FTP',
  1: 'SFTP',
  2: 'HTTP',
  3: 'FTPS (implicit)',
  4: 'FTPES (explicit)',
  5: 'HTTPS',
  6: 'FTP (plain)',
  7: 'S3',
  8: 'Storj',
  9: 'WebDAV',
  10: 'Azure Files',
  11: 'Azure Blob',
  12: 'OpenStack Swift',
  13: 'Google Cloud Storage',
  14: 'Google Drive',
  15: 'Dropbox',
  16: 'OneDrive',
  17: 'Backblaze B2',
  18: 'Box',
};

/** The sites of a sitemanager.xml, folder by folder in file order. */
export function parseSiteManager(text: string): FileZillaSite[] {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    throw new FileZillaFormatError(`Not a FileZilla Site Manager file: ${(err as Error).message}`);
  }
  if (root.name !== 'FileZilla3') throw new FileZillaFormatError(`Not a FileZilla Site Manager file: the root is <${root.name}>, not <FileZilla3>`);
  const out: FileZillaSite[] = [];
  for (const servers of childrenNamed(root, 'Servers')) walk(servers, [], out);
  return out;
}

function walk(el: XmlElement, folders: string[], out: FileZillaSite[]): void {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (c.name === 'Server') out.push(readServer(c, folders));
    else if (c.name === 'Folder') walk(c, [...folders, ownText(c).trim() || 'Folder'], out);
  }
}

function readServer(el: XmlElement, folders: string[]): FileZillaSite {
  const field = (name: string) => childText(el, name)?.trim();
  const num = (name: string, fallback: number) => {
    const v = Number(field(name));
    return Number.isFinite(v) && field(name) !== '' && field(name) !== undefined ? v : fallback;
  };
  const host = field('Host') ?? '';
  const protocol = num('Protocol', 0);
  const portNum = num('Port', 0);
  const logonType = num('Logontype', 1);
  const name = field('Name') || ownText(el).trim() || host;
  const passEl = childrenNamed(el, 'Pass')[0];
  let password: string | undefined;
  let passwordEncrypted = false;
  if (passEl) {
    const enc = passEl.attrs.encoding;
    const raw = ownText(passEl);
    if (enc === 'crypt') passwordEncrypted = true;
    else if (enc === 'base64') password = Buffer.from(raw.trim(), 'base64').toString('utf8');
    else password = raw; // FileZilla before 3.26 kept it as it is
  }
  const pasv = field('PasvMode');
  const encodingType = field('EncodingType') ?? 'Auto';
  const custom = field('CustomEncoding');
  const site: FileZillaSite = {
    folders,
    name,
    host,
    port: portNum > 0 && portNum < 65536 ? portNum : undefined,
    protocol,
    protocolName: PROTOCOLS[protocol] ?? `protocol ${protocol}`,
    tls: protocol === 3 ? 'implicit' : protocol === 0 || protocol === 4 ? 'explicit' : 'none',
    tlsIfAvailable: protocol === 0,
    logonType,
    user: logonType === 0 ? 'anonymous' : field('User') ?? '',
    password: logonType === 0 || logonType === 2 || logonType === 3 ? undefined : password || undefined,
    passwordEncrypted: passwordEncrypted && logonType !== 0,
    account: logonType === 4 ? field('Account') : undefined,
    mode: pasv === 'MODE_ACTIVE' ? 'active' : pasv === 'MODE_PASSIVE' ? 'passive' : undefined,
    encoding: encodingType === 'UTF-8' ? 'utf8' : encodingType === 'Custom' && custom ? custom : 'auto',
    timeZoneOffsetMinutes: num('TimezoneOffset', 0),
    remoteDir: decodeRemoteDir(field('RemoteDir') ?? ''),
  };
  if (![0, 3, 4, 6].includes(protocol)) site.unsupported = t('{0} is not supported (FTP and FTPS only)', site.protocolName);
  else if (!host) site.unsupported = t('it has no host');
  else if (logonType === 5) site.unsupported = t('a key file logon is for SFTP');
  return site;
}

/**
 * FileZilla's encoded path: "<type> <prefix length> <prefix> <length> <segment> ...", each part length-prefixed
 * so segments may hold spaces ("1 0 3 var 3 www" is /var/www). Undefined for an empty or unreadable value.
 */
export function decodeRemoteDir(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const m = /^(\d+) /.exec(v);
  if (!m) return undefined;
  const chars = Array.from(v.slice(m[0].length));
  let i = 0;
  const parts: string[] = [];
  while (i < chars.length) {
    let digits = '';
    while (i < chars.length && chars[i] >= '0' && chars[i] <= '9') digits += chars[i++];
    if (!digits) return undefined;
    const n = Number(digits);
    if (n === 0) {
      parts.push('');
      if (chars[i] === ' ') i++;
      continue;
    }
    if (chars[i] !== ' ') return undefined;
    i++;
    if (i + n > chars.length) return undefined;
    parts.push(chars.slice(i, i + n).join(''));
    i += n;
    if (i < chars.length) {
      if (chars[i] !== ' ') return undefined;
      i++;
    }
  }
  const [prefix = '', ...segments] = parts;
  // Unix-like paths have no prefix; DOS ones start with the drive, VMS ones with a device: all shown as "/...".
  return `${prefix ? `/${prefix.replace(/[\\/]+$/, '')}` : ''}/${segments.join('/')}`.replace(/\/{2,}/g, '/');
}

/** Characters a connection name cannot hold (config.checkName), replaced in imported names. */
const BAD_NAME = /[/\\@:?#%[\]]/g;

/** The connection name of a site: its folders as prefixes ("Clients - Acme - Live"). */
export function importName(site: FileZillaSite): string {
  return [...site.folders, site.name]
    .map((p) => p.replace(BAD_NAME, '-').trim())
    .filter(Boolean)
    .join(' - ');
}

/** The `ftpExplorer.connections` entry of a site (no password: that goes to secret storage). */
export function connectionEntry(site: FileZillaSite, name = importName(site)): Record<string, unknown> {
  const entry: Record<string, unknown> = { name, host: site.host };
  const defaultPort = site.tls === 'implicit' ? 990 : 21;
  if (site.port !== undefined && site.port !== defaultPort) entry.port = site.port;
  entry.username = site.user || 'anonymous';
  if (site.tls !== 'none') entry.tls = site.tls;
  if (site.mode === 'active') entry.mode = 'active';
  if (site.encoding !== 'auto') entry.encoding = site.encoding;
  if (site.timeZoneOffsetMinutes) entry.timeZoneOffset = site.timeZoneOffsetMinutes / 60;
  if (site.remoteDir && site.remoteDir !== '/') entry.remoteRoot = site.remoteDir;
  return entry;
}

/** Where FileZilla keeps sitemanager.xml on this system, likeliest first. */
export function defaultSiteManagerPaths(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string[] {
  const paths: string[] = [];
  if (platform === 'win32') {
    if (env.APPDATA) paths.push(path.win32.join(env.APPDATA, 'FileZilla', 'sitemanager.xml'));
    paths.push(path.win32.join(home, 'AppData', 'Roaming', 'FileZilla', 'sitemanager.xml'));
  } else {
    // FileZilla 3 follows XDG on Linux and uses ~/.config/filezilla on macOS too; ~/.filezilla before 3.x.
    paths.push(path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), 'filezilla', 'sitemanager.xml'));
    paths.push(path.posix.join(home, '.filezilla', 'sitemanager.xml'));
  }
  return [...new Set(paths)];
}
