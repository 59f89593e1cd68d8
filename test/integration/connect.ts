import { FtpClient, type FtpConnectOptions } from '../../src/ftp';
import { normalizeConnection } from '../../src/remote/config';
import { Site } from '../../src/remote/site';
import type { RunningServer } from '../servers';

/** A logged-in client of `srv`, through `via` (a fault proxy) when given; 10 s timeout unless `extra` says. */
export function clientOf(srv: RunningServer, extra: Partial<FtpConnectOptions> = {}, via?: { host: string; port: number }): Promise<FtpClient> {
  return FtpClient.connect({
    host: via?.host ?? srv.host,
    port: via?.port ?? srv.port,
    user: srv.user,
    password: srv.password,
    timeoutMs: 10000,
    ...extra,
  });
}

/** A Site over `srv`, as the extension makes one but without VS Code: a saved connection, its pool, its cache. */
export function siteOf(srv: RunningServer, opts: { name?: string; poolSize?: number; info?: (text: string) => void } = {}): Site {
  const name = opts.name ?? 'it';
  const poolSize = opts.poolSize ?? 1;
  const cfg = normalizeConnection({ name, host: srv.host, port: srv.port, username: srv.user, poolSize }).config!;
  return new Site(cfg, `saved:${name}`, { poolSize, info: opts.info, connect: () => clientOf(srv) });
}
