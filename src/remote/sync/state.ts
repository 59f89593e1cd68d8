/**
 * What a sync saw of each file the last time both sides were the same: the server's size and time as its listing
 * gave them, and the local file's. A side that differs from it has changed since; a file changed on the side a
 * sync would replace is a conflict, never overwritten unasked. The caller keeps it (the CLI in a JSON file in the
 * local folder, the extension in the workspace state); one entry per remote folder synced.
 */
import * as crypto from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';

export interface SideSeen {
  size: number;
  mtimeMs?: number;
}

export interface FileSeen {
  remote: SideSeen;
  local: SideSeen;
}

/** Relative path -> what was seen of it. */
export type Seen = Map<string, FileSeen>;

interface StateFileV1 {
  version: 1;
  /** Keyed by the remote folder (user@host:port/path, no password). */
  remotes: Record<string, Record<string, FileSeen>>;
}

/** Whether a side now (size, time) is what was seen. Both as their source gave them: no rounding needed. */
export function unchanged(now: { size?: number; mtimeMs?: number }, seen: SideSeen): boolean {
  return now.size === seen.size && now.mtimeMs === seen.mtimeMs;
}

/** What the state file `file` holds for the remote folder `key` (empty when there is no file yet). */
export async function loadSeen(file: string, key: string): Promise<Seen> {
  const all = await readStateFile(file);
  return new Map(Object.entries(all.remotes[key] ?? {}));
}

/** Keep `seen` for `key` in the state file, the other remotes' entries as they were (temp file, then rename). */
export async function saveSeen(file: string, key: string, seen: Seen): Promise<void> {
  const all = await readStateFile(file);
  all.remotes[key] = Object.fromEntries([...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const tmp = nodePath.join(nodePath.dirname(file), `.${nodePath.basename(file)}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  await fsp.mkdir(nodePath.dirname(file), { recursive: true });
  await fsp.writeFile(tmp, `${JSON.stringify(all, null, 1)}\n`);
  await fsp.rename(tmp, file);
}

async function readStateFile(file: string): Promise<StateFileV1> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, remotes: {} };
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not a sync state file (not JSON): move it away, or sync with --no-state`);
  }
  const d = data as Partial<StateFileV1>;
  if (d?.version !== 1 || typeof d.remotes !== 'object' || d.remotes === null) {
    throw new Error(`${file} is not a sync state file of this version: move it away, or sync with --no-state`);
  }
  return d as StateFileV1;
}
