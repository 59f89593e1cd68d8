/**
 * Upload on save's guard against bursts: a branch switch or a build changes hundreds of files within a second or
 * two, and uploading them one by one could replace a whole site with another branch. Changes are collected until
 * a short quiet moment; then, when more than `threshold` files changed within `windowMs`, they are handed over
 * together to be asked about, else each goes up. A burst lasts until the changes stop for `quietMs`: what comes
 * during it joins the same question.
 */

export interface BurstOptions {
  /** More files than this within `windowMs` is a burst. */
  threshold: number;
  windowMs: number;
  /** Changes are gathered until none came for this long. */
  quietMs: number;
  /** A few files changed apart: upload them. */
  onUpload: (paths: string[]) => void;
  /** A burst: ask before anything of it goes up. */
  onBurst: (paths: string[]) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export class BurstGate {
  private readonly pending = new Set<string>();
  /** When each file changed last: the files changed within the window are counted, each once. */
  private readonly recent = new Map<string, number>();
  private timer: unknown;
  private bursting = false;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;

  constructor(private readonly o: BurstOptions) {
    this.now = o.now ?? Date.now;
    this.setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = o.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  }

  /** A file changed (saved, or written by another program). The same file twice before a flush counts once. */
  add(path: string): void {
    const t = this.now();
    this.pending.add(path);
    this.recent.delete(path);
    this.recent.set(path, t);
    // Oldest first (a Map keeps insertion order): drop those out of the window.
    for (const [p, at] of this.recent) {
      if (t - at <= this.o.windowMs) break;
      this.recent.delete(p);
    }
    if (this.recent.size > this.o.threshold) this.bursting = true;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => this.flush(), this.o.quietMs);
  }

  /** Hand over what was gathered (the timer's end; tests call it). */
  flush(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const paths = [...this.pending];
    this.pending.clear();
    const burst = this.bursting || paths.length > this.o.threshold;
    this.bursting = false;
    if (burst) {
      // The question covers these: later changes start counting afresh.
      this.recent.clear();
      this.o.onBurst(paths);
    } else this.o.onUpload(paths);
  }

  dispose(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.recent.clear();
  }
}
