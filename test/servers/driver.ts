// What each server module (vsftpd.ts, pureftpd.ts, ...) provides to index.ts.
import * as fs from 'fs';
import type { ServerProcess } from './process';
import type { ServerCapabilities, ServerName, ServerOptions, ServerTlsInfo } from './types';
import type { SystemUser } from './users';

export interface LaunchContext {
  name: ServerName;
  /** temp folder (0755, root-owned) for config, logs, helper scripts */
  dir: string;
  /** the FTP root, owned by the test user */
  root: string;
  /** loopback address to listen on: '127.0.0.1', '::1' or another 127.x.y.z */
  host: string;
  port: number;
  pasvPorts: [number, number];
  sysUser: SystemUser;
  opts: ServerOptions;
  tls?: ServerTlsInfo;
}

export interface Launched {
  /** first is the main server process */
  procs: ServerProcess[];
  user: string;
  password: string;
  capabilities: ServerCapabilities;
  log(): Promise<string>;
  /** extra clean-up after the processes are gone */
  cleanup?(): Promise<void>;
}

export interface ServerDriver {
  name: ServerName;
  /** undefined when the server can run here, else why not */
  unavailable(): Promise<string | undefined>;
  launch(ctx: LaunchContext): Promise<Launched>;
}

export async function readIfExists(file: string): Promise<string> {
  try { return await fs.promises.readFile(file, 'utf8'); } catch { return ''; }
}

/** Host formatted for URLs / `host,port` arguments. */
export function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
