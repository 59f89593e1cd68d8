/**
 * Which version of each open file the editor's copy is based on, so that a save never silently replaces a change
 * someone else made on the server.
 *
 * VS Code checks this itself before it writes (fileService.validateWriteFile): it stats the file and refuses
 * ("The content of the file is newer") when the time moved on AND the size changed. A colleague's edit that keeps
 * the size (a fixed typo, a changed digit) passes that check, and the save overwrote it. And VS Code's stat is
 * answered from a folder listing a few seconds old, so a change made just before a save passed it too.
 *
 * So the site remembers the version (size, and time to the second where the server says it) of what it gave the
 * editor: the file as read, or as we saved it. A save compares that with the file on the server now (a fresh
 * listing and MDTM/MLST: writing.ts) and refuses with SaveConflict when they differ, unless VS Code has already
 * asked the user about this very version (see `vsCodeAsked`). The extension turns SaveConflict into its question
 * (Overwrite / Compare); the CLI never reads a file into an editor, so it never meets one.
 */
import { FsError } from './fsErrors';
import type { Stat } from './siteTypes';

/** One version of a file as seen on the server. */
export interface Version {
  size: number;
  mtimeMs: number;
  /** Time to the second (MLSD, MLST, MDTM); otherwise LIST's, to the minute (or the day, for old files). */
  exact: boolean;
}

export function versionOf(s: Stat): Version {
  return { size: s.size, mtimeMs: s.mtime, exact: s.mtimeExact === true };
}

/** Whether two sightings can be the same file. Times compare at the precision both have. */
export function sameVersion(a: Version, b: Version): boolean {
  if (a.size !== b.size) return false;
  if (a.exact && b.exact) return Math.floor(a.mtimeMs / 1000) === Math.floor(b.mtimeMs / 1000);
  return Math.floor(a.mtimeMs / 60_000) === Math.floor(b.mtimeMs / 60_000);
}

/** A save refused because the file on the server is not the one the editor's copy came from. */
export class SaveConflict extends FsError {
  override name = 'SaveConflict';
  constructor(
    readonly path: string,
    /** What the editor's copy came from. */
    readonly seen: Version,
    /** The file on the server now. */
    readonly server: Version,
  ) {
    super(
      'Unknown',
      `Not saved: ${path} changed on the server since it was opened (now ${server.size} bytes, modified ` +
        `${new Date(server.mtimeMs).toISOString()}): open it again to see the change.`,
      true,
    );
  }
}

/**
 * Where the versions outlive the site: VS Code restores an editor with unsaved changes after a window reload (a
 * new extension host, in code-server at every page load), and its first save must still be checked. The
 * extension keeps them in the workspace's state; keys name the server and the path.
 */
export interface VersionStore {
  get(key: string): Version | undefined;
  set(key: string, v: Version | undefined): void;
}

export class SeenVersions {
  /** What the editor's copy of each file is based on: set by reads and our own saves. */
  private readonly base = new Map<string, Version>();
  /** The last stat answered for each file since its base was set (what VS Code's own check saw). */
  private readonly stated = new Map<string, Version>();

  /** `store` with `server` (user@host:port of the site) in front of each path, so that sites share it. */
  constructor(
    private readonly store?: VersionStore,
    private readonly server = '',
  ) {}

  /** The editor's copy of `p` now comes from `v` (a read, or our own save). */
  based(p: string, v: Version | undefined): void {
    this.stated.delete(p);
    if (v) this.base.set(p, v);
    else this.base.delete(p);
    this.store?.set(this.server + p, v);
  }

  /** A stat of `p` answered `v`. */
  stat(p: string, v: Version): void {
    if (this.base.has(p) || this.store?.get(this.server + p)) this.stated.set(p, v);
  }

  /** The conflict a save of `p` would cause, with the server's file now being `now`; undefined when none. */
  conflict(p: string, now: Version): SaveConflict | undefined {
    const seen = this.base.get(p) ?? this.store?.get(this.server + p);
    if (!seen || sameVersion(seen, now)) return undefined;
    if (this.vsCodeAsked(p, seen, now)) return undefined;
    return new SaveConflict(p, seen, now);
  }

  /**
   * Whether VS Code's own check has already stopped a save over `now`, so that this write is the user's
   * "Overwrite" (or VS Code found the content equal): the stat before it showed `now`, later than the base and
   * with another size, which is exactly when VS Code asks. Asking again would ask twice.
   */
  private vsCodeAsked(p: string, seen: Version, now: Version): boolean {
    const stated = this.stated.get(p);
    return stated !== undefined && sameVersion(stated, now) && stated.size !== seen.size && stated.mtimeMs > seen.mtimeMs;
  }
}
