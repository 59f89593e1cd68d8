// A safety net for test processes that die without calling stop() (killed by a timeout, SIGKILL,
// a crash): one small Node process per test process, in its own process group, reading a pipe
// from us. We tell it each server's process group and temp folder; when the pipe closes because
// we are gone, it SIGKILLs what is still registered (with descendants) and removes the folders.
// stop() unregisters, so a normal run leaves it nothing to do.
import { ChildProcess, spawn } from 'child_process';

const SCRIPT = String.raw`
const fs = require('fs');
const groups = new Map();   // leader pid -> temp folder
let buf = '';
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const [op, pid, dir] = buf.slice(0, i).split('\t');
    buf = buf.slice(i + 1);
    if (op === 'add') groups.set(Number(pid), dir); else groups.delete(Number(pid));
  }
});
function tree() {
  const kids = new Map();
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const st = fs.readFileSync('/proc/' + n + '/stat', 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(n));
    } catch (e) { /* gone */ }
  }
  return kids;
}
function cleanup() {
  const kids = tree();
  for (const leader of groups.keys()) {
    const todo = [leader];
    while (todo.length) {
      const p = todo.pop();
      try { process.kill(p, 'SIGKILL'); } catch (e) { /* gone */ }
      for (const c of kids.get(p) || []) todo.push(c);
    }
    try { process.kill(-leader, 'SIGKILL'); } catch (e) { /* gone */ }
  }
  setTimeout(() => {
    const mounts = (() => { try { return fs.readFileSync('/proc/self/mountinfo', 'utf8'); } catch (e) { return ''; } })();
    for (const dir of groups.values()) {
      if (!dir || !dir.includes('ftpexplorer-')) continue;
      if (mounts.split('\n').some((l) => (l.split(' ')[4] || '').startsWith(dir + '/'))) continue;
      try { fs.rmSync(dir, { recursive: true, force: true }); } catch (e) { /* best effort */ }
    }
    process.exit(0);
  }, 500);
}
process.stdin.on('end', cleanup);
process.stdin.on('error', cleanup);
`;

let dog: ChildProcess | undefined;

function watchdog(): ChildProcess | undefined {
  if (dog && dog.exitCode === null && !dog.killed) return dog;
  try {
    dog = spawn(process.execPath, ['-e', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    dog.on('error', () => { dog = undefined; });
    dog.unref();
    (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    dog.stdin?.on('error', () => { /* watchdog gone: nothing to do */ });
    return dog;
  } catch {
    return undefined;
  }
}

export function guard(pid: number, dir: string): void {
  if (pid > 0) watchdog()?.stdin?.write(`add\t${pid}\t${dir}\n`);
}

export function unguard(pid: number): void {
  if (pid > 0 && dog?.stdin?.writable) dog.stdin.write(`del\t${pid}\n`);
}
