/**
 * "FTP: Diagnose Connection" (`ftpExplorer.diagnose`) and the certificate trust command (`ftpExplorer.trustCertificate`),
 * plus the trust modal. The decisions and texts live in certificates.ts and diagnosis.ts (no vscode there).
 *
 * Both commands take plain arguments, so tests run them without any UI:
 * - `ftpExplorer.diagnose`, "Name" or { name }: runs the probe, returns the report (with `text`), shows nothing.
 *   From the palette or the tree (no argument, a tree node, or { name, show: true }) it shows the report as a
 *   read-only document and offers the settings to change.
 * - `ftpExplorer.trustCertificate`, { name, fingerprint }: trusts that SHA-256 fingerprint for the connection
 *   without a modal. With a name or a tree node: connects, and the modal shows the certificate when it is refused.
 */
import * as vscode from 'vscode';
import { FtpCertificateError, FtpClient, type FtpConnectOptions } from '../ftp';
import { probe, type ProbeReport } from '../ftp/probe';
import { CertificateTrust, TRUST_BUTTON, type TrustAnswer, type TrustQuestion } from '../remote/certificates';
import { toConnectOptions, type ConnectionConfig } from '../remote/config';
import {
  diagnosisActions,
  diagnosisSummary,
  type CertificateFinding,
  type DiagnosisExtras,
  formatDiagnosis,
  scrubDeep,
  settingsText,
  tlsCandidates,
  type DiagnosisAction,
  type SettingsChange,
  type TlsAlternative,
} from '../remote/diagnosis';
import { FsError } from '../remote/fsErrors';
import type { FtpLog } from './output';
import type { Passwords } from './passwords';
import type { Settings } from './settings';
import type { RemoteClient, Site } from '../remote/site';
import type { SiteRegistry } from '../remote/sites';
import { ConnectionNode, EntryNode, MessageNode } from './tree';

/** Scheme of the read-only diagnosis documents. */
export const REPORT_SCHEME = 'ftp-diagnosis';

/** The diagnosis never waits longer than this for one step, whatever ftpExplorer.timeoutSeconds says. */
const MAX_DIAGNOSIS_WAIT_MS = 15000;

export interface TlsCommandDeps {
  sites: SiteRegistry;
  settings: Settings;
  passwords: Passwords;
  log: FtpLog;
  trust: CertificateTrust;
  /** Open one logged-in client of a site (password, trust prompt, log), as the pool does. */
  connect: (site: Site, n: number) => Promise<RemoteClient>;
}

/** What `ftpExplorer.diagnose` returns: the probe's report without the password, the text shown, the offers. */
export type DiagnosisResult = ProbeReport & {
  text: string;
  actions: DiagnosisAction[];
  alternatives: TlsAlternative[];
  certificate?: CertificateFinding;
};

type Arg = ConnectionNode | EntryNode | MessageNode | string | { name: string; show?: boolean; fingerprint?: string } | undefined;

function isNode(x: unknown): x is ConnectionNode | EntryNode | MessageNode {
  return x instanceof ConnectionNode || x instanceof EntryNode || x instanceof MessageNode;
}

/** The trust modal: subject, issuer, validity and fingerprint(s), "Trust This Certificate" or Cancel. */
export async function askTrustModal(q: TrustQuestion): Promise<TrustAnswer> {
  const pick = await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, TRUST_BUTTON);
  return pick === TRUST_BUTTON ? 'trust' : 'cancel';
}

class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private n = 0;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This diagnosis is gone (the window was reloaded). Run "FTP: Diagnose Connection" again.';
  }
  add(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name} - diagnosis.txt`, query: String(++this.n) });
    this.texts.set(uri.toString(), text);
    return uri;
  }
}

export function registerTlsCommands(d: TlsCommandDeps): vscode.Disposable[] {
  const docs = new ReportDocuments();
  const reg = (id: string, fn: (arg: Arg) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (arg?: Arg) => {
      try {
        return await fn(arg);
      } catch (err) {
        if (!(arg === undefined || isNode(arg))) throw err;
        if (err instanceof FsError && err.kind === 'Cancelled') return undefined;
        const pick = await vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err), 'Show Log');
        if (pick === 'Show Log') d.log.show();
        return undefined;
      }
    });
  return [
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, docs),
    reg('ftpExplorer.diagnose', (arg) => diagnose(d, docs, arg)),
    reg('ftpExplorer.trustCertificate', (arg) => trustCertificate(d, arg)),
  ];
}

// ------------------------------------------------------------------ arguments

function siteOf(d: TlsCommandDeps, arg: Arg): Site | undefined {
  if (arg === undefined) return undefined;
  if (arg instanceof MessageNode) return siteOf(d, arg.parent);
  if (arg instanceof ConnectionNode || arg instanceof EntryNode) return d.sites.resolve(arg.name);
  if (typeof arg === 'string') return d.sites.resolve(arg);
  if (typeof arg === 'object' && typeof arg.name === 'string') return d.sites.resolve(arg.name);
  return undefined;
}

async function pickSite(d: TlsCommandDeps, placeHolder: string): Promise<Site | undefined> {
  const configs = [...d.settings.connections(), ...d.sites.oneOffConfigs()];
  if (configs.length === 0) {
    void vscode.window.showInformationMessage('No FTP connections. Add one with "FTP: Add Connection".');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    configs.map((c) => ({
      label: c.name,
      description: `${c.username}@${c.host}:${c.port}`,
      detail: `${c.tls && c.tls !== 'none' ? `${c.tls} TLS, ` : ''}${c.mode} mode`,
      config: c,
    })),
    { placeHolder },
  );
  return pick ? d.sites.resolve(pick.config.name) : undefined;
}

/** The connection's settings as saved now (the site's copy may lag a settings change by an event). */
function configOf(d: TlsCommandDeps, site: Site): ConnectionConfig {
  if (d.sites.isOneOff(site)) return site.config;
  const saved = d.settings.connections().find((c) => c.name.toLowerCase() === site.name.toLowerCase());
  return saved ? { ...saved, mode: site.mode } : site.config;
}

// ------------------------------------------------------------------ diagnose

async function diagnose(d: TlsCommandDeps, docs: ReportDocuments, arg: Arg): Promise<DiagnosisResult | undefined> {
  const ui = arg === undefined || isNode(arg) || (typeof arg === 'object' && arg.show === true);
  const site = siteOf(d, arg) ?? (arg === undefined ? await pickSite(d, 'Diagnose which connection?') : undefined);
  if (!site) return undefined;
  const cfg = configOf(d, site);
  const password = await d.passwords.get(cfg);
  const global = d.settings.global();
  const prefix = `${site.name}#diagnose`;
  const options: FtpConnectOptions = {
    ...toConnectOptions(cfg, global, password, (e) => d.log.event(prefix, e, password)),
    trustedFingerprint: d.trust.trusted(cfg),
    timeoutMs: Math.min(Math.round(global.timeoutSeconds * 1000), MAX_DIAGNOSIS_WAIT_MS),
  };
  const run = async () => {
    d.log.info(prefix, `diagnosis: ${cfg.tls && cfg.tls !== 'none' ? `${cfg.tls} TLS, ` : ''}EPSV, PASV, EPRT and PORT alone`, password);
    const report = await probe(options, cfg.remoteRoot || '.');
    // The refused certificate with all its details (for the report, and for the modal if the user wants to see it).
    const certError = report.login.failure === 'tls' ? await certificateCheck(options) : undefined;
    const certificate = certError && { problem: certError.reason, fingerprint256: certError.certificate.fingerprint256, subject: certError.certificate.subject };
    const alternatives = await tryTlsAlternatives(report, cfg, options, { certificate });
    return { report, alternatives, certificate, certError };
  };
  const { report, alternatives, certificate, certError } = ui
    ? await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `FTP: diagnosing "${site.name}"…` },
        run,
      )
    : await run();
  const clean = scrubDeep(report, password);
  const extras: DiagnosisExtras = scrubDeep({ alternatives, certificate }, password);
  const text = formatDiagnosis(clean, cfg, { ...extras, password });
  const actions = diagnosisActions(clean, cfg, extras);
  const result: DiagnosisResult = { ...clean, text, actions, alternatives: extras.alternatives ?? [], certificate: extras.certificate };
  if (ui) {
    const doc = await vscode.workspace.openTextDocument(docs.add(site.name, text));
    await vscode.window.showTextDocument(doc, { preview: false });
    void offer(d, site, clean, cfg, actions, extras, certError);
  }
  return result;
}

/** Connect once more to get the refused certificate's details (the probe's report has only the error text). */
async function certificateCheck(options: FtpConnectOptions): Promise<FtpCertificateError | undefined> {
  let client: FtpClient | undefined;
  try {
    client = await FtpClient.connect({ ...options, logger: undefined });
    return undefined;
  } catch (err) {
    return err instanceof FtpCertificateError ? err : undefined;
  } finally {
    await client?.close().catch(() => undefined);
  }
}

/** Log in with each TLS mode worth trying (at once, each bounded by the diagnosis timeout). */
async function tryTlsAlternatives(report: ProbeReport, cfg: ConnectionConfig, options: FtpConnectOptions, extras: DiagnosisExtras): Promise<TlsAlternative[]> {
  const candidates = tlsCandidates(report, cfg, extras);
  return Promise.all(
    candidates.map(async (c): Promise<TlsAlternative> => {
      let client: FtpClient | undefined;
      try {
        client = await FtpClient.connect({ ...options, tls: c.tls, port: c.port });
        return { ...c, result: 'ok' };
      } catch (err) {
        if (err instanceof FtpCertificateError) return { ...c, result: 'certificate', error: err.message };
        return { ...c, result: 'fail', error: err instanceof Error ? err.message : String(err) };
      } finally {
        await client?.close().catch(() => undefined);
      }
    }),
  );
}

async function offer(
  d: TlsCommandDeps,
  site: Site,
  report: ProbeReport,
  cfg: ConnectionConfig,
  actions: DiagnosisAction[],
  extras: DiagnosisExtras,
  certError: FtpCertificateError | undefined,
): Promise<void> {
  const summary = diagnosisSummary(report, cfg, extras);
  const fine = report.login.ok && actions.length === 0 && !report.change.mode;
  const show = fine ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const pick = await show(summary, ...actions.map((a) => a.label));
  const action = actions.find((a) => a.label === pick);
  if (!action) return;
  try {
    if (action.kind === 'trust') {
      // The modal with the certificate the diagnosis saw; "trust" keeps its fingerprint for the connection.
      d.trust.allowAsking(cfg);
      if (certError && (await d.trust.decide(cfg, certError))) {
        void vscode.window.showInformationMessage(`"${site.name}": certificate trusted (SHA-256 ${certError.certificate.fingerprint256}).`);
      } else if (!certError) {
        await trustCertificate(d, new ConnectionNode(cfg, d.sites.isOneOff(site)));
      }
    } else {
      await applySettings(d, site, action.settings);
    }
  } catch (err) {
    void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
  }
}

async function applySettings(d: TlsCommandDeps, site: Site, change: SettingsChange): Promise<void> {
  if (d.sites.isOneOff(site)) {
    if (!change.mode || Object.keys(change).length > 1) {
      throw new Error(`"${site.name}" is a one-off connection: save it with "FTP: Add Connection" to change ${settingsText(change)}.`);
    }
    site.setMode(change.mode);
  } else {
    const ok = await d.settings.updateConnection(site.name, { ...change });
    if (!ok) throw new Error(`No saved connection named "${site.name}".`);
    if (change.mode) site.setMode(change.mode);
  }
  d.log.info(site.name, `settings changed by the diagnosis: ${settingsText(change)}`);
  void vscode.window.showInformationMessage(`"${site.name}": ${settingsText(change)} set. Run "FTP: Diagnose Connection" again to check.`);
}

// ------------------------------------------------------------------ trust

async function trustCertificate(d: TlsCommandDeps, arg: Arg): Promise<string | undefined> {
  if (arg && typeof arg === 'object' && !isNode(arg) && typeof arg.fingerprint === 'string') {
    const site = siteOf(d, arg);
    if (!site) return undefined;
    return d.trust.trust(configOf(d, site), arg.fingerprint);
  }
  const ui = arg === undefined || isNode(arg);
  const site = siteOf(d, arg) ?? (arg === undefined ? await pickSite(d, 'Check the certificate of which connection?') : undefined);
  if (!site) return undefined;
  const cfg = configOf(d, site);
  if (!cfg.tls || cfg.tls === 'none') {
    if (ui) void vscode.window.showInformationMessage(`"${site.name}" uses plain FTP: set "tls" to "explicit" or "implicit" to use a certificate.`);
    return undefined;
  }
  d.trust.allowAsking(cfg);
  // A fresh connection, so that the certificate is checked now (the modal shows when it is refused).
  const client = await d.connect(site, 0);
  await client.close().catch(() => undefined);
  const fp = d.trust.trusted(cfg);
  if (ui) {
    void vscode.window.showInformationMessage(
      fp
        ? `The certificate of "${site.name}" is trusted (SHA-256 ${fp}).`
        : `The certificate of "${site.name}" is verified by a certificate authority this computer trusts.`,
    );
  }
  return fp;
}
