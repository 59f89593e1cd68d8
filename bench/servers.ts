/**
 * The benchmark's FTP servers, started through the test harness (test/servers) on loopback, with the fixtures put
 * into their roots. Protocol logging is off where the harness allows it (vsftpd's log_ftp_protocol; a production
 * vsftpd does not log every command either); pyftpdlib always logs at DEBUG in the harness, which slows it equally
 * for every candidate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServer, type RunningServer } from '../test/servers';
import type { BenchServer } from './options';
import type { ServerParams } from './workers/common';

export interface BenchServerInfo {
  name: BenchServer;
  server: RunningServer;
  params: ServerParams;
  root: string;
  uid: number;
  gid: number;
  /** ftp://user:password@host:port/path (the password is random per run, loopback only). */
  url(p: string): string;
}

export async function startBenchServer(name: BenchServer): Promise<BenchServerInfo> {
  const extraConfig: Record<string, string> = name === 'vsftpd' ? { log_ftp_protocol: 'NO' } : {};
  const server = await startServer(name, { extraConfig, startTimeoutMs: 20000 });
  const st = fs.statSync(server.root);
  const params: ServerParams = { host: server.host, port: server.port, user: server.user, password: server.password };
  return {
    name,
    server,
    params,
    root: server.root,
    uid: st.uid,
    gid: st.gid,
    url: (p) =>
      `ftp://${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@${server.host}:${server.port}${path.posix.join('/', p)}`,
  };
}
