/** What a Site tells its listeners (the FileSystemProvider, the tree) changed on the server. */
export type ChangeType = 'created' | 'changed' | 'deleted';
export interface Change {
  type: ChangeType;
  path: string;
}

/**
 * Changes of a bulk operation (a folder upload), applied in batches: the cache forgets the changed paths and one
 * change event carries them all, at most every `delayMs` or every `maxCount` changes, and at close(). Per file,
 * each event would make VS Code (and the tree) list the folder again.
 */
export class ChangeBatch {
  private pending: Change[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly apply: (changes: Change[]) => void,
    private readonly delayMs = 250,
    private readonly maxCount = 500,
  ) {}

  add(change: Change): void {
    this.pending.push(change);
    if (this.pending.length >= this.maxCount) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.delayMs);
      this.timer.unref?.();
    }
  }

  /** Apply what is pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const changes = this.pending;
    this.pending = [];
    this.apply(changes);
  }

  /** Apply what is pending; the batch may still be used (it flushes again at the next close). */
  close(): void {
    this.flush();
  }
}
