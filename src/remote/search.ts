/**
 * "FTP: Find Files" and "FTP: Search in Files": VS Code's own Find in Files cannot search an `ftp:` folder (its
 * search providers for other file systems are proposed API), so these walk the server's folders themselves, one
 * listing per folder (the cached listing where there is one), within limits on depth, folders, files and sizes
 * so that a big site never turns into an endless download. Links are listed but never walked into (a link to a
 * folder above would loop). No vscode import.
 */
import { FsError } from './fsErrors';
import { FileType } from './siteTypes';
import { baseName } from './uri';
import { t } from './l10n';

/** What the walk needs of a site (Site has it). */
export interface Searchable {
  readDirectory(path: string): Promise<[string, number][]>;
  stat(path: string): Promise<{ size: number }>;
  readFile(path: string, t?: { signal?: AbortSignal }): Promise<Uint8Array>;
}

export interface WalkLimits {
  /** Folder levels below the start folder to go into (0: the start folder only). */
  maxDepth: number;
  /** Folders to list at most. */
  maxFolders: number;
  /** Results to collect at most. */
  maxResults: number;
}

export interface SearchLimits extends WalkLimits {
  /** Larger files are not read. */
  maxFileBytes: number;
  /** Files to read at most. */
  maxFiles: number;
}

export const FIND_LIMITS: WalkLimits = { maxDepth: 10, maxFolders: 1000, maxResults: 500 };
export const SEARCH_LIMITS: SearchLimits = { maxDepth: 10, maxFolders: 500, maxResults: 500, maxFileBytes: 1024 * 1024, maxFiles: 300 };

export interface WalkProgress {
  folders: number;
  files: number;
  found: number;
}

export interface WalkOptions {
  signal?: AbortSignal;
  onProgress?: (p: WalkProgress) => void;
}

/** Why a walk stopped before it had seen everything, in words for the user; undefined when it saw everything. */
export type Truncation = string | undefined;

export interface FoundFile {
  path: string;
}

export interface TextMatch {
  path: string;
  /** 1-based line. */
  line: number;
  /** 0-based column (UTF-16 code units) and length of the match. */
  column: number;
  length: number;
  /** The line, cut to a readable length. */
  preview: string;
}

/**
 * A name pattern: `*` and `?` as in a shell when there are any, else a part of the name; case-insensitive.
 * Throws FsError for an empty pattern.
 */
export function namePattern(pattern: string): (name: string) => boolean {
  const p = pattern.trim();
  if (!p) throw new FsError('Unknown', t('Enter a part of a file name, or a pattern like *.php.'));
  if (!/[*?]/.test(p)) {
    const lower = p.toLowerCase();
    return (name) => name.toLowerCase().includes(lower);
  }
  const re = new RegExp(`^${p.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'i');
  return (name) => re.test(name);
}

/**
 * Every file and folder below `root` whose name matches, breadth first (nearer ones first), within `limits`.
 */
export async function findFiles(
  site: Searchable,
  root: string,
  pattern: string,
  limits: WalkLimits = FIND_LIMITS,
  opts: WalkOptions = {},
): Promise<{ found: FoundFile[]; truncated: Truncation }> {
  const matches = namePattern(pattern);
  const found: FoundFile[] = [];
  const truncated = await walk(site, root, limits, opts, { found: () => found.length }, async (path) => {
    if (matches(baseName(path))) found.push({ path });
    return found.length >= limits.maxResults;
  }, true);
  return { found, truncated };
}

/**
 * Every line of a text file below `root` that contains `text` (case-insensitive), within `limits`: files larger
 * than maxFileBytes and files that look binary (a NUL byte) are skipped.
 */
export async function searchInFiles(
  site: Searchable,
  root: string,
  text: string,
  limits: SearchLimits = SEARCH_LIMITS,
  opts: WalkOptions = {},
): Promise<{ matches: TextMatch[]; truncated: Truncation; skipped: number; unreadable: number }> {
  if (!text) throw new FsError('Unknown', t('Enter the text to search for.'));
  const needle = text.toLowerCase();
  const matches: TextMatch[] = [];
  let read = 0;
  let skipped = 0;
  let unreadable = 0;
  let filesCut: Truncation;
  const truncated = await walk(site, root, limits, opts, { found: () => matches.length }, async (path, type) => {
    if ((type & FileType.Directory) !== 0) return false;
    if (read >= limits.maxFiles) {
      filesCut = t('read the first {0} files', limits.maxFiles);
      return true;
    }
    const size = (await site.stat(path)).size;
    if (size > limits.maxFileBytes) {
      skipped++;
      return false;
    }
    read++;
    const bytes = await site.readFile(path, { signal: opts.signal }).catch((err: unknown) => {
      // A file the server will not give (permissions) is left out, not the end of the search.
      if (err instanceof FsError && (err.kind === 'NoPermissions' || err.kind === 'FileNotFound')) {
        unreadable++;
        return undefined;
      }
      throw err;
    });
    if (!bytes || bytes.includes(0)) return false;
    const lines = new TextDecoder('utf-8').decode(bytes).split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const column = lines[i].toLowerCase().indexOf(needle);
      if (column < 0) continue;
      matches.push({ path, line: i + 1, column, length: text.length, preview: preview(lines[i], column) });
      if (matches.length >= limits.maxResults) return true;
    }
    return false;
  }, false);
  return { matches, truncated: filesCut ?? truncated, skipped, unreadable };
}

function preview(line: string, column: number): string {
  const start = Math.max(0, column - 40);
  return `${start > 0 ? '…' : ''}${line.slice(start, start + 160).trim()}`;
}

/**
 * Breadth-first over the folders below `root`: `visit` is called for every entry (folders too when `dirs`), in
 * order; it returns true to stop. Returns why the walk stopped early, if it did.
 */
async function walk(
  site: Searchable,
  root: string,
  limits: WalkLimits,
  opts: WalkOptions,
  counts: { found: () => number },
  visit: (path: string, type: number) => Promise<boolean>,
  dirs: boolean,
): Promise<Truncation> {
  let level: string[] = [root];
  const progress: WalkProgress = { folders: 0, files: 0, found: 0 };
  for (let depth = 0; level.length; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (opts.signal?.aborted) throw new FsError('Cancelled', t('The search was cancelled.'));
      if (progress.folders >= limits.maxFolders) return t('listed the first {0} folders', limits.maxFolders);
      const entries = await site.readDirectory(dir).catch((err: unknown) => {
        // A folder the server will not list (permissions) is left out, not the end of the search.
        if (err instanceof FsError && (err.kind === 'NoPermissions' || err.kind === 'FileNotFound')) return [] as [string, number][];
        throw err;
      });
      progress.folders++;
      for (const [name, type] of entries) {
        const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
        const isDir = (type & FileType.Directory) !== 0;
        if (isDir && (type & FileType.SymbolicLink) === 0) next.push(path);
        if (!isDir) progress.files++;
        if ((!isDir || dirs) && (await visit(path, type))) {
          progress.found = counts.found();
          opts.onProgress?.(progress);
          return counts.found() >= limits.maxResults ? `stopped at ${limits.maxResults} results` : 'stopped early';
        }
      }
      progress.found = counts.found();
      opts.onProgress?.(progress);
    }
    if (next.length && depth >= limits.maxDepth) return t('went {0} folder levels deep', limits.maxDepth);
    level = next;
  }
  return undefined;
}
