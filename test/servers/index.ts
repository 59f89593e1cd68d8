// Real FTP servers on loopback for integration tests.
//
//   const srv = await startServer('vsftpd', { ipv6: false });
//   ... connect to srv.host:srv.port as srv.user/srv.password; files are in srv.root ...
//   await srv.stop();
//
// Each server runs in the foreground as a child process with its own config in a fresh temp
// folder, on a free port picked at run time (never port 21, never the system service), with a
// passive range picked at run time. Install the servers first: `bash scripts/install-servers.sh`.
// See README.md in this folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, freePortRange } from './ports';
import { pidAlive, rememberTree, stopProcesses, waitForBanner } from './process';
import { waitForBannerInNetns } from './netns';
import { makeCertificate } from './tls';
import { ensureSystemUser } from './users';
import { guard, unguard } from './watchdog';
import { INSTALL_HINT } from './paths';
import type { LaunchContext, Launched, ServerDriver } from './driver';
import { vsftpd } from './vsftpd';
import { pureFtpd } from './pureftpd';
import { proftpd } from './proftpd';
import { pyftpdlib } from './pyftpdlib';
import { ftpSrv } from './ftpsrv';
import { SERVER_NAMES, type RunningServer, type ServerName, type ServerOptions } from './types';

export * from './types';
export { serverSawActiveTransfer, serverSawPassiveTransfer, dataTransfers, parseServerLog } from './logs';
export type { LogEvent, DataTransfer } from './logs';
export { freePort, freePortRange, portIsFree } from './ports';
export { pidAlive } from './process';
export { TEST_USER } from './users';

const DRIVERS: Record<ServerName, ServerDriver> = {
  'vsftpd': vsftpd,
  'pure-ftpd': pureFtpd,
  'proftpd': proftpd,
  'pyftpdlib': pyftpdlib,
  'ftp-srv': ftpSrv,
};

/** Every server started and not yet stopped, so a test run can stop leftovers (stopAllServers). */
const running = new Set<RunningServer>();

/** Which servers can run on this machine, and why not. */
export async function serversAvailable(): Promise<{ name: ServerName; ok: boolean; why?: string }[]> {
  const notRoot = process.getuid?.() !== 0 ? 'needs root (system user, servers that switch users)' : undefined;
  return Promise.all(SERVER_NAMES.map(async (name) => {
    const why = notRoot ?? await DRIVERS[name].unavailable().catch((e: Error) => e.message);
    return why ? { name, ok: false, why: /missing|not/.test(why) && !notRoot ? `${why} (${INSTALL_HINT})` : why } : { name, ok: true };
  }));
}

/** Can the machine bind ::1? */
export async function ipv6LoopbackAvailable(): Promise<boolean> {
  try { await freePort('::1'); return true; } catch { return false; }
}

function looksLikePortClash(text: string): boolean {
  return /address already in use|EADDRINUSE|could not bind|bind\(\)|unable to bind|errno 98/i.test(text);
}

async function safeRemove(dir: string): Promise<void> {
  // never recurse into something still mounted (pure-ftpd's namespace mounts are private, but be sure)
  const mounts = await fs.promises.readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  if (mounts.split('\n').some((l) => (l.split(' ')[4] ?? '').startsWith(dir + '/'))) return;
  await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

export async function startServer(name: ServerName, opts: ServerOptions = {}): Promise<RunningServer> {
  const driver = DRIVERS[name];
  if (!driver) throw new Error(`unknown server ${name}; one of ${SERVER_NAMES.join(', ')}`);
  const why = await driver.unavailable();
  if (why) throw new Error(`${name} cannot run here: ${why} (${INSTALL_HINT})`);
  const sysUser = await ensureSystemUser();
  const host = opts.host ?? (opts.ipv6 ? '::1' : '127.0.0.1');
  if (opts.netns) {
    if (name !== 'vsftpd') throw new Error(`${name}: only vsftpd can run in a network namespace (netns)`);
    if (!/^10\.200\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`host ${host}: in a namespace, only addresses of 10.200.0.0/16`);
  } else if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host !== '::1') {
    throw new Error(`host ${host}: only loopback addresses (127.0.0.0/8, ::1)`);
  }
  const timeoutMs = opts.startTimeoutMs ?? 10000;

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `ftpexplorer-${name}-`));
    await fs.promises.chmod(dir, 0o755);               // the servers' unprivileged processes traverse it
    const root = path.join(dir, 'root');
    await fs.promises.mkdir(root, { mode: 0o755 });
    await fs.promises.chown(root, sysUser.uid, sysUser.gid);
    let launched: Launched | undefined;
    try {
      const port = opts.port ?? (opts.netns ? 21 : await freePort(host));
      const pasvPorts = opts.pasvPorts ?? (opts.netns ? [40000, 40019] as [number, number] : await freePortRange(host, 20));
      const tls = opts.tls ? await makeCertificate(dir, opts.tls, opts.freshCertificate) : undefined;
      const ctx: LaunchContext = { name, dir, root, host, port, pasvPorts, sysUser, opts, tls };
      launched = await driver.launch(ctx);
      const l = launched;
      for (const p of l.procs) guard(p.pid, dir);
      const banner = {
        host, port, timeoutMs, procs: l.procs,
        implicitTls: tls?.mode === 'implicit' ? { ca: tls.certPem } : undefined,
      };
      await (opts.netns ? waitForBannerInNetns(opts.netns, banner) : waitForBanner(banner));
      for (const p of l.procs) rememberTree(p);
      let stopped: Promise<void> | undefined;
      const server: RunningServer = {
        name, host, port, root, dir, pasvPorts, tls,
        user: l.user, password: l.password,
        capabilities: l.capabilities,
        pid: l.procs[0].pid,
        log: () => l.log(),
        output: () => l.procs.map((p) => p.output()).join(''),
        stop: () => {
          stopped ??= (async () => {
            running.delete(server);
            const alive = await stopProcesses(l.procs);
            for (const p of l.procs) unguard(p.pid);
            await l.cleanup?.();
            if (alive.length) throw new Error(`${name}: processes ${alive.join(', ')} survived SIGKILL`);
            if (!process.env.FTP_SERVERS_KEEP) await safeRemove(dir);
          })();
          return stopped;
        },
      };
      running.add(server);
      return server;
    } catch (e) {
      lastError = e as Error;
      if (launched) {
        await stopProcesses(launched.procs);
        for (const p of launched.procs) unguard(p.pid);
      }
      if (!process.env.FTP_SERVERS_KEEP) await safeRemove(dir);
      const text = `${lastError.message}\n${launched?.procs.map((p) => p.output()).join('\n') ?? ''}`;
      if (!looksLikePortClash(text)) break;           // only a port taken meanwhile is worth a retry
    }
  }
  throw lastError ?? new Error(`${name} did not start`);
}

/** Stops every server this process started and has not stopped (for a root after-hook). */
export async function stopAllServers(): Promise<void> {
  await Promise.allSettled([...running].map((s) => s.stop()));
}

/** True while any process of the server is alive (for tests of stop()). */
export function serverProcessAlive(server: RunningServer): boolean {
  return pidAlive(server.pid);
}
