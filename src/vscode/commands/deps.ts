/** What the `ftpExplorer.*` commands work with (src/extension.ts makes it). */
import type * as vscode from 'vscode';
import type { CertificateTrust } from '../../remote/certificates';
import type { RemoteClient, Site } from '../../remote/site';
import type { SiteRegistry } from '../../remote/sites';
import type { TransferQueue } from '../../remote/transferQueue';
import type { FtpLog } from '../output';
import type { Passwords } from '../passwords';
import type { Settings } from '../settings';
import type { ModeStatusBar } from '../statusBar';
import type { FtpTree, Node } from '../tree';
import type { OpeningStore } from '../workspaceOpening';

export interface CommandDeps {
  sites: SiteRegistry;
  settings: Settings;
  passwords: Passwords;
  log: FtpLog;
  tree: FtpTree;
  view: vscode.TreeView<Node>;
  status: ModeStatusBar;
  /**
   * FTPS trust decisions: Connect and Refresh ask again about a certificate the user declined; the certificate
   * command and the diagnosis read, decide and remember trust through it.
   */
  trust: CertificateTrust;
  /** Open one logged-in client of a site (password, trust prompt, log), as the pool does. */
  connect: (site: Site, n: number) => Promise<RemoteClient>;
  /** Downloads, uploads, copies and moves: the jobs of the Transfers view (transferQueue.ts). */
  transfers: TransferQueue;
  /** Where Open in Workspace keeps what a reload must show (workspaceOpening.ts). */
  opening?: OpeningStore;
}
