// The program the tests run inside the client namespace (`ip netns exec <cli> node clientMain.js`): reads a
// request (JSON) on stdin, connects with the project's compiled client (out/src/ftp), lists a folder, and
// prints one JSON result on stdout: what was listed or the error (with its diagnosis), the dialogue log
// (`ftp -d` style lines) and the mode the client ended up in. Refuses any target outside 10.200.0.0/16.
import { FtpClient, FtpDataConnectionError, FtpError, FtpReplyError, formatLogEvent, type FtpConnectOptions } from '../../src/ftp';
import { inLabRange } from './lab';

export interface ClientRequest {
  options: Omit<FtpConnectOptions, 'logger'>;
  /** folder to list */
  path: string;
  /** list this many times (the later listings show which mode the client kept after a fallback) */
  repeat?: number;
}

export interface ClientResult {
  ok: boolean;
  names?: string[];
  error?: { name: string; message: string; diagnosis?: string; mode?: string; code?: number; reason?: string; command?: string };
  log: string[];
  /** the mode the next transfer would use */
  activeMode?: string;
  ms: number;
}

async function main(): Promise<ClientResult> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ClientRequest;
  for (const a of [req.options.host, req.options.activeAddress]) {
    if (a !== undefined && !inLabRange(a)) throw new Error(`refusing target ${a}: only 10.200.0.0/16 inside the test namespaces`);
  }
  const log: string[] = [];
  const start = Date.now();
  let client: FtpClient | undefined;
  try {
    client = await FtpClient.connect({ ...req.options, logger: (e) => log.push(formatLogEvent(e)) });
    let names: string[] = [];
    for (let i = 0; i < (req.repeat ?? 1); i++) names = (await client.list(req.path)).map((e) => e.name).sort();
    return { ok: true, names, log, activeMode: client.activeMode, ms: Date.now() - start };
  } catch (err) {
    const e = err as FtpError & Partial<FtpDataConnectionError> & { reason?: string };
    return {
      ok: false,
      error: {
        name: e.name,
        message: e.message,
        diagnosis: err instanceof FtpDataConnectionError ? err.diagnosis : undefined,
        mode: err instanceof FtpDataConnectionError ? err.mode : undefined,
        code: err instanceof FtpReplyError || err instanceof FtpDataConnectionError ? err.code : undefined,
        reason: e.reason,
        command: e.command,
      },
      log,
      activeMode: client?.activeMode,
      ms: Date.now() - start,
    };
  } finally {
    client?.destroy();
  }
}

// Bound everything: a hung client must not hang the test (the parent kills us too).
setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: { name: 'Hung', message: 'clientMain: no result within 60 s' }, log: [], ms: 60000 })}\n`);
  process.exit(3);
}, 60000).unref();

main().then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err: Error) => {
    process.stderr.write(`clientMain: ${err.stack ?? err.message}\n`);
    process.exit(2);
  },
);
