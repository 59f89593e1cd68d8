/**
 * "FTP: Diagnose Connection" without vscode: the report text the extension shows (the probe's own report, with
 * the connection's settings and what to do in FTP Explorer), the settings it offers to apply, the TLS modes worth
 * trying when the configured one fails. The password never appears: the client masks it where it sends it.
 */
import { formatProbeReport, type ProbeReport } from '../ftp';
import type { ConnectionConfig, TlsMode } from './config';

type Connection = Pick<ConnectionConfig, 'name' | 'host' | 'port' | 'username' | 'mode' | 'fallback' | 'trustPasvAddress'> &
  Partial<Pick<ConnectionConfig, 'tls' | 'trustedFingerprint' | 'activeAddress' | 'remoteRoot'>>;

/** Settings of a connection the diagnosis can change. */
export interface SettingsChange {
  mode?: 'passive' | 'active';
  trustPasvAddress?: boolean;
  tls?: TlsMode;
  port?: number;
}

/** What the diagnosis offers after the report: apply settings, or look at the certificate to trust it. */
export type DiagnosisAction = { kind: 'apply'; label: string; settings: SettingsChange } | { kind: 'trust'; label: string };

/** A refused certificate: why, and which (the probe's report, or a check of the extension's own). */
export interface CertificateFinding {
  problem: 'untrusted' | 'hostname' | 'changed';
  fingerprint256: string;
  subject: string;
}

/** What the extension found out besides the probe's report. */
export interface DiagnosisExtras {
  /** Logins with other TLS modes, tried when the configured one failed. */
  alternatives?: TlsAlternative[];
  /** The certificate the client refused, when the login failed on it. */
  certificate?: CertificateFinding;
}

/** The refused certificate, from the report or the extension's own check. */
export function certificateOf(report: ProbeReport, extras: DiagnosisExtras = {}): CertificateFinding | undefined {
  return extras.certificate ?? (report.tls as { certificate?: CertificateFinding } | undefined)?.certificate;
}

/** A login with another TLS mode (and maybe its usual port), tried when the configured one fails. */
export interface TlsAlternative {
  tls: TlsMode;
  port: number;
  /** 'ok': logged in; 'certificate': TLS works but the certificate must be trusted first; 'fail': no. */
  result: 'ok' | 'certificate' | 'fail';
  error?: string;
}

const TLS_LABEL: Record<TlsMode, string> = { none: 'plain FTP (no TLS)', explicit: 'explicit TLS (AUTH TLS)', implicit: 'implicit TLS' };

/** The usual port of a TLS mode. */
export function defaultPort(tls: TlsMode): number {
  return tls === 'implicit' ? 990 : 21;
}

/**
 * Which other TLS modes to try when the login failed in a way the wrong mode explains (TLS could not be set up,
 * no banner, the port refused, or the server wants encryption). Never for a certificate problem: TLS works then.
 * Each mode on the configured port, and on its usual port when the configured one is the usual port of the
 * configured mode (or the configured port refused). Only encrypted modes: the diagnosis never sends the password
 * in clear text to find out whether plain FTP would work.
 */
export function tlsCandidates(report: ProbeReport, cfg: Connection, extras: DiagnosisExtras = {}): { tls: TlsMode; port: number }[] {
  if (report.login.ok || certificateOf(report, extras)) return [];
  const f = report.login.failure;
  const wantsTls = f === 'credentials' && /encrypt|tls|ssl|secur/i.test(report.login.error ?? '');
  if (!(f === 'tls' || f === 'timeout' || f === 'connection-refused' || f === 'other' || f === 'refused-by-server' || wantsTls)) return [];
  const current: TlsMode = cfg.tls ?? 'none';
  const out: { tls: TlsMode; port: number }[] = [];
  const add = (tls: TlsMode, port: number) => {
    if ((tls !== current || port !== cfg.port) && !out.some((c) => c.tls === tls && c.port === port)) out.push({ tls, port });
  };
  const order: TlsMode[] = current === 'implicit' ? ['explicit'] : current === 'explicit' ? ['implicit'] : ['explicit', 'implicit'];
  for (const tls of order) {
    if (f === 'connection-refused' || cfg.port === defaultPort(current)) add(tls, defaultPort(tls));
    if (f !== 'connection-refused') add(tls, cfg.port);
  }
  return out;
}

/** The settings to change and the actions to offer, in order of use. Plain FTP is never offered. */
export function diagnosisActions(report: ProbeReport, cfg: Connection, extras: DiagnosisExtras = {}): DiagnosisAction[] {
  const alternatives = extras.alternatives ?? [];
  const actions: DiagnosisAction[] = [];
  if (certificateOf(report, extras)) actions.push({ kind: 'trust', label: 'Show Certificate…' });
  const alt = alternatives.find((a) => a.result !== 'fail' && a.tls !== 'none');
  if (alt) {
    const settings: SettingsChange = { tls: alt.tls, ...(alt.port !== cfg.port ? { port: alt.port } : {}) };
    actions.push({ kind: 'apply', label: `Use ${alt.tls === 'implicit' ? 'Implicit' : 'Explicit'} TLS${settings.port ? ` on Port ${alt.port}` : ''}`, settings });
  }
  const change: SettingsChange = {};
  if (report.change.mode) change.mode = report.change.mode;
  if (report.change.trustPasvAddress !== undefined) change.trustPasvAddress = report.change.trustPasvAddress;
  if (change.mode || change.trustPasvAddress !== undefined) {
    const parts = [
      ...(change.trustPasvAddress === false ? ['Turn Off trustPasvAddress'] : change.trustPasvAddress ? ['Turn On trustPasvAddress'] : []),
      ...(change.mode ? [`Use ${change.mode === 'active' ? 'Active' : 'Passive'} Mode`] : []),
    ];
    actions.push({ kind: 'apply', label: parts.join(' and '), settings: change });
  }
  if (report.login.ok && !report.tls.configured && report.tls.offered) {
    actions.push({ kind: 'apply', label: 'Use Explicit TLS', settings: { tls: 'explicit' } });
  }
  return actions;
}

/** The settings as a JSON fragment of the connection's entry: `"mode": "active", "tls": "implicit"`. */
export function settingsText(s: SettingsChange): string {
  return Object.entries(s)
    .map(([k, v]) => `"${k}": ${JSON.stringify(v)}`)
    .join(', ');
}

function settingsLine(cfg: Connection): string {
  const tls = cfg.tls && cfg.tls !== 'none' ? cfg.tls : 'none';
  return [
    `tls ${tls}`,
    `${cfg.mode} mode`,
    `fallback ${cfg.fallback ? 'on' : 'off'}`,
    `trustPasvAddress ${cfg.trustPasvAddress ? 'on' : 'off'}`,
    ...(cfg.activeAddress ? [`activeAddress ${cfg.activeAddress}`] : []),
  ].join(', ');
}

/** What to do in FTP Explorer, one line per action, plus the TLS alternatives tried. */
function inFtpExplorer(report: ProbeReport, cfg: Connection, extras: DiagnosisExtras, actions: DiagnosisAction[]): string[] {
  const alternatives = extras.alternatives ?? [];
  const lines: string[] = [];
  for (const a of alternatives) {
    const on = `${TLS_LABEL[a.tls]} on port ${a.port}`;
    if (a.result === 'ok') lines.push(`Tried ${on}: logged in.`);
    else if (a.result === 'certificate') lines.push(`Tried ${on}: TLS works; the certificate needs to be trusted first (${a.error ?? 'not trusted'}).`);
    else lines.push(`Tried ${on}: fails (${a.error ?? 'no detail'}).`);
  }
  for (const a of actions) {
    if (a.kind === 'trust') {
      const c = certificateOf(report, extras);
      lines.push(
        c?.problem === 'changed'
          ? `The certificate changed since it was trusted. "${a.label}" shows both fingerprints; trust the new one only after checking it with the server's admin.`
          : `"${a.label}" shows the certificate (subject, issuer, validity, SHA-256 fingerprint) and lets you trust it for "${cfg.name}" (SHA-256 ${c?.fingerprint256 ?? '?'}); it is then kept as "trustedFingerprint" in the connection's settings.`,
      );
    } else {
      lines.push(`"${a.label}": sets ${settingsText(a.settings)} for "${cfg.name}" in ftpExplorer.connections.`);
    }
  }
  if (report.change.mode) lines.push('The mode can also be switched with "FTP: Switch Data Connection Mode" or the status bar item.');
  if (!lines.length) lines.push(report.login.ok ? 'Nothing to change.' : 'Nothing FTP Explorer can change fixes this; see "Change:" above.');
  return lines;
}

export interface DiagnosisTextOptions extends DiagnosisExtras {
  /** When the diagnosis ran. */
  when?: Date;
}

/** The whole text shown to the user: header, the probe's report, and what to do in FTP Explorer. */
export function formatDiagnosis(report: ProbeReport, cfg: Connection, opts: DiagnosisTextOptions = {}): string {
  const actions = diagnosisActions(report, cfg, opts);
  const when = opts.when ?? new Date();
  const lines = [
    `FTP Explorer: diagnosis of "${cfg.name}" (${cfg.username}@${cfg.host}:${cfg.port}), ${when.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`,
    `Settings: ${settingsLine(cfg)}`,
    ...(cfg.tls && cfg.tls !== 'none' && cfg.trustedFingerprint ? [`Trusted certificate: SHA-256 ${cfg.trustedFingerprint}`] : []),
    '',
    formatProbeReport(report),
    '',
    'In FTP Explorer:',
    ...inFtpExplorer(report, cfg, opts, actions).map((l) => `  ${l}`),
  ];
  return lines.join('\n');
}

/** One line for the notification after the report: the verdict. */
export function diagnosisSummary(report: ProbeReport, cfg: Connection, extras: DiagnosisExtras = {}): string {
  if (!report.login.ok) {
    const cert = certificateOf(report, extras);
    if (cert) {
      return cert.problem === 'changed'
        ? `"${cfg.name}": the server's certificate has changed since it was trusted.`
        : `"${cfg.name}": the server's certificate is not trusted yet.`;
    }
    return `"${cfg.name}": the login fails (${report.login.failure ?? 'error'}).`;
  }
  const verdict = report.advice[0] ?? '';
  return `"${cfg.name}": ${verdict}`;
}
