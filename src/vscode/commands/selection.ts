/**
 * The items a command acts on, as VS Code's Explorer decides them: a command run from a tree row's context menu
 * gets (the row, the selected rows); it acts on the selection when the row is part of it, else on the row alone.
 * Without a row (the palette): the view's selection.
 *
 * From the keyboard (F2, Delete, Ctrl+C/X/V: their keybindings pass KEYBOARD), VS Code gives an extension's
 * command neither the focused row nor the selection, and the API has no focused row: the arrow keys move the
 * focus, the selection stays on the row clicked before. The focused row is found by toggling its selection
 * (`list.toggleSelection`, what Ctrl+Space does): the row that comes or goes is the focused one. Then, as in
 * the Explorer, the command acts on the selection when the focused row is part of it, else on the focused row,
 * which becomes the selection.
 */
import * as vscode from 'vscode';
import type { Node } from '../tree';
import type { CommandDeps } from './deps';
import { targetOf, type ResolvedTarget, type Target } from './targets';

/** What the keybindings of the view pass as the command's argument. */
export const KEYBOARD = { keyboard: true } as const;

export function isKeyboard(x: unknown): x is typeof KEYBOARD {
  return typeof x === 'object' && x !== null && (x as { keyboard?: unknown }).keyboard === true;
}

export async function selectedItems(d: CommandDeps, arg: Target | typeof KEYBOARD, selection?: unknown): Promise<Target[]> {
  if (isKeyboard(arg)) return keyboardItems(d);
  if (Array.isArray(selection) && selection.length > 0 && (arg === undefined || selection.includes(arg))) return selection as Target[];
  if (arg === undefined && d.view.selection.length > 0) return [...d.view.selection];
  return [arg];
}

export async function selectedTargets(d: CommandDeps, arg: Target | typeof KEYBOARD, selection?: unknown): Promise<ResolvedTarget[]> {
  return Promise.all((await selectedItems(d, arg, selection)).map((i) => targetOf(d, i)));
}

/** The one item of a command that acts on one (Rename): from the keyboard, the focused row. */
export async function singleItem(d: CommandDeps, arg: Target | typeof KEYBOARD): Promise<Target> {
  if (!isKeyboard(arg)) return arg;
  const { focused } = await focusedRow(d);
  return focused ?? d.view.selection[0];
}

async function keyboardItems(d: CommandDeps): Promise<Node[]> {
  const { focused, before } = await focusedRow(d);
  if (!focused) return before;
  return before.includes(focused) ? before : [focused];
}

/** How long the selection's change may take to reach the extension after the toggle. */
const SELECTION_EVENT_MS = 2000;

/**
 * The focused row of the view, which then is selected (alone unless it was part of the selection: that is kept),
 * and the selection before. No `focused` when the toggle changed nothing (no row has the focus).
 */
export function focusedRow(d: CommandDeps): Promise<{ focused?: Node; before: Node[] }> {
  // Keys pressed quickly (Ctrl+C, Ctrl+V) run their commands at once: one toggle at a time, or they mix.
  const next = queue.then(() => findFocused(d));
  queue = next.catch(() => undefined);
  return next;
}

let queue: Promise<unknown> = Promise.resolve();

async function findFocused(d: CommandDeps): Promise<{ focused?: Node; before: Node[] }> {
  const before = [...d.view.selection];
  const after = await toggled(d);
  if (!after) return { before };
  const added = after.filter((n) => !before.includes(n));
  const removed = before.filter((n) => !after.includes(n));
  if (added.length === 1) {
    await d.view.reveal(added[0], { select: true, focus: true }).then(undefined, () => undefined);
    return { focused: added[0], before };
  }
  if (removed.length === 1) {
    await toggled(d); // it was selected: select it again, the selection is as before
    return { focused: removed[0], before };
  }
  return { before };
}

/** Toggle the focused row's selection; the selection afterwards, or undefined when it did not change. */
async function toggled(d: CommandDeps): Promise<Node[] | undefined> {
  let sub: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const changed = new Promise<Node[] | undefined>((resolve) => {
    sub = d.view.onDidChangeSelection((e) => resolve([...e.selection]));
    timer = setTimeout(() => resolve(undefined), SELECTION_EVENT_MS);
  });
  try {
    await vscode.commands.executeCommand('list.toggleSelection');
    return await changed;
  } finally {
    sub?.dispose();
    clearTimeout(timer);
  }
}
