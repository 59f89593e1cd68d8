// vsftpd inside the server namespace, through the harness of test/servers (its `netns` option): config in a
// temp folder, the real system user through PAM, stopped (with every session process) by stop().
import * as fs from 'fs';
import * as path from 'path';
import { startServer, type RunningServer } from '../servers';
import type { Lab } from './lab';

export interface LabServerOptions {
  /** control port (default 21) */
  port?: number;
  /** passive range (default 40000-40009) */
  pasvPorts?: [number, number];
  /** vsftpd's connect_from_port_20 */
  connectFromPort20?: boolean;
  /** more vsftpd.conf lines */
  extraConfig?: Record<string, string>;
}

/** A file every listing must show. */
export const MARKER = 'marker.txt';

export async function startLabServer(lab: Lab, opts: LabServerOptions = {}): Promise<RunningServer> {
  const srv = await startServer('vsftpd', {
    netns: lab.srv,
    host: lab.serverAddress,
    port: opts.port ?? 21,
    pasvPorts: opts.pasvPorts ?? [40000, 40009],
    connectFromPort20: opts.connectFromPort20 ?? false,
    extraConfig: opts.extraConfig,
  });
  fs.writeFileSync(path.join(srv.root, MARKER), 'network lab\n');
  return srv;
}
