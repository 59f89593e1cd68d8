/**
 * The tooltip of a file or folder in the FTP Explorer view: where it is, and what the folder's listing says of it
 * (size, time, owner, mode, a link's target). Made when the pointer rests on a row (TreeDataProvider
 * .resolveTreeItem), from the listing the row was made from, or a fresher one in the cache: no request of its own.
 */
import * as vscode from 'vscode';
import { formatBytes, type FileEntry } from '../ftp';
import { entryFacts } from '../remote/permissions';
import type { Site } from '../remote/site';

export async function entryTooltip(site: Site, path: string, isLink: boolean, listed?: FileEntry): Promise<vscode.MarkdownString | undefined> {
  // VS Code asks for it on hover, on a click, and again for a row it redraws (the folder of a file just saved): a
  // listing of the parent for each, once the cache's is stale, cost a round trip the user never asked for.
  const cached = site.cache.lookup(path);
  const entry = cached.state === 'found' ? cached.entry : (listed ?? (await site.lookup(path).catch(() => undefined)));
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
