/**
 * FTP Explorer: wires the pieces of src/vscode together. The FTP protocol lives in src/ftp (no vscode there).
 */
import * as vscode from 'vscode';
import { FtpClient } from './ftp';
import type { FtpExplorerApi } from './vscode/api';
import { registerCommands } from './vscode/commands';
import { CertificateTrust, connectionKey, type TrustQuestion, type TrustAnswer } from './remote/certificates';
import { askTrustModal } from './vscode/trustPrompt';
import { isAnonymous, toConnectOptions } from './remote/config';
import { isLoginError } from './remote/fsErrors';
import { FtpLog } from './vscode/output';
import { Passwords } from './vscode/passwords';
import { FtpFileSystemProvider } from './vscode/provider';
import { Settings } from './vscode/settings';
import type { RemoteClient, Site } from './remote/site';
import { SiteRegistry } from './remote/sites';
import { ModeStatusBar } from './vscode/statusBar';
import { FtpTree, type Node } from './vscode/tree';
import { SCHEME, normalizePath } from './remote/uri';

let registry: SiteRegistry | undefined;

export function activate(context: vscode.ExtensionContext): FtpExplorerApi {
  const log = new FtpLog();
  const settings = new Settings();
  const passwords = new Passwords(context.secrets);
  context.subscriptions.push(log, settings);

  // FTPS trust: the fingerprint the user trusted is kept with the connection ("trustedFingerprint" in its settings);
  // for a one-off connection, or when the settings cannot be written, for this window only.
  const sessionTrust = new Map<string, string>();
  let certificatePrompt: ((q: TrustQuestion) => Promise<TrustAnswer>) | undefined;
  const trust = new CertificateTrust({
    trusted: (cfg) => {
      const key = connectionKey(cfg);
      if (sessionTrust.has(key)) return sessionTrust.get(key);
      const saved = settings.connections().find((c) => connectionKey(c) === key);
      return (saved ?? cfg).trustedFingerprint;
    },
    remember: async (cfg, fingerprint) => {
      const key = connectionKey(cfg);
      const saved = settings.connections().some((c) => connectionKey(c) === key);
      try {
        if (saved && (await settings.updateConnection(cfg.name, { trustedFingerprint: fingerprint }))) {
          sessionTrust.delete(key);
          return;
        }
      } catch (err) {
        log.error(cfg.name, `could not save the trusted certificate in the settings (${(err as Error).message}); trusted for this window only`);
      }
      sessionTrust.set(key, fingerprint);
    },
    ask: (q) => (certificatePrompt ?? askTrustModal)(q),
    log: (cfg, text) => log.info(cfg.name, text),
  });

  /** Open one logged-in control connection of `site`; a refused login asks for the password again once. */
  const openClient = async (site: Site, n: number): Promise<RemoteClient> => {
    const cfg = site.config;
    const prefix = `${site.name}#${n}`;
    // A refused certificate is shown to the user (trust.connect), then the connection is tried once more.
    const attempt = (password: string | undefined) =>
      trust.connect(cfg, (trustedFingerprint) =>
        FtpClient.connect({ ...toConnectOptions(cfg, settings.global(), password, (e) => log.event(prefix, e, password)), trustedFingerprint }),
      );
    const password = await passwords.get(cfg);
    try {
      return await attempt(password);
    } catch (err) {
      if (!isLoginError(err) || isAnonymous(cfg.username)) throw err;
      return attempt(await passwords.retry(cfg, password));
    }
  };

  const sites = new SiteRegistry({
    connections: () => settings.connections(),
    settings: () => settings.global(),
    connect: openClient,
    secret: (site) => passwords.current(site.config),
    info: (site, text) => log.info(site.name, text, passwords.current(site.config)),
  });
  registry = sites;
  context.subscriptions.push({ dispose: () => void sites.dispose() });

  const provider = new FtpFileSystemProvider(sites, log);
  context.subscriptions.push(provider, vscode.workspace.registerFileSystemProvider(SCHEME, provider, { isCaseSensitive: true }));

  const tree = new FtpTree(sites, settings, log);
  const view = vscode.window.createTreeView<Node>('ftpExplorer.view', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const status = new ModeStatusBar(sites);
  context.subscriptions.push(tree, view, status);

  context.subscriptions.push(...registerCommands({ sites, settings, passwords, log, tree, view, status, trust, connect: openClient }));

  const warned = new Set<string>();
  const checkSettings = () => {
    const problems = [...settings.problems()];
    const withPw = settings.withPassword();
    if (withPw.length) {
      problems.push(
        `Remove "password" from ftpExplorer.connections (${withPw.join(', ')}): it is ignored. FTP Explorer asks for passwords and keeps them in VS Code's secret storage.`,
      );
    }
    for (const p of problems) {
      if (warned.has(p)) continue;
      warned.add(p);
      void vscode.window.showWarningMessage(p, 'Edit Connections').then((c) => c && vscode.commands.executeCommand('ftpExplorer.editConnections'));
    }
  };
  context.subscriptions.push(
    settings.onDidChange(async () => {
      await sites.reconcile();
      tree.refresh();
      status.update();
      checkSettings();
    }),
  );
  checkSettings();

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
      const site = sites.get(name);
      if (!site) throw new Error(`No FTP connection named "${name}".`);
      await passwords.set(site.config, password, remember);
    },
    hasStoredPassword: async (name) => {
      const site = sites.get(name);
      if (!site) throw new Error(`No FTP connection named "${name}".`);
      return passwords.isStored(site.config);
    },
    statusText: () => status.text,
    setCertificatePrompt: (prompt) => {
      certificatePrompt = prompt;
    },
    trustedFingerprint: (name) => {
      const site = sites.get(name);
      if (!site) throw new Error(`No FTP connection named "${name}".`);
      return trust.trusted(site.config);
    },
  };
}

export async function deactivate(): Promise<void> {
  const r = registry;
  registry = undefined;
  await r?.dispose();
}
