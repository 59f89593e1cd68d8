/**
 * All sites of this window: one Site per saved connection in use, plus one-off connections opened with
 * "FTP: Connect" or by an ftp:// URI. No vscode import.
 */
import { maskUrlPassword } from '../ftp';
import { needsReconnect, type ConnectionConfig, type GlobalSettings } from './config';
import { FsError } from './fsErrors';
import { t } from './l10n';
import type { Change } from './changes';
import { Site, type RemoteClient } from './site';
import { resolveAuthority, type ResolvedAuthority } from './uri';
import type { VersionStore } from './versions';

export interface SitesOptions {
  connections: () => readonly ConnectionConfig[];
  settings: () => GlobalSettings;
  /** Open one logged-in client for `site` (connector.ts: password retry and certificate trust; the extension passes its log). */
  connect: (site: Site, n: number) => Promise<RemoteClient>;
  info?: (site: Site, text: string) => void;
  ttlMs?: number;
  now?: () => number;
  /** Where the versions of open files outlive a site (the extension: the workspace's state). */
  versions?: VersionStore;
}

export class SiteRegistry {
  private readonly sites = new Map<string, Site>();
  /** One-off connections opened in this window (shown in the tree until disconnected). */
  private readonly oneOffs = new Map<string, ConnectionConfig>();
  private readonly changeListeners = new Set<() => void>();
  private readonly fileListeners = new Set<(site: Site, changes: Change[]) => void>();

  constructor(private readonly opts: SitesOptions) {}

  /** Resolve a URI authority; throws FsError Unavailable when it names no connection and is no host. */
  resolve(authority: string): Site {
    const r = resolveAuthority(authority, this.opts.connections());
    if (!r) {
      throw new FsError(
        'Unavailable',
        // (A mistyped authority may hold a password, user:pw@host: never echo it.)
        t('No FTP connection named "{0}". Add it with "FTP: Add Connection", or use ftp://user@host:port/path.', maskUrlPassword(authority)),
      );
    }
    const site = this.siteFor(r);
    // VS Code compares authorities case-insensitively: one spelling each is enough for change events.
    if (![...site.authorities].some((a) => a.toLowerCase() === authority.toLowerCase())) site.authorities.add(authority);
    return site;
  }

  /** The site of a saved connection (by name) or one-off (by authority), created on first use. */
  get(nameOrAuthority: string): Site | undefined {
    try {
      return this.resolve(nameOrAuthority);
    } catch {
      return undefined;
    }
  }

  /** Sites that exist (have been used) in this window. */
  all(): Site[] {
    return [...this.sites.values()];
  }

  /** Remember a one-off connection so it shows in the tree; returns its site. */
  addOneOff(config: ConnectionConfig): Site {
    this.oneOffs.set(keyOf({ kind: 'oneoff', config }), config);
    const site = this.siteFor({ kind: 'oneoff', config });
    site.config = { ...config, mode: site.mode };
    this.fireChange();
    return site;
  }

  oneOffConfigs(): ConnectionConfig[] {
    return [...this.oneOffs.values()];
  }

  isOneOff(site: Site): boolean {
    return site.key.startsWith('oneoff:');
  }

  /** Close a site's connections; a one-off site is forgotten. */
  async disconnect(site: Site): Promise<void> {
    if (this.isOneOff(site)) {
      this.oneOffs.delete(site.key);
      this.sites.delete(site.key);
      await site.dispose();
    } else {
      await site.disconnect();
    }
    this.fireChange();
  }

  /** Settings changed: drop sites of removed connections, reconnect changed ones, apply new modes. */
  async reconcile(): Promise<void> {
    const configs = this.opts.connections();
    const settings = this.opts.settings();
    const closing: Promise<void>[] = [];
    for (const site of [...this.sites.values()]) {
      if (this.isOneOff(site)) continue;
      const cfg = configs.find((c) => c.name.toLowerCase() === site.config.name.toLowerCase());
      if (!cfg) {
        this.sites.delete(site.key);
        closing.push(site.dispose());
        continue;
      }
      if (needsReconnect(site.config, cfg)) {
        this.sites.delete(site.key);
        closing.push(site.dispose());
        continue;
      }
      if (cfg.mode !== site.config.mode) site.setMode(cfg.mode);
      site.config = cfg;
      site.pool.resize(cfg.poolSize ?? settings.poolSize);
      site.poolSizeChosen = settings.poolSizeChosen;
      site.pool.setKeepAlive(settings.keepAliveSeconds * 1000);
    }
    this.fireChange();
    await Promise.all(closing);
  }

  /** Sites were added or removed, or a site connected or disconnected. */
  onDidChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Files changed by our own operations. */
  onDidChangeFiles(listener: (site: Site, changes: Change[]) => void): () => void {
    this.fileListeners.add(listener);
    return () => this.fileListeners.delete(listener);
  }

  async dispose(): Promise<void> {
    const all = [...this.sites.values()];
    this.sites.clear();
    this.oneOffs.clear();
    await Promise.all(all.map((s) => s.dispose()));
    this.changeListeners.clear();
    this.fileListeners.clear();
  }

  private siteFor(r: ResolvedAuthority): Site {
    const key = keyOf(r);
    const existing = this.sites.get(key);
    if (existing) return existing;
    const settings = this.opts.settings();
    const site: Site = new Site(r.config, key, {
      connect: (n) => this.opts.connect(site, n),
      poolSize: r.config.poolSize ?? settings.poolSize,
      keepAliveMs: settings.keepAliveSeconds * 1000,
      ttlMs: this.opts.ttlMs,
      now: this.opts.now,
      info: (t) => this.opts.info?.(site, t),
      versions: this.opts.versions,
    });
    site.poolSizeChosen = settings.poolSizeChosen;
    site.pool.onDidChange(() => this.fireChange());
    site.onDidChangeFiles((changes) => {
      for (const l of [...this.fileListeners]) l(site, changes);
    });
    this.sites.set(key, site);
    return site;
  }

  private fireChange(): void {
    for (const l of [...this.changeListeners]) {
      try {
        l();
      } catch {
        /* a listener's problem */
      }
    }
  }
}

function keyOf(r: ResolvedAuthority): string {
  return r.kind === 'saved' ? `saved:${r.config.name.toLowerCase()}` : `oneoff:${r.config.name.toLowerCase()}`;
}
