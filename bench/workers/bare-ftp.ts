/**
 * The bare-socket reference: the least a Node program can do to move one file over FTP. One control socket, replies
 * split on CRLF and matched by a regular expression, no timeouts, no error diagnosis, no logging, no fallback; per
 * file exactly EPSV, then RETR or STOR on a fresh data connection (RFC 2428 §3). Our client must keep up with it.
 *
 * With `rules`: the same loop doing, in the cheapest way, what the project's rules require of any client on the
 * wire (the developers' guide): every wait ends on a timeout (one reply timer per connection re-armed for each
 * reply; one timer per data connection covering its connect and then its idle time), the log can say from which
 * local port each data connection went (getsockname), and a download that ends short of the size its 150 reply
 * announced is an error, not a success. No logging, diagnosis, fallback or cancel: the least a client that may
 * ship can do.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { pipeline } from 'node:stream/promises';

const TIMEOUT_MS = 60000;

export class BareFtp {
  private buffer = '';
  private readonly replies: string[] = [];
  private wake: (() => void) | undefined;
  commands = 0;
  /** With rules: the reply timer (re-armed per read), and the last data connection's local end, for a log. */
  private readonly replyTimer: NodeJS.Timeout | undefined;
  local = '';
  private lost = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly rules: boolean,
  ) {
    if (rules) {
      this.replyTimer = setTimeout(() => socket.destroy(new Error('no reply in time')), TIMEOUT_MS);
      this.replyTimer.unref();
      // A wait that ends: a dropped connection (or the timer's destroy) wakes the reader, which then fails.
      socket.on('close', () => {
        this.lost = true;
        this.wake?.();
      });
    }
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        // The last line of a reply: three digits and a space (RFC 959 §4.2).
        if (/^\d{3} /.test(line)) {
          this.replies.push(line);
          this.wake?.();
        }
      }
    });
  }

  static async login(host: string, port: number, user: string, password: string, rules = false): Promise<BareFtp> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new BareFtp(socket, rules);
    await c.read(); // banner
    await c.send(`USER ${user}`);
    await c.expect(`PASS ${password}`, '230');
    await c.expect('TYPE I', '200');
    c.commands = 0;
    return c;
  }

  async read(): Promise<string> {
    const timer = this.replyTimer;
    if (timer && this.replies.length === 0) {
      timer.refresh();
      timer.ref();
    }
    while (this.replies.length === 0) {
      if (this.lost) throw new Error('control connection lost');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    timer?.unref();
    return this.replies.shift()!;
  }

  async send(command: string): Promise<string> {
    this.commands++;
    this.socket.write(`${command}\r\n`);
    return this.read();
  }

  async expect(command: string, code: string): Promise<string> {
    const r = await this.send(command);
    if (!r.startsWith(code)) throw new Error(`${command.split(' ')[0]}: ${r}`);
    return r;
  }

  private async epsv(): Promise<net.Socket> {
    const r = await this.expect('EPSV', '229');
    const port = Number(/\(\|\|\|(\d+)\|\)/.exec(r)?.[1]);
    const data = net.connect({ host: this.socket.remoteAddress, port });
    if (this.rules) {
      data.setTimeout(TIMEOUT_MS, () => data.destroy(new Error('data connection timed out')));
      data.once('connect', () => (this.local = `${data.localAddress}:${data.localPort}`));
    }
    return data;
  }

  /** EPSV, RETR (or NLST): the whole file in memory. */
  async retr(path: string, verb = 'RETR'): Promise<Buffer> {
    const data = await this.epsv();
    const chunks: Buffer[] = [];
    data.on('data', (c: Buffer) => chunks.push(c));
    const ended = closedOf(data);
    const first = await this.send(`${verb} ${path}`);
    if (!/^1\d\d/.test(first)) throw new Error(`${verb}: ${first}`);
    await ended;
    const final = await this.read();
    if (!final.startsWith('226')) throw new Error(`${verb}: ${final}`);
    const content = Buffer.concat(chunks);
    if (this.rules) {
      const announced = /\((\d+) bytes?\)/i.exec(first);
      if (announced && content.length < Number(announced[1])) throw new Error(`${verb}: ${content.length} of ${announced[1]} bytes`);
    }
    return content;
  }

  /** EPSV, NLST: the names in a folder (the folder case's bare pool needs them; RFC 959 §4.1.3). */
  async nlst(path: string): Promise<string[]> {
    const text = (await this.retr(path, 'NLST')).toString('latin1');
    return text.split(/\r?\n/).filter(Boolean).map((n) => n.slice(n.lastIndexOf('/') + 1));
  }

  /**
   * EPSV, STOR of a buffer, or of a local file streamed from disk: fs.createReadStream (`chunk` bytes per read) piped
   * into the data socket, the way a Node program sends a file (Node has no sendfile(2) for sockets).
   */
  async stor(path: string, content: Buffer | { file: string; chunk: number }): Promise<void> {
    const data = await this.epsv();
    const closed = closedOf(data);
    const first = await this.send(`STOR ${path}`);
    if (!/^1\d\d/.test(first)) throw new Error(`STOR: ${first}`);
    await this.sendFile(data, closed, content);
  }

  /**
   * Active mode (RFC 2428 §2 EPRT): listen on the control connection's local address, STOR, the server's connection
   * accepted, then the file piped into it as in stor(). IPv4 only, as the bench's servers are.
   */
  async storActive(path: string, content: { file: string; chunk: number }): Promise<void> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.socket.localAddress, resolve);
    });
    try {
      const port = (server.address() as net.AddressInfo).port;
      const accepted = new Promise<net.Socket>((resolve, reject) => {
        server.once('connection', resolve);
        server.once('error', reject);
      });
      await this.expect(`EPRT |1|${this.socket.localAddress}|${port}|`, '200');
      const first = await this.send(`STOR ${path}`);
      if (!/^1\d\d/.test(first)) throw new Error(`STOR: ${first}`);
      const data = await accepted;
      await this.sendFile(data, closedOf(data), content);
    } finally {
      server.close();
    }
  }

  /** The content into the data connection, then its close and the 226 (stor, storActive). */
  private async sendFile(data: net.Socket, closed: Promise<void>, content: Buffer | { file: string; chunk: number }): Promise<void> {
    if (Buffer.isBuffer(content)) data.end(content);
    else await pipeline(fs.createReadStream(content.file, { highWaterMark: content.chunk }), data);
    await closed;
    const final = await this.read();
    if (!final.startsWith('226')) throw new Error(`STOR: ${final}`);
  }

  async quit(): Promise<void> {
    this.socket.write('QUIT\r\n');
    this.socket.end();
  }
}

/** Settles when the data connection closes (rejects on its error); made before the command, so nothing is missed. */
function closedOf(data: net.Socket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    data.once('close', () => resolve());
    data.once('error', reject);
  });
}
