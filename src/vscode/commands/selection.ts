/**
 * The items a command acts on, as VS Code's Explorer decides them: a command run from a tree row's context menu
 * or keybinding gets (the row, the selected rows); it acts on the selection when the row is part of it, else on
 * the row alone. Without a row (the palette): the view's selection.
 */
import type { CommandDeps } from './deps';
import { targetOf, type ResolvedTarget, type Target } from './targets';

export function selectedItems(d: CommandDeps, arg: Target, selection?: unknown): Target[] {
  if (Array.isArray(selection) && selection.length > 0 && (arg === undefined || selection.includes(arg))) return selection as Target[];
  if (arg === undefined && d.view.selection.length > 0) return [...d.view.selection];
  return [arg];
}

export function selectedTargets(d: CommandDeps, arg: Target, selection?: unknown): Promise<ResolvedTarget[]> {
  return Promise.all(selectedItems(d, arg, selection).map((i) => targetOf(d, i)));
}
