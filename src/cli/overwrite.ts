/**
 * What get does with a local file that exists, and put with a remote one: --overwrite replaces, --skip-existing
 * keeps; without either, get asks on a terminal and refuses otherwise (a script never replaces a file unasked),
 * and put replaces (a safe save: the old file stays until the new one is complete).
 */
import * as readline from 'node:readline/promises';
import { FtpError } from '../ftp';
import { FsError } from '../remote/fsErrors';
import { answersForAll, type ExistingFile, type OverwriteAnswer, type OverwriteChoice } from '../remote/transfers';
import type { Flags } from './args';

export function onExisting(flags: Flags, direction: 'download' | 'upload'): ((f: ExistingFile) => Promise<OverwriteAnswer>) | undefined {
  const overwrite = flags.has('overwrite');
  const skip = flags.has('skip-existing');
  if (overwrite && skip) throw new FtpError('Give --overwrite or --skip-existing, not both');
  if (skip) return async () => 'skip';
  if (overwrite || direction === 'upload') return undefined;
  if (!process.stdin.isTTY) {
    return async (f) => {
      throw new FsError('FileExists', `${f.local} exists: add --overwrite to replace it, or --skip-existing to keep it`);
    };
  }
  return answersForAll(ask);
}

const ANSWERS: Record<string, OverwriteChoice> = { y: 'overwrite', yes: 'overwrite', n: 'skip', no: 'skip', a: 'overwrite-all', s: 'skip-all', q: 'cancel' };

/** One question on the terminal (stderr, so stdout stays the command's output). Enter alone answers no. */
async function ask(f: ExistingFile): Promise<OverwriteChoice> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const more = f.oneOfMany ? ', a = yes to all, s = no to all' : '';
    for (;;) {
      const line = (await rl.question(`${f.local} exists. Replace it? [y/N${more}, q = stop] `)).trim().toLowerCase();
      const answer = line === '' ? 'skip' : ANSWERS[line];
      if (answer && (f.oneOfMany || (answer !== 'overwrite-all' && answer !== 'skip-all'))) return answer;
    }
  } finally {
    rl.close();
  }
}

/** What a transfer left as it was, on stderr. */
export function reportKept(kept: string[]): void {
  for (const k of kept) process.stderr.write(`ftp-explorer: kept ${k} (it exists)\n`);
}
