/**
 * The command line's site: the same src/remote Site (pool, directory cache, transfers, safe save, link-safe
 * delete) the extension uses, over FtpClient connections made from the URL and the flags.
 */
import { FtpClient } from '../ftp';
import type { ConnectionConfig } from '../remote/config';
import { Site, type RemoteClient } from '../remote/site';
import { connectOptions, stderrLogger, text, type Flags } from './args';

export interface CliSite {
  site: Site;
  /** The URL's path: absolute, or the login folder when the URL has none. */
  path: string;
}

/** Open a Site for the URL (no connection yet: the first operation logs in). */
function openSite(urlText: string, flags: Flags): { site: Site; urlPath: string } {
  const { opts, path, poolSize } = connectOptions(urlText, flags);
  const config: ConnectionConfig = {
    name: opts.host,
    host: opts.host,
    port: opts.port ?? (opts.tls === 'implicit' ? 990 : 21),
    username: opts.user ?? 'anonymous',
    remoteRoot: '',
    mode: opts.mode ?? 'passive',
    fallback: opts.fallback !== false,
    trustPasvAddress: opts.trustPasvAddress === true,
    activeAddress: opts.activeAddress,
    activePortRange: text(flags, 'active-ports'),
    encoding: opts.encoding ?? 'auto',
    readOnly: false,
    // (Given only with --connections: without it, folder transfers widen the pool over a long round trip.)
    poolSize: flags.has('connections') ? poolSize : undefined,
    safeSave: !flags.has('no-safe-save'),
    tls: opts.tls,
    trustedFingerprint: opts.trustedFingerprint,
  };
  const site: Site = new Site(config, `cli:${opts.host}`, {
    poolSize,
    connect: (n) => FtpClient.connect({ ...opts, logger: stderrLogger(flags, n), traits: site.traits }) as Promise<RemoteClient>,
    info: (line) => process.stderr.write(`ftp-explorer: ${line}\n`),
  });
  return { site, urlPath: path };
}

/** Run `fn` on a site for the URL, and close its connections after it (also when it failed). */
export async function withSite(urlText: string, flags: Flags, fn: (s: CliSite) => Promise<unknown>): Promise<number> {
  const { site, urlPath } = openSite(urlText, flags);
  try {
    await fn({ site, path: urlPath || (await site.root()) });
  } finally {
    // The command's work is confirmed by now: QUIT's goodbye would only keep the program a round trip longer.
    await site.dispose({ waitForReply: false });
  }
  return 0;
}
