/**
 * The folder comparison (Compare with Server on a linked folder): the two trees a sync walks (trees.ts), one row
 * per path that differs, with which side changed. With the last sync's record (state.ts) a side that is not what
 * it recorded has changed since; without one, two files differ by size, or by time cut to the server's precision,
 * or (on request) by content. A pure function: nothing is asked of the server or the disk here.
 */
import { unchanged, type Seen } from './state';
import { t } from '../l10n';
import type { Tree, TreeNode } from './trees';

export type DifferenceKind =
  | 'local-only'
  | 'remote-only'
  /** Changed here since the last sync; the server's is as recorded. */
  | 'changed-local'
  | 'changed-remote'
  | 'changed-both'
  /** No record of the last sync: they differ, `newer` says which side is newer, if either. */
  | 'differs'
  /** A file on one side, a folder on the other. */
  | 'type';

export interface Difference {
  /** Relative to both roots, '/'-separated. */
  path: string;
  kind: DifferenceKind;
  /** For 'differs': which side is newer (by the server's precision), if either. */
  newer?: 'local' | 'remote';
  local?: TreeNode;
  remote?: TreeNode;
}

export interface CompareInput {
  local: Tree;
  remote: Tree;
  seen: Seen;
  remotePrecisionMs: number;
  /** Files of the same size compared by content. */
  sameContent?: Map<string, boolean>;
}

export function compareTrees(input: CompareInput): Difference[] {
  const out: Difference[] = [];
  const paths = [...new Set([...input.local.keys(), ...input.remote.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  /** Folders only on one side: what is inside is that folder's row, not one row each. */
  const onlyDirs: string[] = [];
  for (const path of paths) {
    if (onlyDirs.some((d) => path.startsWith(`${d}/`))) continue;
    const local = input.local.get(path);
    const remote = input.remote.get(path);
    // Links and special files are never synced (plan.ts): nothing to offer for them.
    if (local?.type === 'link' || remote?.type === 'link' || local?.type === 'other' || remote?.type === 'other') continue;
    const row = (kind: DifferenceKind, newer?: 'local' | 'remote'): void => void out.push({ path, kind, newer, local, remote });
    if (!remote || !local) {
      row(local ? 'local-only' : 'remote-only');
      if ((local ?? remote)!.type === 'dir') onlyDirs.push(path);
      continue;
    }
    if (local.type !== remote.type) {
      row('type');
      onlyDirs.push(path);
      continue;
    }
    if (local.type === 'dir') continue;
    const content = input.sameContent?.get(path);
    const seen = input.seen.get(path);
    if (seen) {
      const l = !unchanged(local, seen.local);
      const r = !unchanged(remote, seen.remote);
      if (l || r) {
        if (content !== true) row(l && r ? 'changed-both' : l ? 'changed-local' : 'changed-remote');
        continue;
      }
      if (content !== false) continue;
    }
    if (content === true) continue;
    const p = input.remotePrecisionMs;
    const lt = local.mtimeMs === undefined ? undefined : Math.floor(local.mtimeMs / p);
    const rt = remote.mtimeMs === undefined ? undefined : Math.floor(remote.mtimeMs / p);
    const newer = lt === undefined || rt === undefined || lt === rt ? undefined : lt > rt ? 'local' : 'remote';
    if (local.size !== remote.size || content === false || newer) row('differs', newer);
  }
  return out;
}

/** How the view names a difference. */
export function differenceText(d: Difference): string {
  switch (d.kind) {
    case 'local-only':
      return d.local?.type === 'dir' ? t('folder only here') : t('only here');
    case 'remote-only':
      return d.remote?.type === 'dir' ? t('folder only on the server') : t('only on the server');
    case 'changed-local':
      return t('changed here');
    case 'changed-remote':
      return t('changed on the server');
    case 'changed-both':
      return t('changed on both sides');
    case 'type':
      return d.local?.type === 'dir' ? t('a folder here, a file on the server') : t('a file here, a folder on the server');
    case 'differs': {
      const sizes = d.local?.size !== d.remote?.size ? t('{0} bytes here, {1} on the server', d.local?.size ?? 0, d.remote?.size ?? 0) : t('same size');
      if (d.newer === 'local') return t('differs ({0}), newer here', sizes);
      if (d.newer === 'remote') return t('differs ({0}), newer on the server', sizes);
      return t('differs ({0})', sizes);
    }
  }
}
