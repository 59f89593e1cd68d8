/**
 * "FTP: Diagnose Connection" as the Markdown its preview shows: the verdict first, then what to do, then the
 * checks as a table and the details. Lines wrap in the preview; the plain text (diagnosis.ts formatDiagnosis)
 * stays what the command returns. No vscode import.
 */
import { isIP } from 'node:net';
import { addressScope, type ProbeReport } from '../ftp';
import { diagnosisSummary, formatDiagnosis, type DiagnosisTextOptions } from './diagnosis';
import type { ConnectionConfig } from './config';

type Connection = Parameters<typeof formatDiagnosis>[1] & Pick<ConnectionConfig, 'name'>;

const scopeWords = {
  loopback: 'a loopback address: this machine',
  private: 'a private address: the server is on a local network',
  'link-local': 'a link-local address',
  public: 'a public address',
} as const;

const STATUS: Record<string, string> = { ok: 'ok', warn: 'warning', fail: '**fails**', info: 'info', skipped: '-' };

/** Markdown special characters in text from a server (banners, replies) shown as they are. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

export function formatDiagnosisMarkdown(report: ProbeReport, cfg: Connection, opts: DiagnosisTextOptions = {}): string {
  const text = formatDiagnosis(report, cfg, opts);
  const [header, settings] = text.split('\n');
  const todo = text.slice(text.indexOf('\nIn FTP Explorer:\n') + '\nIn FTP Explorer:\n'.length).split('\n').map((l) => l.trim()).filter(Boolean);
  const out = [
    `# Diagnosis of "${md(cfg.name)}"`,
    '',
    `**Verdict:** ${md(diagnosisSummary(report, cfg, opts).replace(/^"[^"]*": /, ''))}`,
    '',
    '## What to do in FTP Explorer',
    '',
    ...todo.map((l) => `- ${md(l)}`),
    '',
    '## Checks',
    '',
    '| check | result | what was seen |',
    '|---|---|---|',
    ...report.findings.map((f) => `| ${f.check} | ${STATUS[f.status] ?? f.status} | ${md(f.summary)} |`),
    '',
  ];
  const explained = report.findings.filter((f) => f.cause || f.change);
  if (explained.length) {
    out.push('## Why, and what to change', '');
    for (const f of explained) {
      if (f.cause) out.push(`- **${f.check}**: ${md(f.cause)}`);
      if (f.change) out.push(`  - Change: ${md(f.change)}`);
    }
    out.push('');
  }
  out.push('## Details', '');
  if (report.methods.length) out.push(`- Methods: ${report.methods.map((m) => `${m.method} ${m.ok ? 'ok' : 'fails'} (${m.ms} ms)`).join(', ')}`);
  for (const a of report.advice) out.push(`- ${md(a)}`);
  const server = report.control?.remote.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (server && isIP(server)) out.push(`- The server's address ${server} is ${scopeWords[addressScope(server)]}.`);
  out.push(`- ${md(header)}`, `- ${md(settings)}`);
  return out.join('\n') + '\n';
}
