/**
 * src/remote's user-facing text in VS Code's display language: t() and setTranslator() of src/ftp/l10n.ts (one
 * translator for both layers, so that the diagnosis's findings made in src/ftp/probe follow it too).
 */
import { setTranslator as setFtpTranslator, translate, type Translate } from '../ftp';

export type { Translate };

/** The message in the user's language (English until setTranslator is called). */
export function t(message: string, ...args: (string | number | boolean)[]): string {
  return translate(message, ...args);
}

/** Use `fn` (the extension: vscode.l10n.t) for every t() of src/remote and src/ftp; undefined goes back to English. */
export function setTranslator(fn: Translate | undefined): void {
  setFtpTranslator(fn);
}
