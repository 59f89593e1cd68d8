/**
 * Events of the dialogue log: every command sent, every reply received, every data connection, fallbacks.
 * The client never writes the password into an event: PASS is masked before the event is made.
 */
export type FtpLogEvent =
  | { kind: 'connect'; host: string; port: number; local: string; remote: string }
  | { kind: 'command'; text: string }
  | { kind: 'reply'; code: number; text: string }
  | {
      kind: 'data';
      /** What happened on the data connection. */
      phase: 'open' | 'close' | 'rejected';
      mode: 'passive' | 'active';
      /** Who initiated: in passive mode the client, in active mode the server. */
      direction: 'download' | 'upload' | 'list';
      local: string;
      remote: string;
      bytes?: number;
      detail?: string;
    }
  | { kind: 'fallback'; from: 'passive' | 'active'; to: 'passive' | 'active'; reason: string }
  | { kind: 'tls'; text: string }
  | { kind: 'info'; text: string }
  | { kind: 'close'; reason?: string };

export type FtpLogger = (event: FtpLogEvent) => void;

/** Format an event the way `ftp -d` would show it, one line, for the output channel and `--log`. */
export function formatLogEvent(e: FtpLogEvent): string {
  switch (e.kind) {
    case 'connect':
      return `--- connected to ${e.remote} from ${e.local}`;
    case 'command':
      return `---> ${e.text}`;
    case 'reply':
      return e.text
        .split('\n')
        .map((l) => `<--- ${l}`)
        .join('\n');
    case 'data': {
      const who =
        e.mode === 'active'
          ? `server ${e.remote} connected to ${e.local}`
          : `client ${e.local} connected to ${e.remote}`;
      const bytes = e.bytes !== undefined ? `, ${e.bytes} bytes` : '';
      const detail = e.detail ? ` (${e.detail})` : '';
      return `--- data ${e.phase} ${e.mode} ${e.direction}: ${who}${bytes}${detail}`;
    }
    case 'fallback':
      return `--- falling back from ${e.from} to ${e.to} mode: ${e.reason}`;
    case 'tls':
      return `--- TLS: ${e.text}`;
    case 'info':
      return `--- ${e.text}`;
    case 'close':
      return `--- connection closed${e.reason ? `: ${e.reason}` : ''}`;
  }
}

/** Call the caller's logger; a failing logger must not break the protocol. */
export function safeLog(logger: FtpLogger, e: FtpLogEvent): void {
  try {
    logger(e);
  } catch {
    // (its own problem)
  }
}
