/**
 * Commands written ahead of another on a control connection (ControlConnection.writeAhead): each one's check of
 * its reply, in the order the commands were written. RFC 959 §4.2: a server answers its commands one after the
 * other, so the replies of the commands written ahead come before the reply of the command they went with.
 */
import type { FtpReply } from './reply';

/** How a command written ahead relates to the operations on the connection. */
export interface AheadOptions {
  /**
   * The command belongs to an operation that has finished and waits for its reply (an upload's SIZE,
   * FtpClient.sizeAlong): it rides along with the next operation's first write rather than being read before
   * that operation starts, its check is always given its reply (whatever the other checks do, and errors of its
   * own are the owner's business), and `lost` is told when the connection fails before that reply came.
   */
  carried?: { lost: (err: Error) => void };
}

/**
 * A command sent once a transfer's data connection is over, before the transfer's final reply is read (an upload's
 * SIZE, ControlConnection.sendPassiveAhead): `check` is given its reply, `lost` the connection's failure instead.
 */
export interface AfterData {
  readonly command: string;
  readonly check: (reply: FtpReply) => void;
  readonly lost: (err: Error) => void;
}

/** One command written ahead; `sent` once its write left the cork (ControlConnection.flushAhead). */
export interface Ahead {
  readonly check: (reply: FtpReply) => void;
  readonly carried?: { lost: (err: Error) => void };
  sent: boolean;
}

export class AheadReplies {
  private readonly entries: Ahead[] = [];

  add(check: (reply: FtpReply) => void, opts: AheadOptions = {}): Ahead {
    const a: Ahead = { check, carried: opts.carried, sent: false };
    this.entries.push(a);
    return a;
  }

  get length(): number {
    return this.entries.length;
  }

  /** The commands held by the cork went out. */
  markSent(): void {
    for (const a of this.entries) a.sent = true;
  }

  /** Whether `a` still waits for a write to take it along. */
  waiting(a: Ahead): boolean {
    return !a.sent && this.entries.includes(a);
  }

  /**
   * Whether the next operation must read these replies before it sends anything: one of them went out already
   * (an operation failed between its write and its read), or belongs to no finished operation (the CWD of an
   * operation that failed before its write). Carried commands not sent yet go with the next operation instead.
   */
  get mustSettle(): boolean {
    return this.entries.some((a) => a.sent || !a.carried);
  }

  /**
   * Read the reply of every command written ahead (`readFinal`: the next final reply) and hand it to its check.
   * `verdicts`: a failing check's error is returned (the first one; the other replies are read all the same);
   * otherwise only carried commands are checked (an operation that failed first left the others: not its verdict).
   */
  async readAll(readFinal: () => Promise<FtpReply>, verdicts: boolean): Promise<{ err: unknown } | undefined> {
    let failure: { err: unknown } | undefined;
    while (this.entries.length > 0) {
      // Left in the list until its reply is read: a connection that fails meanwhile tells it (lost()).
      const r = await readFinal();
      const a = this.entries.shift()!;
      if (a.carried) {
        try {
          a.check(r);
        } catch {
          // The owner's own failure: not this read's, nor the dialogue's.
        }
      } else if (verdicts && !failure) {
        try {
          a.check(r);
        } catch (err) {
          failure = { err };
        }
      }
    }
    return failure;
  }

  /** The connection failed: no reply will come. */
  lost(err: Error): void {
    for (const a of this.entries.splice(0)) a.carried?.lost(err);
  }
}
