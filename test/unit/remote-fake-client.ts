/**
 * An in-memory FTP server and client with the surface src/vscode uses (RemoteClient), for unit tests of the
 * vscode-free modules. It records every operation, refuses two operations at once on one client (like a real
 * control connection would garble them), can hold an operation at a gate until the test releases it, and can
 * fail or drop connections on demand. No timers, but the bound of until().
 */
import * as assert from 'node:assert/strict';
import { Writable, Readable } from 'node:stream';
import { FtpConnectionError, FtpReplyError, type DataMode, type FileEntry, type ListOptions, type ServerTraits, type TransferOptions } from '../../src/ftp';
import type { RemoteClient } from '../../src/remote/site';
import { FsError } from '../../src/remote/fsErrors';

interface Node {
  type: 'file' | 'dir' | 'symlink';
  content?: Buffer;
  mtime: Date;
  target?: string;
}

export class Deferred<T = void> {
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;
  readonly promise: Promise<T>;
  constructor() {
    this.promise = new Promise<T>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }
}

/** Holds the next operation matching `op` (and `path`) until released. */
export class Gate {
  readonly reached = new Deferred<string>();
  readonly open = new Deferred<void>();
  constructor(
    readonly op: string,
    readonly path?: string,
  ) {}
  release(): void {
    this.open.resolve();
  }
  fail(err: unknown): void {
    this.open.reject(err);
  }
}

export class FakeServer {
  readonly nodes = new Map<string, Node>([['/', { type: 'dir', mtime: new Date(0) }]]);
  /** Every operation as "<client id> <op> <path>". */
  readonly calls: string[] = [];
  readonly clients: FakeClient[] = [];
  /** Operations that started on a client already running one: must stay 0. */
  violations = 0;
  home = '/';
  /** MDTM (RFC 3659 §3): false, the client has no such method; 'refused', the server answers 502. */
  mdtm: boolean | 'refused' = false;
  /** MLST (RFC 3659 §7), advertised in FEAT. */
  mlst = false;
  /** SIZE written ahead of the next command (FtpClient.sizeAlong; counted as 'size'). */
  sizeAlong = false;
  /** Listings give times to the minute, as LIST does (MLSD's are exact). */
  minuteTimes = false;
  /** The time a STOR gives the file. */
  uploadTime = () => new Date(Date.UTC(2024, 5, 1));
  private gates: Gate[] = [];
  private watchers: { check: () => boolean; done: () => void }[] = [];
  private failures: { op: string; err: () => unknown; path?: string }[] = [];
  connectError: (() => unknown) | undefined;

  file(path: string, content: string | Buffer, mtime = new Date(Date.UTC(2024, 0, 1))): this {
    this.ensureDir(parent(path));
    this.nodes.set(path, { type: 'file', content: Buffer.from(content), mtime });
    return this;
  }

  dir(path: string): this {
    this.ensureDir(path);
    return this;
  }

  link(path: string, target: string): this {
    this.ensureDir(parent(path));
    this.nodes.set(path, { type: 'symlink', target, mtime: new Date(0) });
    return this;
  }

  private ensureDir(path: string): void {
    if (path === '/' || this.nodes.get(path)?.type === 'dir') return;
    this.ensureDir(parent(path));
    this.nodes.set(path, { type: 'dir', mtime: new Date(0) });
  }

  content(path: string): string | undefined {
    return this.nodes.get(path)?.content?.toString();
  }

  hold(op: string, path?: string): Gate {
    const g = new Gate(op, path);
    this.gates.push(g);
    return g;
  }

  /**
   * Resolves as soon as `check()` holds, re-checked each time an operation is recorded (the call log as the
   * event); rejects saying `what` did not happen if it still does not hold after `ms` (a bound, so a test of
   * something that never happens fails instead of hanging).
   */
  until(check: () => boolean, what: string, ms = 2000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w = {
        check,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.watchers = this.watchers.filter((x) => x !== w);
        reject(new Error(`${what} (not within ${ms} ms)`));
      }, ms);
      this.watchers.push(w);
    });
  }

  failNext(op: string, err: () => unknown, path?: string): void {
    this.failures.push({ op, err, path });
  }

  /** Calls of one operation name, e.g. count('list'). */
  count(op: string): number {
    return this.calls.filter((c) => c.split(' ')[1] === op).length;
  }

  /** The server closes every control connection (idle timeout, restart). */
  dropAll(): void {
    for (const c of this.clients) c.drop();
  }

  /** `traits`: the site's, as connector.ts gives FtpClient (MLST records that it works there). */
  async connect(traits?: ServerTraits): Promise<FakeClient> {
    if (this.connectError) throw this.connectError();
    const c = new FakeClient(this, this.clients.length + 1, traits);
    this.clients.push(c);
    return c;
  }

  /** @internal */
  async enter(client: FakeClient, op: string, path: string): Promise<void> {
    this.calls.push(`${client.id} ${op} ${path}`);
    for (const w of this.watchers.filter((x) => x.check())) {
      this.watchers = this.watchers.filter((x) => x !== w);
      w.done();
    }
    const f = this.failures.findIndex((x) => x.op === op && (x.path === undefined || x.path === path));
    if (f >= 0) {
      const [failure] = this.failures.splice(f, 1);
      throw failure.err();
    }
    const g = this.gates.findIndex((x) => x.op === op && (x.path === undefined || x.path === path));
    if (g >= 0) {
      const [gate] = this.gates.splice(g, 1);
      gate.reached.resolve(`${client.id}`);
      await gate.open.promise;
    }
  }

  /**
   * How the listing (MLSD) shows links: 'links' with their targets (vsftpd's LIST), 'no-targets' as links
   * without (proftpd's and pure-ftpd's MLSD), 'follows' as what they lead to, leaving out loops (pyftpdlib's
   * MLSD). A list with `useList` always shows links with their targets.
   */
  listing: 'links' | 'no-targets' | 'follows' = 'links';

  /** @internal */
  resolveLink(path: string): Node | undefined {
    let p = path;
    let n = this.nodes.get(p);
    for (let i = 0; n?.type === 'symlink' && i < 8; i++) {
      p = resolveTarget(parent(p), n.target!);
      n = this.nodes.get(p);
    }
    return n;
  }

  children(dir: string): [string, Node][] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    return [...this.nodes]
      .filter(([p]) => p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map(([p, n]) => [p.slice(prefix.length), n]);
  }
}

/** A link's target as an absolute path: relative ones against the link's folder, '.' and '..' resolved. */
function resolveTarget(dir: string, target: string): string {
  const out: string[] = [];
  for (const seg of (target.startsWith('/') ? target : `${dir}/${target}`).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

function parent(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

const notFound = (cmd: string) => new FtpReplyError(550, 'No such file or directory', cmd);

export class FakeClient implements RemoteClient {
  closed = false;
  mode: DataMode = 'passive';
  readonly features = new Map<string, string>();
  lastModified?: (path: string) => Promise<Date>;
  stat?: (path: string) => Promise<FileEntry | undefined>;
  sizeAlong?: (path: string) => Promise<number>;
  private active = false;
  private closeListeners: ((err?: Error) => void)[] = [];

  constructor(
    readonly server: FakeServer,
    readonly id: number,
    private readonly traits?: ServerTraits,
  ) {
    if (server.mdtm === true) this.features.set('MDTM', '');
    if (server.mdtm !== false) this.lastModified = (path) => this.mdtm(path);
    if (server.mlst) {
      this.features.set('MLST', 'type*;size*;modify*;');
      this.stat = (path) => this.mlstEntry(path);
    }
    if (server.sizeAlong) this.sizeAlong = (path) => this.sizeOf(path);
  }

  /** Written ahead of the next operation, as FtpClient.sizeAlong: answered at once, not an operation of its own. */
  private async sizeOf(path: string): Promise<number> {
    if (this.closed) throw new FtpConnectionError('The control connection is closed', 'SIZE');
    this.server.calls.push(`${this.id} size ${path}`);
    const n = this.server.resolveLink(path);
    if (n?.type !== 'file') throw new FtpReplyError(550, 'Could not get file size.', `SIZE ${path}`);
    return n.content!.length;
  }

  private mdtm(path: string): Promise<Date> {
    return this.op('mdtm', path, () => {
      if (this.server.mdtm === 'refused') throw new FtpReplyError(502, 'Command not implemented', `MDTM ${path}`);
      const n = this.server.resolveLink(path);
      if (n?.type !== 'file') throw new FtpReplyError(550, 'Could not get file modification time.', `MDTM ${path}`);
      return n.mtime;
    });
  }

  private mlstEntry(path: string): Promise<FileEntry | undefined> {
    return this.op('mlst', path, () => {
      if (this.traits) this.traits.mlst = true;
      const n = this.server.nodes.get(path);
      if (!n) return undefined;
      const e: FileEntry = { name: path.slice(path.lastIndexOf('/') + 1), type: n.type, mtimeMs: n.mtime.getTime() };
      if (n.type === 'file') e.size = n.content!.length;
      return e;
    });
  }

  on(event: 'close', listener: (err?: Error) => void): this {
    if (event === 'close') this.closeListeners.push(listener);
    return this;
  }

  /** The server side closes this connection. */
  drop(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners) l(new Error('421 idle timeout'));
  }

  async close(): Promise<void> {
    this.server.calls.push(`${this.id} quit`);
    this.closed = true;
  }

  destroy(): void {
    this.closed = true;
  }

  private async op<T>(name: string, path: string, fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) throw new FtpConnectionError('The control connection is closed', name);
    if (this.active) {
      this.server.violations++;
      throw new Error(`two operations at once on client ${this.id}`);
    }
    this.active = true;
    try {
      await this.server.enter(this, name, path);
      if (this.closed) throw new FtpConnectionError('The control connection closed', name);
      return await fn();
    } finally {
      this.active = false;
    }
  }

  noop(): Promise<void> {
    return this.op('noop', '', () => undefined);
  }

  pwd(): Promise<string> {
    return this.op('pwd', '', () => this.server.home);
  }

  cd(path: string): Promise<void> {
    return this.op('cd', path, () => {
      if (this.server.resolveLink(path)?.type !== 'dir') throw notFound(`CWD ${path}`);
    });
  }

  /** Recorded as 'list' (the site's listing) or, with `useList`, 'LIST'. */
  list(path = '/', opts: ListOptions = {}): Promise<FileEntry[]> {
    const how = opts.useList ? 'links' : this.server.listing;
    return this.op(opts.useList ? 'LIST' : 'list', path, () => {
      if (this.server.resolveLink(path)?.type !== 'dir') throw notFound(`MLSD ${path}`);
      const out: FileEntry[] = [];
      for (const [name, node] of this.server.children(path)) {
        let n: Node | undefined = node;
        if (how === 'follows' && n.type === 'symlink') n = this.server.resolveLink(`${path === '/' ? '' : path}/${name}`);
        if (!n || n.type === 'symlink' && how === 'follows') continue;
        const ms = n.mtime.getTime();
        const e: FileEntry = { name, type: n.type, mtimeMs: this.server.minuteTimes ? ms - (ms % 60000) : ms };
        if (n.type === 'file') e.size = n.content!.length;
        if (n.type === 'symlink') e.size = n.target!.length;
        if (n.target && how === 'links') e.target = n.target;
        out.push(e);
      }
      return out;
    });
  }

  download(path: string, dest: Writable, opts: TransferOptions = {}): Promise<number> {
    // MDTM sent with the transfer's first command (FtpClient: in the same write): answered before it.
    if (opts.onModified && this.lastModified) {
      this.server.calls.push(`${this.id} mdtm ${path}`);
      const n = this.server.resolveLink(path);
      if (this.server.mdtm === 'refused') opts.onModified({ code: 502, text: 'Command not implemented' });
      else if (n?.type !== 'file') opts.onModified({ code: 550, text: 'Could not get file modification time.' });
      else opts.onModified({ code: 213, text: '20240101000000', time: n.mtime });
    }
    return this.op('download', path, async () => {
      const n = this.server.resolveLink(path);
      if (n?.type !== 'file') throw notFound(`RETR ${path}`);
      if (opts.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      await new Promise<void>((resolve, reject) => {
        dest.on('error', reject);
        dest.end(n.content, () => resolve());
      });
      opts.onProgress?.(n.content!.length);
      return n.content!.length;
    });
  }

  async downloadBuffer(path: string, opts: TransferOptions = {}): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    await this.download(path, sink, opts);
    return Buffer.concat(chunks);
  }

  upload(source: Readable | Buffer, path: string, opts: TransferOptions = {}): Promise<number> {
    return this.op('upload', path, async () => {
      if (this.server.nodes.get(parent(path))?.type !== 'dir') throw notFound(`STOR ${path}`);
      if (this.server.nodes.get(path)?.type === 'dir') throw new FtpReplyError(550, 'Is a directory', `STOR ${path}`);
      let data: Buffer;
      if (Buffer.isBuffer(source)) data = source;
      else {
        const chunks: Buffer[] = [];
        for await (const c of source) chunks.push(Buffer.from(c as Buffer));
        data = Buffer.concat(chunks);
      }
      this.server.nodes.set(path, { type: 'file', content: data, mtime: this.server.uploadTime() });
      opts.onProgress?.(data.length);
      return data.length;
    });
  }

  delete(path: string): Promise<void> {
    return this.op('delete', path, () => {
      const n = this.server.nodes.get(path);
      if (!n || n.type === 'dir') throw notFound(`DELE ${path}`);
      this.server.nodes.delete(path);
    });
  }

  mkdir(path: string): Promise<void> {
    return this.op('mkdir', path, () => {
      if (this.server.nodes.has(path)) throw new FtpReplyError(550, 'File exists', `MKD ${path}`);
      if (this.server.nodes.get(parent(path))?.type !== 'dir') throw notFound(`MKD ${path}`);
      this.server.nodes.set(path, { type: 'dir', mtime: new Date(0) });
    });
  }

  rmdir(path: string): Promise<void> {
    return this.op('rmdir', path, () => {
      if (this.server.nodes.get(path)?.type !== 'dir') throw notFound(`RMD ${path}`);
      if (this.server.children(path).length) throw new FtpReplyError(550, 'Directory not empty', `RMD ${path}`);
      this.server.nodes.delete(path);
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.op('rename', `${from} -> ${to}`, () => {
      if (!this.server.nodes.has(from)) throw notFound(`RNFR ${from}`);
      for (const [p, n] of [...this.server.nodes]) {
        if (p === from || p.startsWith(`${from}/`)) {
          this.server.nodes.delete(p);
          this.server.nodes.set(to + p.slice(from.length), n);
        }
      }
    });
  }
}

/** The FsError a promise rejects with (fails the test if it resolves or rejects with anything else). */
export async function fsError(p: Promise<unknown>): Promise<FsError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof FsError, `expected an FsError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}
