/**
 * What the connection pool (pool.ts) asks of its clients and callers, and what it reports. No vscode import.
 */
import type { DataMode } from '../ftp';

/** How connections are closed. `waitForReply: false`: QUIT without waiting for its reply (a program about to exit). */
export interface ClosingOptions {
  waitForReply?: boolean;
}

export interface PoolClient {
  /** Closed for good (close()/destroy()): the pool discards it. */
  readonly closed: boolean;
  /**
   * The control connection is up now; false after the server dropped it (the next operation reconnects).
   * A client without it counts as connected while it is not closed.
   */
  readonly connected?: boolean;
  mode: DataMode;
  close(opts?: ClosingOptions): Promise<void>;
  destroy(): void;
  noop?(): Promise<void>;
  on?(event: 'close', listener: (err?: Error) => void): unknown;
}

export interface PoolOptions<C extends PoolClient> {
  size: number;
  /** Open and log in one client; `n` counts the connections this pool has opened (1, 2, ...). */
  create: (n: number) => Promise<C>;
  mode?: DataMode;
  /** Whether an error means the client's control connection was lost. Default: isConnectionLost (src/ftp/errors.ts). */
  isConnectionError?: (err: unknown) => boolean;
  /**
   * A refusal for the server's limit on connections (530/421 with its words): when no other connection of the pool
   * is open or opening, the server may still be counting ones that just closed, or two logins that raced for the
   * last place were both refused; tried again, twice, a moment later.
   */
  isConnectionLimit?: (err: unknown) => boolean;
  /** Clients that handle transfers at once. Default max(1, size - 1). */
  maxTransfers?: number;
  /** Before handing out a client idle for longer than this, check it with NOOP. 0 = never. */
  validateAfterIdleMs?: number;
  /** Send NOOP on clients idle for this long, every this long (see keepAlive()). 0 = off. */
  keepAliveMs?: number;
  /** Told when the pool shrinks or a keep-alive fails, for the log. */
  onInfo?: (text: string) => void;
  now?: () => number;
}

export interface RunOptions {
  /**
   * Safe to run twice: retried once after a lost connection (the same client reconnects, or a fresh one). A function
   * is asked after the failure, for an operation that is safe to repeat only up to a point (a download, until a
   * byte has reached its destination).
   */
  idempotent?: boolean | (() => boolean);
  /** A file transfer (counts against maxTransfers). */
  transfer?: boolean;
  /** Give up waiting for a client when aborted (the operation itself gets the signal from the caller). */
  signal?: AbortSignal;
}

export class PoolClosedError extends Error {
  override name = 'PoolClosedError';
  constructor(message = 'The connection pool was closed') {
    super(message);
  }
}

export class PoolWaitCancelledError extends Error {
  override name = 'AbortError';
  constructor() {
    super('Cancelled while waiting for a free connection');
  }
}

export interface PoolStats {
  size: number;
  idle: number;
  busy: number;
  connecting: number;
  waiting: number;
  transfers: number;
  opened: number;
}

/** The control connection is up now (a client without `connected`: while it is not closed). */
export function connected(client: PoolClient): boolean {
  return client.connected ?? !client.closed;
}
