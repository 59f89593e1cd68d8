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
async function where(d: CommandDeps, arg: Arg | undefined, verb: string): Promise<{ site: Site; path: string } | undefined> {
  if (isArgs(arg)) {
    const site = d.sites.resolve(arg.name);
    return { site, path: arg.path ?? (await site.root()) };
  }
  if (arg !== undefined) {
    const t = await folderOf(d, arg);
    return { site: t.site, path: t.path };
  }
  const site = siteOf(d, undefined) ?? (await pickConnection(d, `${verb} on which connection?`));
  if (!site) return undefined;
  return { site, path: await site.root() };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function progressText(p: WalkProgress): string {
  return `${plural(p.folders, 'folder')}, ${plural(p.files, 'file')} looked at, ${p.found} found`;
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
  return truncated ? ` (not everything: ${truncated})` : '';
}

export async function findFiles(d: CommandDeps, arg?: Arg): Promise<FoundFile[] | undefined> {
  const at = await where(d, arg, 'Find files');
  if (!at) return undefined;
  const { site, path } = at;
  const limits: WalkLimits = { ...FIND_LIMITS, ...(isArgs(arg) ? arg.limits : {}) };
  if (isArgs(arg)) return (await walkFind(site, path, arg.pattern ?? '', limits)).found;
  const pattern = await vscode.window.showInputBox({
    title: `FTP: Find Files in ${site.name}: ${path}`,
    prompt: `File name: a part of it, or a pattern like *.php (up to ${limits.maxDepth} folder levels deep)`,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Enter a part of a file name.'),
  });
  if (!pattern) return undefined;
  const { found, truncated } = await withSearchProgress(`FTP: finding "${pattern}" in ${site.name}`, (signal, onProgress) =>
    walkFind(site, path, pattern, limits, { signal, onProgress }),
  );
  await showResults(
    site,
    found.map((f) => ({ label: baseName(f.path), description: parentPath(f.path), path: f.path })),
    `${found.length} named like "${pattern}" in ${path}${limitsNote(truncated)}`,
    `No file named like "${pattern}" in ${path}${limitsNote(truncated)}.`,
  );
  return found;
}

export async function searchInFiles(d: CommandDeps, arg?: Arg): Promise<TextMatch[] | undefined> {
  const at = await where(d, arg, 'Search in files');
  if (!at) return undefined;
  const { site, path } = at;
  const limits: SearchLimits = { ...SEARCH_LIMITS, ...(isArgs(arg) ? arg.limits : {}) };
  if (isArgs(arg)) return (await walkSearch(site, path, arg.text ?? '', limits)).matches;
  const text = await vscode.window.showInputBox({
    title: `FTP: Search in Files in ${site.name}: ${path}`,
    prompt: `Search for this text (downloads text files up to ${Math.round(limits.maxFileBytes / 1024)} KB, at most ${limits.maxFiles} files)`,
    ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : 'Enter the text to search for.'),
  });
  if (!text) return undefined;
  const { matches, truncated, skipped, unreadable } = await withSearchProgress(`FTP: searching for "${text}" in ${site.name}`, (signal, onProgress) =>
    walkSearch(site, path, text, limits, { signal, onProgress }),
  );
  const big =
    (skipped ? `; ${plural(skipped, 'file')} over ${Math.round(limits.maxFileBytes / 1024)} KB not searched` : '') +
    (unreadable ? `; ${plural(unreadable, 'file')} the server would not give` : '');
  await showResults(
    site,
    matches.map((m) => ({ label: m.preview, description: `${m.path}:${m.line}`, path: m.path, match: m })),
    `${plural(matches.length, 'line')} with "${text}" in ${path}${limitsNote(truncated)}${big}`,
    `"${text}" is in no file in ${path}${limitsNote(truncated)}${big}.`,
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
