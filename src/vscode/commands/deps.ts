/** What the `ftpExplorer.*` commands work with (src/extension.ts makes it). */
import type * as vscode from 'vscode';
import type { CertificateTrust } from '../../remote/certificates';
import type { FtpLog } from '../output';
import type { Passwords } from '../passwords';
import type { Settings } from '../settings';
import type { SiteRegistry } from '../../remote/sites';
import type { ModeStatusBar } from '../statusBar';
import type { FtpTree, Node } from '../tree';

export interface CommandDeps {
  sites: SiteRegistry;
  settings: Settings;
  passwords: Passwords;
  log: FtpLog;
  tree: FtpTree;
  view: vscode.TreeView<Node>;
  status: ModeStatusBar;
  /** FTPS trust decisions: Connect and Refresh ask again about a certificate the user declined. */
  trust?: Pick<CertificateTrust, 'allowAsking'>;
}
