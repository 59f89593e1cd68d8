/**
 * Run one measured child process: wall time from spawn to exit (hrtime), CPU time and peak RSS from GNU time
 * (`/usr/bin/time`, which reads them from wait4's rusage), stdout and stderr. Every run is bounded: past its
 * timeout the process group this function started is killed, by its id.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { busyShare, machineTicks } from './machine';

export const GNU_TIME = '/usr/bin/time';

export interface ProcessResult {
  /** Seconds from spawn to exit, as seen by this process. */
  wallSeconds: number;
  /** User + system CPU seconds of the measured command (not of /usr/bin/time). */
  cpuSeconds: number;
  /** Peak resident set size of the measured command, MiB. */
  maxRssMiB: number;
  /** Share of all the machine's vCPUs busy from spawn to exit (every process: the command, the server, the kernel). */
  machineBusy: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Text for the command's stdin (e.g. an lftp script); default: none. */
  input?: string;
}

let counter = 0;

export function runMeasured(command: string, args: string[], opts: RunOptions): Promise<ProcessResult> {
  const timeFile = path.join(os.tmpdir(), `ftpx-bench-time-${process.pid}-${counter++}`);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const ticks = machineTicks();
    const child = spawn(GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, command, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true, // its own process group, so a timeout kills the command and anything it started
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1 << 20) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      const machineBusy = busyShare(ticks, machineTicks());
      clearTimeout(timer);
      let cpuSeconds = NaN;
      let maxRssMiB = NaN;
      try {
        const text = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const [u, s, m] = text.split(/\s+/).map(Number);
        cpuSeconds = u + s;
        maxRssMiB = m / 1024;
      } catch {
        /* killed before time wrote it */
      }
      fs.rmSync(timeFile, { force: true });
      if (timedOut) {
        reject(new Error(`${path.basename(command)} ${args.slice(0, 2).join(' ')}: killed after ${opts.timeoutMs / 1000} s\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({ wallSeconds, cpuSeconds, maxRssMiB, machineBusy, code, stdout, stderr });
    });
  });
}

/** Run a measured command that must succeed; its error output is in the exception otherwise. */
export async function runOk(command: string, args: string[], opts: RunOptions): Promise<ProcessResult> {
  const r = await runMeasured(command, args, opts);
  if (r.code !== 0) {
    const shown = args.map((a) => a.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:****@')).slice(0, 6).join(' ');
    throw new Error(`${path.basename(command)} ${shown} exited with ${r.code}: ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  }
  return r;
}
