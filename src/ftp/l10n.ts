/**
 * User-facing text made below src/vscode (errors shown by VS Code, the certificate question, the diagnosis) in the
 * user's language, without importing vscode: the extension hands its translator (vscode.l10n.t) to setTranslator()
 * once at activation (through src/remote/l10n.ts); the command line never does, so it stays English. Messages are
 * English with {0}, {1} ... placeholders, exactly as for vscode.l10n.t, and l10n/bundle.l10n.*.json translate them
 * (test/unit/l10n.test.ts checks that every t('...') has its translations). The FTP dialogue, the replies of the
 * server and the log are never translated.
 */
export type Translate = (message: string, ...args: (string | number | boolean)[]) => string;

/** {0}, {1} ... replaced by the arguments (a placeholder without an argument stays as it is). */
export function formatMessage(message: string, args: readonly (string | number | boolean)[]): string {
  return message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
}

const english: Translate = (message, ...args) => formatMessage(message, args);
let current: Translate = english;

/** The message in the user's language (English until setTranslator is called). */
export function t(message: string, ...args: (string | number | boolean)[]): string {
  return current(message, ...args);
}

/** Use `fn` (the extension: vscode.l10n.t) for every t() from now on; undefined goes back to English. */
export function setTranslator(fn: Translate | undefined): void {
  current = fn ?? english;
}
