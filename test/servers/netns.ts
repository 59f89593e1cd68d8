// Readiness of a server that runs inside a Linux network namespace (ServerOptions.netns): its address is
// not reachable from the test process's namespace, so the 220 banner is read by a small Node script
// started inside the namespace (`ip netns exec NAME node -e ...`), bounded by the start timeout.
import { spawn } from 'child_process';
import { BIN } from './paths';
import type { BannerOptions } from './process';

const SCRIPT = String.raw`
const net = require('net');
const [host, port, ms] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const deadline = Date.now() + ms;
let last = '';
function attempt() {
  if (Date.now() >= deadline) { process.stdout.write('TIMEOUT ' + last + '\n'); process.exit(1); }
  let buf = '';
  const s = net.connect({ host, port });
  const t = setTimeout(() => s.destroy(new Error('no banner')), Math.max(1, deadline - Date.now()));
  s.setEncoding('utf8');
  s.on('data', (d) => {
    buf += d;
    const m = /^(\d{3}) .*\r?\n/m.exec(buf);
    if (!m) return;
    clearTimeout(t);
    s.end('QUIT\r\n');
    s.destroy();
    process.stdout.write((m[1] === '220' ? 'READY ' : 'GREETED ') + JSON.stringify(buf) + '\n');
    process.exit(m[1] === '220' ? 0 : 1);
  });
  s.on('error', (e) => { clearTimeout(t); last = e.message; setTimeout(attempt, 25); });
}
attempt();
`;

/** Like waitForBanner, from inside the network namespace `netns`. */
export function waitForBannerInNetns(netns: string, o: BannerOptions): Promise<string> {
  if (o.implicitTls) return Promise.reject(new Error('implicit TLS readiness inside a namespace is not supported'));
  return new Promise((resolve, reject) => {
    const child = spawn(BIN.ip, ['netns', 'exec', netns, process.execPath, '-e', SCRIPT, o.host, String(o.port), String(o.timeoutMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    const procsOut = (): string => o.procs.map((p) => `--- ${p.label} (${p.exitDescription}):\n${p.output()}`).join('\n');
    const hard = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs + 5000);
    // A server process that exits will never answer: stop waiting at once.
    const onExit = (): void => { child.kill('SIGKILL'); };
    for (const p of o.procs) p.child.once('exit', onExit);
    child.on('error', (e) => { clearTimeout(hard); reject(e); });
    child.on('close', (code) => {
      clearTimeout(hard);
      for (const p of o.procs) p.child.off('exit', onExit);
      const dead = o.procs.find((p) => p.hasExited);
      if (dead) reject(new Error(`${dead.label} ${dead.exitDescription} before greeting on ${o.host}:${o.port} in ${netns}; output:\n${dead.output()}`));
      else if (code === 0) resolve(out);
      else reject(new Error(`no 220 banner from ${o.host}:${o.port} in namespace ${netns} within ${o.timeoutMs} ms (${out.trim()}); output:\n${procsOut()}`));
    });
  });
}
