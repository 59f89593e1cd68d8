/**
 * A local folder of the workspace linked to a remote folder of a saved connection (the `ftpExplorer.links`
 * setting of a workspace folder): the settings' shape checked, and where a local file is on the server.
 */
import { joinPath, normalizePath } from '../uri';

export interface FolderLink {
  /** The saved connection's name. */
  connection: string;
  /** Relative to the workspace folder, '/'-separated, no leading or trailing '/' ('' is the folder itself). */
  localFolder: string;
  /** Absolute on the server. */
  remoteFolder: string;
  /** Patterns left out of a sync (gitignore syntax), besides .gitignore, .git and node_modules. */
  exclude: string[];
  /** Saving a file of the folder in VS Code uploads it (off unless set). */
  uploadOnSave: boolean;
  /** With uploadOnSave: files changed outside VS Code (a build writing dist/) are uploaded too. */
  uploadOutsideChanges: boolean;
}

/** The links of a workspace folder's setting, each checked; what is wrong with the others, in words. */
export function readFolderLinks(raw: unknown): { links: FolderLink[]; problems: string[] } {
  const links: FolderLink[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { links, problems };
  if (!Array.isArray(raw)) return { links, problems: ['ftpExplorer.links must be a list of links'] };
  raw.forEach((item: unknown, i) => {
    const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const at = `ftpExplorer.links[${i}]`;
    if (typeof o.connection !== 'string' || !o.connection) return void problems.push(`${at}: "connection" must name a saved connection`);
    if (typeof o.remoteFolder !== 'string' || !o.remoteFolder.startsWith('/')) return void problems.push(`${at}: "remoteFolder" must be a path on the server starting with /`);
    const local = typeof o.localFolder === 'string' ? localFolderOf(o.localFolder) : undefined;
    if (local === undefined) return void problems.push(`${at}: "localFolder" must be a folder inside the workspace folder, like "site" or "."`);
    const exclude = Array.isArray(o.exclude) ? o.exclude.filter((x): x is string => typeof x === 'string') : [];
    for (const flag of ['uploadOnSave', 'uploadOutsideChanges'] as const) {
      if (o[flag] !== undefined && typeof o[flag] !== 'boolean') problems.push(`${at}: "${flag}" must be true or false`);
    }
    const uploadOnSave = o.uploadOnSave === true;
    const uploadOutsideChanges = o.uploadOutsideChanges === true;
    links.push({ connection: o.connection, localFolder: local, remoteFolder: normalizePath(o.remoteFolder), exclude, uploadOnSave, uploadOutsideChanges });
  });
  return { links, problems };
}

/** A relative folder as kept in a link ('' for the workspace folder itself); undefined when it leaves it. */
export function localFolderOf(text: string): string | undefined {
  const parts: string[] = [];
  for (const p of text.replace(/\\/g, '/').split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') return undefined;
    parts.push(p);
  }
  if (/^[a-zA-Z]:/.test(text) || text.startsWith('/')) return undefined;
  return parts.join('/');
}

/**
 * The link a file or folder of the workspace folder is in (`rel`: relative to the workspace folder,
 * '/'-separated; the innermost link wins), and its path on the server.
 */
export function remotePathOf(links: FolderLink[], rel: string): { link: FolderLink; remotePath: string; relInLink: string } | undefined {
  let best: FolderLink | undefined;
  for (const l of links) {
    const inside = l.localFolder === '' || rel === l.localFolder || rel.startsWith(`${l.localFolder}/`);
    if (inside && (!best || l.localFolder.length > best.localFolder.length)) best = l;
  }
  if (!best) return undefined;
  const relInLink = best.localFolder === '' ? rel : rel.slice(best.localFolder.length + 1);
  return { link: best, relInLink, remotePath: relInLink ? joinPath(best.remoteFolder, ...relInLink.split('/')) : best.remoteFolder };
}

/** The setting's list with `link` added, replacing one of the same local folder. */
export function withLink(raw: unknown, link: Pick<FolderLink, 'connection' | 'localFolder' | 'remoteFolder'>): unknown[] {
  const list = Array.isArray(raw) ? raw : [];
  const rest = list.filter((x: unknown) => {
    const lf = (x as { localFolder?: unknown })?.localFolder;
    return typeof lf !== 'string' || localFolderOf(lf) !== link.localFolder;
  });
  return [...rest, { connection: link.connection, localFolder: link.localFolder || '.', remoteFolder: link.remoteFolder }];
}
