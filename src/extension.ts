/**
 * FTP Explorer: activate() makes the pieces and wires them together; what they do lives in src/vscode (what
 * needs the vscode API), src/remote (the model of a remote site) and src/ftp (the protocol, no vscode there).
 */
import * as vscode from 'vscode';
import { CertificateTrust } from './remote/certificates';
import { connector } from './remote/connector';
import { setTranslator } from './remote/l10n';
import { SiteRegistry } from './remote/sites';
import type { TransferQueue } from './remote/transferQueue';
import { SCHEME } from './remote/uri';
import { Watchers } from './remote/watcher';
import { createApi, type FtpExplorerApi } from './vscode/api';
import { registerCommands } from './vscode/commands';
import { FtpDragAndDrop } from './vscode/dragAndDrop';
import { LargeFilePrompt } from './vscode/largeFilePrompt';
import { LinkedUploads } from './vscode/linkedUploads';
import { FtpLog } from './vscode/output';
import { Passwords } from './vscode/passwords';
import { finishOpening, openingStore } from './vscode/workspaceOpening';
import { FtpFileSystemProvider } from './vscode/provider';
import { SaveConflictPrompt } from './vscode/saveConflictPrompt';
import { Settings } from './vscode/settings';
import { SettingsWarnings } from './vscode/settingsWarnings';
import { ModeStatusBar } from './vscode/statusBar';
import { FtpTree, type Node } from './vscode/tree';
import { createTransferQueue, registerTransfersView } from './vscode/transfersView';
import { TrustStore } from './vscode/trustStore';
import { VersionMemento } from './vscode/versionMemento';

let registry: SiteRegistry | undefined;
let queue: TransferQueue | undefined;

export function activate(context: vscode.ExtensionContext): FtpExplorerApi {
  // src/remote's messages (errors, the diagnosis preview) in VS Code's display language.
  setTranslator(vscode.l10n.t);
  const log = new FtpLog();
  const settings = new Settings();
  const passwords = new Passwords(context.secrets);
  context.subscriptions.push(log, settings);

  const trustStore = new TrustStore(settings, log);
  const trust = new CertificateTrust(trustStore);
  const connect = connector({ passwords, trust, settings: () => settings.global(), log });

  const sites = new SiteRegistry({
    connections: () => settings.connections(),
    settings: () => settings.global(),
    connect,
    info: (site, text) => log.info(site.name, text),
    versions: new VersionMemento(context.workspaceState),
  });
  registry = sites;
  context.subscriptions.push({ dispose: () => void sites.dispose() });

  const watchers = new Watchers({ sites: () => sites.all(), focused: vscode.window.state.focused });
  context.subscriptions.push(
    { dispose: () => watchers.dispose() },
    vscode.window.onDidChangeWindowState((s) => watchers.setFocused(s.focused)),
  );

  const transfers = createTransferQueue(sites, context.workspaceState);
  queue = transfers;
  context.subscriptions.push(...registerTransfersView(transfers));

  const conflicts = new SaveConflictPrompt(sites);
  const provider = new FtpFileSystemProvider(sites, log, watchers, (site) => passwords.logsInUnasked(site.config), conflicts, transfers, new LargeFilePrompt(transfers));
  context.subscriptions.push(conflicts, provider, vscode.workspace.registerFileSystemProvider(SCHEME, provider, { isCaseSensitive: true }));

  const tree = new FtpTree(sites, settings, log, watchers);
  const view = vscode.window.createTreeView<Node>('ftpExplorer.view', {
    treeDataProvider: tree,
    showCollapseAll: true,
    canSelectMany: true,
    dragAndDropController: new FtpDragAndDrop(sites, log, transfers),
  });
  const status = new ModeStatusBar(sites);
  context.subscriptions.push(tree, view, tree.attach(view), status);

  context.subscriptions.push(...registerCommands({ sites, settings, passwords, log, tree, view, status, trust, connect, transfers, opening: openingStore(context) }));
  void finishOpening(openingStore(context), (text) => log.info('workspace', text));
  context.subscriptions.push(new LinkedUploads({ sites, log, store: new VersionMemento(context.workspaceState, 'ftpExplorer.linkedFileVersions') }));

  const warnings = new SettingsWarnings(settings);
  context.subscriptions.push(
    settings.onDidChange(async () => {
      await sites.reconcile();
      watchers.refresh();
      tree.refresh();
      status.update();
      warnings.check();
    }),
  );
  warnings.check();

  return createApi({ provider, sites, tree, log, passwords, status, trust, trustStore });
}

export async function deactivate(): Promise<void> {
  // What is still moving is kept as it is now (listed as interrupted in the next window), before the connections close.
  queue?.suspend();
  queue = undefined;
  const r = registry;
  registry = undefined;
  await r?.dispose();
}
