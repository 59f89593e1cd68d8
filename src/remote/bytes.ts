/** Byte counts for people. No vscode import. */
import { formatBytes } from '../ftp';
import { t } from './l10n';

export { formatBytes };

/** "1.2 MiB of 10 MiB" or "1.2 MiB" when the total is unknown. */
export function progressText(done: number, total?: number): string {
  return total !== undefined && total > 0 ? t('{0} of {1}', formatBytes(done), formatBytes(total)) : formatBytes(done);
}
