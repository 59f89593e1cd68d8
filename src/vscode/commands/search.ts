/**
 * `ftpExplorer.findFiles` ("FTP: Find Files") and `ftpExplorer.searchInFiles` ("FTP: Search in Files"): what
 * VS Code's Find in Files cannot do on an `ftp:` folder (src/remote/search.ts walks the server). From the palette
 * they ask for the connection and the text, search with a cancellable progress notification and show the
 * results in a list that opens the file (at the match). With plain arguments ({ name, path?, pattern | text,
 * limits? }) they return the results and show nothing.
 */
import * as vscode from 'vscode';
import {
  FIND_LIMITS,
  SEARCH_LIMITS,
  findFiles as walkFind,
  searchInFiles as walkSearch,
  type FoundFile,
  type SearchLimits,
  type TextMatch,
  type Truncation,
  type WalkLimits,
  type WalkProgress,
} from '../../remote/search';
import type { Site } from '../../remote/site';
import { baseName, parentPath } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { folderOf, isNode, pickConnection, siteOf, uriOf, type Target } from './targets';

export interface FindArgs {
  name: string;
  /** The folder to search in; default the connection's root. */
  path?: string;
  pattern?: string;
  text?: string;
  limits?: Partial<SearchLimits>;
}

type Arg = Target | FindArgs;

function isArgs(arg: unknown): arg is FindArgs {
  return typeof arg === 'object' && arg !== null && !isNode(arg) && !(arg instanceof vscode.Uri) && typeof (arg as FindArgs).name === 'string';
}

/** The connection and folder to search: a tree node's, the arguments', or picked. */
async function where(d: CommandDeps, arg: Arg | undefined, verb: 'find' | 'search'): Promise<{ site: Site; path: string } | undefined> {
  if (isArgs(arg)) {
    const site = d.sites.resolve(arg.name);
    return { site, path: arg.path ?? (await site.root()) };
  }
  if (arg !== undefined) {
    const t = await folderOf(d, arg);
    return { site: t.site, path: t.path };
  }
  const site = siteOf(d, undefined) ?? (await pickConnection(d, verb === 'find' ? vscode.l10n.t('Find files on which connection?') : vscode.l10n.t('Search in files on which connection?')));
  if (!site) return undefined;
  return { site, path: await site.root() };
}

/** "1 folder", "2 files" ... (the count, singular or plural, in the display language). */
function folders(n: number): string {
  return n === 1 ? vscode.l10n.t('{0} folder', n) : vscode.l10n.t('{0} folders', n);
}

function files(n: number): string {
  return n === 1 ? vscode.l10n.t('{0} file', n) : vscode.l10n.t('{0} files', n);
}

function progressText(p: WalkProgress): string {
  return vscode.l10n.t('{0}, {1} looked at, {2} found', folders(p.folders), files(p.files), p.found);
}

/** Runs `fn` under a cancellable notification that counts folders, files and results. */
function withSearchProgress<T>(title: string, fn: (signal: AbortSignal, onProgress: (p: WalkProgress) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return fn(abort.signal, (p) => progress.report({ message: progressText(p) }));
  });
}

function limitsNote(truncated: Truncation): string {
  return truncated ? ` ${vscode.l10n.t('(not everything: {0})', truncated)}` : '';
}

export async function findFiles(d: CommandDeps, arg?: Arg): Promise<FoundFile[] | undefined> {
  const at = await where(d, arg, 'find');
  if (!at) return undefined;
  const { site, path } = at;
  const limits: WalkLimits = { ...FIND_LIMITS, ...(isArgs(arg) ? arg.limits : {}) };
  if (isArgs(arg)) return (await walkFind(site, path, arg.pattern ?? '', limits)).found;
  const pattern = await vscode.window.showInputBox({
    title: vscode.l10n.t('FTP: Find Files in {0}: {1}', site.name, path),
    prompt: vscode.l10n.t('File name: a part of it, or a pattern like *.php (up to {0} folder levels deep)', limits.maxDepth),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a part of a file name.')),
  });
  if (!pattern) return undefined;
  const { found, truncated } = await withSearchProgress(vscode.l10n.t('FTP: finding "{0}" in {1}', pattern, site.name), (signal, onProgress) =>
    walkFind(site, path, pattern, limits, { signal, onProgress }),
  );
  await showResults(
    site,
    found.map((f) => ({ label: baseName(f.path), description: parentPath(f.path), path: f.path })),
    `${vscode.l10n.t('{0} named like "{1}" in {2}', found.length, pattern, path)}${limitsNote(truncated)}`,
    `${vscode.l10n.t('No file named like "{0}" in {1}', pattern, path)}${limitsNote(truncated)}.`,
  );
  return found;
}

export async function searchInFiles(d: CommandDeps, arg?: Arg): Promise<TextMatch[] | undefined> {
  const at = await where(d, arg, 'search');
  if (!at) return undefined;
  const { site, path } = at;
  const limits: SearchLimits = { ...SEARCH_LIMITS, ...(isArgs(arg) ? arg.limits : {}) };
  if (isArgs(arg)) return (await walkSearch(site, path, arg.text ?? '', limits)).matches;
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('FTP: Search in Files in {0}: {1}', site.name, path),
    prompt: vscode.l10n.t('Search for this text (downloads text files up to {0} KB, at most {1} files)', Math.round(limits.maxFileBytes / 1024), limits.maxFiles),
    ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the text to search for.')),
  });
  if (!text) return undefined;
  const { matches, truncated, skipped, unreadable } = await withSearchProgress(vscode.l10n.t('FTP: searching for "{0}" in {1}', text, site.name), (signal, onProgress) =>
    walkSearch(site, path, text, limits, { signal, onProgress }),
  );
  const big =
    (skipped ? `; ${vscode.l10n.t('{0} over {1} KB not searched', files(skipped), Math.round(limits.maxFileBytes / 1024))}` : '') +
    (unreadable ? `; ${vscode.l10n.t('{0} the server would not give', files(unreadable))}` : '');
  await showResults(
    site,
    matches.map((m) => ({ label: m.preview, description: `${m.path}:${m.line}`, path: m.path, match: m })),
    `${matches.length === 1 ? vscode.l10n.t('{0} line with "{1}" in {2}', 1, text, path) : vscode.l10n.t('{0} lines with "{1}" in {2}', matches.length, text, path)}${limitsNote(truncated)}${big}`,
    `${vscode.l10n.t('"{0}" is in no file in {1}', text, path)}${limitsNote(truncated)}${big}.`,
  );
  return matches;
}

interface ResultItem extends vscode.QuickPickItem {
  path: string;
  match?: TextMatch;
}

/** The results in a quick pick; the one picked opens (at its match). */
async function showResults(site: Site, items: ResultItem[], title: string, none: string): Promise<void> {
  if (!items.length) {
    void vscode.window.showInformationMessage(none);
    return;
  }
  const pick = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, ignoreFocusOut: true });
  if (!pick) return;
  const m = pick.match;
  const selection = m ? new vscode.Range(m.line - 1, m.column, m.line - 1, m.column + m.length) : undefined;
  await vscode.window.showTextDocument(uriOf(site, pick.path), { selection, preview: false });
}
