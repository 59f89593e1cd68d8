/**
 * Passwords: only in VS Code's SecretStorage (one key per account, see config.secretKey) or, when the user does
 * not want them remembered, in memory for this window. Never in settings, logs or error messages.
 */
import * as vscode from 'vscode';
import { accountId, isAnonymous, secretKey, type ConnectionConfig } from '../remote/config';
import { FsError } from '../remote/fsErrors';

type Account = Pick<ConnectionConfig, 'name' | 'username' | 'host' | 'port'>;

export class Passwords {
  /** Passwords given for this window only. */
  private readonly session = new Map<string, string>();
  private readonly prompts = new Map<string, Promise<string>>();
  /** Passwords typed but not yet seen to work: offered for remembering after a login with them (loggedIn). */
  private readonly pending = new Map<string, string>();
  /** The prompt shown now, so that the next waits for it. */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The account whose login is being settled (password asked, tried, asked again, remembered): other accounts'
   * prompts wait until it ends, so that one connection's prompts come together.
   */
  private turn: string | undefined;
  private waitingForTurn: (() => void)[] = [];

  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The password to log in with: from this window, from SecretStorage, or asked for. Undefined for anonymous. */
  async get(cfg: Account): Promise<string | undefined> {
    if (isAnonymous(cfg.username)) return undefined;
    const known = await this.known(cfg);
    if (known !== undefined) return known;
    return this.ask(cfg, false);
  }

  /**
   * The login with `tried` failed: forget it and ask again, unless another connection of the same account has
   * meanwhile got a different password (then use that).
   */
  async retry(cfg: Account, tried: string | undefined): Promise<string> {
    const known = await this.known(cfg);
    if (known !== undefined && known !== tried) return known;
    const running = this.prompts.get(accountId(cfg));
    if (running) return running;
    await this.forget(cfg);
    return this.ask(cfg, true);
  }

  /** Whether a login needs no prompt: anonymous, or a password known in this window or in SecretStorage. */
  async logsInUnasked(cfg: Account): Promise<boolean> {
    return isAnonymous(cfg.username) || (await this.known(cfg)) !== undefined;
  }

  /** Set a password without asking (Add Connection, a password in a typed URL, tests). */
  async set(cfg: Account, password: string, remember: boolean): Promise<void> {
    const id = accountId(cfg);
    if (remember) {
      this.session.delete(id);
      await this.secrets.store(secretKey(cfg), password);
    } else {
      this.session.set(id, password);
    }
  }

  async forget(cfg: Account): Promise<void> {
    const id = accountId(cfg);
    this.session.delete(id);
    this.pending.delete(id);
    await this.secrets.delete(secretKey(cfg));
  }

  /** Whether SecretStorage holds a password for the account (for tests; the password is not returned). */
  async isStored(cfg: Account): Promise<boolean> {
    return (await this.secrets.get(secretKey(cfg))) !== undefined;
  }

  private async known(cfg: Account): Promise<string | undefined> {
    const id = accountId(cfg);
    const s = this.session.get(id);
    if (s !== undefined) return s;
    const stored = await this.secrets.get(secretKey(cfg));
    return stored;
  }

  /**
   * The login with a password asked for (or typed in Add Connection) worked: now, and only now, offer to remember
   * it. A password the server refused is never offered. Asked once per password typed.
   */
  async loggedIn(cfg: Account, password: string | undefined): Promise<void> {
    const id = accountId(cfg);
    try {
      if (password !== undefined && this.pending.get(id) === password) await this.offerToRemember(cfg, password);
    } finally {
      this.endTurn(id);
    }
  }

  /** The login of the account failed for good (or without a prompt): other accounts' prompts may come. */
  loginEnded(cfg: Account): void {
    this.endTurn(accountId(cfg));
  }

  private async offerToRemember(cfg: Account, password: string): Promise<void> {
    const id = accountId(cfg);
    this.pending.delete(id);
    const choice = await this.oneAtATime(() =>
      vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Remember'), description: vscode.l10n.t("in VS Code's secret storage"), remember: true },
          { label: vscode.l10n.t('This window only'), description: vscode.l10n.t('ask again next time'), remember: false },
        ],
        { title: vscode.l10n.t('Logged in to "{0}" ({1}). Remember the password?', cfg.name, where(cfg)), ignoreFocusOut: true },
      ),
    );
    if (choice?.remember === true && this.session.get(id) === password) await this.set(cfg, password, true);
  }

  /** A password typed in Add Connection: kept for this window, offered for remembering once a login worked. */
  async setPending(cfg: Account, password: string): Promise<void> {
    await this.set(cfg, password, false);
    this.pending.set(accountId(cfg), password);
  }

  /**
   * Prompts one after the other, whatever connection needs them: VS Code shows one input at a time, and a second
   * showInputBox would cancel the first (which then ends with "No password given").
   */
  private oneAtATime<T>(prompt: () => Thenable<T>): Promise<T> {
    const next = this.queue.then(() => prompt());
    this.queue = next.then(() => undefined, () => undefined);
    return next;
  }

  private async takeTurn(id: string): Promise<void> {
    while (this.turn !== undefined && this.turn !== id) await new Promise<void>((resolve) => this.waitingForTurn.push(resolve));
    this.turn = id;
  }

  private endTurn(id: string): void {
    if (this.turn !== id) return;
    this.turn = undefined;
    for (const wake of this.waitingForTurn.splice(0)) wake();
  }

  /** One prompt per account at a time: concurrent connections of the account wait for the same answer. */
  private ask(cfg: Account, failed: boolean): Promise<string> {
    const id = accountId(cfg);
    const running = this.prompts.get(id);
    if (running) return running;
    const p = (async () => {
      await this.takeTurn(id);
      const pw = await this.oneAtATime(() =>
        vscode.window.showInputBox({
          title: vscode.l10n.t('FTP: password for "{0}"', cfg.name),
          prompt: failed
            ? vscode.l10n.t('The server refused the login as {0} on {1}. Enter the password again.', cfg.username, where(cfg))
            : vscode.l10n.t('Password for {0} on {1}', cfg.username, where(cfg)),
          password: true,
          ignoreFocusOut: true,
        }),
      );
      if (pw === undefined) {
        this.endTurn(id);
        throw new FsError('NoPermissions', vscode.l10n.t('No password given for "{0}". Run "FTP: Connect" to enter it.', cfg.name));
      }
      await this.setPending(cfg, pw);
      return pw;
    })();
    this.prompts.set(id, p);
    const clear = () => {
      if (this.prompts.get(id) === p) this.prompts.delete(id);
    };
    p.then(clear, clear);
    return p;
  }
}

/** host:port, as the prompts name a connection (two connections to one host differ by port). */
function where(cfg: Account): string {
  return `${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${cfg.port}`;
}
