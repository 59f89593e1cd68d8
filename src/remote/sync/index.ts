/**
 * Local folder <-> remote folder sync, free of 'vscode': walk both sides (trees.ts), compare them into a plan of
 * rows with reasons (plan.ts), optionally compare content (checksum.ts), carry the plan out (apply.ts), and keep
 * what both sides held (state.ts) so a change on the side that would be replaced is a conflict. The CLI's `sync`
 * and the extension call planSync, show the plan, then applyPlan.
 */
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { FsError } from '../fsErrors';
import type { Site } from '../site';
import { inParallel, widenedParallel } from '../transfers';
import { joinPath, normalizePath } from '../uri';
import { sameContent, type ChecksumMethod } from './checksum';
import { DEFAULT_EXCLUDES, IgnoreRules } from './ignore';
import { makePlan, type Direction, type Plan } from './plan';
import type { Seen } from './state';
import { forgetAncestors, walkLocal, walkRemote, type Tree } from './trees';
import { t } from '../l10n';

export { applyPlan, seenWithSame, type ApplyOptions, type ApplyResult, type RowOutcome } from './apply';
export { actionWord, cliHint, countRows, hasWork, reasonText, type Action, type Direction, type Plan, type PlanRow, type Reason } from './plan';
export { loadSeen, saveSeen, type FileSeen, type Seen } from './state';
export { STATE_FILE } from './trees';
export { compareTrees, differenceText, type Difference, type DifferenceKind } from './compare';

export interface SyncOptions {
  direction: Direction;
  localRoot: string;
  remoteRoot: string;
  /** What the last sync saw (state.ts); empty for a first sync. */
  seen: Seen;
  /** Delete what is only on the target. */
  delete?: boolean;
  /** Replace files changed on the target since the last sync. */
  overwrite?: boolean;
  /** Compare files of the same size by content. */
  checksum?: boolean;
  /** Extra patterns to leave out (gitignore syntax, relative to the roots). */
  exclude?: string[];
  /** Respect the local .gitignore files (default true). */
  gitignore?: boolean;
  /** Leave .git and node_modules out (default true). */
  defaultExcludes?: boolean;
  /** Folders listed, and files compared, at once. */
  parallel: number;
  signal?: AbortSignal;
}

export interface PlannedSync {
  plan: Plan;
  local: Tree;
  remote: Tree;
  /** --checksum: how the server's side was read ('download' where it offers no digest). */
  checksumMethods: Set<ChecksumMethod>;
  /** --checksum: for files of the same size on both sides, whether their content is the same. */
  sameContent?: Map<string, boolean>;
  /** The precision of the server's times (ms): 1000 with MLSD, 60000 with LIST. */
  remotePrecisionMs: number;
}

export async function planSync(site: Site, o: SyncOptions): Promise<PlannedSync> {
  const remoteRoot = normalizePath(o.remoteRoot);
  const ignore = new IgnoreRules([...(o.defaultExcludes === false ? [] : DEFAULT_EXCLUDES), ...(o.exclude ?? [])]);
  const walk = { ignore, gitignore: o.gitignore !== false, signal: o.signal };
  // A mistyped local folder must not read as an empty one: with --delete that would empty the server.
  if (o.direction === 'upload' && !(await fsp.stat(o.localRoot).catch(() => undefined))?.isDirectory()) {
    throw new FsError('FileNotFound', t('No such local folder: {0}', o.localRoot));
  }
  forgetAncestors(site, remoteRoot);
  if (remoteRoot !== '/' && (await site.lookup(remoteRoot))?.type === 'file') throw new FsError('FileNotADirectory', t('{0} is a file on the server, not a folder', remoteRoot));
  // Local first: its .gitignore files are the rules of both sides.
  const local = await walkLocal(o.localRoot, walk);
  const remote = await walkRemote(site, remoteRoot, { ...walk, parallel: o.parallel });
  if (!remote.exists && o.direction === 'download') throw new FsError('FileNotFound', t('{0} does not exist on the server', remoteRoot));
  const checksumMethods = new Set<ChecksumMethod>();
  let same: Map<string, boolean> | undefined;
  if (o.checksum) {
    same = new Map();
    const pairs = [...local.tree].filter(([p, n]) => n.type === 'file' && remote.tree.get(p)?.type === 'file' && remote.tree.get(p)?.size === n.size).map(([p]) => p);
    // Each comparison mostly waits for the server (a digest, or the file's download), as a file transfer does:
    // over a long round trip as many at once as a folder transfer uses.
    const { parallel, giveBack } = widenedParallel(site, pairs.length, o.parallel);
    try {
      await inParallel(pairs, parallel, o.signal, async (p) => {
        const r = await sameContent(site, joinPath(remoteRoot, ...p.split('/')), nodePath.join(o.localRoot, ...p.split('/')), o.signal);
        checksumMethods.add(r.method);
        same!.set(p, r.same);
      });
    } finally {
      giveBack?.();
    }
  }
  const remotePrecisionMs = site.traits.mlsd === true ? 1000 : 60000;
  const plan = makePlan({
    direction: o.direction,
    local: local.tree,
    remote: remote.tree,
    seen: o.seen,
    delete: o.delete === true,
    overwrite: o.overwrite,
    remotePrecisionMs,
    sameContent: same,
    leftovers: o.direction === 'upload' ? remote.leftovers : local.leftovers,
  });
  return { plan, local: local.tree, remote: remote.tree, checksumMethods, sameContent: same, remotePrecisionMs };
}
