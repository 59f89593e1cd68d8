import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FtpClient, type FtpConnectOptions } from '../../src/ftp';
import { FaultProxy } from '../faults/proxy';
import type { LinkOptions } from '../faults/link';
import { normalizeConnection } from '../../src/remote/config';
import { Site } from '../../src/remote/site';
import { startServer, type RunningServer, type ServerName } from '../servers';

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

/**
 * A Site over `srv`, as the extension makes one but without VS Code: a saved connection, its pool, its cache, and
 * its one record of the server that every connection of the pool shares (as the connector passes it).
 */
export function siteOf(
  srv: RunningServer,
  opts: { name?: string; poolSize?: number; info?: (text: string) => void; via?: { host: string; port: number } } = {},
): Site {
  const name = opts.name ?? 'it';
  const poolSize = opts.poolSize ?? 1;
  const cfg = normalizeConnection({ name, host: srv.host, port: srv.port, username: srv.user, poolSize }).config!;
  const site: Site = new Site(cfg, `saved:${name}`, { poolSize, info: opts.info, connect: () => clientOf(srv, { traits: site.traits }, opts.via) });
  return site;
}

/**
 * Inside a describe(): start the server `name` and a site over it before its tests (with its log lines in
 * `infos`), stop both after them. Each test starts with no log lines and no cached listing: what the tests before
 * it listed is not what the server holds now.
 */
export function withSite(name: ServerName): { readonly srv: RunningServer; readonly site: Site; readonly infos: string[] } {
  const ctx = { srv: undefined as unknown as RunningServer, site: undefined as unknown as Site, infos: [] as string[] };
  before(async () => {
    ctx.srv = await startServer(name);
    ctx.site = siteOf(ctx.srv, { info: (t) => ctx.infos.push(t) });
  });
  after(async () => {
    await ctx.site?.dispose();
    await ctx.srv?.stop();
  });
  beforeEach(() => {
    ctx.infos.length = 0;
    ctx.site?.cache.clear();
  });
  return ctx;
}

/**
 * Inside a describe(): the server `name` behind a fault proxy, a temporary folder and a site over the proxy (a pool
 * of `poolSize`; through an emulated `link` when given) before its tests (`prepare` runs once the server and the folder are there), all stopped and
 * removed after them. Each test starts with no cached listing and no proxy hooks.
 */
export function withProxiedSite(
  name: ServerName,
  opts: { poolSize: number; tmpPrefix: string; prepare?: (srv: RunningServer, tmp: string) => void; link?: LinkOptions },
): { readonly srv: RunningServer; readonly proxy: FaultProxy; readonly tmp: string; readonly site: Site } {
  const ctx = { srv: undefined as unknown as RunningServer, proxy: undefined as unknown as FaultProxy, tmp: '', site: undefined as unknown as Site };
  before(async () => {
    ctx.srv = await startServer(name);
    ctx.proxy = await FaultProxy.start({ host: ctx.srv.host, port: ctx.srv.port }, { link: opts.link });
    ctx.tmp = fs.mkdtempSync(path.join(os.tmpdir(), opts.tmpPrefix));
    opts.prepare?.(ctx.srv, ctx.tmp);
    ctx.site = siteOf(ctx.srv, { poolSize: opts.poolSize, via: ctx.proxy });
  });
  after(async () => {
    await ctx.site?.dispose();
    await ctx.proxy?.close();
    await ctx.srv?.stop();
    if (ctx.tmp) fs.rmSync(ctx.tmp, { recursive: true, force: true });
  });
  beforeEach(() => ctx.site?.cache.clear());
  afterEach(() => {
    if (ctx.proxy) ctx.proxy.hooks = {};
  });
  return ctx;
}
