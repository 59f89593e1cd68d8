// Small promise wrappers around child_process for one-shot commands (bounded by a timeout).
import { execFile } from 'child_process';

export interface ExecResult { stdout: string; stderr: string; code: number }

export function run(file: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 30000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') { reject(err); return; }   // ENOENT etc.
        if (err && (err as { killed?: boolean }).killed) { reject(new Error(`${file} timed out: ${stderr}`)); return; }
        resolve({ stdout: String(stdout), stderr: String(stderr), code: err ? Number((err as { code?: number }).code ?? 1) : 0 });
      });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs and throws with the command's stderr when the exit code is not 0. */
export async function runOk(file: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
