/**
 * The versions of open files (src/remote/versions.ts) kept in the workspace's state, so that an editor VS Code
 * restores with unsaved changes after a window reload is still checked at its first save. Only the most recently
 * used entries are kept: a file not opened for a long time is read again before anyone edits it.
 */
import type * as vscode from 'vscode';
import type { Version, VersionStore } from '../remote/versions';

const KEY = 'ftpExplorer.openFileVersions';
const MAX_ENTRIES = 500;

/** [size, mtimeMs, exact] */
type Stored = [number, number, boolean];

export class VersionMemento implements VersionStore {
  /** In the order of use, oldest first (a Map keeps insertion order). */
  private readonly entries: Map<string, Stored>;

  /** `key`: where in the workspace's state (upload on save keeps its own record under another key). */
  constructor(
    private readonly state: vscode.Memento,
    private readonly key = KEY,
  ) {
    const saved = state.get<Record<string, Stored>>(key) ?? {};
    this.entries = new Map(Object.entries(saved).filter(([, v]) => isStored(v)));
  }

  get(key: string): Version | undefined {
    const v = this.entries.get(key);
    return v && { size: v[0], mtimeMs: v[1], exact: v[2] };
  }

  set(key: string, v: Version | undefined): void {
    this.entries.delete(key);
    if (v) this.entries.set(key, [v.size, v.mtimeMs, v.exact]);
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    // Written in the background: a lost write costs only the check of a restored editor's first save.
    void this.state.update(this.key, Object.fromEntries(this.entries));
  }
}

function isStored(v: unknown): v is Stored {
  return Array.isArray(v) && v.length === 3 && typeof v[0] === 'number' && typeof v[1] === 'number' && typeof v[2] === 'boolean';
}
