// Server processes: spawned in the foreground as children (own process group), output kept,
// readiness by reading the 220 banner, and a stop that waits until every process of the tree is gone.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as tls from 'tls';

const MAX_OUTPUT = 1 << 20;

export class ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly label: string;
  private out = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** pids seen in this process's tree (kept so stop() can wait for children whose parent died first) */
  readonly seen = new Set<number>();

  constructor(label: string, file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.label = label;
    this.child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,                       // own process group: killable as a whole, no terminal signals
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const add = (b: Buffer): void => {
      if (this.out.length < MAX_OUTPUT) this.out += b.toString('utf8');
    };
    this.child.stdout?.on('data', add);
    this.child.stderr?.on('data', add);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => { this.exitInfo = { code, signal }; resolve(this.exitInfo); });
      this.child.once('error', (err) => {
        add(Buffer.from(`spawn ${file}: ${err.message}\n`));
        this.exitInfo = { code: -1, signal: null };
        resolve(this.exitInfo);
      });
    });
    if (this.child.pid === undefined) {
      this.pid = -1;
    } else {
      this.pid = this.child.pid;
      this.seen.add(this.pid);
    }
  }

  get hasExited(): boolean { return this.exitInfo !== undefined; }
  get exitDescription(): string {
    const e = this.exitInfo;
    return e ? (e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`) : 'running';
  }
  output(): string { return this.out; }

  /** Resolves with the first output line matching re (e.g. a helper's "ready"), or rejects on exit/timeout. */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = re.exec(this.out);
        if (m) { cleanup(); resolve(m[0]); return true; }
        return false;
      };
      const onData = (): void => { check(); };
      const onExit = (): void => { if (!check()) { cleanup(); reject(new Error(`${this.label} ${this.exitDescription} before printing ${re}: ${this.out}`)); } };
      const timer = setTimeout(() => { cleanup(); reject(new Error(`${this.label}: no ${re} within ${timeoutMs} ms: ${this.out}`)); }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.stderr?.off('data', onData);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', onData);
      this.child.stderr?.on('data', onData);
      this.child.once('exit', onExit);
      if (this.hasExited) onExit(); else check();
    });
  }
}

// ---- process tree via /proc ------------------------------------------------------------------

interface ProcInfo { pid: number; ppid: number; state: string }

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid ..." where comm may contain spaces and parentheses
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0], ppid: Number(rest[1]) };
  } catch { return undefined; }
}

/** True while the process exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  const p = readProc(pid);
  return p !== undefined && p.state !== 'Z' && p.state !== 'X';
}

/** All live descendants of pid. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (!p) continue;
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) {
    for (const c of children.get(todo.pop() as number) ?? []) { out.push(c); todo.push(c); }
  }
  return out;
}

function signalAll(pids: Iterable<number>, sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try { process.kill(pid, sig); } catch { /* gone */ }
  }
}

async function waitGone(pids: number[], deadline: number): Promise<number[]> {
  for (;;) {
    const alive = pids.filter(pidAlive);
    if (!alive.length || Date.now() >= deadline) return alive;
    await new Promise((r) => setTimeout(r, 20));     // polling /proc: bounded by deadline
  }
}

/**
 * Stops the processes and everything they forked: SIGTERM to each process group and each known
 * descendant, then SIGKILL after graceMs; waits (bounded) until all are gone.
 * Returns the pids still alive at the end (empty on success).
 */
export async function stopProcesses(procs: ServerProcess[], graceMs = 3000): Promise<number[]> {
  const all = new Set<number>();
  for (const p of procs) {
    if (p.pid <= 0) continue;
    for (const d of [p.pid, ...descendants(p.pid), ...p.seen]) all.add(d);
  }
  for (const p of procs) if (p.pid > 0 && !p.hasExited) { try { process.kill(-p.pid, 'SIGTERM'); } catch { /* gone */ } }
  signalAll(all, 'SIGTERM');
  let alive = await waitGone([...all], Date.now() + graceMs);
  if (alive.length) {
    for (const p of procs) if (p.pid > 0) { try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ } }
    signalAll(alive, 'SIGKILL');
    alive = await waitGone(alive, Date.now() + 3000);
  }
  // our direct children: wait for node to reap them (bounded)
  await Promise.race([
    Promise.all(procs.map((p) => p.exited)),
    new Promise((r) => setTimeout(r, 3000).unref()),
  ]);
  return alive;
}

/** Records the current descendants so stop() still knows them if their parent dies first. */
export function rememberTree(p: ServerProcess): void {
  if (p.pid > 0) for (const d of descendants(p.pid)) p.seen.add(d);
}

// ---- readiness -------------------------------------------------------------------------------

export interface BannerOptions {
  host: string;
  port: number;
  timeoutMs: number;
  /** implicit FTPS: TLS from the first byte */
  implicitTls?: { ca: string };
  /** processes whose exit means the server will never answer */
  procs: ServerProcess[];
}

function tryBanner(o: BannerOptions, remainingMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    const finish = (err: Error | undefined, banner?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!err) sock.end('QUIT\r\n');
      sock.destroy();
      if (err) reject(err); else resolve(banner as string);
    };
    const sock: net.Socket = o.implicitTls
      ? tls.connect({ host: o.host, port: o.port, ca: o.implicitTls.ca, servername: 'localhost', rejectUnauthorized: false })
      : net.connect({ host: o.host, port: o.port });
    const timer = setTimeout(() => finish(new Error(`no complete banner within ${remainingMs} ms (got ${JSON.stringify(buf)})`)), remainingMs);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      const m = /^(\d{3}) .*\r?\n/m.exec(buf);
      if (!m) return;
      if (m[1] === '220') finish(undefined, buf);
      else finish(Object.assign(new Error(`server greeted with ${JSON.stringify(buf)}`), { fatal: true }));
    });
    sock.on('error', (e) => finish(e));
    sock.on('close', () => finish(new Error(`connection closed after ${JSON.stringify(buf)}`)));
  });
}

/**
 * Connects until the server sends its 220 banner (multi-line banners included); bounded by timeoutMs.
 * Retries refused connections every 25 ms; fails at once when a server process exits.
 */
export async function waitForBanner(o: BannerOptions): Promise<string> {
  const deadline = Date.now() + o.timeoutMs;
  let last: Error | undefined;
  for (;;) {
    const dead = o.procs.find((p) => p.hasExited);
    if (dead) throw new Error(`${dead.label} ${dead.exitDescription} before greeting on ${o.host}:${o.port}; output:\n${dead.output()}`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    try {
      return await tryBanner(o, remaining);
    } catch (e) {
      last = e as Error;
      if ((e as { fatal?: boolean }).fatal) break;
    }
    await new Promise((r) => setTimeout(r, 25));       // bounded retry of a refused connect
  }
  const out = o.procs.map((p) => `--- ${p.label} (${p.exitDescription}):\n${p.output()}`).join('\n');
  throw new Error(`no 220 banner from ${o.host}:${o.port} within ${o.timeoutMs} ms (${last?.message ?? ''}); output:\n${out}`);
}
