/**
 * What `activate()` returns: a small API for in-host tests (and other extensions). Everything else is reached
 * through the `ftpExplorer.*` commands, which all take plain arguments (see commands/index.ts).
 */
import * as vscode from 'vscode';
import type { CertificateTrust, TrustAnswer, TrustQuestion } from '../remote/certificates';
import type { ClientPool } from '../remote/pool';
import type { RemoteClient, Site } from '../remote/site';
import type { SiteRegistry } from '../remote/sites';
import { SCHEME, normalizePath } from '../remote/uri';
import type { FtpLog } from './output';
import type { Passwords } from './passwords';
import type { FtpFileSystemProvider } from './provider';
import type { ModeStatusBar } from './statusBar';
import type { FtpTree } from './tree';
import type { TrustStore } from './trustStore';

export interface FtpExplorerApi {
  /** The FileSystemProvider registered for `ftp:`. */
  readonly provider: FtpFileSystemProvider;
  /** All sites (pools, caches) of this window. */
  readonly sites: SiteRegistry;
  /** The tree data provider of the FTP Explorer view. */
  readonly tree: FtpTree;
  /** The site of a saved connection name or a one-off authority (created on first use; does not connect). */
  site(nameOrAuthority: string): Site | undefined;
  /** The control-connection pool of a connection. */
  pool(nameOrAuthority: string): ClientPool<RemoteClient> | undefined;
  /** The ftp: URI of a path on a connection. */
  uri(nameOrAuthority: string, path: string): vscode.Uri;
  /** Lines of the "FTP" output channel so far (without time stamps). */
  logLines(): string[];
  clearLog(): void;
  /** Fires with every new line of the "FTP" output channel. */
  readonly onDidLog: vscode.Event<string>;
  /** Give a connection's password without a prompt (remember = store in SecretStorage). */
  setPassword(nameOrAuthority: string, password: string, remember?: boolean): Promise<void>;
  /** Whether VS Code's SecretStorage holds the connection's password (it is not returned). */
  hasStoredPassword(nameOrAuthority: string): Promise<boolean>;
  /** The status bar text for the active editor ('' when hidden). */
  statusText(): string;
  /**
   * Answer the certificate trust question instead of the modal (tests; undefined restores the modal). The
   * function gets what the modal would show (reason, certificate, both fingerprints when it changed).
   */
  setCertificatePrompt(prompt: ((q: TrustQuestion) => Promise<TrustAnswer>) | undefined): void;
  /** The SHA-256 fingerprint trusted for a connection (settings, or this window), if any. */
  trustedFingerprint(nameOrAuthority: string): string | undefined;
}

/** What the API is made of (src/extension.ts makes them). */
export interface ApiParts {
  provider: FtpFileSystemProvider;
  sites: SiteRegistry;
  tree: FtpTree;
  log: FtpLog;
  passwords: Passwords;
  status: ModeStatusBar;
  trust: CertificateTrust;
  trustStore: Pick<TrustStore, 'setPrompt'>;
}

export function createApi(p: ApiParts): FtpExplorerApi {
  const { provider, sites, tree, log, passwords, status, trust, trustStore } = p;
  const named = (name: string): Site => {
    const site = sites.get(name);
    if (!site) throw new Error(`No FTP connection named "${name}".`);
    return site;
  };
  return {
    provider,
    sites,
    tree,
    site: (name) => sites.get(name),
    pool: (name) => sites.get(name)?.pool,
    uri: (name, path) => vscode.Uri.from({ scheme: SCHEME, authority: name, path: normalizePath(path) }),
    logLines: () => log.lines(),
    clearLog: () => log.clear(),
    onDidLog: log.onDidAppend,
    setPassword: async (name, password, remember = false) => {
      await passwords.set(named(name).config, password, remember);
    },
    hasStoredPassword: async (name) => passwords.isStored(named(name).config),
    statusText: () => status.text,
    setCertificatePrompt: (prompt) => trustStore.setPrompt(prompt),
    trustedFingerprint: (name) => trust.trusted(named(name).config),
  };
}
