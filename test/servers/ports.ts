// Free ports picked at run time: other programs may hold any fixed port.
import * as fs from 'fs';
import * as net from 'net';

/** Binds port 0 on host to learn a free port, then releases it. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** True when host:port can be bound right now. */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch { /* not Linux */ }
  return [32768, 60999];
}

/**
 * A range of `count` consecutive ports that are all free on host now, chosen at random below the
 * kernel's ephemeral range (so outgoing connections and port-0 binds do not take them meanwhile).
 */
export async function freePortRange(host: string, count = 20): Promise<[number, number]> {
  const [ephLo, ephHi] = ephemeralRange();
  let lo = 10000;
  let hi = ephLo - count;
  if (hi - lo < 1000) { lo = ephHi + 1; hi = 65535 - count; }          // odd kernel setting: go above it
  if (hi - lo < 100) { lo = 1024; hi = 65535 - count; }
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = lo + Math.floor(Math.random() * (hi - lo));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portIsFree(host, p);
    if (ok) return [base, base + count - 1];
  }
  throw new Error(`no free range of ${count} ports on ${host}`);
}
