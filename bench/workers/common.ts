/**
 * What every worker shares: its parameters (one JSON argument), the server to talk to, how to connect our client
 * and basic-ftp, and the one JSON line a worker prints as its result. A worker runs one measured task in a fresh
 * Node process, so no candidate inherits another's heap, JIT state or open sockets.
 */
import { Client as BasicClient } from 'basic-ftp';
import { FtpClient, type FtpConnectOptions, type FtpLogger } from '../../src/ftp';

export interface ServerParams {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The worker's parameters: JSON in FTPX_BENCH_PARAMS (kept off the command line: they hold a password), or argv[2]. */
export function params<T>(): T {
  const text = process.env.FTPX_BENCH_PARAMS ?? process.argv[2];
  if (!text) throw new Error('usage: FTPX_BENCH_PARAMS=JSON node worker.js');
  return JSON.parse(text) as T;
}

/** Print the result for the driver and exit (no lingering sockets or timers keep the process alive). */
export function finish(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

export function fail(err: unknown): void {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
}

export function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** CPU seconds (user + system, all threads of the process: JIT, GC, libuv's pool) since `since`. */
export function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

export function ourOptions(s: ServerParams, extra: Partial<FtpConnectOptions> = {}, logger?: FtpLogger): FtpConnectOptions {
  return { host: s.host, port: s.port, user: s.user, password: s.password, timeoutMs: 60000, logger, ...extra };
}

export function connectOurs(s: ServerParams, extra: Partial<FtpConnectOptions> = {}, logger?: FtpLogger): Promise<FtpClient> {
  return FtpClient.connect(ourOptions(s, extra, logger));
}

/** basic-ftp, logged in; `onCommand` sees every command it sends (its own log hook, which costs it nothing more). */
export async function connectBasic(s: ServerParams, onCommand?: (command: string) => void): Promise<BasicClient> {
  const c = new BasicClient(60000);
  if (onCommand) {
    c.ftp.log = (message: string) => {
      if (message.startsWith('> ')) onCommand(message.slice(2));
    };
  }
  await c.access({ host: s.host, port: s.port, user: s.user, password: s.password, secure: false });
  return c;
}

/** The name of small file i of the fixture (the driver makes them, the workers move them). */
export function smallName(i: number): string {
  return `f${String(i).padStart(5, '0')}.bin`;
}
