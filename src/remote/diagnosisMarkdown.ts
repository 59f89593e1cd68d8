/**
 * "FTP: Diagnose Connection" as the Markdown its preview shows: the verdict first, then what to do, then the
 * checks as a table and the details. Lines wrap in the preview; the plain text (diagnosis.ts formatDiagnosis)
 * stays what the command returns. No vscode import.
 */
import { isIP } from 'node:net';
import { addressScope, type ProbeReport } from '../ftp';
import { diagnosisSummary, formatDiagnosis, type DiagnosisTextOptions } from './diagnosis';
import type { ConnectionConfig } from './config';
import { t } from './l10n';

type Connection = Parameters<typeof formatDiagnosis>[1] & Pick<ConnectionConfig, 'name'>;

function scopeText(server: string, scope: ReturnType<typeof addressScope>): string {
  switch (scope) {
    case 'loopback':
      return t("The server's address {0} is a loopback address: this machine.", server);
    case 'private':
      return t("The server's address {0} is a private address: the server is on a local network.", server);
    case 'link-local':
      return t("The server's address {0} is a link-local address.", server);
    default:
      return t("The server's address {0} is a public address.", server);
  }
}

function statusText(status: string): string {
  switch (status) {
    case 'ok':
      return t('ok');
    case 'warn':
      return t('warning');
    case 'fail':
      return `**${t('fails')}**`;
    case 'info':
      return t('info');
    case 'skipped':
      return '-';
    default:
      return status;
  }
}

/** Markdown special characters in text from a server (banners, replies) shown as they are. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

export function formatDiagnosisMarkdown(report: ProbeReport, cfg: Connection, opts: DiagnosisTextOptions = {}): string {
  const text = formatDiagnosis(report, cfg, opts);
  const [header, settings] = text.split('\n');
  const todo = text.slice(text.indexOf('\nIn FTP Explorer:\n') + '\nIn FTP Explorer:\n'.length).split('\n').map((l) => l.trim()).filter(Boolean);
  const out = [
    `# ${t('Diagnosis of "{0}"', md(cfg.name))}`,
    '',
    `**${t('Verdict:')}** ${md(diagnosisSummary(report, cfg, opts).replace(/^"[^"]*": /, ''))}`,
    '',
    `## ${t('What to do in FTP Explorer')}`,
    '',
    ...todo.map((l) => `- ${md(l)}`),
    '',
    `## ${t('Checks')}`,
    '',
    `| ${t('check')} | ${t('result')} | ${t('what was seen')} |`,
    '|---|---|---|',
    ...report.findings.map((f) => `| ${f.check} | ${statusText(f.status)} | ${md(f.summary)} |`),
    '',
  ];
  const explained = report.findings.filter((f) => f.cause || f.change);
  if (explained.length) {
    out.push(`## ${t('Why, and what to change')}`, '');
    for (const f of explained) {
      if (f.cause) out.push(`- **${f.check}**: ${md(f.cause)}`);
      if (f.change) out.push(`  - ${t('Change: {0}', md(f.change))}`);
    }
    out.push('');
  }
  out.push(`## ${t('Details')}`, '');
  if (report.methods.length) out.push(`- ${t('Methods: {0}', report.methods.map((m) => `${m.method} ${m.ok ? t('ok') : t('fails')} (${m.ms} ms)`).join(', '))}`);
  for (const a of report.advice) out.push(`- ${md(a)}`);
  const server = report.control?.remote.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (server && isIP(server)) out.push(`- ${scopeText(server, addressScope(server))}`);
  out.push(`- ${md(header)}`, `- ${md(settings)}`);
  return out.join('\n') + '\n';
}
