import { strict as assert } from 'node:assert';
import type { FaultProxy } from '../faults/proxy';

/**
 * What a folder transfer with each next port asked ahead (TransferOptions.followedByTransfer) shows at the fault
 * proxy, on a pool of 2: `waited` says for each file whether its final reply waited in vain for the next EPSV/PASV
 * (held until it came, or 2 s); `commands` are every session's commands; `transfer` matches a transfer command.
 */
export function assertPortsAhead(waited: boolean[], files: number, commands: string[], transfer: RegExp): void {
  assert.equal(waited.length, files);
  // The last file a worker takes has none after it; the other worker's last may have had one when it started.
  const late = waited.filter((w) => w).length;
  assert.ok(late >= 1 && late <= 2, `${late} of ${files} files' final reply waited for a port asked only after it`);
  // Every port asked for was used, but for at most one per connection (asked for a file that did not come).
  const ports = commands.filter((c) => c === 'EPSV' || c === 'PASV').length;
  const transfers = commands.filter((c) => transfer.test(c) || /^(LIST|MLSD)$/.test(c)).length;
  assert.ok(ports >= transfers && ports <= transfers + 2, `${ports} EPSV/PASV for ${transfers} transfers`);
}

/**
 * Hold the final reply (226) of every transfer whose command starts with `verb` until the next EPSV or PASV arrives
 * after it (or 2 s): a client that waits for the 226 before asking for the next port shows as a file that waited.
 * Returns, per file in the order of their 226s, whether it waited in vain.
 */
export function holdFinalUntilNextPort(proxy: FaultProxy, verb: string): boolean[] {
  const waited: boolean[] = [];
  proxy.hooks = {
    reply: (r, s) =>
      r.code === 226 && r.command?.startsWith(`${verb} `)
        ? { hold: s.commandArrives((l) => l === 'EPSV' || l === 'PASV', 2000, s.commands.lastIndexOf(r.command) + 1).then((arrived) => waited.push(!arrived)) }
        : undefined,
  };
  return waited;
}
