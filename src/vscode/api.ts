/**
 * What `activate()` returns: a small API for in-host tests (and other extensions). Everything else is reached
 * through the `ftpExplorer.*` commands, which all take plain arguments (see commands/index.ts).
 */
import type * as vscode from 'vscode';
import type { TrustAnswer, TrustQuestion } from '../remote/certificates';
import type { ClientPool } from '../remote/pool';
import type { FtpFileSystemProvider } from './provider';
import type { RemoteClient, Site } from '../remote/site';
import type { SiteRegistry } from '../remote/sites';
import type { FtpTree } from './tree';

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
