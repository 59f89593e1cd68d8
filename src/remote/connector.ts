/**
 * Opening one logged-in control connection of a site, as its pool asks for one: the certificate trust of this
 * window (a refused certificate is put to the user, then the connection is tried once more), and one more try
 * with a password asked again when the server refuses the login (RFC 959 §4.2.2: 530 "Not logged in", or
 * 331/332 when it still wants a password or an account). An anonymous login is not retried: there is no password to ask for.
 *
 * No vscode here: the extension passes its password store, trust and log (src/vscode/passwords.ts,
 * src/vscode/trustStore.ts, src/vscode/output.ts); tests pass fakes.
 */
import { FtpClient, isLoginFailure, type FtpConnectOptions, type FtpLogEvent } from '../ftp';
import type { CertificateTrust } from './certificates';
import { isAnonymous, toConnectOptions, type ConnectionConfig, type GlobalSettings } from './config';
import type { RemoteClient, Site } from './site';

/** Where the password of a connection comes from. */
export interface ConnectorPasswords {
  /** The password to try first (known, stored, or asked for); undefined when there is none to give. */
  get(cfg: ConnectionConfig): Promise<string | undefined>;
  /** After `tried` was refused: a password to try once more (asked again, or one another connection got meanwhile). */
  retry(cfg: ConnectionConfig, tried: string | undefined): Promise<string>;
  /** The login with `password` worked (the extension then offers to remember a password just typed). */
  loggedIn?(cfg: ConnectionConfig, password: string | undefined): Promise<void>;
  /** The login failed for good: the next connection's prompts may come. */
  loginEnded?(cfg: ConnectionConfig): void;
}

export interface ConnectorDeps {
  passwords: ConnectorPasswords;
  trust: Pick<CertificateTrust, 'connect'>;
  /** The settings every connection shares (timeout), read at each connection. */
  settings: () => GlobalSettings;
  /** The dialogue log (the client masks PASS where it sends it). */
  log: { event(prefix: string, e: FtpLogEvent): void };
  /** Opens and logs in one client; FtpClient.connect unless a test passes another. */
  open?: (options: FtpConnectOptions) => Promise<RemoteClient>;
}

/** What opens the `n`th control connection of a site (the SiteRegistry's `connect`). */
export type Connector = (site: Pick<Site, 'name' | 'config' | 'traits'>, n: number) => Promise<RemoteClient>;

export function connector(deps: ConnectorDeps): Connector {
  const open: (options: FtpConnectOptions) => Promise<RemoteClient> = deps.open ?? ((options) => FtpClient.connect(options));
  return async (site, n) => {
    const cfg = site.config;
    const prefix = `${site.name}#${n}`;
    const attempt = (password: string | undefined) =>
      deps.trust.connect(cfg, (trustedFingerprint) =>
        open({ ...toConnectOptions(cfg, deps.settings(), password, (e) => deps.log.event(prefix, e)), trustedFingerprint, traits: site.traits }),
      );
    // Offering to remember waits for the user: the connection does not.
    const worked = (pw: string | undefined) => void deps.passwords.loggedIn?.(cfg, pw).catch(() => undefined);
    const password = await deps.passwords.get(cfg);
    let client: RemoteClient;
    let used = password;
    try {
      try {
        client = await attempt(password);
      } catch (err) {
        if (!isLoginFailure(err) || isAnonymous(cfg.username)) throw err;
        used = await deps.passwords.retry(cfg, password);
        client = await attempt(used);
      }
    } catch (err) {
      deps.passwords.loginEnded?.(cfg);
      throw err;
    }
    worked(used);
    return client;
  };
}
