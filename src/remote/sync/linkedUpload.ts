/**
 * Upload on save of a linked folder's file (folderLinks.ts): one local file onto its path on the server, through
 * the site's upload (a safe save: an interrupted upload leaves the server's file as it was), never over a change
 * nobody here has seen.
 *
 * For each linked file the caller keeps what the server held after our last upload or download of it (its size
 * and time to the second where the server says it: MLST or MDTM, versions.ts) in a VersionStore (the extension:
 * the workspace's state). Before an upload the server's file is looked at now (a fresh listing, then its precise
 * time). When it is neither that version nor the one the last sync recorded (.ftpexplorer-sync.json, state.ts),
 * someone changed it since: the upload does not happen and the caller asks (Compare / Overwrite / Skip). A file
 * on the server we never uploaded nor downloaded is such a change too: nobody here has seen it. A file gone from
 * the server is uploaded again (nothing is lost by that).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { FsError } from '../fsErrors';
import { lookStat } from '../reading';
import type { Site } from '../site';
import { SHORT_TRANSFER_BYTES } from '../siteTypes';
import { normalizePath, parentPath } from '../uri';
import { sameVersion, versionOf, type Version, type VersionStore } from '../versions';
import { remoteFolders } from './apply';
import { DEFAULT_EXCLUDES, IgnoreRules } from './ignore';
import { loadSeen, saveSeen, type SideSeen } from './state';
import { isPartFile, STATE_FILE } from './trees';
import { t } from '../l10n';

export interface LinkedUploadOptions {
  /** What the server held after our last upload or download, by `versionKey`. */
  store: VersionStore;
  /** Upload even when the server's file changed since (the user chose Overwrite). */
  force?: boolean;
  /**
   * The sync state file of the link (state.ts) and this file's entry in it: read as a second record of what the
   * server held, and brought up to date after the upload, so that the next sync does not take our upload for
   * someone else's change. Only a state file that has an entry for `key` is written (a sync made it).
   */
  syncState?: { file: string; key: string; rel: string };
  signal?: AbortSignal;
}

export type LinkedUploadResult =
  | { kind: 'uploaded'; bytes: number; server: Version }
  /** Not uploaded: the server's file (`server`) is not what we saw last (`seen`; undefined: never seen). */
  | { kind: 'conflict'; server: Version; seen?: Version };

/** The store's key of a remote path: user@host:port/path (no password), as versions.ts keys open files. */
export function versionKey(site: Site, remotePath: string): string {
  return `${site.config.username}@${site.config.host}:${site.config.port}${normalizePath(remotePath)}`;
}

export async function uploadLinked(site: Site, localFile: string, remotePath: string, o: LinkedUploadOptions): Promise<LinkedUploadResult> {
  const p = normalizePath(remotePath);
  const key = versionKey(site, p);
  // The server now, not a listing of a few seconds ago: a change made just before the save counts.
  site.cache.invalidate(parentPath(p));
  const entry = await site.lookup(p);
  if (entry?.type === 'dir') throw new FsError('FileIsADirectory', t('{0} is a folder on the server: a file cannot replace it', p));
  const server = entry ? versionOf(await lookStat(site, p)) : undefined;
  const synced = o.syncState ? (await loadSeen(o.syncState.file, o.syncState.key)).get(o.syncState.rel)?.remote : undefined;
  if (server && !o.force) {
    const seen = o.store.get(key);
    // The sync's record holds the listing's size and time as they were: compared with the listing's now.
    const asSynced = synced !== undefined && entry?.type === 'file' && entry.size === synced.size && entry.mtimeMs === synced.mtimeMs;
    if (!(seen && sameVersion(seen, server)) && !asSynced) return { kind: 'conflict', server, seen: seen ?? syncedVersion(site, synced) };
  }

  const st = await fsp.stat(localFile);
  if (!st.isFile()) throw new FsError('FileIsADirectory', t('{0} is not a file', localFile));
  // A file saved in a folder made here since: its folders are made on the server first.
  if (!entry) await remoteFolders(site, parentPath(p));
  const data = st.size <= SHORT_TRANSFER_BYTES ? await fsp.readFile(localFile) : undefined;
  const bytes = await site.upload(data ?? (() => fs.createReadStream(localFile)), p, {
    existing: entry ?? null,
    bytes: data?.length ?? st.size,
    signal: o.signal,
  });

  // What the server holds now is the version the next upload compares with.
  site.cache.invalidate(parentPath(p));
  const after = await site.lookup(p);
  if (!after) throw new FsError('Unknown', t('{0} is not on the server after its upload: upload it again', p));
  const now = versionOf(await lookStat(site, p));
  o.store.set(key, now);
  if (o.syncState && after.type === 'file') await recordSynced(o.syncState, { size: data?.length ?? st.size, mtimeMs: Math.floor(st.mtimeMs) }, { size: after.size ?? -1, mtimeMs: after.mtimeMs });
  return { kind: 'uploaded', bytes, server: now };
}

/** Note what the server holds now as seen (after a download, or a comparison the user accepted). */
export async function noteServerVersion(site: Site, remotePath: string, store: VersionStore): Promise<Version | undefined> {
  const p = normalizePath(remotePath);
  site.cache.invalidate(parentPath(p));
  const v = (await site.lookup(p)) ? versionOf(await lookStat(site, p)) : undefined;
  store.set(versionKey(site, p), v);
  return v;
}

function syncedVersion(site: Site, s: SideSeen | undefined): Version | undefined {
  return s && s.mtimeMs !== undefined ? { size: s.size, mtimeMs: s.mtimeMs, exact: site.traits.mlsd === true } : undefined;
}

/** The sync state's entry of the file, both sides as they are after the upload (only where a sync keeps one). */
async function recordSynced(s: NonNullable<LinkedUploadOptions['syncState']>, local: SideSeen, remote: SideSeen): Promise<void> {
  const seen = await loadSeen(s.file, s.key);
  if (seen.size === 0) return;
  seen.set(s.rel, { local, remote });
  await saveSeen(s.file, s.key, seen);
}

/**
 * Whether a sync of the link would leave the file `rel` (relative to the linked folder `root`) out: the
 * .gitignore files from the root down to its folder, .git and node_modules, the link's own patterns, and the
 * sync's own files (its state file, temporary files). Upload on save leaves out the same files.
 */
export async function leftOut(root: string, rel: string, exclude: string[], isDir = false): Promise<boolean> {
  const parts = rel.split('/');
  const name = parts[parts.length - 1];
  if (rel === STATE_FILE || (parts.length === 1 && name.startsWith(`.${STATE_FILE}.`)) || isPartFile(name)) return true;
  const rules = new IgnoreRules([...DEFAULT_EXCLUDES, ...exclude]);
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const text = await fsp.readFile(nodePath.join(root, ...parts.slice(0, i), '.gitignore'), 'utf8').catch(() => undefined);
    if (text !== undefined) rules.addGitignore(dir, text);
    // A folder left out leaves out all in it (a sync does not walk into it).
    if (rules.ignores(parts.slice(0, i + 1).join('/'), i < parts.length - 1 || isDir)) return true;
  }
  return false;
}
