/**
 * `sync LOCALDIR URL` (upload: the server made like the local folder) and `sync URL LOCALDIR` (download), over
 * src/remote/sync. Prints one line per path that is not the same on both sides, with the reason; --dry-run stops
 * there. Exit codes (README): 0 done (or nothing to do), 1 failed, 2 usage, 3 conflicts left as they were.
 */
import * as nodePath from 'node:path';
import { FtpError } from '../ftp';
import { actionWord, applyPlan, cliHint, countRows, loadSeen, planSync, reasonText, saveSeen, STATE_FILE, type ApplyResult, type Direction, type PlanRow, type RowOutcome, type Seen } from '../remote/sync';
import { connectOptions, text, texts, USAGE, type Flags } from './args';
import { withSite } from './site';

export const EXIT = { done: 0, failed: 1, usage: 2, conflicts: 3 } as const;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`ftp-explorer: ${line}\n`);

const isUrl = (s: string) => /^ftps?:\/\//i.test(s);

export async function sync(rest: string[], flags: Flags): Promise<number> {
  if (rest.length !== 2 || isUrl(rest[0]) === isUrl(rest[1])) {
    err(`sync needs a local folder and an ftp:// URL: sync LOCALDIR URL uploads, sync URL LOCALDIR downloads\n${USAGE}`);
    return EXIT.usage;
  }
  const direction: Direction = isUrl(rest[1]) ? 'upload' : 'download';
  const [url, localRoot] = direction === 'upload' ? [rest[1], nodePath.resolve(rest[0])] : [rest[0], nodePath.resolve(rest[1])];
  const parallelText = text(flags, 'parallel');
  if (parallelText !== undefined) {
    const n = Number(parallelText);
    if (!Number.isInteger(n) || n < 1) {
      err(`--parallel must be a whole number of 1 or more, not "${parallelText}"`);
      return EXIT.usage;
    }
    flags.set('connections', parallelText);
  }
  const { opts, poolSize } = connectOptions(url, flags);
  const stateFile = flags.has('no-state') ? undefined : nodePath.resolve(text(flags, 'state') ?? nodePath.join(localRoot, STATE_FILE));
  const dryRun = flags.has('dry-run');
  const verbose = flags.has('verbose');
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let code: number = EXIT.done;
  try {
    await withSite(url, flags, async ({ site, path }) => {
      const key = `${opts.user ?? 'anonymous'}@${opts.host}:${opts.port ?? 21}${path}`;
      const seen: Seen = stateFile ? await loadSeen(stateFile, key) : new Map();
      const planned = await planSync(site, {
        direction,
        localRoot,
        remoteRoot: path,
        seen,
        delete: flags.has('delete'),
        overwrite: flags.has('overwrite'),
        checksum: flags.has('checksum'),
        exclude: texts(flags, 'exclude'),
        gitignore: !flags.has('no-gitignore'),
        defaultExcludes: !flags.has('no-default-excludes'),
        parallel: poolSize,
        signal: abort.signal,
      });
      const { plan } = planned;
      if (planned.checksumMethods.has('download')) err('the server offers no checksum command (HASH, XSHA256, XMD5, XCRC): files of the same size were downloaded to compare');
      const line = (r: PlanRow, note = '') => `${actionWord(r.action, direction).padEnd(9)}${r.path}  (${reasonText(r, direction)}${cliHint(r)}${note})`;
      const counts = countRows(plan);
      if (dryRun) {
        for (const r of plan.rows) if (r.action !== 'same' || verbose) out(line(r));
        out(summary(direction, counts));
        code = counts.conflict > 0 ? EXIT.conflicts : EXIT.done;
        return;
      }
      // What does not move is said before the work starts; what moves, as it is done.
      for (const r of plan.rows) if (r.action === 'keep' || r.action === 'skip' || r.action === 'conflict' || (verbose && r.action === 'same')) out(line(r));
      const result = await applyPlan(site, plan, {
        localRoot,
        remoteRoot: path,
        parallel: poolSize,
        signal: abort.signal,
        seen,
        record: stateFile !== undefined,
        onRow: (r: PlanRow, o: RowOutcome) => {
          if (o.kind === 'done') out(line(r));
          else if (o.kind === 'conflict') out(`${'conflict'.padEnd(9)}${r.path}  (${o.why})`);
          else err(`${actionWord(r.action, direction)} ${r.path} failed: ${o.error.message}`);
        },
      });
      if (stateFile) await saveSeen(stateFile, key, result.seen);
      out(done(direction, result, counts));
      if (result.cancelled) {
        err('cancelled: what was done is recorded, the next sync does the rest');
        code = EXIT.failed;
      } else if (result.failed.length) code = EXIT.failed;
      else if (result.conflicts.length) code = EXIT.conflicts;
    });
  } catch (e) {
    if (abort.signal.aborted) throw new FtpError('cancelled: nothing more was changed; the next sync does the rest');
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  return code;
}

/** The plan's last line: what it would do. */
function summary(direction: Direction, c: ReturnType<typeof countRows>): string {
  const parts = [`${c.copy} to ${direction}`, `${c.mkdir} folders to make`, `${c.delete} to delete`, `${c.conflict} conflicts`, `${c.keep} kept`, `${c.skip} skipped`, `${c.same} the same`];
  return `plan: ${parts.join(', ')} (nothing changed)`;
}

/** The last line of a sync: what it did. */
function done(direction: Direction, r: ApplyResult, c: ReturnType<typeof countRows>): string {
  const did = (a: string) => r.done.filter((x) => x.action === a).length;
  const parts = [
    `${did('copy')} ${direction === 'upload' ? 'uploaded' : 'downloaded'}`,
    `${did('mkdir')} folders made`,
    `${did('delete')} deleted`,
    `${r.failed.length} failed`,
    `${r.conflicts.length} conflicts`,
    `${c.keep} kept`,
    `${c.skip} skipped`,
    `${c.same} the same`,
  ];
  return `${r.cancelled ? 'cancelled' : 'done'}: ${parts.join(', ')}`;
}
