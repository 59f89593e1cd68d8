/**
 * The commands in FTP Explorer's "FTP" output channel as VS Code keeps it in its logs folder (test/e2e/ftpUi.ts
 * ftpChannel), for the real-VS-Code UI case (cases/vscode-ui.ts): which commands a click caused. Each line of the
 * channel starts with the time it was appended, UTC to the millisecond (src/vscode/output.ts), then the connection
 * and the dialogue (src/remote/logFormat.ts):
 *
 *   10:41:07.123 [wan#1] ---> CWD /ui-wan/r0
 */

export interface ChannelCommand {
  /** Milliseconds since 00:00 UTC of the day the line was written. */
  msOfDay: number;
  /** The connection's prefix without the brackets, e.g. "wan#1". */
  connection: string;
  /** The command's verb, upper case. */
  verb: string;
  /** The command as the channel shows it (the client masks PASS's argument where it sends it). */
  text: string;
}

const DAY_MS = 24 * 3600 * 1000;
const COMMAND = /(\d{2}):(\d{2}):(\d{2})\.(\d{3}) \[([^\]\r\n]+)\] ---> (([A-Za-z]+)[^\r]*)/;

/** The commands sent, in the order of the text; other lines (replies, data connections, errors) are left out. */
export function channelCommands(text: string): ChannelCommand[] {
  const out: ChannelCommand[] = [];
  for (const line of text.split('\n')) {
    const m = COMMAND.exec(line);
    if (!m) continue;
    const [h, min, s, ms] = m.slice(1, 5).map(Number);
    if (h > 23 || min > 59 || s > 59) continue;
    out.push({ msOfDay: ((h * 60 + min) * 60 + s) * 1000 + ms, connection: m[5], verb: m[7].toUpperCase(), text: m[6] });
  }
  return out;
}

/**
 * The time of a command as an epoch time near `near` (epoch ms): the line has the time of day only, so it is put on
 * the UTC day that brings it within 12 hours of `near` (a session across midnight keeps its order).
 */
export function commandEpoch(c: ChannelCommand, near: number): number {
  const day = Math.floor(near / DAY_MS) * DAY_MS;
  let t = day + c.msOfDay;
  if (t < near - DAY_MS / 2) t += DAY_MS;
  else if (t > near + DAY_MS / 2) t -= DAY_MS;
  return t;
}

/** The commands sent from `from` (inclusive) to `to` (exclusive), epoch ms of this machine's clock. */
export function commandsBetween(commands: ChannelCommand[], from: number, to: number): ChannelCommand[] {
  return commands.filter((c) => {
    const t = commandEpoch(c, from);
    return t >= from && t < to;
  });
}
