/** Small helpers of the reliability tests: open descriptors, bounded waits, seeded randomness. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prng } from '../prng';

/** Open file descriptors of this process, by kind ('socket', 'file', 'pipe', 'other'). */
export function openDescriptors(): { total: number; sockets: number; files: number; list: string[] } {
  const dir = '/proc/self/fd';
  let sockets = 0;
  let files = 0;
  const list: string[] = [];
  for (const fd of fs.readdirSync(dir)) {
    let target: string;
    try {
      target = fs.readlinkSync(path.join(dir, fd));
    } catch {
      continue; // the descriptor readdir itself used, closed meanwhile
    }
    list.push(`${fd} -> ${target}`);
    if (target.startsWith('socket:')) sockets++;
    else if (target.startsWith('/')) files++;
  }
  return { total: list.length, sockets, files, list };
}

/**
 * Wait until `check()` is true, re-checking whenever the event loop has run (setImmediate) and at most every
 * `everyMs`; false after `ms`. For conditions that have no event of their own (a socket count in /proc).
 */
export async function until(check: () => boolean, ms: number, everyMs = 25): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}

/** Resolve with the outcome of a promise, never reject. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T; ms: number } | { ok: false; error: Error; ms: number }> {
  const t = Date.now();
  try {
    const value = await p;
    return { ok: true, value, ms: Date.now() - t };
  } catch (error) {
    return { ok: false, error: error as Error, ms: Date.now() - t };
  }
}

/** A seeded PRNG, so a failing soak run can be replayed. */
export const seeded = prng;

/** Deterministic content of `n` bytes for a given label and version. */
export function contentOf(label: string, version: number, n: number): Buffer {
  const head = Buffer.from(`${label} v${version}\n`);
  const out = Buffer.alloc(Math.max(n, head.length));
  head.copy(out);
  const rnd = seeded(version * 7919 + label.length * 104729 + [...label].reduce((a, c) => a * 31 + c.charCodeAt(0), 0));
  for (let i = head.length; i < out.length; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}
