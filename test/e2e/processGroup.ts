// Child processes in their own process group (setsid), stopped by signalling the whole group, and
// bounded polling. Every group still alive when this Node process exits gets SIGKILL.
import { ChildProcess, spawn, SpawnOptions } from 'child_process';

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
}

/** spawn() as the leader of a new session/process group (`detached` calls setsid on POSIX). */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  liveGroups.add(child.pid);
  installExitHook();
  return child;
}

/** True while any process of group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM to the group, SIGKILL after `graceMs`, resolves when no process of the group is left (bounded). */
export async function stopGroup(pgid: number, graceMs = 3000): Promise<void> {
  const signal = (s: NodeJS.Signals) => { try { process.kill(-pgid, s); } catch { /* gone */ } };
  signal('SIGTERM');
  if (!(await waitFor(() => !groupAlive(pgid), graceMs))) {
    signal('SIGKILL');
    if (!(await waitFor(() => !groupAlive(pgid), 5000))) {
      throw new Error(`process group ${pgid} still alive after SIGKILL`);
    }
  }
  liveGroups.delete(pgid);
}

/**
 * Polls `check` every `intervalMs` until it returns something truthy (returned) or `timeoutMs` passes
 * (returns undefined). A bounded wait on a condition, never a fixed sleep.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/** Rejects with `message` if `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
