/**
 * A sync's plan: the local and the remote tree compared, one row per path with what to do and why. A pure
 * function of the two trees, what was seen at the last sync (state.ts) and, with --checksum, which files of the
 * same size have the same content; nothing is asked of the server or the disk here.
 *
 * The source (local for an upload, the server for a download) is copied onto the target where it is new or
 * changed. Without a record of the last sync: by size, then by time (the source newer, both times cut to the
 * server's precision: LIST gives minutes, MLSD seconds). With one, a side that differs from the record has
 * changed since: only the source changed, copied; the target changed, a conflict (a change nobody has seen would
 * be overwritten), unless `overwrite`. What is only on the target stays unless `delete`.
 */
import { t } from '../l10n';
import { unchanged, type FileSeen, type Seen } from './state';
import type { Tree, TreeNode } from './trees';

export type Direction = 'upload' | 'download';

export type Action =
  /** Copy the source's file onto the target (upload or download). */
  | 'copy'
  /** Make the folder on the target. */
  | 'mkdir'
  | 'delete'
  /** Only on the target, and deleting was not asked. */
  | 'keep'
  /** Left as it is, to be resolved by a person (exit code 3). */
  | 'conflict'
  /** Left as it is by design (links, special files). */
  | 'skip'
  | 'same';

export type Reason =
  | 'new'
  | 'size'
  | 'time'
  | 'content'
  | 'same'
  /** Only on the target. */
  | 'extra'
  /** Only on the target, and the last sync saw it on both sides: deleted on the source since. */
  | 'deleted'
  | 'changed-both'
  /** The target changed since the last sync, the source did not. */
  | 'changed-target'
  /** A file on one side, a folder on the other. */
  | 'type'
  | 'link'
  | 'special'
  /** A folder only on the target that holds what is not deleted (excluded files, links, conflicts): kept. */
  | 'holds-excluded'
  /** A server's name that cannot be a local file name. */
  | 'name'
  /** A temporary file an interrupted transfer left on the target. */
  | 'leftover'
  /** Inside a path skipped or in conflict (`blockedBy`). */
  | 'blocked'
  /** Upload Changed Files: Git reports the file changed, and no record or size or time tells it from the server's. */
  | 'git'
  /** Ticked in the folder comparison, where it differs in a way this direction would not copy (older, by content). */
  | 'chosen';

export interface PlanRow {
  /** Relative to both roots, '/'-separated. */
  path: string;
  action: Action;
  reason: Reason;
  local?: TreeNode;
  remote?: TreeNode;
  /** For 'blocked': the path whose skip or conflict keeps this one from moving. */
  blockedBy?: string;
}

export interface Plan {
  direction: Direction;
  rows: PlanRow[];
}

export interface PlanInput {
  direction: Direction;
  local: Tree;
  remote: Tree;
  seen: Seen;
  /** Delete what is only on the target. */
  delete: boolean;
  /** Resolve conflicts of changed files in favour of the source (a file/folder clash stays a conflict). */
  overwrite?: boolean;
  /** The precision of the server's times: 1000 (MLSD) or 60000 (LIST). */
  remotePrecisionMs: number;
  /** --checksum: for pairs of files of the same size, whether their content is the same. */
  sameContent?: Map<string, boolean>;
  /** Temporary files of interrupted transfers on the target (deleted). */
  leftovers?: string[];
}

/** How the CLI and the view name an action in a given direction. */
export function actionWord(action: Action, direction: Direction): string {
  if (action === 'copy') return direction;
  return action;
}

export function makePlan(input: PlanInput): Plan {
  const { direction } = input;
  const paths = [...new Set([...input.local.keys(), ...input.remote.keys()])].sort(comparePaths);
  const rows: PlanRow[] = [];
  /** Paths whose subtree cannot move (a link, a clash): their rows inside are 'blocked'. */
  const blocked: string[] = [];
  for (const path of paths) {
    const local = input.local.get(path);
    const remote = input.remote.get(path);
    const block = blocked.find((b) => path.startsWith(`${b}/`));
    if (block) {
      rows.push({ path, action: 'skip', reason: 'blocked', local, remote, blockedBy: block });
      continue;
    }
    const row = compare(input, path, local, remote);
    rows.push(row);
    if ((row.action === 'skip' || row.action === 'conflict') && (local?.type === 'dir' || remote?.type === 'dir')) blocked.push(path);
  }
  keepFoldersNotEmptied(rows, input.direction);
  for (const path of input.leftovers ?? []) rows.push({ path, action: 'delete', reason: 'leftover' });
  return { direction, rows };
}

/**
 * A folder to delete is deleted only once empty: one that keeps something (a link, a conflict, a folder kept
 * in turn) is kept too. Children come after their folder in `rows`, so from the end a child is settled first.
 */
function keepFoldersNotEmptied(rows: PlanRow[], direction: Direction): void {
  const kept = new Set<string>();
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i];
    const folder = (direction === 'upload' ? r.remote : r.local)?.type === 'dir';
    if (r.action === 'delete' && folder && kept.has(r.path)) {
      rows[i] = { ...r, action: 'keep', reason: 'holds-excluded' };
    }
    if (rows[i].action !== 'delete') {
      for (let p = rows[i].path; p.includes('/'); ) {
        p = p.slice(0, p.lastIndexOf('/'));
        kept.add(p);
      }
    }
  }
}

/** Parents before children, then by name (code points, as the servers' listings do not agree on an order). */
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(input: PlanInput, path: string, local: TreeNode | undefined, remote: TreeNode | undefined): PlanRow {
  const up = input.direction === 'upload';
  const source = up ? local : remote;
  const target = up ? remote : local;
  const row = (action: Action, reason: Reason): PlanRow => ({ path, action, reason, local, remote });
  // A link (on the server, or locally to a folder) is never followed, nor replaced.
  if (remote?.type === 'link' || local?.type === 'link') return row('skip', 'link');
  if (remote?.type === 'other' || local?.type === 'other') return row('skip', 'special');
  // A name with a backslash cannot be a local name everywhere (a folder separator on Windows).
  if (!up && !local && path.slice(path.lastIndexOf('/') + 1).includes('\\')) return row('skip', 'name');
  if (!target) return row(source!.type === 'dir' ? 'mkdir' : 'copy', 'new');
  if (!source) {
    if (input.delete && target.holdsExcluded) return row('keep', 'holds-excluded');
    const seen = input.seen.get(path);
    return row(input.delete ? 'delete' : 'keep', seen && target.type === 'file' ? 'deleted' : 'extra');
  }
  if (source.type !== target.type) return row('conflict', 'type');
  if (source.type === 'dir') return row('same', 'same');
  return compareFiles(input, path, local!, remote!, row);
}

function compareFiles(input: PlanInput, path: string, local: TreeNode, remote: TreeNode, row: (a: Action, r: Reason) => PlanRow): PlanRow {
  const up = input.direction === 'upload';
  const source = up ? local : remote;
  const target = up ? remote : local;
  const content = input.sameContent?.get(path);
  if (content === true) return row('same', 'same');
  const differs: Reason = source.size !== target.size ? 'size' : content === false ? 'content' : newer(input, source, target) ? 'time' : 'same';
  const seen: FileSeen | undefined = input.seen.get(path);
  if (!seen) return differs === 'same' ? row('same', 'same') : row('copy', differs);
  const sourceChanged = !unchanged(source, up ? seen.local : seen.remote);
  const targetChanged = !unchanged(target, up ? seen.remote : seen.local);
  if (!targetChanged) {
    if (sourceChanged) return row('copy', differs === 'same' ? 'time' : differs);
    return differs === 'content' ? row('copy', 'content') : row('same', 'same');
  }
  // The target is not what the last sync left: someone changed it since.
  if (input.overwrite) return row('copy', differs === 'same' ? 'time' : differs);
  return row('conflict', sourceChanged ? 'changed-both' : 'changed-target');
}

/** Whether the source's time is later than the target's, both cut to the server's precision. */
function newer(input: PlanInput, source: TreeNode, target: TreeNode): boolean {
  if (source.mtimeMs === undefined || target.mtimeMs === undefined) return false;
  const p = input.remotePrecisionMs;
  return Math.floor(source.mtimeMs / p) > Math.floor(target.mtimeMs / p);
}

export interface PlanCounts {
  copy: number;
  mkdir: number;
  delete: number;
  keep: number;
  conflict: number;
  skip: number;
  same: number;
}

export function countRows(plan: Plan): PlanCounts {
  const c: PlanCounts = { copy: 0, mkdir: 0, delete: 0, keep: 0, conflict: 0, skip: 0, same: 0 };
  for (const r of plan.rows) c[r.action]++;
  return c;
}

/** Whether applying the plan would change anything. */
export function hasWork(plan: Plan): boolean {
  return plan.rows.some((r) => r.action === 'copy' || r.action === 'mkdir' || r.action === 'delete');
}

/**
 * The words of a reason, for a plan's line, in the user's language (one message per direction: a translation
 * cannot be glued from "here" and "on the server"). The CLI adds cliHint() after them.
 */
export function reasonText(r: PlanRow, direction: Direction): string {
  const up = direction === 'upload';
  switch (r.reason) {
    case 'new':
      return up ? t('only here') : t('only on the server');
    case 'size':
      return up ? t('size differs: {0} here, {1} on the server', String(r.local?.size), String(r.remote?.size)) : t('size differs: {0} on the server, {1} here', String(r.remote?.size), String(r.local?.size));
    case 'time':
      return up ? t('newer here') : t('newer on the server');
    case 'content':
      return t('content differs');
    case 'same':
      return t('same');
    case 'extra':
      return up ? t('only on the server') : t('only here');
    case 'deleted':
      return up ? t('deleted here since the last sync') : t('deleted on the server since the last sync');
    case 'changed-both':
      return t('changed on both sides since the last sync');
    case 'changed-target':
      return up ? t('changed on the server since the last sync') : t('changed here since the last sync');
    case 'type':
      return r.local?.type === 'dir' ? t('a folder here, a file on the server') : t('a file here, a folder on the server');
    case 'link':
      if (r.remote?.type !== 'link') return t('a link to a folder here: not followed');
      return r.remote.target ? t('a link on the server to {0}: not followed', r.remote.target) : t('a link on the server: not followed');
    case 'special':
      return t('not a file or folder');
    case 'holds-excluded':
      return up
        ? t('only on the server, and holds what is not deleted (excluded files, links, conflicts): kept')
        : t('only here, and holds what is not deleted (excluded files, links, conflicts): kept');
    case 'name':
      return t('a name that cannot be a local file name (it has a backslash)');
    case 'leftover':
      return t('left by an interrupted transfer');
    case 'blocked':
      return t('inside {0}, which is skipped', r.blockedBy ?? '');
    case 'git':
      return t('changed in Git');
    case 'chosen':
      return t('ticked in the comparison');
  }
}

/** The command-line option that would act on a row the plan leaves alone (English: the CLI is not translated). */
export function cliHint(r: PlanRow): string {
  if ((r.reason === 'extra' || r.reason === 'deleted') && r.action !== 'delete') return ' (--delete deletes it)';
  if (r.reason === 'changed-target') return ' (--overwrite replaces it)';
  return '';
}
