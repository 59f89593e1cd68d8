/**
 * Progress for transfers: nothing for quick ones; after `delayMs` (about a second) a notification with the bytes
 * done and a Cancel button that aborts the transfer through its AbortSignal (the client ends the data
 * connection and keeps the control connection usable).
 */
import * as vscode from 'vscode';
import { progressText } from '../remote/bytes';

export interface ProgressHandle {
  signal: AbortSignal;
  /** Bytes done so far (of everything this progress covers). */
  bytes(done: number): void;
  /** What is moving now, e.g. a file name. */
  detail(text: string): void;
}

export const PROGRESS_DELAY_MS = 1000;

export async function withTransferProgress<T>(
  title: string,
  total: number | undefined,
  task: (p: ProgressHandle) => Promise<T>,
  delayMs = PROGRESS_DELAY_MS,
): Promise<T> {
  const abort = new AbortController();
  let done = 0;
  let detail = '';
  let render: (() => void) | undefined;
  const handle: ProgressHandle = {
    signal: abort.signal,
    bytes(n) {
      done = n;
      render?.();
    },
    detail(text) {
      detail = text;
      render?.();
    },
  };
  const work = task(handle);
  let finished = false;
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  void settled.then(() => (finished = true));
  const timer = setTimeout(() => {
    if (finished) return;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let lastAt = 0;
        let reported = 0;
        const show = (force: boolean) => {
          const now = Date.now();
          if (!force && now - lastAt < 250) return;
          lastAt = now;
          const increment = total && total > 0 ? ((done - reported) / total) * 100 : undefined;
          reported = done;
          progress.report({ message: `${progressText(done, total)}${detail ? ` · ${detail}` : ''}`, increment });
        };
        render = () => show(false);
        show(true);
        await settled;
        render = undefined;
      },
    );
  }, delayMs);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}
