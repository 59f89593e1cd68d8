/** Shared bits of the listing parser tests (not a test file itself). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileEntry, ParseResult } from '../../src/ftp/entry';

/** test/fixtures, from both test/unit (ts) and out/test/unit (compiled js). */
export const FIXTURES = (() => {
  for (const up of [['..', '..', '..'], ['..', '..']]) {
    const dir = path.resolve(__dirname, ...up, 'test', 'fixtures');
    if (fs.existsSync(path.join(dir, 'servers'))) return dir;
  }
  throw new Error(`test/fixtures not found from ${__dirname}`);
})();

export function readFixture(...parts: string[]): string {
  return fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8');
}

/** "Now" of the server recordings: the README says 2026-11-21, around 01:25 UTC. */
export const RECORDED_NOW = new Date('2026-11-21T01:25:00Z');

export { prng } from '../prng';

export function byName(result: ParseResult): Map<string, FileEntry> {
  const map = new Map<string, FileEntry>();
  for (const e of result.entries) {
    assert.ok(!map.has(e.name), `duplicate entry ${JSON.stringify(e.name)}`);
    map.set(e.name, e);
  }
  return map;
}

export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** The properties every entry of every parser must satisfy, whatever the input. */
export function assertWellFormed(result: ParseResult, context: string): void {
  assert.ok(Array.isArray(result.entries), `${context}: entries is an array`);
  assert.ok(Number.isInteger(result.unparsed.count) && result.unparsed.count >= 0, `${context}: unparsed.count`);
  assert.ok(Array.isArray(result.unparsed.sample), `${context}: unparsed.sample`);
  assert.equal(result.unparsed.sample.length, Math.min(result.unparsed.count, 5), `${context}: sample size`);
  for (const line of result.unparsed.sample) {
    assert.equal(typeof line, 'string');
    assert.ok(!/[\r\n]/.test(line), `${context}: sample line without line end`);
  }
  for (const e of result.entries) assertWellFormedEntry(e, context);
}

export function assertWellFormedEntry(e: FileEntry, context: string, allowDots = false): void {
  const what = `${context}: ${JSON.stringify(e)}`;
  assert.equal(typeof e.name, 'string', what);
  assert.ok(e.name.length > 0, `${what}: empty name`);
  assert.ok(!/[\r\n]/.test(e.name), `${what}: CR or LF in name`);
  if (!allowDots) assert.ok(e.name !== '.' && e.name !== '..', `${what}: . or .. listed`);
  assert.ok(['file', 'dir', 'symlink', 'unknown'].includes(e.type), what);
  if (e.size !== undefined) assert.ok(Number.isSafeInteger(e.size) && e.size >= 0, `${what}: size`);
  if (e.mtimeMs !== undefined) assert.ok(typeof e.mtimeMs === 'number' && Number.isFinite(e.mtimeMs), `${what}: mtimeMs`);
  if (e.mode !== undefined) assert.ok(Number.isInteger(e.mode) && e.mode >= 0 && e.mode <= 0o7777, `${what}: mode`);
  if (e.target !== undefined) {
    assert.ok(typeof e.target === 'string' && e.target.length > 0 && !/[\r\n]/.test(e.target), `${what}: target`);
  }
  if (e.permissions !== undefined) assert.ok(typeof e.permissions === 'string' && e.permissions.length > 0, what);
  for (const k of ['owner', 'group'] as const) {
    const v = e[k];
    if (v !== undefined) assert.ok(typeof v === 'string' && v.length > 0 && !/[\r\n]/.test(v), `${what}: ${k}`);
  }
  for (const key of Object.keys(e)) {
    assert.ok(['name', 'type', 'size', 'mtimeMs', 'target', 'permissions', 'mode', 'owner', 'group'].includes(key), `${what}: stray ${key}`);
    assert.notEqual((e as unknown as Record<string, unknown>)[key], undefined, `${what}: ${key} present but undefined`);
  }
}
