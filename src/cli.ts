/**
 * ftp-explorer: a command line over the extension's own layers (src/remote over src/ftp), so a user can script
 * what the tree does, and for people debugging a server (and for benchmarks). The commands are in src/cli/.
 * Exit code 0 only on success; an error prints one clear line on stderr.
 */
import { FtpError, formatProbeReport, probe } from './ftp';
import { connectOptions, need, parseArgs, stderrLogger, USAGE } from './cli/args';
import * as commands from './cli/commands';
import { sites } from './cli/filezilla';
import { sync } from './cli/sync';

async function main(argv: string[]): Promise<number> {
  const { args, flags } = parseArgs(argv);
  const [command, ...rest] = args;
  if (!command || flags.has('help') || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'ls':
    case 'stat':
    case 'get':
    case 'put':
    case 'rm':
    case 'mkdir':
    case 'rmdir':
    case 'mv':
      return commands[command](rest, flags);
    case 'sites':
      return sites(rest, flags);
    case 'sync':
      return sync(rest, flags);
    case 'probe': {
      need(rest, 1, 'probe needs a URL');
      const { opts, path } = connectOptions(rest[0], flags);
      const report = await probe({ ...opts, logger: stderrLogger(flags, 1) }, path || '.');
      process.stdout.write(flags.has('json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatProbeReport(report)}\n`);
      return report.login.ok && report.methods.some((m) => m.ok) ? 0 : 1;
    }
    default:
      throw new FtpError(`Unknown command "${command}"\n${USAGE}`);
  }
}

let settled = false;
// Node exits when nothing is left to wait for, even with the command unfinished: that is a failure, never a 0.
process.on('exit', () => {
  if (settled) return;
  process.stderr.write('ftp-explorer: the operation never finished (nothing was left to wait for): treat it as failed\n');
  process.exitCode = 1;
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (err: Error) => {
    settled = true;
    process.stderr.write(`ftp-explorer: ${err instanceof FtpError ? err.message : String(err?.message ?? err)}\n`);
    process.exitCode = 1;
  },
);
