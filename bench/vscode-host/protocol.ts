/**
 * What the bench driver (bench/cases/vscode.ts, plain Node) and the in-host bench module (bench/vscode-host/run.ts,
 * inside code-server's extension host) agree on: the parameters, passed in the environment of code-server (they hold
 * the FTP password), and the results, written by the host module as JSON to a file the driver names. Type imports
 * only (nothing of them is loaded in the extension host).
 */
import type { FtpServerInfo } from '../../test/e2e/ftpFixture';

export const HOST_PARAMS_ENV = 'FTPX_BENCH_VSCODE';

export const HOST_OPS = ['readDirectory', 'readFile', 'save'] as const;
export type HostOp = (typeof HOST_OPS)[number];

/**
 * The server as the e2e tests describe one (`server` names the connection bench-<server>; the host module checks and
 * cleans files under `root` on disk), and what to measure on it.
 */
export interface HostParams extends FtpServerInfo {
  /** Folder of `entries` entries, e.g. /tenk. */
  dir: string;
  entries: number;
  /** File of `bytes` bytes, e.g. /fifty.bin. */
  file: string;
  bytes: number;
  /** Where the save goes (its folder exists and is empty; the file is removed before each save). */
  saveTo: string;
  /** Unmeasured runs of every operation first, then `rounds` rounds, each in an order rotated per round. */
  warmup: number;
  rounds: number;
  /** Bound on one operation, ms. */
  opTimeoutMs: number;
  /** Where the host module writes a HostResult (JSON). */
  resultFile: string;
}

export interface HostSample {
  op: HostOp;
  /** Wall time of the workspace.fs call, s (undefined when it failed). */
  seconds?: number;
  /** CPU (user + system) of the whole extension host process during the call, s. */
  cpuSeconds?: number;
  /** Control commands the connection sent during the call, from the extension's "FTP" output channel. */
  commands?: number;
  /** Their verbs in order (e.g. ["EPSV", "RETR"]). */
  verbs?: string[];
  error?: string;
}

export interface HostResult {
  ok: boolean;
  vscodeVersion: string;
  extensionVersion?: string;
  warmup: HostSample[];
  /** Per round, the samples in the order they ran. */
  rounds: HostSample[][];
  error?: string;
}
