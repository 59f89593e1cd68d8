/**
 * Sync with Server...: a linked folder (folderLinks.ts) made like its remote folder or the other way round, over
 * src/remote/sync. The plan is shown first as a list to tick: copies ticked, deletions and conflicts not
 * (ticking a conflict replaces the other side's change); nothing moves before the user confirms. What the last
 * sync saw is kept in the folder's .ftpexplorer-sync.json, the same file the command line's sync uses.
 */
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { FsError } from '../../remote/fsErrors';
import { actionWord, loadSeen, planSync, reasonText, saveSeen, seenWithSame, STATE_FILE, type Action, type ApplyResult, type Direction, type Plan, type PlanRow, type Seen } from '../../remote/sync';
import { readFolderLinks, remotePathOf } from '../../remote/sync/folderLinks';
import { runSyncJob, type SyncSpec } from '../../remote/sync/job';
import type { JobContext } from '../../remote/transferQueue';
import { runQueued } from '../queuedTransfers';
import type { CommandDeps } from './deps';

export interface SyncFolderArgs {
  direction?: Direction;
  /** Without a prompt: 'all' applies every copy, folder and deletion of the plan; a list, those paths. */
  pick?: 'all' | string[];
  /**
   * Only these rows may move (Upload Changed Files): the others of the plan are left as they are, not offered.
   * The folders above a row offered are offered with it.
   */
  only?: (row: PlanRow, localPath: string, seen: Seen) => boolean | PlanRow;
  /** The title's first word instead of Upload / Download. */
  what?: string;
}

export interface SyncFolderResult {
  planned: { path: string; action: string; reason: string }[];
  done: string[];
  failed: string[];
  conflicts: string[];
}

export async function syncFolder(d: CommandDeps, folder?: vscode.Uri, args: SyncFolderArgs = {}): Promise<SyncFolderResult | undefined> {
  const uri = folder ?? vscode.window.activeTextEditor?.document.uri;
  const ws = uri && vscode.workspace.getWorkspaceFolder(uri);
  if (!uri || !ws) throw new Error(vscode.l10n.t('Right-click a linked folder in the Explorer, or open a file of one'));
  const { links } = readFolderLinks(vscode.workspace.getConfiguration('ftpExplorer', ws.uri).get('links'));
  const rel = uri.path === ws.uri.path ? '' : uri.path.slice(ws.uri.path.replace(/\/+$/, '').length + 1);
  const where = remotePathOf(links, rel);
  if (!where) throw new Error(vscode.l10n.t('{0} is not in a linked folder: link it with "FTP: Link Folder to Server..." first', uri.fsPath));
  const link = where.link;
  const localRoot = nodePath.join(ws.uri.fsPath, ...link.localFolder.split('/').filter(Boolean));
  const direction = args.direction ?? (await askDirection(link.connection));
  if (!direction) return undefined;
  const site = d.sites.resolve(link.connection);
  const stateFile = nodePath.join(localRoot, STATE_FILE);
  const key = `${site.config.username}@${site.config.host}:${site.config.port}${link.remoteFolder}`;
  const seen = await loadSeen(stateFile, key);
  const parallel = Math.max(1, site.pool.size);
  const sides = [link.localFolder || ws.name, `${link.connection}:${link.remoteFolder}`];
  const title =
    args.what !== undefined
      ? `${args.what}: ${sides[0]} ${direction === 'upload' ? '→' : '←'} ${sides[1]}`
      : direction === 'upload'
        ? vscode.l10n.t('Upload: {0} → {1}', sides[0], sides[1])
        : vscode.l10n.t('Download: {0} ← {1}', sides[0], sides[1]);
  const { plan } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Comparing {0}', title), cancellable: true }, (_p, token) =>
    planSync(site, { direction, localRoot, remoteRoot: link.remoteFolder, seen, delete: true, exclude: link.exclude, parallel, signal: signalOf(token) }),
  );
  const offered = args.only && offerOnly(plan, args.only, localRoot, seen);
  const planned = plan.rows.filter((r) => r.action !== 'same' && (!offered || offered.has(r.path))).map((r) => ({ path: r.path, action: actionWord(r.action, direction), reason: reasonText(r, direction) }));
  const choices = plan.rows.filter((r) => ['copy', 'mkdir', 'delete', 'conflict'].includes(r.action) && !(r.action === 'conflict' && r.reason === 'type'));
  if (choices.length === 0) {
    // Alike now: recorded as seen, so a later change on one side alone is told from a change on both.
    await saveSeen(stateFile, key, seenWithSame(plan, seen));
    if (args.pick === undefined) void vscode.window.showInformationMessage(vscode.l10n.t('{0}: nothing to do, both sides are alike', title));
    return { planned, done: [], failed: [], conflicts: plan.rows.filter((r) => r.action === 'conflict').map((r) => r.path) };
  }
  const picked = args.pick ?? (await askRows(choices, direction, title));
  if (!picked) return undefined;
  // A job of the Transfers view (cancel, retry, interrupted by a reload and resumed), carrying out this plan.
  const spec: SyncSpec = { kind: 'sync', site: site.name, direction, localRoot, remoteRoot: link.remoteFolder, stateKey: key, exclude: link.exclude, picked };
  let result: ApplyResult | undefined;
  const run = (ctx: JobContext) =>
    runSyncJob(site, spec, ctx, {
      parallel,
      plan,
      onResult: (r) => (result = r),
      onRow: (r, o) => d.log.info(link.connection, `sync: ${actionWord(r.action, direction)} ${r.path}: ${o.kind === 'failed' ? `failed: ${o.error.message}` : o.kind === 'conflict' ? o.why : 'done'}`),
    });
  await runQueued(d.transfers, title, [{ spec, run }]).catch((err: unknown) => {
    // Rows that failed fail the job (Retry is offered there); the summary below says which.
    if (!result || result.cancelled) throw err;
  });
  if (!result) throw new Error(vscode.l10n.t('{0}: not carried out', title));
  const summary = vscode.l10n.t('{0}: {1} done, {2} failed, {3} conflicts', title, result.done.length, result.failed.length, result.conflicts.length);
  if (args.pick === undefined) {
    if (result.failed.length) void vscode.window.showErrorMessage(`${summary}. ${result.failed[0].row.path}: ${result.failed[0].error.message}`, vscode.l10n.t('Show Log')).then((a) => a && d.log.show());
    else void vscode.window.showInformationMessage(summary);
  }
  return { planned, done: result.done.map((r) => r.path), failed: result.failed.map((f) => `${f.row.path}: ${f.error.message}`), conflicts: result.conflicts.map((r) => r.path) };
}

/**
 * Only the rows `only` accepts (or the rows it gives instead) are offered, with the folders above them (to make
 * with them); the plan's other rows are skipped, not shown. They stay in it, so what the last sync recorded of
 * them is kept. Returns the paths offered.
 */
function offerOnly(plan: Plan, only: NonNullable<SyncFolderArgs['only']>, localRoot: string, seen: Seen): Set<string> {
  const offered = new Set<string>();
  plan.rows = plan.rows.map((r) => {
    const v = only(r, nodePath.join(localRoot, ...r.path.split('/')), seen);
    if (v === false) return r;
    offered.add(r.path);
    return v === true ? r : v;
  });
  for (const p of [...offered]) for (let d = p; d.includes('/'); ) offered.add((d = d.slice(0, d.lastIndexOf('/'))));
  plan.rows = plan.rows.map((r) => (offered.has(r.path) || !['copy', 'mkdir', 'delete', 'conflict'].includes(r.action) ? r : { ...r, action: 'skip' }));
  return offered;
}

/** A row as the user chose it: an unticked one does not move; a ticked conflict replaces the other side. */
async function askDirection(connection: string): Promise<Direction | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Upload'), description: vscode.l10n.t('make {0} like this folder', connection), direction: 'upload' as const },
      { label: vscode.l10n.t('Download'), description: vscode.l10n.t('make this folder like {0}', connection), direction: 'download' as const },
    ],
    { placeHolder: vscode.l10n.t('Sync which way?') },
  );
  return pick?.direction;
}

/** actionWord() in the user's language, for the tick list (the CLI and the log keep the English word). */
function actionLabel(action: Action, direction: Direction): string {
  switch (action) {
    case 'copy':
      return direction === 'upload' ? vscode.l10n.t('upload') : vscode.l10n.t('download');
    case 'mkdir':
      return vscode.l10n.t('mkdir');
    case 'delete':
      return vscode.l10n.t('delete');
    case 'keep':
      return vscode.l10n.t('keep');
    case 'conflict':
      return vscode.l10n.t('conflict');
    case 'skip':
      return vscode.l10n.t('skip');
    case 'same':
      return vscode.l10n.t('same');
  }
}

/** The plan as a list to tick: copies ticked, deletions and conflicts not. */
async function askRows(rows: PlanRow[], direction: Direction, title: string): Promise<string[] | undefined> {
  const items = rows.map((r) => ({
    label: `${actionLabel(r.action, direction)} ${r.path}`,
    description: reasonText(r, direction),
    picked: r.action === 'copy' || r.action === 'mkdir',
    path: r.path,
  }));
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title, placeHolder: vscode.l10n.t('Tick what to do (deletions and conflicts only when ticked), then press Enter') });
  return picked?.map((p) => p.path);
}

function signalOf(token: vscode.CancellationToken): AbortSignal {
  const c = new AbortController();
  token.onCancellationRequested(() => c.abort(new FsError('Cancelled', vscode.l10n.t('Cancelled'))));
  return c.signal;
}
