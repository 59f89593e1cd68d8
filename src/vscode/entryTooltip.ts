/**
 * The tooltip of a file or folder in the FTP Explorer view: where it is, and what the folder's listing says of it
 * (size, time, owner, mode, a link's target). Made when the pointer rests on a row (TreeDataProvider
 * .resolveTreeItem), from the listing the view just showed: no request of its own while that is kept.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../ftp';
import { entryFacts } from '../remote/permissions';
import type { Site } from '../remote/site';

export async function entryTooltip(site: Site, path: string, isLink: boolean): Promise<vscode.MarkdownString | undefined> {
  const entry = await site.lookup(path).catch(() => undefined);
  if (!entry) return undefined;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escape(entry.name)}**${isLink ? ` ${vscode.l10n.t('(link)')}` : ''}  \n`);
  md.appendMarkdown(`${escape(site.name)}: ${escape(path)}`);
  for (const [label, value] of entryFacts(entry, formatBytes)) md.appendMarkdown(`  \n${factLabel(label)}: ${escape(value)}`);
  return md;
}

/** The labels of entryFacts (src/remote/permissions.ts), in the display language. */
function factLabel(label: string): string {
  switch (label) {
    case 'Size':
      return vscode.l10n.t('Size');
    case 'Modified':
      return vscode.l10n.t('Modified');
    case 'Owner':
      return vscode.l10n.t('Owner');
    case 'Mode':
      return vscode.l10n.t('Mode');
    case 'Permissions':
      return vscode.l10n.t('Permissions');
    case 'Link to':
      return vscode.l10n.t('Link to');
    default:
      return label;
  }
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
