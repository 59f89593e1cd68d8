/**
 * "FTP: Diagnose Connection" without vscode: the report text the extension shows (the probe's own report, with
 * the connection's settings and what to do in FTP Explorer), the settings it offers to apply, the TLS modes worth
 * trying when the configured one fails. The password never appears: the client masks it where it sends it.
 */
import { formatProbeReport, type ProbeReport } from '../ftp';
import type { ConnectionConfig, TlsMode } from './config';
import { t } from './l10n';

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

function tlsLabel(tls: TlsMode): string {
  return tls === 'none' ? t('plain FTP (no TLS)') : tls === 'explicit' ? t('explicit TLS (AUTH TLS)') : t('implicit TLS');
}

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
  if (certificateOf(report, extras)) actions.push({ kind: 'trust', label: t('Show Certificate…') });
  const alt = alternatives.find((a) => a.result !== 'fail' && a.tls !== 'none');
  if (alt) {
    const settings: SettingsChange = { tls: alt.tls, ...(alt.port !== cfg.port ? { port: alt.port } : {}) };
    const label =
      alt.tls === 'implicit'
        ? settings.port
          ? t('Use Implicit TLS on Port {0}', alt.port)
          : t('Use Implicit TLS')
        : settings.port
          ? t('Use Explicit TLS on Port {0}', alt.port)
          : t('Use Explicit TLS');
    actions.push({ kind: 'apply', label, settings });
  }
  const change: SettingsChange = {};
  if (report.change.mode) change.mode = report.change.mode;
  if (report.change.trustPasvAddress !== undefined) change.trustPasvAddress = report.change.trustPasvAddress;
  if (change.mode || change.trustPasvAddress !== undefined) {
    const parts = [
      ...(change.trustPasvAddress === false ? [t('Turn Off trustPasvAddress')] : change.trustPasvAddress ? [t('Turn On trustPasvAddress')] : []),
      ...(change.mode ? [change.mode === 'active' ? t('Use Active Mode') : t('Use Passive Mode')] : []),
    ];
    actions.push({ kind: 'apply', label: parts.length === 2 ? t('{0} and {1}', parts[0], parts[1]) : parts[0], settings: change });
  }
  if (report.login.ok && !report.tls.configured && report.tls.offered) {
    actions.push({ kind: 'apply', label: t('Use Explicit TLS'), settings: { tls: 'explicit' } });
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
    const on = t('{0} on port {1}', tlsLabel(a.tls), a.port);
    if (a.result === 'ok') lines.push(t('Tried {0}: logged in.', on));
    else if (a.result === 'certificate') lines.push(t('Tried {0}: TLS works; the certificate needs to be trusted first ({1}).', on, a.error ?? t('not trusted')));
    else lines.push(t('Tried {0}: fails ({1}).', on, a.error ?? t('no detail')));
  }
  for (const a of actions) {
    if (a.kind === 'trust') {
      const c = certificateOf(report, extras);
      lines.push(
        c?.problem === 'changed'
          ? t('The certificate changed since it was trusted. "{0}" shows both fingerprints; trust the new one only after checking it with the server\'s admin.', a.label)
          : t(
              '"{0}" shows the certificate (subject, issuer, validity, SHA-256 fingerprint) and lets you trust it for "{1}" (SHA-256 {2}); it is then kept as "trustedFingerprint" in the connection\'s settings.',
              a.label,
              cfg.name,
              c?.fingerprint256 ?? '?',
            ),
      );
    } else {
      lines.push(t('"{0}": sets {1} for "{2}" in ftpExplorer.connections.', a.label, settingsText(a.settings), cfg.name));
    }
  }
  if (report.change.mode) lines.push(t('The mode can also be switched with "FTP: Switch Data Connection Mode" or the status bar item.'));
  if (!lines.length) lines.push(report.login.ok ? t('Nothing to change.') : t('Nothing FTP Explorer can change fixes this; see "Change:" above.'));
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
    t('FTP Explorer: diagnosis of "{0}" ({1}), {2}', cfg.name, `${cfg.username}@${cfg.host}:${cfg.port}`, when.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')),
    t('Settings: {0}', settingsLine(cfg)),
    ...(cfg.tls && cfg.tls !== 'none' && cfg.trustedFingerprint ? [t('Trusted certificate: SHA-256 {0}', cfg.trustedFingerprint)] : []),
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
        ? t('"{0}": the server\'s certificate has changed since it was trusted.', cfg.name)
        : t('"{0}": the server\'s certificate is not trusted yet.', cfg.name);
    }
    return t('"{0}": the login fails ({1}).', cfg.name, report.login.failure ?? 'error');
  }
  const verdict = report.advice[0] ?? '';
  return `"${cfg.name}": ${verdict}`;
}
