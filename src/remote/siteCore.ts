/**
 * The state of one site and what every operation shares: its pool, its directory cache, looking a path up in
 * its parent's listing, the listing's clean-up, the errors it throws and the change events it sends. The
 * operations themselves are in reading.ts, writing.ts and treeChanges.ts; site.ts puts them together.
 * No vscode import: errors are `FsError`s carrying the kind of vscode.FileSystemError to throw.
 */
import { isConnectionLimit, isConnectionLost, isFileUnavailable, ServerTraits, type DataMode, type FileEntry, type FtpReplyError } from '../ftp';
import type { Change } from './changes';
import type { ConnectionConfig } from './config';
import { DirCache, DEFAULT_TTL_MS, type Listing, ROOT_ENTRY } from './dirCache';
import { FsError, opWord, toFsError } from './fsErrors';
import { t } from './l10n';
import { LinkKinds } from './links';
import { ClientPool, type ClosingOptions } from './pool';
import { isProbe, probeAnchor } from './probes';
import { RecentReads } from './recentReads';
import { FileType, type RemoteClient, type SiteOptions, type Stat, type Transfer } from './siteTypes';
import { baseName, normalizePath, parentPath } from './uri';
import { SeenVersions } from './versions';

export class SiteCore {
  readonly cache: DirCache;
  readonly pool: ClientPool<RemoteClient>;
  /** Authorities VS Code has used for this site (change events go to each). */
  readonly authorities = new Set<string>();
  /** Where symlinks lead, and which lead to folders. */
  readonly links: LinkKinds;
  /** Which version of each open file the editor's copy is based on (a save refuses to replace another). */
  readonly versions: SeenVersions;
  /**
   * What has been learned about this server, shared by the connections of the pool (connector.ts passes it to
   * each), so a fact (MLSD works, EPSV does not, safe save may not rename over a file) is learned once per site.
   */
  readonly traits = new ServerTraits();
  /** The large files read last, for VS Code's repeated reads of one file it opens (recentReads.ts). */
  readonly recentReads: RecentReads;
  /**
   * The user chose the pool's size in the settings (ftpExplorer.poolSize set, not its default): folder transfers
   * keep to it as to a connection's own poolSize (folderConnections).
   */
  poolSizeChosen = false;
  private loginDir: string | undefined;
  private userDisconnected = false;
  private readonly warnedNames = new Set<string>();
  private readonly listeners = new Set<(changes: Change[]) => void>();

  constructor(
    public config: ConnectionConfig,
    readonly key: string,
    readonly opts: SiteOptions,
  ) {
    this.cache = new DirCache(opts.ttlMs ?? DEFAULT_TTL_MS, opts.now);
    this.recentReads = new RecentReads(opts.now);
    this.authorities.add(config.name);
    this.links = new LinkKinds(this);
    this.versions = new SeenVersions(opts.versions, `${config.username}@${config.host}:${config.port}`);
    this.pool = new ClientPool<RemoteClient>({
      size: opts.poolSize,
      mode: config.mode,
      create: async (n) => {
        // After Disconnect nothing connects by itself (polling, a tree refresh, VS Code reading an open editor
        // again): only what the user does on this connection (resume()).
        if (this.userDisconnected) throw this.disconnectedError();
        const client = await opts.connect(n);
        if (this.loginDir === undefined) {
          try {
            this.loginDir = normalizePath(client.homeDirectory ?? (await client.pwd()));
          } catch (err) {
            client.destroy();
            throw err;
          }
        }
        return client;
      },
      // A server's limit on connections counts as one too: the pool then makes do with the connections it has.
      isConnectionError: (err) => isConnectionLost(err) || isConnectionLimit(err),
      isConnectionLimit,
      validateAfterIdleMs: 15000,
      keepAliveMs: opts.keepAliveMs,
      onInfo: (t) => opts.info?.(t),
      now: opts.now,
    });
  }

  get name(): string {
    return this.config.name;
  }

  get readOnly(): boolean {
    return this.config.readOnly;
  }

  get mode(): DataMode {
    return this.pool.mode;
  }

  get connected(): boolean {
    return this.pool.connectedCount > 0;
  }

  onDidChangeFiles(listener: (changes: Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The data connection mode for the next transfer of every connection. */
  setMode(mode: DataMode): void {
    this.config = { ...this.config, mode };
    this.pool.setMode(mode);
  }

  /** The folder the tree shows for this site: remoteRoot, or the login directory. Connects if needed. */
  async root(): Promise<string> {
    if (this.config.remoteRoot) return normalizePath(this.config.remoteRoot);
    if (this.loginDir === undefined) await this.run('connect', '/', async () => undefined, { idempotent: true });
    return this.loginDir ?? '/';
  }

  /** Open one connection now (Connect command), so a wrong password shows at once. */
  async connect(): Promise<void> {
    this.resume();
    await this.run('connect', '/', async () => undefined, { idempotent: true });
  }

  async disconnect(): Promise<void> {
    this.userDisconnected = true;
    this.cache.clear();
    this.recentReads.clear();
    await this.pool.closeAll();
  }

  /** The user acted on this connection (Connect, expanding it in the tree): it may connect again. */
  resume(): void {
    this.userDisconnected = false;
  }

  /**
   * Disconnect was asked and the user has not acted on the connection since: nothing opens a connection (every
   * operation fails with Unavailable, saying how to connect again).
   */
  get disconnectedByUser(): boolean {
    return this.userDisconnected;
  }

  private disconnectedError(): FsError {
    // Quiet: VS Code reading an open editor or a workspace folder again by itself is no error worth a log line.
    return new FsError(
      'Unavailable',
      t('"{0}" is disconnected. Connect again with "FTP: Connect", or by expanding it in the FTP Explorer view.', this.name),
      true,
    );
  }

  /** Close the connections for good (`waitForReply: false`: without waiting for QUIT's reply, for a program that exits). */
  async dispose(opts?: ClosingOptions): Promise<void> {
    this.listeners.clear();
    this.cache.clear();
    await this.pool.dispose(opts);
  }

  /** Throws NoPermissions on a read-only connection (before anything is asked of the server). */
  assertWritable(p: string): void {
    if (this.readOnly) {
      throw new FsError(
        'NoPermissions',
        t('"{0}" is read-only, so {1} cannot be changed. To allow changes, set "readOnly": false for it in ftpExplorer.connections.', this.name, p),
      );
    }
  }

  // ------------------------------------------------------------------ shared by the operations

  /** Run an operation on a pooled client, with FTP errors turned into FsErrors. */
  async run<T>(op: string, path: string, fn: (c: RemoteClient) => Promise<T>, o: { idempotent?: boolean } = {}): Promise<T> {
    try {
      return await this.pool.run(fn, o);
    } catch (err) {
      throw this.fsError(err, op, path);
    }
  }

  fsError(err: unknown, op: string, path: string): FsError {
    return toFsError(err, op, path);
  }

  /**
   * RFC 959's 550 says only "file unavailable": vsftpd answers a refused DELE, RETR or MKD with a bare "550
   * Delete operation failed." and the like, which reads as "not found". When a fresh listing shows that `shown`
   * is there (the path itself, or the folder a new name was to go into), the server refused: NoPermissions with
   * its reply, said in the log too.
   */
  async explain(err: unknown, op: string, p: string, shown = p): Promise<FsError> {
    const fe = this.fsError(err, op, p);
    if (fe.kind !== 'FileNotFound' || !isFileUnavailable(err) || isProbe(p)) return fe;
    this.cache.invalidate(parentPath(shown));
    const there = await this.lookup(shown).catch(() => undefined);
    return there ? this.refused(err, op, p, shown === p ? t('it is there') : t('{0} is there', shown)) : fe;
  }

  /** The server refused `op` on `p` (a 550 while `why` shows the file is there): NoPermissions, logged. */
  refused(err: FtpReplyError, op: string, p: string, why: string): FsError {
    const text = t("The server refused to {0} '{1}': {2} (although {3}). Check the permissions of the file or its folder on the server.", opWord(op), p, `${err.code} ${err.replyText}`, why);
    this.opts.info?.(text);
    return new FsError('NoPermissions', text, false, err);
  }

  notFound(p: string): FsError {
    return new FsError('FileNotFound', t('{0} does not exist', p), isProbe(p));
  }

  async assertParentExists(p: string): Promise<void> {
    const parent = parentPath(p);
    const e = await this.lookup(parent);
    if (!e) throw new FsError('FileNotFound', t('The folder {0} does not exist', parent));
    if (e.type === 'file') throw new FsError('FileNotADirectory', t('{0} is a file, not a folder', parent));
  }

  /**
   * The entry of `p` from its parent's listing (cached for a few seconds), or undefined when it does not exist.
   * For VS Code's own probes (.vscode/..., .git, node_modules, ...) the folder holding the first probe segment is
   * listed instead of a folder that probably does not exist.
   */
  async lookup(p: string): Promise<FileEntry | undefined> {
    if (p === '/') return ROOT_ENTRY;
    const known = this.cache.lookup(p);
    if (known.state === 'found') return known.entry;
    if (known.state === 'missing') return undefined;
    const anchor = probeAnchor(p);
    if (anchor && anchor !== p) {
      const a = await this.lookup(anchor);
      if (!a || a.type === 'file') return undefined;
    }
    const listing = await this.listing(parentPath(p));
    if (listing === 'missing') return undefined;
    const name = baseName(p);
    return listing.find((e) => e.name === name);
  }

  /** A folder's listing through the cache; 'missing' when the server says it does not exist. */
  async listing(dir: string): Promise<Listing> {
    try {
      return await this.cache.list(dir, () =>
        this.pool.run(
          async (c) => {
            try {
              return await c.list(dir);
            } catch (err) {
              if (!isConnectionLost(err) && toFsError(err, 'list', dir).kind === 'FileNotFound') return 'missing' as const;
              throw err;
            }
          },
          { idempotent: true },
        ),
      );
    } catch (err) {
      throw this.fsError(err, 'list', dir);
    }
  }

  /** A listing of `dir` from the server now, not the cache (polling for changes); the cache keeps it. */
  freshListing(dir: string): Promise<Listing> {
    this.cache.invalidate(dir);
    return this.listing(dir);
  }

  /**
   * Entries that can be a path segment. A hostile or broken server may list names with '/' (which would
   * alias another path: "a/b" in /d is not /d/a/b), NUL, or '.'/'..'; they are left out, and said once.
   */
  usable(dir: string, listing: FileEntry[]): FileEntry[] {
    const ok = listing.filter((e) => e.name !== '' && e.name !== '.' && e.name !== '..' && !/[/\u0000]/.test(e.name));
    const bad = listing.length - ok.length - listing.filter((e) => e.name === '.' || e.name === '..').length;
    if (bad > 0 && !this.warnedNames.has(dir)) {
      this.warnedNames.add(dir);
      this.opts.info?.(`${dir}: left out ${bad} listing entr${bad === 1 ? 'y' : 'ies'} whose name cannot be a path (contains "/" or NUL, or is empty)`);
    }
    return ok;
  }

  typeOf(e: FileEntry, link?: 'dir' | 'file'): number {
    switch (e.type) {
      case 'dir':
        return FileType.Directory;
      case 'symlink':
        return FileType.SymbolicLink | (link === 'dir' ? FileType.Directory : FileType.File);
      default:
        return FileType.File;
    }
  }

  toStat(p: string, e: FileEntry, link?: 'dir' | 'file'): Stat {
    const mtime = e.mtimeMs ?? 0;
    return {
      type: p === '/' ? FileType.Directory : this.typeOf(e, link),
      size: e.type === 'dir' ? 0 : e.size ?? 0,
      mtime,
      ctime: mtime,
      readonly: this.readOnly,
    };
  }

  /** Options of a safe save on this site. */
  saveOptions(t: Transfer, existing: FileEntry | null) {
    return {
      safe: this.config.safeSave !== false,
      existing,
      memory: this.traits.save,
      log: (text: string) => this.opts.info?.(text),
      onProgress: t.onProgress,
      signal: t.signal,
    };
  }

  /** Changes that happened: the cache forgets the paths, listeners hear of them. */
  applyChanges(changes: Change[]): void {
    for (const c of changes) this.cache.invalidatePath(c.path);
    this.emit(changes);
  }

  emit(changes: Change[]): void {
    for (const c of changes) this.recentReads.forget(c.path);
    for (const l of [...this.listeners]) {
      try {
        l(changes);
      } catch {
        /* a listener's problem */
      }
    }
  }
}
