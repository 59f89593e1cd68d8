import * as net from 'node:net';

/**
 * A scripted FTP server for the client's pipelining: it answers from a table of replies recorded from the servers
 * of the suite, notes which commands arrived together (one read of its socket), and can hold a command's reply
 * until other commands have arrived, so that a client which waits for each reply before sending the next command
 * never gets one (its read times out): the test of a pipelined exchange fails on a client that does not pipeline.
 */
export interface ScriptOptions {
  /** The reply to a command (without CRLF; multi-line replies with \r\n inside); undefined: "502 Not implemented". */
  reply: (command: string) => string | undefined;
  /** Answer `command` only once this returns true for all commands received so far (default: at once). */
  gate?: (command: string, received: readonly string[]) => boolean;
  /** The data a transfer command (LIST, RETR) sends over the passive data connection. */
  data?: (command: string) => Buffer | undefined;
  /** STOR: told the bytes received for the path; the server answers 226 after the data connection's end. */
  stored?: (path: string, data: Buffer) => void;
  /** RETR and LIST: send the 226 (after the data) only once this returns true for the commands received so far. */
  finalGate?: (command: string, received: readonly string[]) => boolean;
  /** A reply to the nth EPSV (from 1) instead of a passive port; undefined: open one. */
  epsv?: (nth: number) => string | undefined;
  /** Take up each command this long after it arrived (a network's round trip, as the client sees it). */
  delayMs?: number;
  /** STOR of these paths: its 150 only once the data connection has brought data (or its end): a client that waits for it first times out. */
  storNeedsData?: (path: string) => boolean;
  /** STOR: a refusal (a reply line) instead of taking the file; its passive port is closed. */
  storReply?: (path: string) => string | undefined;
}

export class ScriptedFtp {
  /** Every command received, in order. */
  readonly received: string[] = [];
  /** The commands of each read of the socket: the ones a client sent in one write arrive together here. */
  readonly arrivals: string[][] = [];
  private server!: net.Server;
  private readonly onArrival = new Set<() => void>();
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly script: ScriptOptions) {}

  async start(): Promise<this> {
    this.server = net.createServer((s) => this.session(s));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The arrival (read) that held `command`. */
  arrivalOf(command: string): string[] | undefined {
    return this.arrivals.find((a) => a.includes(command));
  }

  private session(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('220 scripted\r\n');
    let buffered = '';
    const pending: string[] = [];
    let passive: net.Server | undefined;
    let dataSocket: Promise<net.Socket> | undefined;
    let busy = false;
    let epsvs = 0;
    const pump = async () => {
      if (busy) return;
      busy = true;
      try {
        while (pending.length > 0) {
          const command = pending[0];
          if (this.script.gate && !this.script.gate(command, this.received)) return;
          pending.shift();
          if (this.script.delayMs) await new Promise((resolve) => setTimeout(resolve, this.script.delayMs));
          const verb = command.split(' ')[0].toUpperCase();
          const refusal = verb === 'EPSV' ? this.script.epsv?.(++epsvs) : undefined;
          if (refusal) {
            socket.write(`${refusal}\r\n`);
            continue;
          }
          if (verb === 'EPSV' || verb === 'PASV') {
            passive?.close();
            const p = net.createServer();
            passive = p;
            await new Promise<void>((resolve) => p.listen(0, '127.0.0.1', resolve));
            dataSocket = new Promise((resolve) => p.once('connection', resolve));
            const port = (p.address() as net.AddressInfo).port;
            socket.write(
              verb === 'EPSV' ? `229 Entering Extended Passive Mode (|||${port}|)\r\n` : `227 Entering Passive Mode (127,0,0,1,${port >> 8},${port & 255}).\r\n`,
            );
            continue;
          }
          if (verb === 'STOR' && dataSocket && this.script.stored) {
            const refusal = this.script.storReply?.(command.slice(5));
            if (refusal) {
              dataSocket.then((d) => d.destroy(), () => undefined);
              dataSocket = undefined;
              passive?.close();
              socket.write(`${refusal}\r\n`);
              continue;
            }
            const needsData = this.script.storNeedsData?.(command.slice(5)) === true;
            if (!needsData) socket.write('150 Ok to send data.\r\n');
            const d = await dataSocket;
            dataSocket = undefined;
            passive?.close();
            const chunks: Buffer[] = [];
            let said = !needsData;
            const say150 = () => {
              if (!said) socket.write('150 Ok to send data.\r\n');
              said = true;
            };
            await new Promise<void>((resolve) => {
              d.on('data', (c: Buffer) => {
                say150();
                chunks.push(c);
              });
              d.on('end', () => {
                say150();
                resolve();
              });
              d.on('error', () => resolve());
            });
            d.end();
            this.script.stored(command.slice(5), Buffer.concat(chunks));
            const gate = this.script.finalGate;
            while (gate && !gate(command, this.received)) await new Promise<void>((resolve) => this.onArrival.add(resolve));
            socket.write('226 Transfer complete.\r\n');
            continue;
          }
          const data = this.script.data?.(command);
          if (data && dataSocket) {
            socket.write('150 Here comes the data.\r\n');
            const d = await dataSocket;
            dataSocket = undefined;
            passive?.close();
            await new Promise<void>((resolve) => d.end(data, resolve));
            const gate = this.script.finalGate;
            while (gate && !gate(command, this.received)) await new Promise<void>((resolve) => this.onArrival.add(resolve));
            socket.write('226 Transfer complete.\r\n');
            continue;
          }
          socket.write(`${this.script.reply(command) ?? '502 Not implemented.'}\r\n`);
        }
      } finally {
        busy = false;
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      if (lines.length === 0) return;
      this.arrivals.push(lines);
      this.received.push(...lines);
      pending.push(...lines);
      for (const w of this.onArrival) w();
      this.onArrival.clear();
      void pump();
    });
  }
}

/** A command line's verb and its argument (everything after the first space). */
export function commandParts(cmd: string): { verb: string; arg: string } {
  const verb = cmd.split(' ')[0];
  return { verb, arg: cmd.slice(verb.length + 1) };
}

/** vsftpd 3.0.3's replies (utf8_filesystem off), as the integration suite's server sends them. */
export function vsftpdReplies(home = '/home/ftpexplorer'): (command: string) => string | undefined {
  return (command) => {
    const verb = command.split(' ')[0].toUpperCase();
    switch (verb) {
      case 'USER':
        return '331 Please specify the password.';
      case 'PASS':
        return '230 Login successful.';
      case 'FEAT':
        return '211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End';
      case 'TYPE':
        return '200 Switching to Binary mode.';
      case 'PWD':
        return `257 "${home}" is the current directory`;
      case 'CWD':
        return '250 Directory successfully changed.';
      case 'NOOP':
        return '200 NOOP ok.';
      default:
        return undefined;
    }
  };
}

/** pyftpdlib 1.5.7's replies to the login's commands. */
export function pyftpdlibReplies(home = '/'): (command: string) => string | undefined {
  return (command) => {
    const verb = command.split(' ')[0].toUpperCase();
    switch (verb) {
      case 'USER':
        return '331 Username ok, send password.';
      case 'PASS':
        return '230 Login successful.';
      case 'FEAT':
        return (
          '211-Features supported:\r\n EPRT\r\n EPSV\r\n MDTM\r\n MFMT\r\n MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;\r\n' +
          ' REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End FEAT.'
        );
      case 'OPTS':
        return command.toUpperCase().startsWith('OPTS UTF8') ? '200 Command not implemented, superfluous' : '200 MLST OPTS type;perm;size;modify;unique;unix.mode;';
      case 'TYPE':
        return '200 Type set to: Binary.';
      case 'PWD':
        return `257 "${home}" is the current directory.`;
      case 'NOOP':
        return '200 I successfully done nothin\'.';
      default:
        return undefined;
    }
  };
}
