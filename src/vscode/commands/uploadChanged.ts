/**
 * Upload Changed Files: of a linked folder, only what git reports changed in the working tree and the index (the
 * built-in Git extension's API), or everything changed here since the last sync; shown first in Sync with
 * Server's list to tick (syncFolder.ts), with its conflict rule: nothing moves before the user confirms, and a file
 * changed on the server since the last sync is offered unticked, as a conflict.
 */
import * as vscode from 'vscode';
import type { PlanRow } from '../../remote/sync';
import type { CommandDeps } from './deps';
import { syncFolder, type SyncFolderResult } from './syncFolder';

export type ChangedSource = 'git' | 'since-sync';

export interface UploadChangedArgs {
  /** Without a prompt: which changes. */
  source?: ChangedSource;
  /** Without a prompt: 'all' uploads every change offered; a list, those paths. */
  pick?: 'all' | string[];
}

export async function uploadChangedFiles(d: CommandDeps, folder?: vscode.Uri, args: UploadChangedArgs = {}): Promise<SyncFolderResult | undefined> {
  const uri = folder ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') throw new Error(vscode.l10n.t('Right-click a linked folder in the Explorer, or open a file of one'));
  const git = await gitChanges(uri);
  const source = args.source ?? (await askSource(git));
  if (!source) return undefined;
  if (source === 'git') {
    if (typeof git === 'string') throw new Error(git);
    const changed = new Set(git.map((u) => u.fsPath));
    // Paths of the plan are relative to the linked folder; git's are absolute: compared as local paths.
    return syncFolder(d, folder, {
      direction: 'upload',
      pick: args.pick,
      what: vscode.l10n.t('Upload Changed Files (Git)'),
      only: (r, localPath, seen) => {
        if (!changed.has(localPath) || r.action === 'keep') return false;
        // Git says it changed; the same size and time as the server's, with no sync's record, do not say otherwise.
        if (r.action === 'same') return r.local?.type === 'file' && !seen.has(r.path) && { ...r, action: 'copy', reason: 'git' };
        return true;
      },
    });
  }
  return syncFolder(d, folder, { direction: 'upload', pick: args.pick, what: vscode.l10n.t('Upload Changed Files'), only: changedSinceSync });
}

/** What changed here since the last sync (with no sync yet: what differs), never what is only on the server. */
function changedSinceSync(r: PlanRow): boolean {
  if (r.action === 'same' || r.action === 'keep') return false;
  return !(r.action === 'delete' && r.reason === 'extra');
}

/** The minimal part of the Git extension's API (extensions/git/src/api/git.d.ts) used here. */
interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: { readonly workingTreeChanges: GitChange[]; readonly indexChanges: GitChange[]; readonly untrackedChanges?: GitChange[] };
  status?(): Promise<void>;
}
interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}

/**
 * The files git reports changed (working tree, index, untracked) in the repository holding `uri`, or why there
 * are none to ask: no Git extension, Git disabled or missing, the folder in no repository.
 */
export async function gitChanges(uri: vscode.Uri): Promise<vscode.Uri[] | string> {
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi; enabled?: boolean }>('vscode.git');
  if (!ext) return vscode.l10n.t('Git is not available (the built-in Git extension is not installed or is disabled)');
  const exports = ext.isActive ? ext.exports : await ext.activate().then((e) => e, () => undefined);
  if (!exports || exports.enabled === false) return vscode.l10n.t('Git is not available (the "git.enabled" setting is off, or Git is not installed)');
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    // Bounded: the extension finds its repositories at start-up.
    await new Promise<void>((resolve) => {
      const sub = api.onDidChangeState((s) => s === 'initialized' && (sub.dispose(), resolve()));
      setTimeout(() => (sub.dispose(), resolve()), 10_000);
    });
  }
  const repo = api.getRepository(uri);
  if (!repo) return vscode.l10n.t('{0} is not in a Git repository that VS Code knows (or Git is not installed)', uri.fsPath);
  // The state as of now: a change made just before the command counts.
  await repo.status?.().catch(() => undefined);
  const out = new Map<string, vscode.Uri>();
  for (const c of [...repo.state.workingTreeChanges, ...repo.state.indexChanges, ...(repo.state.untrackedChanges ?? [])]) {
    for (const u of [c.uri, c.originalUri, c.renameUri]) if (u?.scheme === 'file') out.set(u.fsPath, u);
  }
  return [...out.values()];
}

async function askSource(git: vscode.Uri[] | string): Promise<ChangedSource | undefined> {
  const items: (vscode.QuickPickItem & { source: ChangedSource })[] = [
    typeof git === 'string'
      ? { label: vscode.l10n.t('Changed in Git'), description: git, source: 'git' }
      : { label: vscode.l10n.t('Changed in Git'), description: vscode.l10n.t('{0} files changed in the working tree and the index', git.length), source: 'git' },
    { label: vscode.l10n.t('Changed since the last sync'), description: vscode.l10n.t('new and changed files here, and files deleted here'), source: 'since-sync' },
  ];
  const pick = await vscode.window.showQuickPick(typeof git === 'string' ? [items[1], items[0]] : items, { placeHolder: vscode.l10n.t('Upload which changes?') });
  return pick?.source;
}
