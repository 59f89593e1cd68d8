/**
 * What a site knows of its symlinks: whether each one leads to a folder or a file. A listing says only "link"
 * (LIST's `l`, MLSD's OS-specific types), so a link is tried with CWD, which works only into a folder.
 */
import type { RemoteClient } from './siteTypes';
import { isConnectionError } from './fsErrors';
import { isUnder } from './uri';

export type LinkKind = 'dir' | 'file';

/** How many symlinks of one listing are probed with CWD to tell folders from files. */
export const MAX_LINK_PROBES = 32;

export class LinkKinds {
  private readonly kinds = new Map<string, LinkKind>();

  /** `run`: one operation on a pooled client, errors turned into FsErrors (the site's). */
  constructor(private readonly run: (fn: (c: RemoteClient) => Promise<void>, near: string) => Promise<void>) {}

  known(p: string): boolean {
    return this.kinds.has(p);
  }

  get(p: string): LinkKind | undefined {
    return this.kinds.get(p);
  }

  /** The kind of one link, probed when not known yet; a link that cannot be entered is a file. */
  async kind(p: string): Promise<LinkKind> {
    if (!this.kinds.has(p)) await this.probe([p]);
    return this.kinds.get(p) ?? 'file';
  }

  /** Tell symlinks to folders from symlinks to files: CWD works only into a folder. One pool operation. */
  async probe(paths: string[]): Promise<void> {
    await this.run(async (c) => {
      for (const p of paths) {
        try {
          await c.cd(p);
          this.kinds.set(p, 'dir');
        } catch (err) {
          if (isConnectionError(err)) throw err;
          this.kinds.set(p, 'file');
        }
      }
    }, paths[0]);
  }

  /** Forget what is known at and under `p` (it was deleted or renamed). */
  forget(p: string): void {
    for (const k of [...this.kinds.keys()]) if (isUnder(k, p)) this.kinds.delete(k);
  }
}
