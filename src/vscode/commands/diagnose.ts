/**
 * `ftpExplorer.diagnose` ("FTP: Diagnose Connection"). It takes plain arguments, so tests run it without any UI:
 * "Name" or { name }: runs the probe, returns the report (with `text`), shows nothing. From the palette or the
 * tree (no argument, a tree node, or { name, show: true }) it shows the report as a read-only document
 * (reportDocuments.ts) and offers the settings to change. The decisions and texts live in
 * src/remote/diagnosis.ts (no vscode there).
 */
import * as vscode from 'vscode';
import { FtpCertificateError, FtpClient, probe, type FtpConnectOptions, type ProbeReport } from '../../ftp';
import { toConnectOptions, type ConnectionConfig } from '../../remote/config';
import {
  diagnosisActions,
  diagnosisSummary,
  type CertificateFinding,
  type DiagnosisExtras,
  formatDiagnosis,
  settingsText,
  tlsCandidates,
  type DiagnosisAction,
  type SettingsChange,
  type TlsAlternative,
} from '../../remote/diagnosis';
import { formatDiagnosisMarkdown } from '../../remote/diagnosisMarkdown';
import type { Site } from '../../remote/site';
import type { ReportDocuments } from '../reportDocuments';
import { ConnectionNode } from '../tree';
import { trustCertificate } from './certificate';
import type { CommandDeps } from './deps';
import { configOf, isNode, pickConnection, siteOf, type Target } from './targets';

/** The diagnosis never waits longer than this for one step, whatever ftpExplorer.timeoutSeconds says. */
const MAX_DIAGNOSIS_WAIT_MS = 15000;

/** What `ftpExplorer.diagnose` returns: the probe's report without the password, the text shown, the offers. */
export type DiagnosisResult = ProbeReport & {
  text: string;
  actions: DiagnosisAction[];
  alternatives: TlsAlternative[];
  certificate?: CertificateFinding;
};

/** The diagnosis's argument: a tree node, a connection name, or { name, show }. */
export type DiagnoseArg = Target | { name: string; show?: boolean };

export async function diagnose(d: CommandDeps, docs: ReportDocuments, arg: DiagnoseArg): Promise<DiagnosisResult | undefined> {
  const ui = arg === undefined || isNode(arg) || (typeof arg === 'object' && 'show' in arg && arg.show === true);
  const site = siteOf(d, arg) ?? (arg === undefined ? await pickConnection(d, vscode.l10n.t('Diagnose which connection?'), { showTls: true }) : undefined);
  if (!site) return undefined;
  const cfg = configOf(d, site);
  const password = await d.passwords.get(cfg);
  const global = d.settings.global();
  const prefix = `${site.name}#diagnose`;
  const options: FtpConnectOptions = {
    ...toConnectOptions(cfg, global, password, (e) => d.log.event(prefix, e)),
    trustedFingerprint: d.trust.trusted(cfg),
    timeoutMs: Math.min(Math.round(global.timeoutSeconds * 1000), MAX_DIAGNOSIS_WAIT_MS),
  };
  const run = async () => {
    d.log.info(prefix, `diagnosis: ${cfg.tls && cfg.tls !== 'none' ? `${cfg.tls} TLS, ` : ''}EPSV, PASV, EPRT and PORT alone`);
    const report = await probe(options, cfg.remoteRoot || '.');
    // The refused certificate with all its details (for the report, and for the modal if the user wants to see it).
    const certError = report.login.failure === 'tls' ? await certificateCheck(options) : undefined;
    const certificate = certError && { problem: certError.reason, fingerprint256: certError.certificate.fingerprint256, subject: certError.certificate.subject };
    const alternatives = await tryTlsAlternatives(report, cfg, options, { certificate });
    return { report, alternatives, certificate, certError };
  };
  let outcome: Awaited<ReturnType<typeof run>>;
  try {
    outcome = ui
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('FTP: diagnosing "{0}"…', site.name) }, run)
      : await run();
  } catch (err) {
    d.passwords.loginEnded(cfg);
    throw err;
  }
  const { report, alternatives, certificate, certError } = outcome;
  // A password asked for here is offered for remembering once the login worked; other prompts may come now.
  if (report.login.ok) void d.passwords.loggedIn(cfg, password);
  else d.passwords.loginEnded(cfg);
  const clean = report;
  const extras: DiagnosisExtras = { alternatives, certificate };
  const text = formatDiagnosis(clean, cfg, extras);
  const actions = diagnosisActions(clean, cfg, extras);
  const result: DiagnosisResult = { ...clean, text, actions, alternatives: extras.alternatives ?? [], certificate: extras.certificate };
  if (ui) {
    // The report in Markdown's preview: the verdict first, lines wrapped; the text editor if there is no preview.
    const uri = docs.add(site.name, formatDiagnosisMarkdown(clean, cfg, extras), 'md');
    const doc = await vscode.workspace.openTextDocument(uri);
    const previewed = await vscode.commands.executeCommand('markdown.showPreview', uri).then(() => true, () => false);
    if (!previewed) await vscode.window.showTextDocument(doc, { preview: false });
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
  d: CommandDeps,
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
        void vscode.window.showInformationMessage(vscode.l10n.t('"{0}": certificate trusted (SHA-256 {1}).', site.name, certError.certificate.fingerprint256));
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

async function applySettings(d: CommandDeps, site: Site, change: SettingsChange): Promise<void> {
  if (d.sites.isOneOff(site)) {
    if (!change.mode || Object.keys(change).length > 1) {
      throw new Error(vscode.l10n.t('"{0}" is a one-off connection: save it with "FTP: Add Connection" to change {1}.', site.name, settingsText(change)));
    }
    site.setMode(change.mode);
  } else {
    const ok = await d.settings.updateConnection(site.name, { ...change });
    if (!ok) throw new Error(vscode.l10n.t('No saved connection named "{0}".', site.name));
    if (change.mode) site.setMode(change.mode);
  }
  d.log.info(site.name, `settings changed by the diagnosis: ${settingsText(change)}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('"{0}": {1} set. Run "FTP: Diagnose Connection" again to check.', site.name, settingsText(change)));
}
