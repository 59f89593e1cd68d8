// Reading the servers' own logs (RunningServer.log()) to learn, from the server side, what
// happened on the control connection: which commands came, what was answered, and whether a data
// transfer was set up actively (PORT/EPRT: the server connected back) or passively (PASV/EPSV).
//
// One parser understands all five formats (see each server module for samples):
//   vsftpd     ... [pid N] [user] FTP command: Client "ip", "PORT 127,0,0,1,1,2"
//              ... [pid N] [user] FTP response: Client "ip", "200 PORT command successful..."
//   pure-ftpd  <95>... pure-ftpd: (user@ip) [DEBUG] Command [port] [127,0,0,1,1,2]
//              <95>... pure-ftpd: (user@ip) [DEBUG] 200 PORT command successful
//   proftpd    2026-... [pid] ip user "PORT 127,0,0,1,1,2" 200 PORT command successful   (command and final reply)
//   pyftpdlib  2026-... DEBUG ip:port-[user] <- PORT 127,0,0,1,1,2
//              2026-... DEBUG ip:port-[user] -> 200 Active data connection established.
//   ftp-srv    2026-...Z ip [conn] <- PORT 127,0,0,1,1,2
//              2026-...Z ip [conn] -> 200 OK
// Events are grouped by session (vsftpd/proftpd session pid, pyftpdlib client ip:port, ftp-srv
// connection id, pure-ftpd user@ip) so concurrent connections do not mix.

export interface LogEvent {
  session: string;
  kind: 'command' | 'reply';
  /** upper-case command verb (commands) */
  verb?: string;
  /** command argument (PASS is masked by every server) */
  arg?: string;
  /** reply code; `final` is false on the lines of a multi-line reply before the last */
  code?: number;
  final?: boolean;
  text: string;
}

export interface DataTransfer {
  session: string;
  mode: 'active' | 'passive';
  /** the PORT/EPRT/PASV/EPSV command that set it up */
  setup: string;
  /** the transfer command (LIST, RETR x, ...) */
  command: string;
  /** the reply that ended it */
  reply: string;
  ok: boolean;
}

const DATA_VERBS = new Set(['LIST', 'NLST', 'MLSD', 'RETR', 'STOR', 'STOU', 'APPE']);

function command(session: string, line: string): LogEvent {
  const m = /^(\S+)\s?(.*)$/.exec(line.trim()) ?? ['', line, ''];
  return { session, kind: 'command', verb: m[1].toUpperCase(), arg: m[2], text: line.trim() };
}

function reply(session: string, code: string, sep: string, rest: string): LogEvent {
  return { session, kind: 'reply', code: Number(code), final: sep !== '-', text: `${code}${sep}${rest}`.trim() };
}

/** Commands and replies found in a server log, in order. Lines of other kinds are skipped. */
export function parseServerLog(log: string): LogEvent[] {
  const out: LogEvent[] = [];
  let m: RegExpExecArray | null;
  for (const line of log.split(/\r?\n/)) {
    if (line.startsWith('==> ')) break;             // appended transfer logs: no dialogue there
    // vsftpd
    if ((m = /\[pid (\d+)\](?: \[[^\]]*\])? FTP command: Client "[^"]*", "(.*)"$/.exec(line))) {
      out.push(command(`vsftpd:${m[1]}`, m[2]));
    } else if ((m = /\[pid (\d+)\](?: \[[^\]]*\])? FTP response: Client "[^"]*", "(\d{3})([ -]?)(.*)"$/.exec(line))) {
      out.push(reply(`vsftpd:${m[1]}`, m[2], m[3] || ' ', m[4]));
    // pure-ftpd
    } else if ((m = /pure-ftpd: \(([^)]*)\) \[DEBUG\] Command \[([^\]]*)\] \[(.*)\]$/.exec(line))) {
      const who = m[1].replace(/^[^@]*@/, '');
      out.push(command(`pure-ftpd:${who}`, `${m[2]} ${m[3]}`));
    } else if ((m = /pure-ftpd: \(([^)]*)\) \[DEBUG\] (\d{3})([ -])(.*)$/.exec(line))) {
      const who = m[1].replace(/^[^@]*@/, '');
      out.push(reply(`pure-ftpd:${who}`, m[2], m[3], m[4]));
    // proftpd ExtendedLog: command and its final reply on one line
    } else if ((m = /^\S+ \S+ \[(\d+)\] \S+ \S+ "(.*)" (\d{3}) ?(.*)$/.exec(line))) {
      out.push(command(`proftpd:${m[1]}`, m[2]));
      out.push(reply(`proftpd:${m[1]}`, m[3], ' ', m[4]));
    // pyftpdlib
    } else if ((m = / (\S+:\d+)-\[[^\]]*\] <- (.*)$/.exec(line))) {
      out.push(command(`pyftpdlib:${m[1]}`, m[2]));
    } else if ((m = / (\S+:\d+)-\[[^\]]*\] -> (\d{3})([ -])(.*)$/.exec(line))) {
      out.push(reply(`pyftpdlib:${m[1]}`, m[2], m[3], m[4]));
    // ftp-srv (rendered by ftpsrv.ts)
    } else if ((m = /^\S+ \S+ \[([0-9a-f-]+)\] <- (.*)$/.exec(line))) {
      out.push(command(`ftp-srv:${m[1]}`, m[2]));
    } else if ((m = /^\S+ \S+ \[([0-9a-f-]+)\] -> (\d{3})([ -]?)(.*)$/.exec(line))) {
      out.push(reply(`ftp-srv:${m[1]}`, m[2], m[3] || ' ', m[4]));
    }
  }
  return out;
}

interface SessionState {
  pendingSetup?: string;      // PORT/EPRT/PASV/EPSV sent, reply not seen yet
  setup?: { mode: 'active' | 'passive'; text: string };
  transfer?: string;          // data command running
}

/** Data transfers (LIST, RETR, STOR, ...) found in a server log, with how their data connection was set up. */
export function dataTransfers(log: string): DataTransfer[] {
  const sessions = new Map<string, SessionState>();
  const out: DataTransfer[] = [];
  for (const ev of parseServerLog(log)) {
    let s = sessions.get(ev.session);
    if (!s) { s = {}; sessions.set(ev.session, s); }
    if (ev.kind === 'command') {
      const verb = ev.verb as string;
      if (verb === 'PORT' || verb === 'EPRT' || verb === 'PASV' || verb === 'EPSV') {
        s.pendingSetup = ev.text; s.setup = undefined; s.transfer = undefined;
      } else if (DATA_VERBS.has(verb) && s.setup) {
        s.transfer = ev.text;
      }
      continue;
    }
    if (!ev.final) continue;
    const code = ev.code as number;
    if (s.pendingSetup) {
      const active = /^(PORT|EPRT)\b/i.test(s.pendingSetup);
      const ok = active ? code === 200 : code === 227 || code === 229;
      s.setup = ok ? { mode: active ? 'active' : 'passive', text: s.pendingSetup } : undefined;
      s.pendingSetup = undefined;
      continue;
    }
    if (s.transfer && s.setup) {
      if (code >= 100 && code < 200) continue;      // 125/150: transfer starting
      out.push({ session: ev.session, mode: s.setup.mode, setup: s.setup.text, command: s.transfer, reply: ev.text, ok: code >= 200 && code < 300 });
      s.transfer = undefined;
      s.setup = undefined;                          // a data connection serves one transfer
    }
  }
  return out;
}

/**
 * True when the log shows a completed transfer whose data connection was active: a PORT/EPRT
 * the server accepted (200), then a data command (LIST/NLST/MLSD/RETR/STOR/STOU/APPE) that ended
 * in 2xx, with no PASV/EPSV in between, on the same session.
 */
export function serverSawActiveTransfer(log: string): boolean {
  return dataTransfers(log).some((t) => t.mode === 'active' && t.ok);
}

/** Same for passive (PASV/EPSV). */
export function serverSawPassiveTransfer(log: string): boolean {
  return dataTransfers(log).some((t) => t.mode === 'passive' && t.ok);
}
