// Assertions on what the client in the namespace reported: a listing that worked (in which mode, through
// which data connection), a data-connection failure (its message, diagnosis and reason), and the fallback
// line of the log.
import { strict as assert } from 'node:assert';
import type { ClientResult } from './clientMain';
import { MARKER } from './servers';

function dump(r: ClientResult): string {
  return `\n${JSON.stringify(r.error ?? {}, null, 1)}\n${r.log.join('\n')}`;
}

/** The data connections of the log: mode, who connected to whom (the server's source port in active mode). */
export function dataConnections(r: ClientResult): { mode: string; from: string; fromPort: number; to: string; toPort: number }[] {
  const out = [];
  for (const line of r.log) {
    const m = /^--- data open (passive|active) \w+: (?:client|server) ([\d.]+):(\d+) connected to ([\d.]+):(\d+)/.exec(line);
    if (m) out.push({ mode: m[1], from: m[2], fromPort: Number(m[3]), to: m[4], toPort: Number(m[5]) });
  }
  return out;
}

export function fallbackLines(r: ClientResult): string[] {
  return r.log.filter((l) => l.startsWith('--- falling back'));
}

/** The listing worked, its (last) data connection was in `mode`, and there was no fallback unless `fellBackFrom`. */
export function expectListed(r: ClientResult, mode: 'passive' | 'active', fellBackFrom?: 'passive' | 'active'): void {
  assert.ok(r.ok, `expected the listing to work${dump(r)}`);
  assert.ok(r.names?.includes(MARKER), `listing lacks ${MARKER}: ${JSON.stringify(r.names)}`);
  const conns = dataConnections(r);
  assert.ok(conns.length > 0, `no data connection in the log${dump(r)}`);
  assert.equal(conns[conns.length - 1].mode, mode, `last data connection${dump(r)}`);
  assert.equal(r.activeMode, mode);
  const fb = fallbackLines(r);
  if (fellBackFrom) {
    assert.equal(fb.length, 1, `expected one fallback line${dump(r)}`);
    assert.ok(fb[0].startsWith(`--- falling back from ${fellBackFrom} to ${mode} mode: `), fb[0]);
  } else {
    assert.deepEqual(fb, [], `unexpected fallback${dump(r)}`);
  }
}

/** The listing failed on the data connection, in `mode`, for `reason`; message and diagnosis match. */
export function expectDataFailure(
  r: ClientResult,
  mode: 'passive' | 'active',
  reason: string,
  message: RegExp,
  diagnosis: RegExp[],
): NonNullable<ClientResult['error']> {
  assert.ok(!r.ok, `expected a failure, got ${JSON.stringify(r.names)}${dump(r)}`);
  const e = r.error!;
  assert.equal(e.name, 'FtpDataConnectionError', dump(r));
  assert.equal(e.mode, mode, dump(r));
  assert.equal(e.reason, reason, dump(r));
  assert.match(e.message, message);
  for (const d of diagnosis) assert.match(e.diagnosis ?? '', d);
  assert.deepEqual(fallbackLines(r), [], 'no fallback when it is off');
  return e;
}
