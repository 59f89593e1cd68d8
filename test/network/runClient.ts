// Runs the project's client inside the client namespace: the compiled client through clientMain.js (for
// structured results), and the CLI (out/src/cli.js, the same code as dist/cli.js) for `probe --json`.
import * as path from 'path';
import type { Lab } from './lab';
import type { ClientRequest, ClientResult } from './clientMain';
import type { ProbeReport } from '../../src/ftp/probe';
import type { RunningServer } from '../servers';

const MAIN = path.join(__dirname, 'clientMain.js');
const CLI = path.join(__dirname, '..', '..', 'src', 'cli.js');

/** List a folder from the client namespace; the result says what worked, the error and the log. */
export async function listFromClient(lab: Lab, req: ClientRequest, timeoutMs = 60000): Promise<ClientResult> {
  const r = await lab.exec(lab.cli, process.execPath, [MAIN], { input: JSON.stringify(req), timeoutMs });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !line.startsWith('{')) throw new Error(`clientMain exited ${r.code}: ${r.stderr.trim()} ${r.stdout.trim()}`);
  return JSON.parse(line) as ClientResult;
}

export interface CliResult { code: number; stdout: string; stderr: string }

/** Run the CLI in the client namespace; the password goes through FTP_PASSWORD, never the command line. */
export async function cliFromClient(lab: Lab, args: string[], password: string, timeoutMs = 90000): Promise<CliResult> {
  return lab.exec(lab.cli, process.execPath, [CLI, ...args], { env: { ...process.env, FTP_PASSWORD: password }, timeoutMs });
}

/** `probe URL --json` in the client namespace: the exit code and the parsed report. */
export async function probeFromClient(lab: Lab, url: string, password: string, flags: string[] = []): Promise<{ code: number; report: ProbeReport }> {
  const j = await cliFromClient(lab, ['probe', url, '--json', ...flags], password);
  if (!j.stdout.trim().startsWith('{')) throw new Error(`probe --json exited ${j.code}: ${j.stderr.trim()} ${j.stdout.trim()}`);
  return { code: j.code, report: JSON.parse(j.stdout) as ProbeReport };
}

/** Every wait of the client in these tests (connect, reply, data connection, active accept): short, since failures wait it out. */
export const CLIENT_TIMEOUT_MS = 3000;

/** A listing of `/` as the harness's user, with short timeouts; `over` sets mode, fallback and the rest. */
export function listRequest(host: string, server: RunningServer, over: Partial<ClientRequest['options']> = {}, repeat?: number): ClientRequest {
  return {
    options: {
      host,
      port: server.port,
      user: server.user,
      password: server.password,
      timeoutMs: CLIENT_TIMEOUT_MS,
      activeAcceptTimeoutMs: CLIENT_TIMEOUT_MS,
      ...over,
    },
    path: '/',
    ...(repeat ? { repeat } : {}),
  };
}

/** The probe's URL (the password goes through FTP_PASSWORD). */
export function probeUrl(host: string, server: RunningServer): string {
  return `ftp://${server.user}@${host}:${server.port}/`;
}

/** Flags for a short probe. */
export const PROBE_FLAGS = ['--timeout', String(CLIENT_TIMEOUT_MS / 1000)];
