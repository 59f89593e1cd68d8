/**
 * The Transfers view (below the connections in the FTP Explorer container): every job of the transfer queue
 * (src/remote/transferQueue.ts) with its progress, speed, time left and state; Cancel, Retry, Resume and Remove on
 * each, Cancel All, Retry All and Clear Finished in its title. What is unfinished is kept in workspaceState, so
 * after a reload it is listed as interrupted with Resume.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../remote/bytes';
import { runSpec, type SiteLookup } from '../remote/transferJobs';
import { TransferQueue, type Executor, type PersistedJob, type QueueStore, type TransferJob, type TransferSpec } from '../remote/transferQueue';
import type { Site } from '../remote/site';
import { SCHEME } from '../remote/uri';
import { onExisting } from './overwritePrompt';

export const TRANSFERS_VIEW = 'ftpExplorer.transfers';
const STORE_KEY = 'ftpExplorer.transfers';
/** The view is redrawn at most this often while bytes move. */
const REDRAW_MS = 400;

/** The queue of the window, its unfinished jobs kept in `memento` (workspaceState). */
export function createTransferQueue(sites: SiteLookup, memento: vscode.Memento): TransferQueue {
  const store: QueueStore = {
    load: () => memento.get<PersistedJob[]>(STORE_KEY, []),
    save: (jobs) => memento.update(STORE_KEY, jobs),
  };
  return new TransferQueue(askingExecutor(sites), store);
}

/**
 * A job run again after a reload has lost the question its command asked before a file is replaced: it asks
 * again (nothing is replaced unasked).
 */
function askingExecutor(sites: SiteLookup): Executor {
  return (spec, ctx) => {
    if (ctx.onExisting || (spec.kind !== 'download' && spec.kind !== 'upload')) return runSpec(sites, spec, ctx);
    // One per run: an answer for all files holds for this run's files only.
    const ask = onExisting('ask', (s: Site, path: string) => vscode.Uri.from({ scheme: SCHEME, authority: s.name, path }), false);
    const site = sites.resolve(spec.site);
    return runSpec(sites, spec, { ...ctx, onExisting: (f) => ask(site, f) });
  };
}

export class TransfersTree implements vscode.TreeDataProvider<TransferJob>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TransferJob | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly queue: TransferQueue) {
    this.unsubscribe = queue.onDidChange(() => this.schedule());
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire(undefined);
    }, REDRAW_MS);
  }

  getChildren(element?: TransferJob): TransferJob[] {
    // Newest first: what was just started is at the top.
    return element ? [] : [...this.queue.jobs].reverse();
  }

  getTreeItem(job: TransferJob): vscode.TreeItem {
    const item = new vscode.TreeItem(job.name, vscode.TreeItemCollapsibleState.None);
    item.id = `transfer-${job.id}`;
    item.description = describe(job);
    item.tooltip = new vscode.MarkdownString(undefined, false);
    item.tooltip.appendText(`${what(job.spec)}\n\n${describe(job)}`);
    if (job.file) item.tooltip.appendText(`\n\n${job.file}`);
    item.iconPath = ICONS[job.state];
    item.contextValue = `transfer-${job.state}`;
    return item;
  }

  dispose(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.emitter.dispose();
  }
}

const ICONS: Record<TransferJob['state'], vscode.ThemeIcon> = {
  queued: new vscode.ThemeIcon('clock'),
  running: new vscode.ThemeIcon('sync~spin'),
  done: new vscode.ThemeIcon('check', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  interrupted: new vscode.ThemeIcon('debug-pause'),
};

/** "Download of /a/b.bin from site to /home/x". */
function what(spec: TransferSpec): string {
  switch (spec.kind) {
    case 'download':
      return vscode.l10n.t('Download of {0} from {1} to {2}', spec.remote, spec.site, spec.localDir);
    case 'upload':
      return vscode.l10n.t('Upload of {0} to {1}: {2}', spec.locals.join(', '), spec.site, spec.remoteDir);
    case 'copy':
      return vscode.l10n.t('Copy of {0}: {1} to {2}: {3}', spec.site, spec.from, spec.toSite, spec.to);
    case 'move':
      return vscode.l10n.t('Move of {0}: {1} to {2}: {3}', spec.site, spec.from, spec.toSite, spec.to);
    case 'sync':
      return spec.direction === 'upload'
        ? vscode.l10n.t('Sync of {0} to {1}: {2}', spec.localRoot, spec.site, spec.remoteRoot)
        : vscode.l10n.t('Sync of {0}: {1} to {2}', spec.site, spec.remoteRoot, spec.localRoot);
  }
}

/** The line beside the name: progress, speed and time left while running, else the state. */
export function describe(job: TransferJob): string {
  const size = job.size !== undefined && job.size > 0 ? job.size : undefined;
  const pct = size ? `${Math.min(100, Math.floor((job.bytes / size) * 100))}%` : undefined;
  const amount = size ? vscode.l10n.t('{0} of {1}', formatBytes(job.bytes), formatBytes(size)) : formatBytes(job.bytes);
  if (job.cancelling) return vscode.l10n.t('cancelling...');
  switch (job.state) {
    case 'queued':
      return vscode.l10n.t('queued');
    case 'running': {
      const parts = [pct, amount];
      if (job.speed !== undefined) parts.push(`${formatBytes(job.speed)}/s`);
      if (job.secondsLeft !== undefined) parts.push(vscode.l10n.t('{0} left', duration(job.secondsLeft)));
      return parts.filter(Boolean).join(' · ');
    }
    case 'done':
      return vscode.l10n.t('done · {0}', formatBytes(job.result?.bytes ?? job.bytes));
    case 'failed':
      return vscode.l10n.t('failed: {0}', job.error ?? '');
    case 'cancelled':
      return vscode.l10n.t('cancelled');
    case 'interrupted':
      return pct && job.bytes > 0 ? vscode.l10n.t('interrupted at {0}: Resume continues it', pct) : vscode.l10n.t('interrupted: Resume continues it');
  }
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The view and its commands. Each command takes a job (from the view) or a job id (from a test or another extension). */
export function registerTransfersView(queue: TransferQueue): vscode.Disposable[] {
  const tree = new TransfersTree(queue);
  const view = vscode.window.createTreeView(TRANSFERS_VIEW, { treeDataProvider: tree, canSelectMany: true });
  const idOf = (arg: unknown): number | undefined => (typeof arg === 'number' ? arg : (arg as TransferJob | undefined)?.id);
  /** The job given, or the ones selected in the view when it is one of them. */
  const idsOf = (arg: unknown, selection: unknown): number[] => {
    const chosen = Array.isArray(selection) && selection.length > 0 ? selection.map(idOf) : [idOf(arg) ?? view.selection[0]?.id];
    return chosen.filter((id): id is number => id !== undefined);
  };
  // A retry's failure stays listed in the view; it is said once in a notification too.
  const again = (ids: number[]) => {
    let n = 0;
    for (const id of ids) {
      const a = queue.retry(id);
      if (!a) continue;
      n++;
      a.done.then(undefined, () => {
        if (a.job.state === 'failed') void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', a.job.name, a.job.error ?? ''));
      });
    }
    return n;
  };
  return [
    tree,
    view,
    vscode.commands.registerCommand('ftpExplorer.transfers.cancel', (arg?: unknown, sel?: unknown) => idsOf(arg, sel).filter((id) => queue.cancel(id)).length),
    vscode.commands.registerCommand('ftpExplorer.transfers.retry', (arg?: unknown, sel?: unknown) => again(idsOf(arg, sel))),
    vscode.commands.registerCommand('ftpExplorer.transfers.resume', (arg?: unknown, sel?: unknown) => again(idsOf(arg, sel))),
    vscode.commands.registerCommand('ftpExplorer.transfers.remove', (arg?: unknown, sel?: unknown) => idsOf(arg, sel).filter((id) => queue.remove(id)).length),
    vscode.commands.registerCommand('ftpExplorer.transfers.cancelAll', () => queue.cancelAll()),
    vscode.commands.registerCommand('ftpExplorer.transfers.retryAll', () => again(queue.jobs.filter((j) => j.state !== 'done').map((j) => j.id))),
    vscode.commands.registerCommand('ftpExplorer.transfers.clearFinished', () => queue.clearFinished()),
    vscode.commands.registerCommand('ftpExplorer.transfers.list', () => queue.jobs.map((j) => ({ id: j.id, name: j.name, state: j.state, size: j.size, bytes: j.bytes, error: j.error, spec: j.spec }))),
  ];
}
