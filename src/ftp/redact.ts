/**
 * The password never leaves the client: not in a log event, not in an error, even when a server echoes it back
 * in a reply. Short passwords (under 3 characters) are not searched for: they would mask ordinary text.
 */
import { FtpReplyError } from './errors';
import type { FtpLogEvent, FtpLogger } from './log';

/** The password to search for, or undefined when it is too short to tell from ordinary text. */
export function secretOf(password: string | undefined): string | undefined {
  return password && password.length >= 3 ? password : undefined;
}

/** An event without the password in any of its texts. */
export function redactEvent(e: FtpLogEvent, secret: string): FtpLogEvent {
  // Three plain tests, not a loop over the key names: this runs for every event, often before the JIT has
  // optimized it, where an array and its iterator per call cost more than the tests themselves.
  const x = e as { text?: unknown; reason?: unknown; detail?: unknown };
  if (!mentions(x.text, secret) && !mentions(x.reason, secret) && !mentions(x.detail, secret)) return e;
  const clean = (v: unknown) => (typeof v === 'string' ? v.split(secret).join('****') : v);
  const out = { ...e } as Record<string, unknown>;
  for (const key of ['text', 'reason', 'detail']) if (key in out) out[key] = clean(out[key]);
  return out as FtpLogEvent;
}

/** The error, with the password masked in its message and reply text. */
export function redactError(err: unknown, secret: string | undefined): unknown {
  if (!secret || !(err instanceof Error)) return err;
  const clean = (t: string) => t.split(secret).join('****');
  if (err.message.includes(secret)) err.message = clean(err.message);
  if (err instanceof FtpReplyError && err.replyText.includes(secret)) {
    Object.defineProperty(err, 'replyText', { value: clean(err.replyText) });
  }
  return err;
}

function mentions(v: unknown, secret: string): boolean {
  return typeof v === 'string' && v.includes(secret);
}

/** Call the caller's logger; a failing logger must not break the protocol. */
export function safeLog(logger: FtpLogger, e: FtpLogEvent): void {
  try {
    logger(e);
  } catch {
    // (its own problem)
  }
}
