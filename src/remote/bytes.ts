/** Byte counts for people. No vscode import. */
import { formatBytes } from '../ftp';

export { formatBytes };

/** "1.2 MiB of 10 MiB" or "1.2 MiB" when the total is unknown. */
export function progressText(done: number, total?: number): string {
  return total !== undefined && total > 0 ? `${formatBytes(done)} of ${formatBytes(total)}` : formatBytes(done);
}
