/**
 * A fault-injecting FTP proxy for tests: sits between the client and a real server on loopback, relays the
 * control connection line by line and every data connection byte by byte, and cuts, stalls, drops or rewrites
 * at the moment a test chooses.
 *
 *   const proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
 *   proxy.hooks = { command: (line) => (/^RNTO /.test(line) ? 'cut-after' : undefined) };
 *   // connect the client to proxy.host:proxy.port
 *   await proxy.close();
 *
 * Data connections: a 227/229 reply is rewritten to a listener of the proxy (which connects on to the server's
 * port), and a PORT/EPRT command to a listener of the proxy (which connects on to the client's port when the
 * server connects). Every connection the proxy makes goes to loopback: the upstream address is always the
 * control connection's peer, never the address inside a 227 reply.
 *
 * Hooks decide per command, per reply and per data connection; a session can also be cut or stalled at a
 * byte offset of its control stream. All sockets are tracked and `close()` ends them all.
 *
 * With `{ link: { rttMs, rateMbit } }` the client's side of every connection (control, passive and active data)
 * goes through a `Link` (link.ts): a delay per direction and an optional shared rate, for the benchmarks at a
 * real round trip. The proxy's own listeners stay where they are; the ports it announces are the link's.
 */
import * as net from 'node:net';
import { Link, type LinkOptions } from './link';

export type CutHow = 'reset' | 'end';

/** What to do with one command from the client. */
export type CommandAction =
  | undefined
  | 'forward'
  /** swallow it: the server never sees it, the client gets no reply */
  | 'drop'
  /** cut the control connection before the server sees the command */
  | 'cut'
  /** forward the command, then cut at once: the server may act on it, the client never hears */
  | 'cut-after'
  /** forward it, then relay nothing more from the server (a server that stops answering) */
  | 'stall'
  /** answer this reply line(s) to the client ourselves; the server never sees the command */
  | { reply: string };

/** What to do with one complete reply from the server. */
export type ReplyAction =
  | undefined
  | 'forward'
  /** cut the control connection instead of relaying the reply */
  | 'cut'
  /** relay the reply, then cut the control connection (the data connection is left to the server) */
  | 'cut-after'
  /** swallow the reply */
  | 'drop'
  /** hold this reply and everything after it */
  | 'stall'
  /** send this text instead (CRLF added) */
  | { replace: string }
  /** relay this reply, and everything after it, once the promise has settled (the commands still go through) */
  | { hold: Promise<unknown> };

/** Faults on one data connection; byte counts are of the payload relayed so far. */
export interface DataPlan {
  /** cut both sides after this many bytes */
  cutAfter?: number;
  how?: CutHow;
  /** stop relaying after this many bytes, keep both sockets open */
  stallAfter?: number;
  /**
   * Upload: relay only this many bytes to the server, then end the server side cleanly (the server sees a
   * complete, short file and says 226), and swallow the rest of what the client sends.
   */
  truncateAt?: number;
  /** Download: when the server has finished, never close the client's side (a data connection that never closes). */
  holdOpen?: boolean;
  /** Told when the first bytes from the client arrive (an upload's data), before they are relayed. */
  clientBytes?: () => void;
}

/** Faults on a session's control stream at byte offsets. */
export interface ControlPlan {
  /** cut after relaying this many bytes from the server (counted from the banner on) */
  cutAfterServerBytes?: number;
  /** cut after relaying this many bytes from the client */
  cutAfterClientBytes?: number;
  /** stop relaying from the server after this many bytes */
  stallAfterServerBytes?: number;
  how?: CutHow;
}

export interface ProxyHooks {
  session?(s: ProxySession): ControlPlan | void;
  command?(line: string, s: ProxySession): CommandAction;
  reply?(reply: ProxyReply, s: ProxySession): ReplyAction;
  /** Called when a transfer command (RETR, STOR, APPE, STOU, LIST, NLST, MLSD) passes, before the server sees it. */
  data?(transfer: { command: string; verb: string }, s: ProxySession): DataPlan | void;
}

export interface ProxyReply {
  code: number;
  /** the lines joined with '\n' */
  text: string;
  lines: string[];
  /** the command this reply answers, when known (the last one forwarded) */
  command?: string;
}

const TRANSFER_VERBS = new Set(['RETR', 'STOR', 'APPE', 'STOU', 'LIST', 'NLST', 'MLSD']);

interface DataPair {
  server?: net.Server;
  /** the link's listener in front of `server` */
  front?: net.Server;
  plan?: DataPlan;
  command?: string;
  bytes: number;
  done: boolean;
  sockets: net.Socket[];
}

export class ProxySession {
  readonly commands: string[] = [];
  readonly replies: ProxyReply[] = [];
  closed = false;
  plan: ControlPlan = {};
  private serverBytes = 0;
  private clientBytes = 0;
  private stalledFromServer = false;
  private pendingPair: DataPair | undefined;
  /** A transfer command that came before the reply of the EPSV/PASV sent with it (pipelined): the next passive pair's. */
  private commandForNextPair: { command: string; verb: string } | undefined;
  /** An EPSV/PASV came in the read being relayed: a transfer command after it in that read was sent with it. */
  private passiveAskInRead = false;
  private readonly pairs = new Set<DataPair>();
  /**
   * The commands whose final replies are still to come, in order (a client may send several before reading:
   * pipelining, RFC 959 §4.2): a reply answers the first; one the proxy answers itself (`{ reply }`) waits here
   * for the server's replies to the commands before it, so the client reads the replies in the order it sent.
   */
  private toServerPending: Buffer[] = [];
  private readonly outstanding: Array<{ command: string; injected?: string }> = [];
  private c2s: Promise<void> = Promise.resolve();
  private s2c: Promise<void> = Promise.resolve();
  private clientText = '';
  private serverText = '';
  private readonly commandWaiters = new Set<(line: string) => void>();
  private replyLines: string[] = [];
  private replyCode = -1;

  constructor(
    readonly id: number,
    readonly client: net.Socket,
    readonly upstream: net.Socket,
    private readonly proxy: FaultProxy,
  ) {}

  /** @internal */
  start(): void {
    const p = this.proxy;
    this.plan = p.hooks.session?.(this) ?? {};
    this.client.on('data', (chunk: Buffer) => {
      this.clientText += chunk.toString('latin1');
      let nl: number;
      while ((nl = this.clientText.indexOf('\n')) >= 0) {
        const line = this.clientText.slice(0, nl).replace(/\r$/, '');
        this.clientText = this.clientText.slice(nl + 1);
        this.c2s = this.c2s.then(() => this.onCommand(line)).catch(() => this.cut('reset'));
      }
      // The commands of one read go on in one write, as the client sent them (a pipelining client's batch stays
      // a batch: ftp-srv takes each read as its own series of commands).
      this.c2s = this.c2s.then(() => {
        this.passiveAskInRead = false;
        this.flushToServer();
      });
    });
    this.upstream.on('data', (chunk: Buffer) => {
      this.serverText += chunk.toString('latin1');
      let nl: number;
      while ((nl = this.serverText.indexOf('\n')) >= 0) {
        const line = this.serverText.slice(0, nl).replace(/\r$/, '');
        this.serverText = this.serverText.slice(nl + 1);
        this.onServerLine(line);
      }
    });
    const end = () => this.end();
    for (const s of [this.client, this.upstream]) {
      s.on('error', () => undefined);
      s.on('close', end);
    }
  }

  /**
   * Cut the control connection now: the client's side is reset (or closed); the server's side is closed after
   * what was already relayed, so the server finishes or drops the commands it has, as it would after a cut, and
   * `FaultProxy.settled()` can wait for that. Data connections are cut too with `data`.
   */
  cut(how: CutHow = 'reset', data = false): void {
    if (this.closed) return;
    kill(this.client, how);
    if (data) for (const pair of this.pairs) this.cutPair(pair, how);
    this.end();
  }

  /** Relay nothing more from the server on the control connection. */
  stall(): void {
    this.stalledFromServer = true;
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    // A side closed with FIN (kill 'end') is destroyed once what was relayed to it has gone: destroying it now
    // could drop a reply still in Node's write queue, which a FIN must deliver.
    if (!this.client.destroyed && !this.client.writableEnded) this.client.destroy();
    if (!this.upstream.destroyed) {
      this.upstream.end();
      const t = setTimeout(() => this.upstream.destroy(), 10000);
      this.upstream.once('close', () => clearTimeout(t));
    }
    for (const pair of this.pairs) {
      pair.server?.close();
      // A data connection held open or stalled by a plan has no end of its own.
      if (pair.done || pair.plan?.holdOpen) for (const s of pair.sockets) s.destroy();
    }
    this.proxy.sessionEnded(this);
  }

  // ------------------------------------------------------------ control, client -> server

  private async onCommand(line: string): Promise<void> {
    if (this.closed) return;
    this.commands.push(line);
    for (const w of this.commandWaiters) w(line);
    const verb = line.split(' ')[0].toUpperCase();
    const action = this.proxy.hooks.command?.(line, this);
    if (action === 'cut') return this.cut(this.plan.how ?? 'reset');
    if (action === 'drop') return;
    if (action && typeof action === 'object') {
      const text = `${action.reply.replace(/\r?\n/g, '\r\n')}\r\n`;
      if (this.outstanding.length === 0) this.toClient(text);
      else this.outstanding.push({ command: line, injected: text });
      return;
    }
    let out = line;
    if (verb === 'PORT' || verb === 'EPRT') out = await this.activePair(verb, line);
    if (verb === 'EPSV' || verb === 'PASV') this.passiveAskInRead = true;
    if (TRANSFER_VERBS.has(verb)) {
      if (this.passiveAskInRead) {
        // Sent in one write with its EPSV/PASV, whose reply (and so its data connection's pair) is still to come.
        this.commandForNextPair = { command: line, verb };
      } else {
        const pair = this.pendingPair;
        this.pendingPair = undefined;
        if (pair) this.claim(pair, line, verb);
      }
    }
    if (this.closed) return;
    this.outstanding.push({ command: line });
    this.toServer(`${out}\r\n`);
    if (action === 'cut-after') {
      // Let the bytes leave before the reset (a reset discards unsent data).
      this.flushToServer();
      this.upstream.write('', () => setImmediate(() => this.cut(this.plan.how ?? 'reset')));
      return;
    }
    if (action === 'stall') this.stall();
  }

  private toServer(text: string): void {
    if (this.closed) return;
    const buf = Buffer.from(text, 'latin1');
    const limit = this.plan.cutAfterClientBytes;
    if (limit !== undefined && this.clientBytes + buf.length >= limit) {
      const part = buf.subarray(0, Math.max(0, limit - this.clientBytes));
      this.clientBytes = limit;
      this.flushToServer();
      this.upstream.write(part, () => this.cut(this.plan.how ?? 'reset'));
      return;
    }
    this.clientBytes += buf.length;
    this.toServerPending.push(buf);
  }

  /** What toServer() collected from one read of the client, in one write. */
  private flushToServer(): void {
    if (this.toServerPending.length === 0) return;
    const out = this.toServerPending.length === 1 ? this.toServerPending[0] : Buffer.concat(this.toServerPending);
    this.toServerPending = [];
    if (!this.closed) this.upstream.write(out);
  }

  // ------------------------------------------------------------ control, server -> client

  private onServerLine(line: string): void {
    const code = /^\d{3}/.test(line) ? Number(line.slice(0, 3)) : -1;
    if (this.replyCode < 0) {
      if (code < 0) {
        // Not a reply: pass it through as it is (the client will judge it).
        this.s2c = this.s2c.then(() => this.toClient(`${line}\r\n`));
        return;
      }
      if (line[3] === '-') {
        this.replyCode = code;
        this.replyLines = [line];
        return;
      }
      this.queueReply({ code, text: line, lines: [line] });
      return;
    }
    this.replyLines.push(line);
    if (code === this.replyCode && line[3] !== '-') {
      const lines = this.replyLines;
      this.replyLines = [];
      this.replyCode = -1;
      this.queueReply({ code, text: lines.join('\n'), lines });
    }
  }

  private queueReply(reply: ProxyReply): void {
    const first = this.outstanding[0];
    reply.command = first?.command;
    // A final reply (not 1xx) ends its command's turn; replies the proxy made for the commands after it follow.
    if (first && reply.code >= 200) this.outstanding.shift();
    const then: string[] = [];
    while (this.outstanding[0]?.injected !== undefined) then.push(this.outstanding.shift()!.injected!);
    this.s2c = this.s2c
      .then(async () => {
        await this.onReply(reply);
        for (const text of then) this.toClient(text);
      })
      .catch(() => this.cut('reset'));
  }

  /** Whether a command that `matches` arrives from the client within `ms`, or came already at or after `commands[since]`. */
  commandArrives(matches: (line: string) => boolean, ms: number, since = this.commands.length): Promise<boolean> {
    if (this.commands.slice(since).some(matches)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (arrived: boolean) => {
        clearTimeout(timer);
        this.commandWaiters.delete(waiter);
        resolve(arrived);
      };
      const waiter = (line: string) => {
        if (matches(line)) done(true);
      };
      const timer = setTimeout(() => done(false), ms);
      this.commandWaiters.add(waiter);
    });
  }

  private async onReply(reply: ProxyReply): Promise<void> {
    if (this.closed) return;
    let text = reply.lines.join('\r\n');
    if (reply.code === 227 || reply.code === 229) {
      const port = reply.code === 227 ? pasvPort(reply.text) : epsvPort(reply.text);
      if (port !== undefined) {
        const local = await this.passivePair(port);
        text =
          reply.code === 227
            ? `227 Entering Passive Mode (127,0,0,1,${local >> 8},${local & 255}).`
            : `229 Entering Extended Passive Mode (|||${local}|)`;
        reply = { ...reply, text, lines: [text] };
      }
    }
    this.replies.push(reply);
    const action = this.proxy.hooks.reply?.(reply, this);
    if (action === 'cut') return this.cut(this.plan.how ?? 'reset');
    if (action === 'drop') return;
    if (action === 'stall') this.stall();
    if (action && typeof action === 'object' && 'hold' in action) {
      await action.hold;
      if (this.closed) return;
    } else if (action && typeof action === 'object') {
      text = action.replace.replace(/\r?\n/g, '\r\n');
    }
    this.toClient(`${text}\r\n`);
    if (action === 'cut-after') this.cut(this.plan.how ?? 'reset');
  }

  private toClient(text: string): void {
    if (this.closed || this.stalledFromServer) return;
    const buf = Buffer.from(text, 'latin1');
    const stallAt = this.plan.stallAfterServerBytes;
    const cutAt = this.plan.cutAfterServerBytes;
    const limit = Math.min(stallAt ?? Infinity, cutAt ?? Infinity);
    if (this.serverBytes + buf.length >= limit) {
      const part = buf.subarray(0, Math.max(0, limit - this.serverBytes));
      this.serverBytes = limit;
      if (stallAt !== undefined && stallAt <= (cutAt ?? Infinity)) {
        this.client.write(part);
        this.stall();
      } else {
        this.client.write(part, () => setImmediate(() => this.cut(this.plan.how ?? 'reset')));
      }
      return;
    }
    this.serverBytes += buf.length;
    this.client.write(buf);
  }

  // ------------------------------------------------------------ data connections

  private newPair(): DataPair {
    if (this.pendingPair) this.closePair(this.pendingPair);
    const pair: DataPair = { bytes: 0, done: false, sockets: [] };
    this.pairs.add(pair);
    this.pendingPair = pair;
    return pair;
  }

  /** `pair` carries the transfer `command`: the data hook's plan for it. */
  private claim(pair: DataPair, command: string, verb: string): void {
    pair.command = command;
    pair.plan = this.proxy.hooks.data?.({ command, verb }, this) ?? undefined;
  }

  /** The server offered `port`: listen for the client, connect on to the server's port. */
  private async passivePair(port: number): Promise<number> {
    const pair = this.newPair();
    const early = this.commandForNextPair;
    if (early) {
      this.commandForNextPair = undefined;
      this.pendingPair = undefined;
      this.claim(pair, early.command, early.verb);
    }
    const upstreamHost = this.upstream.remoteAddress ?? '127.0.0.1';
    const server = await this.proxy.listen(pair, (fromClient) => {
      pair.front?.close();
      const toServer = this.proxy.connect(upstreamHost, port);
      this.relay(pair, fromClient, toServer);
    });
    const local = (server.address() as net.AddressInfo).port;
    const link = this.proxy.link;
    if (!link) return local;
    pair.front = await link.front({ host: '127.0.0.1', port: local }, { once: true });
    return (pair.front.address() as net.AddressInfo).port;
  }

  /** The client asked the server to connect to it: listen for the server, connect on to the client. */
  private async activePair(verb: string, line: string): Promise<string> {
    const target = verb === 'PORT' ? portTarget(line) : eprtTarget(line);
    if (!target) return line;
    const pair = this.newPair();
    const clientHost = this.client.remoteAddress ?? '127.0.0.1';
    const server = await this.proxy.listen(pair, (fromServer) => {
      const link = this.proxy.link;
      if (!link) return this.relay(pair, this.proxy.connect(clientHost, target.port), fromServer);
      // Through the link, dialled by the server's side: the handshake's delays run from the server to the client.
      void link.connect({ host: clientHost, port: target.port }, 'server').then(
        (toClient) => this.relay(pair, this.proxy.adopt(toClient), fromServer),
        () => fromServer.destroy(),
      );
    });
    const local = (server.address() as net.AddressInfo).port;
    return verb === 'PORT' ? `PORT 127,0,0,1,${local >> 8},${local & 255}` : `EPRT |1|127.0.0.1|${local}|`;
  }

  /** Relay one data connection: `c` is the client's side, `s` the server's side. */
  private relay(pair: DataPair, c: net.Socket, s: net.Socket): void {
    pair.sockets.push(c, s);
    c.pause();
    s.pause();
    let ready = 0;
    const go = () => {
      if (++ready < 2) return;
      c.resume();
      s.resume();
    };
    for (const sock of [c, s]) {
      if (sock.connecting) sock.once('connect', go);
      else go();
    }
    let truncated = false;
    const pipe = (from: net.Socket, to: net.Socket, toClient: boolean) => {
      from.on('data', (chunk: Buffer) => {
        if (pair.done) return;
        if (truncated) return; // swallow the rest of an upload we cut short
        const plan = pair.plan ?? {};
        if (!toClient && plan.clientBytes) {
          plan.clientBytes();
          plan.clientBytes = undefined;
        }
        const before = pair.bytes;
        pair.bytes += chunk.length;
        this.proxy.dataBytes += chunk.length;
        const cutAt = plan.cutAfter;
        if (cutAt !== undefined && pair.bytes >= cutAt) {
          to.write(chunk.subarray(0, Math.max(0, cutAt - before)), () => setImmediate(() => this.cutPair(pair, plan.how ?? 'reset')));
          pair.done = true;
          return;
        }
        const stallAt = plan.stallAfter;
        if (stallAt !== undefined && pair.bytes >= stallAt) {
          to.write(chunk.subarray(0, Math.max(0, stallAt - before)));
          pair.done = true;
          from.pause();
          return;
        }
        const truncAt = plan.truncateAt;
        if (!toClient && truncAt !== undefined && pair.bytes >= truncAt) {
          truncated = true;
          to.end(chunk.subarray(0, Math.max(0, truncAt - before)));
          return;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => {
        if (pair.done) return;
        if (toClient && pair.plan?.holdOpen) return;
        if (!to.destroyed) to.end();
      });
      from.on('close', (hadError: boolean) => {
        if (pair.done || truncated) {
          if (truncated && from === c) s.destroy();
          return;
        }
        if (to.destroyed || (toClient && pair.plan?.holdOpen)) return;
        // A reset on one side is a reset on the other; a clean close is passed on as one.
        if (hadError) kill(to, 'reset');
        else if (!to.writableEnded) to.end(() => to.destroy());
      });
    };
    pipe(s, c, true);
    pipe(c, s, false);
  }

  private cutPair(pair: DataPair, how: CutHow): void {
    pair.done = true;
    for (const s of pair.sockets) kill(s, how);
    pair.server?.close();
  }

  private closePair(pair: DataPair): void {
    pair.server?.close();
  }
}

function kill(s: net.Socket, how: CutHow): void {
  if (s.destroyed) return;
  if (how === 'reset' && typeof s.resetAndDestroy === 'function' && !s.connecting) s.resetAndDestroy();
  else if (how === 'end') s.end(() => s.destroy());
  else s.destroy();
}

function pasvPort(text: string): number | undefined {
  const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(text);
  return m ? Number(m[5]) * 256 + Number(m[6]) : undefined;
}

function epsvPort(text: string): number | undefined {
  const m = /\(\|\|\|(\d+)\|\)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function portTarget(line: string): { port: number } | undefined {
  const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(line);
  return m ? { port: Number(m[5]) * 256 + Number(m[6]) } : undefined;
}

function eprtTarget(line: string): { port: number } | undefined {
  const m = /\|\d\|[^|]*\|(\d+)\|/.exec(line);
  return m ? { port: Number(m[1]) } : undefined;
}

export class FaultProxy {
  hooks: ProxyHooks = {};
  readonly sessions: ProxySession[] = [];
  /** Bytes that came in on data connections, both ways, every session (a test may set it back to 0). */
  dataBytes = 0;
  private readonly live = new Set<ProxySession>();
  private readonly sockets = new Set<net.Socket>();
  private readonly servers = new Set<net.Server>();
  private nextId = 1;
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  /** The emulated network between the client and the proxy, when started with one. */
  link: Link | undefined;
  private front: net.Server | undefined;

  private constructor(
    private readonly server: net.Server,
    readonly upstreamHost: string,
    readonly upstreamPort: number,
  ) {}

  static async start(upstream: { host: string; port: number }, options: { link?: LinkOptions } = {}): Promise<FaultProxy> {
    if (upstream.host !== '127.0.0.1' && upstream.host !== '::1' && upstream.host !== 'localhost') {
      throw new Error(`The fault proxy only relays to loopback, not ${upstream.host}`);
    }
    const server = net.createServer();
    const proxy = new FaultProxy(server, upstream.host, upstream.port);
    server.on('connection', (c) => proxy.accept(c));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    if (options.link) {
      proxy.link = new Link(options.link);
      proxy.front = await proxy.link.front({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
    }
    return proxy;
  }

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    return ((this.front ?? this.server).address() as net.AddressInfo).port;
  }

  /** Sessions whose control connection is still open. */
  get liveSessions(): number {
    return this.live.size;
  }

  /** Sockets of the proxy still open (control and data, both sides). */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** The newest session. */
  get last(): ProxySession | undefined {
    return this.sessions[this.sessions.length - 1];
  }

  /** Cut every live session. */
  cutAll(how: CutHow = 'reset'): void {
    for (const s of [...this.live]) s.cut(how, true);
  }

  /**
   * Resolve when every session that ended has been closed by the server too: a command that reached the server
   * before a cut has then been carried out, or dropped, for good (bounded by `ms`).
   */
  async settled(ms = 5000): Promise<boolean> {
    const pending = this.sessions.filter((s) => s.closed && !s.upstream.destroyed);
    if (pending.length === 0) return true;
    const all = Promise.all(pending.map((s) => new Promise<void>((resolve) => (s.upstream.destroyed ? resolve() : s.upstream.once('close', () => resolve())))));
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([all.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
    clearTimeout(timer);
    return r;
  }

  /** Resolve when no socket of the proxy is open (bounded by `ms`). */
  async idle(ms = 5000): Promise<boolean> {
    if (this.sockets.size === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const s of [...this.sockets]) s.destroy();
    for (const srv of [...this.servers]) srv.close();
    await this.link?.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.closing) return void client.destroy();
    this.track(client);
    client.pause();
    const upstream = this.connect(this.upstreamHost, this.upstreamPort, false);
    const session = new ProxySession(this.nextId++, client, upstream, this);
    this.sessions.push(session);
    this.live.add(session);
    upstream.once('connect', () => client.resume());
    session.start();
  }

  /** @internal */
  sessionEnded(s: ProxySession): void {
    this.live.delete(s);
  }

  /** @internal A one-connection listener for a data connection. */
  listen(pair: { server?: net.Server; front?: net.Server }, onConnection: (s: net.Socket) => void): Promise<net.Server> {
    const server = net.createServer({ allowHalfOpen: true });
    this.servers.add(server);
    pair.server = server;
    server.on('close', () => {
      this.servers.delete(server);
      pair.front?.close();
    });
    server.on('connection', (s) => {
      this.track(s);
      server.close();
      onConnection(s);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  }

  /** @internal */
  connect(host: string, port: number, allowHalfOpen = true): net.Socket {
    const s = net.connect({ host, port, allowHalfOpen });
    this.track(s);
    return s;
  }

  /** @internal A socket made elsewhere (the link's), tracked like the proxy's own. */
  adopt(s: net.Socket): net.Socket {
    this.track(s);
    return s;
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    // Each write goes out at once, as a router forwards each segment: with Nagle's algorithm (RFC 896) a relay
    // would hold the second of two replies sent back to back (213 then 229) for the ACK of the first, which the
    // loopback peer delays (up to 40 ms on Linux).
    s.setNoDelay(true);
    s.on('error', () => undefined);
    s.on('close', () => {
      this.sockets.delete(s);
      if (this.sockets.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }
}
