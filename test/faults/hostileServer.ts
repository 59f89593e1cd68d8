/**
 * A scriptable FTP server for tests: a small, correct server with an in-memory file system (passive mode
 * only), whose banner and any command can be replaced by a script that misbehaves: endless lines, invalid
 * codes, garbage, bad PASV tuples, hostile listings, data connections that never close, lies about sizes.
 *
 *   const srv = await HostileServer.start({
 *     files: { '/a.txt': 'hello' },
 *     handlers: { SIZE: (arg, ctx) => ctx.reply('213 3') },   // lie about sizes
 *   });
 *   // connect to srv.host:srv.port as 'user' / srv.password
 *   await srv.close();
 *
 * Listens on 127.0.0.1 only. Every socket it opens is tracked; `openSockets` tells tests whether the client
 * left connections behind, `close()` ends them all.
 */
import * as net from 'node:net';
import { posix } from 'node:path';

export interface HostileContext {
  readonly server: HostileServer;
  readonly socket: net.Socket;
  /** 1, 2, ... per control connection */
  readonly session: number;
  /** Per-session scratch space for scripts. */
  readonly state: Record<string, unknown>;
  /** Send one reply (CRLF added). */
  reply(text: string): void;
  /** Send raw bytes on the control connection. */
  raw(data: Buffer | string): boolean;
  /** The passive data connection the client opened after EPSV/PASV (rejects when there was none). */
  data(): Promise<net.Socket>;
  /** Open a passive listener and return its port (what EPSV/PASV do). */
  listen(): Promise<number>;
  /** Absolute path of an argument, against the session's current folder. */
  path(arg: string): string;
  /** Run the default handling of a command (to wrap it). */
  fallback(verb: string, arg: string): Promise<void>;
  /** Close the control connection cleanly / at once. */
  close(): void;
  destroy(): void;
}

export type Handler = (arg: string, ctx: HostileContext) => void | Promise<void>;

export interface HostileOptions {
  /** The greeting: a string (CRLF added), or a script. Default "220 hostile test server". */
  banner?: string | ((ctx: HostileContext) => void | Promise<void>);
  /** Replace the handling of commands (keys upper-case verbs, e.g. 'PASV', 'RETR', 'SITE'); may change while running. */
  handlers?: Record<string, Handler>;
  /** FEAT lines. Default: SIZE, MDTM, UTF8, EPSV (no MLST: listings are Unix LIST). */
  features?: string[];
  files?: Record<string, string | Buffer>;
  dirs?: string[];
  user?: string;
  password?: string;
  /** RNTO onto an existing file is refused (553), as on some servers (Windows, some configs). Default false. */
  refuseRenameOverExisting?: boolean;
}

interface FileNode {
  data: Buffer;
  mode: number;
  mtime: Date;
}

export class HostileServer {
  readonly files = new Map<string, FileNode>();
  readonly dirs = new Set<string>(['/']);
  /** Every command received, as "<session> <line>" (PASS masked). */
  readonly commands: string[] = [];
  sessions = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly listeners = new Set<net.Server>();
  private constructor(
    private readonly server: net.Server,
    readonly opts: HostileOptions,
  ) {
    for (const [p, d] of Object.entries(opts.files ?? {})) this.put(p, Buffer.from(d));
    for (const d of opts.dirs ?? []) this.mkdirs(d);
  }

  static async start(opts: HostileOptions = {}): Promise<HostileServer> {
    const server = net.createServer();
    const h = new HostileServer(server, opts);
    server.on('connection', (s) => h.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return h;
  }

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The scripted handlers (change them between operations). */
  get handlers(): Record<string, Handler> {
    return (this.opts.handlers ??= {});
  }

  get user(): string {
    return this.opts.user ?? 'user';
  }

  get password(): string {
    return this.opts.password ?? 'Correct-Horse-7';
  }

  /** Sockets (control and data) still open on the server's side. */
  get openSockets(): number {
    return this.sockets.size;
  }

  put(path: string, data: Buffer, mode = 0o644): void {
    this.mkdirs(posix.dirname(path));
    this.files.set(path, { data, mode, mtime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) });
  }

  content(path: string): string | undefined {
    return this.files.get(path)?.data.toString();
  }

  mkdirs(dir: string): void {
    for (let d = dir; d !== '/' && !this.dirs.has(d); d = posix.dirname(d)) this.dirs.add(d);
  }

  /** Resolves when no socket is open, or false after `ms`. */
  async quiet(ms = 3000): Promise<boolean> {
    const until = Date.now() + ms;
    while (this.sockets.size > 0) {
      if (Date.now() > until) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 20);
        for (const s of this.sockets) s.once('close', () => (clearTimeout(t), resolve()));
      });
    }
    return true;
  }

  async close(): Promise<void> {
    for (const s of [...this.sockets]) s.destroy();
    for (const l of [...this.listeners]) l.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => this.sockets.delete(s));
  }

  private accept(socket: net.Socket): void {
    this.track(socket);
    const session = ++this.sessions;
    let cwd = '/';
    let pending: net.Server | undefined;
    let dataP: Promise<net.Socket> | undefined;
    let renameFrom: string | undefined;
    let rest = 0;
    const state: Record<string, unknown> = {};
    const ctx: HostileContext = {
      server: this,
      socket,
      session,
      state,
      reply: (text) => {
        if (!socket.destroyed) socket.write(`${text.replace(/\r?\n/g, '\r\n')}\r\n`, 'latin1');
      },
      raw: (data) => !socket.destroyed && socket.write(data),
      listen: async () => {
        pending?.close();
        const l = net.createServer({ allowHalfOpen: false });
        this.listeners.add(l);
        l.on('close', () => this.listeners.delete(l));
        pending = l;
        dataP = new Promise<net.Socket>((resolve) => {
          l.once('connection', (s) => {
            this.track(s);
            l.close();
            resolve(s);
          });
        });
        dataP.catch(() => undefined);
        await new Promise<void>((resolve) => l.listen(0, '127.0.0.1', () => resolve()));
        return (l.address() as net.AddressInfo).port;
      },
      data: async () => {
        const p = dataP;
        dataP = undefined;
        if (!p) throw new Error('no data connection');
        return withTimeout(p, 5000);
      },
      path: (arg) => (arg.startsWith('/') ? posix.normalize(arg) : posix.join(cwd, arg || '.')),
      fallback: (verb, arg) => builtin(verb, arg),
      close: () => socket.end(),
      destroy: () => socket.destroy(),
    };

    const sendData = async (payload: Buffer) => {
      let d: net.Socket;
      try {
        d = await ctx.data();
      } catch {
        return ctx.reply('425 Use PASV first.');
      }
      ctx.reply('150 Here comes the data.');
      await new Promise<void>((resolve) => d.end(payload, () => resolve()));
      ctx.reply('226 Transfer complete.');
    };

    const builtin = async (verb: string, arg: string): Promise<void> => {
      const p = ctx.path(arg);
      switch (verb) {
        case 'USER':
          return ctx.reply('331 Password please.');
        case 'PASS':
          return arg === this.password ? ctx.reply('230 Logged in.') : ctx.reply('530 Login incorrect.');
        case 'FEAT': {
          const f = this.opts.features ?? ['SIZE', 'MDTM', 'UTF8', 'EPSV'];
          return ctx.reply(['211-Features:', ...f.map((x) => ` ${x}`), '211 End'].join('\n'));
        }
        case 'OPTS':
        case 'TYPE':
        case 'NOOP':
        case 'MODE':
        case 'STRU':
          return ctx.reply('200 OK.');
        case 'SYST':
          return ctx.reply('215 UNIX Type: L8');
        case 'PWD':
          return ctx.reply(`257 "${cwd}" is the current directory`);
        case 'CWD':
          if (!this.dirs.has(p)) return ctx.reply('550 No such directory.');
          cwd = p;
          return ctx.reply('250 OK.');
        case 'CDUP':
          cwd = posix.dirname(cwd);
          return ctx.reply('250 OK.');
        case 'QUIT':
          ctx.reply('221 Bye.');
          return ctx.close();
        case 'EPSV':
          return ctx.reply(`229 Entering Extended Passive Mode (|||${await ctx.listen()}|)`);
        case 'PASV': {
          const port = await ctx.listen();
          return ctx.reply(`227 Entering Passive Mode (127,0,0,1,${port >> 8},${port & 255}).`);
        }
        case 'PORT':
        case 'EPRT':
          return ctx.reply('502 Active mode not offered.');
        case 'LIST':
        case 'NLST': {
          const dir = arg && !arg.startsWith('-') ? p : cwd;
          if (!this.dirs.has(dir)) return ctx.reply('550 No such directory.');
          const lines = this.children(dir).map(([name, node]) =>
            node ? `-rw-r--r--    1 1000     1000     ${String(node.data.length).padStart(8)} Jan 02  2024 ${name}` : `drwxr-xr-x    2 1000     1000         4096 Jan 02  2024 ${name}`,
          );
          return sendData(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8'));
        }
        case 'MLSD': {
          if (!this.dirs.has(p)) return ctx.reply('550 No such directory.');
          const lines = this.children(p).map(([name, node]) =>
            node
              ? `type=file;size=${node.data.length};modify=20240102030405;UNIX.mode=0${node.mode.toString(8)}; ${name}`
              : `type=dir;modify=20240102030405;UNIX.mode=0755; ${name}`,
          );
          return sendData(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8'));
        }
        case 'MLST': {
          const f = this.files.get(p);
          if (f) return ctx.reply(`250-Listing\n type=file;size=${f.data.length};modify=20240102030405;UNIX.mode=0${f.mode.toString(8)}; ${p}\n250 End`);
          if (this.dirs.has(p)) return ctx.reply(`250-Listing\n type=dir;UNIX.mode=0755; ${p}\n250 End`);
          return ctx.reply('550 No such file.');
        }
        case 'RETR': {
          const f = this.files.get(p);
          if (!f) return ctx.reply('550 No such file.');
          const from = rest;
          rest = 0;
          return sendData(f.data.subarray(from));
        }
        case 'REST':
          rest = Number(arg);
          return ctx.reply(`350 Restarting at ${rest}.`);
        case 'STOR':
        case 'APPE': {
          if (!this.dirs.has(posix.dirname(p))) return ctx.reply('553 No such directory.');
          if (this.dirs.has(p)) return ctx.reply('553 Is a directory.');
          let d: net.Socket;
          try {
            d = await ctx.data();
          } catch {
            return ctx.reply('425 Use PASV first.');
          }
          const base = verb === 'APPE' ? this.files.get(p)?.data ?? Buffer.alloc(0) : Buffer.alloc(0);
          const mode = this.files.get(p)?.mode ?? 0o644;
          this.put(p, base, mode);
          ctx.reply('150 Ok to send data.');
          const chunks: Buffer[] = [base];
          const ok = await new Promise<boolean>((resolve) => {
            d.on('data', (c: Buffer) => {
              chunks.push(c);
              this.put(p, Buffer.concat(chunks), mode);
            });
            d.on('end', () => resolve(true));
            d.on('error', () => resolve(false));
            d.on('close', () => resolve(false));
          });
          this.put(p, Buffer.concat(chunks), mode);
          return ctx.reply(ok ? '226 Transfer complete.' : '426 Failure reading network stream.');
        }
        case 'SIZE': {
          const f = this.files.get(p);
          return f ? ctx.reply(`213 ${f.data.length}`) : ctx.reply('550 Could not get file size.');
        }
        case 'MDTM':
          return this.files.has(p) ? ctx.reply('213 20240102030405') : ctx.reply('550 No such file.');
        case 'DELE':
          if (!this.files.delete(p)) return ctx.reply('550 Delete operation failed.');
          return ctx.reply('250 Delete operation successful.');
        case 'MKD':
          if (this.dirs.has(p) || this.files.has(p)) return ctx.reply('550 Create directory operation failed.');
          this.dirs.add(p);
          return ctx.reply(`257 "${p}" created`);
        case 'RMD':
          if (!this.dirs.has(p) || this.children(p).length) return ctx.reply('550 Remove directory operation failed.');
          this.dirs.delete(p);
          return ctx.reply('250 Remove directory operation successful.');
        case 'RNFR':
          if (!this.files.has(p) && !this.dirs.has(p)) return ctx.reply('550 RNFR command failed.');
          renameFrom = p;
          return ctx.reply('350 Ready for RNTO.');
        case 'RNTO': {
          const from = renameFrom;
          renameFrom = undefined;
          if (!from) return ctx.reply('503 RNFR required first.');
          if (this.opts.refuseRenameOverExisting && this.files.has(p)) return ctx.reply('553 Rename failed: the file exists.');
          const f = this.files.get(from);
          if (f) {
            this.files.delete(from);
            this.files.set(p, f);
          } else {
            this.dirs.delete(from);
            this.dirs.add(p);
          }
          return ctx.reply('250 Rename successful.');
        }
        case 'SITE': {
          const m = /^CHMOD\s+([0-7]+)\s+(.*)$/i.exec(arg);
          if (!m) return ctx.reply('500 Unknown SITE command.');
          const f = this.files.get(ctx.path(m[2]));
          if (!f) return ctx.reply('550 SITE CHMOD command failed.');
          f.mode = parseInt(m[1], 8);
          return ctx.reply('200 SITE CHMOD command ok.');
        }
        case 'ABOR':
          return ctx.reply('226 ABOR successful.');
        default:
          return ctx.reply(`500 Unknown command.`);
      }
    };

    let chain: Promise<void> = Promise.resolve();
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.length > 65536) return socket.destroy();
      let nl: number;
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl).replace(/\r$/, '');
        text = text.slice(nl + 1);
        const sp = line.indexOf(' ');
        const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
        const arg = sp < 0 ? '' : line.slice(sp + 1);
        this.commands.push(`${session} ${verb === 'PASS' ? 'PASS ****' : line}`);
        const handler = this.opts.handlers?.[verb];
        chain = chain
          .then(async () => void (await (handler ? handler(arg, ctx) : builtin(verb, arg))))
          .catch(() => void socket.destroy());
      }
    });
    socket.on('close', () => pending?.close());

    const banner = this.opts.banner ?? '220 hostile test server';
    chain = chain
      .then(async () => void (await (typeof banner === 'string' ? ctx.reply(banner) : banner(ctx))))
      .catch(() => void socket.destroy());
  }

  /** Entries of a folder: [name, file] (file undefined for a folder). */
  children(dir: string): [string, FileNode | undefined][] {
    const out: [string, FileNode | undefined][] = [];
    const prefix = dir === '/' ? '/' : `${dir}/`;
    for (const d of this.dirs) if (d !== dir && d.startsWith(prefix) && !d.slice(prefix.length).includes('/')) out.push([d.slice(prefix.length), undefined]);
    for (const [p, f] of this.files) if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) out.push([p.slice(prefix.length), f]);
    return out;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
