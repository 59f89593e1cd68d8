/**
 * Change Permissions...: SITE CHMOD on the selected files and folders. One picker: nine checkboxes (read, write,
 * execute for owner, group, others) ticked as the listing shows the mode, and its filter box takes an octal mode
 * (755) or nine letters (rwxr-xr-x) that tick the boxes; for folders, "also everything inside". With arguments
 * (mode, { recursive, applyTo }) nothing is asked.
 */
import * as vscode from 'vscode';
import { octal, parseMode, rwx, type ChmodOptions } from '../../remote/permissions';
import { baseName, parentPath } from '../../remote/uri';
import type { CommandDeps } from './deps';
import { selectedTargets, type KEYBOARD } from './selection';
import type { Target } from './targets';

interface BitItem extends vscode.QuickPickItem {
  bit: number;
}

interface InsideItem extends vscode.QuickPickItem {
  inside: true;
}

/** The nine checkboxes' labels, owner read first (the order of the mode's bits). */
function bitLabels(): string[] {
  return [
    vscode.l10n.t('Owner: read'),
    vscode.l10n.t('Owner: write'),
    vscode.l10n.t('Owner: execute'),
    vscode.l10n.t('Group: read'),
    vscode.l10n.t('Group: write'),
    vscode.l10n.t('Group: execute'),
    vscode.l10n.t('Others: read'),
    vscode.l10n.t('Others: write'),
    vscode.l10n.t('Others: execute'),
  ];
}

/** Change the permissions of `arg` (or the selection); returns how many files and folders changed. */
export async function changePermissions(d: CommandDeps, arg: Target | typeof KEYBOARD, selection?: unknown, mode?: string | number, opts?: ChmodOptions): Promise<number> {
  const targets = await selectedTargets(d, arg, selection);
  if (targets.length === 0) throw new Error(vscode.l10n.t('Select a file or folder in the FTP Explorer view first.'));
  const site = targets[0].site;
  if (targets.some((t) => t.site !== site)) throw new Error(vscode.l10n.t('Select files of one connection only.'));
  let chosen: { mode: number; opts: ChmodOptions } | undefined;
  if (mode !== undefined) {
    const m = typeof mode === 'number' ? mode : parseMode(mode);
    if (m instanceof Error) throw m;
    chosen = { mode: m, opts: opts ?? {} };
  } else {
    const first = targets[0];
    site.cache.invalidate(parentPath(first.path));
    const entry = await site.lookup(first.path).catch(() => undefined);
    const what = targets.length === 1 ? `"${baseName(first.path)}"` : vscode.l10n.t('{0} items', targets.length);
    chosen = await pick(what, entry?.mode, targets.some((t) => t.isDir));
  }
  if (!chosen) return 0;
  let changed = 0;
  const links: string[] = [];
  for (const t of targets) {
    const r = await t.site.chmod(t.path, chosen.mode, chosen.opts);
    changed += r.changed;
    links.push(...r.links);
  }
  if (links.length) d.log.info(site.name, `Change Permissions left ${links.length} link(s) alone (a link has no permissions of its own): ${links.join(', ')}`);
  if (mode === undefined) {
    void vscode.window.showInformationMessage(
      `${vscode.l10n.t('Permissions set to {0} ({1}) on {2}', rwx(chosen.mode), octal(chosen.mode), changed === 1 ? vscode.l10n.t('1 item') : vscode.l10n.t('{0} items', changed))}${
        links.length ? `; ${vscode.l10n.t('{0} link(s) left alone', links.length)}` : ''
      }.`,
    );
  }
  return changed;
}

/** The picker: nine checkboxes, an octal or rwx mode typed into its filter box, and "also inside" for folders. */
function pick(what: string, current: number | undefined, folder: boolean): Promise<{ mode: number; opts: ChmodOptions } | undefined> {
  const bits: BitItem[] = [];
  const labels = bitLabels();
  for (let i = 0; i < 9; i++) bits.push({ label: labels[i], bit: 1 << (8 - i), alwaysShow: true });
  const inside: InsideItem = { label: vscode.l10n.t('Also everything inside (links are left alone)'), inside: true, alwaysShow: true };
  const qp = vscode.window.createQuickPick<BitItem | InsideItem>();
  qp.canSelectMany = true;
  qp.ignoreFocusOut = true;
  qp.items = folder ? [...bits, { label: '', kind: vscode.QuickPickItemKind.Separator } as BitItem, inside] : bits;
  qp.placeholder = vscode.l10n.t('Tick the permissions, or type a mode: 644, 0755 or rwxr-xr-x');
  let special = (current ?? 0) & 0o7000;
  const modeOf = () => special | qp.selectedItems.reduce((m, i) => ('bit' in i ? m | i.bit : m), 0);
  const title = () => (qp.title = vscode.l10n.t('Change Permissions of {0}: {1} ({2})', what, rwx(modeOf()), octal(modeOf())));
  qp.selectedItems = current === undefined ? [] : bits.filter((b) => (current & b.bit) !== 0);
  title();
  return new Promise((resolve) => {
    let done = false;
    let accepted = false;
    const finish = (v: { mode: number; opts: ChmodOptions } | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeSelection(() => title());
    qp.onDidChangeValue((v) => {
      const m = v.trim() ? parseMode(v) : undefined;
      if (m instanceof Error) {
        if (v.trim().length >= 3) qp.title = vscode.l10n.t('"{0}" is not a mode: type 644, 0755 or rwxr-xr-x, or tick the boxes', v.trim());
        return;
      }
      if (m === undefined) return title();
      special = m & 0o7000;
      const keepInside = qp.selectedItems.filter((i) => 'inside' in i);
      qp.selectedItems = [...bits.filter((b) => (m & b.bit) !== 0), ...keepInside];
      title();
    });
    qp.onDidAccept(async () => {
      accepted = true;
      const recursive = qp.selectedItems.some((i) => 'inside' in i);
      const mode = modeOf();
      qp.hide();
      if (!recursive) return finish({ mode, opts: {} });
      const applyTo = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Files and folders'), value: 'all' as const },
          { label: vscode.l10n.t('Files only'), value: 'files' as const },
          { label: vscode.l10n.t('Folders only'), value: 'folders' as const },
        ],
        { title: vscode.l10n.t('Set {0} ({1}) inside the folder on', rwx(mode), octal(mode)), ignoreFocusOut: true },
      );
      finish(applyTo ? { mode, opts: { recursive: true, applyTo: applyTo.value } } : undefined);
    });
    qp.onDidHide(() => (accepted ? undefined : finish(undefined)));
    qp.show();
  });
}
