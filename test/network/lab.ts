// Network namespaces for the firewall and NAT tests: a client, a server and (for NAT) a router namespace,
// joined by veth pairs whose ends are created directly inside the namespaces (nothing is added to the
// machine's own namespace), with addresses only from 10.200.0.0/16. Nothing in them routes anywhere else.
//
//   direct: ftpx<pid>-cli c0 10.200.0.1/24 <-> s0 10.200.0.2/24 ftpx<pid>-srv
//   nat:    ftpx<pid>-cli c0 10.200.1.1/24 <-> n0 10.200.1.254/24 ftpx<pid>-nat n1 10.200.2.254/24 <-> s0 10.200.2.2/24 ftpx<pid>-srv
//
// Namespace names carry the test process's pid, so a leftover of a crashed run (its pid gone) is found by
// the prefix and removed at the next start, while a concurrent run's namespaces are left alone.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { run, type ExecResult } from '../servers/exec';

export const PREFIX = 'ftpx';
const IP = fs.existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/bin/ip';
const NFT = fs.existsSync('/usr/sbin/nft') ? '/usr/sbin/nft' : '/sbin/nft';
const SYSCTL = fs.existsSync('/usr/sbin/sysctl') ? '/usr/sbin/sysctl' : '/sbin/sysctl';
const CMD_TIMEOUT_MS = 10000;

/** The only addresses these tests may ever use as targets. */
export function inLabRange(address: string): boolean {
  const m = /^10\.200\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  return !!m && Number(m[1]) <= 255 && Number(m[2]) <= 255;
}

export interface Lab {
  kind: 'direct' | 'nat';
  /** namespace names */
  cli: string;
  srv: string;
  nat?: string;
  /** the client's own address */
  clientAddress: string;
  /** the server's own address (private behind NAT) */
  serverAddress: string;
  /** the router's addresses, client side and server side (nat only) */
  natClientSide?: string;
  natServerSide?: string;
  /** load an nftables ruleset (text for `nft -f -`) into a namespace */
  nft(ns: string, rules: string): Promise<void>;
  /** packets counted by the rule with this comment in table `inet ftpx` or `ip ftpx` of the namespace */
  counter(ns: string, comment: string): Promise<number>;
  /** run a command inside a namespace (bounded) */
  exec(ns: string, file: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ExecResult>;
  destroy(): Promise<void>;
}

async function ip(args: string[]): Promise<void> {
  const r = await run(IP, args, { timeoutMs: CMD_TIMEOUT_MS });
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || r.stdout.trim()}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function namespaces(): Promise<string[]> {
  const r = await run(IP, ['netns', 'list'], { timeoutMs: CMD_TIMEOUT_MS });
  return r.stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
}

/** Kill what still runs inside a namespace of ours (its pids, by id), then delete it. */
async function deleteNamespace(name: string): Promise<void> {
  if (!name.startsWith(PREFIX)) throw new Error(`refusing to delete namespace ${name}: not one of ours`);
  const r = await run(IP, ['netns', 'pids', name], { timeoutMs: CMD_TIMEOUT_MS });
  for (const pid of r.stdout.split('\n').map(Number).filter((n) => n > 1 && n !== process.pid)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  await run(IP, ['netns', 'del', name], { timeoutMs: CMD_TIMEOUT_MS });
}

/** Remove namespaces left by earlier runs of these tests whose process is gone (or by this process). */
export async function removeLeftovers(): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await namespaces()) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && pidAlive(pid)) continue;
    await deleteNamespace(name);
    removed.push(name);
  }
  return removed;
}

// Namespaces this process made and has not deleted: removed synchronously if the process exits early.
const live = new Set<string>();
let exitHook = false;
function track(name: string): void {
  live.add(name);
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const n of live) spawnSync(IP, ['netns', 'del', n], { timeout: CMD_TIMEOUT_MS, stdio: 'ignore' });
  });
}

/**
 * Why these tests cannot run here (undefined when they can): root, ip and nft, namespace creation.
 * Tries one namespace (made and deleted at once).
 */
export async function labUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, nftables); run the tests as root';
  if (!fs.existsSync(IP)) return 'iproute2 (ip) missing: run `bash scripts/install-network-lab.sh` as root';
  if (!fs.existsSync(NFT)) return 'nftables (nft) missing: run `bash scripts/install-network-lab.sh` as root';
  const name = `${PREFIX}${process.pid}-check`;
  const r = await run(IP, ['netns', 'add', name], { timeoutMs: CMD_TIMEOUT_MS });
  if (r.code !== 0) return `cannot create a network namespace here: ${r.stderr.trim()}`;
  track(name);
  const t = await run(IP, ['netns', 'exec', name, NFT, 'list', 'ruleset'], { timeoutMs: CMD_TIMEOUT_MS });
  await deleteNamespace(name);
  live.delete(name);
  if (t.code !== 0) return `nftables does not work in a namespace here: ${t.stderr.trim()}`;
  return undefined;
}

/** Run a command inside a namespace. */
function execIn(ns: string, file: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExecResult> {
  return run(IP, ['netns', 'exec', ns, file, ...args], { timeoutMs: CMD_TIMEOUT_MS, ...opts });
}

async function addNamespace(name: string): Promise<void> {
  track(name);
  await ip(['netns', 'add', name]);
  await ip(['-n', name, 'link', 'set', 'lo', 'up']);
}

/** A veth pair with one end in each namespace, addressed and up. */
async function link(a: string, aIf: string, aAddr: string, b: string, bIf: string, bAddr: string): Promise<void> {
  for (const addr of [aAddr, bAddr]) if (!inLabRange(addr.split('/')[0])) throw new Error(`${addr} is outside 10.200.0.0/16`);
  await ip(['link', 'add', aIf, 'netns', a, 'type', 'veth', 'peer', 'name', bIf, 'netns', b]);
  await ip(['-n', a, 'addr', 'add', aAddr, 'dev', aIf]);
  await ip(['-n', b, 'addr', 'add', bAddr, 'dev', bIf]);
  await ip(['-n', a, 'link', 'set', aIf, 'up']);
  await ip(['-n', b, 'link', 'set', bIf, 'up']);
}

function makeLab(kind: Lab['kind'], names: string[], fields: Omit<Lab, 'kind' | 'nft' | 'counter' | 'exec' | 'destroy'>): Lab {
  let destroyed: Promise<void> | undefined;
  return {
    kind,
    ...fields,
    exec: execIn,
    async nft(ns, rules) {
      const r = await execIn(ns, NFT, ['-f', '-'], { input: rules });
      if (r.code !== 0) throw new Error(`nft in ${ns}: ${r.stderr.trim()}\n${rules}`);
    },
    async counter(ns, comment) {
      const r = await execIn(ns, NFT, ['-j', 'list', 'ruleset']);
      if (r.code !== 0) throw new Error(`nft list in ${ns}: ${r.stderr.trim()}`);
      const items = (JSON.parse(r.stdout) as { nftables: { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } }[] }).nftables;
      const rule = items.map((i) => i.rule).find((x) => x?.comment === comment);
      const c = rule?.expr.find((e) => e.counter)?.counter;
      if (!c) throw new Error(`no counter with comment "${comment}" in ${ns}`);
      return c.packets;
    },
    destroy() {
      destroyed ??= (async () => {
        const errors: string[] = [];
        for (const n of names) {
          try {
            await deleteNamespace(n);
            live.delete(n);
          } catch (e) {
            errors.push(`${n}: ${(e as Error).message}`);
          }
        }
        if (errors.length) throw new Error(`could not delete namespaces: ${errors.join('; ')}`);
      })();
      return destroyed;
    },
  };
}

/** Client and server on one link. */
export async function createDirectLab(): Promise<Lab> {
  await removeLeftovers();
  const cli = `${PREFIX}${process.pid}-cli`;
  const srv = `${PREFIX}${process.pid}-srv`;
  const lab = makeLab('direct', [cli, srv], { cli, srv, clientAddress: '10.200.0.1', serverAddress: '10.200.0.2' });
  try {
    await addNamespace(cli);
    await addNamespace(srv);
    await link(cli, 'c0', '10.200.0.1/24', srv, 's0', '10.200.0.2/24');
  } catch (e) {
    await lab.destroy().catch(() => undefined);
    throw e;
  }
  return lab;
}

/**
 * Client, router, server. The client routes 10.200.0.0/16 through the router; the server routes the
 * client's network through it only when `serverRoutesToClient` (a server behind NAT has the router as its
 * gateway; a public server has no route into a client's private network). Forwarding is on in the router;
 * the NAT rules are the test's.
 */
export async function createNatLab(opts: { serverRoutesToClient: boolean }): Promise<Lab> {
  await removeLeftovers();
  const cli = `${PREFIX}${process.pid}-cli`;
  const nat = `${PREFIX}${process.pid}-nat`;
  const srv = `${PREFIX}${process.pid}-srv`;
  const lab = makeLab('nat', [cli, nat, srv], {
    cli, nat, srv,
    clientAddress: '10.200.1.1', serverAddress: '10.200.2.2', natClientSide: '10.200.1.254', natServerSide: '10.200.2.254',
  });
  try {
    for (const n of [cli, nat, srv]) await addNamespace(n);
    await link(cli, 'c0', '10.200.1.1/24', nat, 'n0', '10.200.1.254/24');
    await link(nat, 'n1', '10.200.2.254/24', srv, 's0', '10.200.2.2/24');
    await ip(['-n', cli, 'route', 'add', '10.200.0.0/16', 'via', '10.200.1.254']);
    if (opts.serverRoutesToClient) await ip(['-n', srv, 'route', 'add', '10.200.1.0/24', 'via', '10.200.2.254']);
    const r = await execIn(nat, SYSCTL, ['-qw', 'net.ipv4.ip_forward=1']);
    if (r.code !== 0) throw new Error(`sysctl in ${nat}: ${r.stderr.trim()}`);
  } catch (e) {
    await lab.destroy().catch(() => undefined);
    throw e;
  }
  return lab;
}
