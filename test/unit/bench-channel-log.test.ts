// The bench's reader of the "FTP" output channel (bench/channelLog.ts): which commands a click in the UI case caused.
import * as assert from 'assert';
import { channelCommands, commandEpoch, commandsBetween } from '../../bench/channelLog';

const CHANNEL = [
  '10:41:07.123 [wan#1] ---> CWD /ui-wan/r0',
  '10:41:07.124 [wan#1] ---> EPSV',
  '10:41:07.175 [wan#1] <--- 250 Directory successfully changed.',
  '10:41:07.176 [wan#1] <--- 229 Entering Extended Passive Mode (|||40001|)',
  '10:41:07.177 [wan#1] --- data open passive download: 127.0.0.1:40001',
  '10:41:07.178 [wan#1] ---> LIST -a',
  '10:41:09.001 [wan#2] ---> PASS ****',
  '10:41:09.500 [wan] !!! read /ui-wan/x: 550 Failed to open file.',
  'a line someone else wrote ---> QUIT',
].join('\n');

/** Epoch ms of 2026-12-06 at the given UTC time of day. */
const at = (h: number, m: number, s: number, ms = 0) => Date.UTC(2026, 11, 6, h, m, s, ms);

describe('bench: commands in the FTP output channel', () => {
  it('reads the commands with their time, connection and verb, and nothing else', () => {
    assert.deepStrictEqual(channelCommands(CHANNEL).map((c) => `${c.msOfDay} ${c.connection} ${c.verb} | ${c.text}`), [
      `${at(10, 41, 7, 123) - at(0, 0, 0)} wan#1 CWD | CWD /ui-wan/r0`,
      `${at(10, 41, 7, 124) - at(0, 0, 0)} wan#1 EPSV | EPSV`,
      `${at(10, 41, 7, 178) - at(0, 0, 0)} wan#1 LIST | LIST -a`,
      `${at(10, 41, 9, 1) - at(0, 0, 0)} wan#2 PASS | PASS ****`,
    ]);
  });

  it('counts the commands of a window, start inclusive, end exclusive', () => {
    const cmds = channelCommands(CHANNEL);
    assert.deepStrictEqual(commandsBetween(cmds, at(10, 41, 7, 123), at(10, 41, 7, 178)).map((c) => c.verb), ['CWD', 'EPSV']);
    assert.deepStrictEqual(commandsBetween(cmds, at(10, 41, 7, 178), at(10, 42, 0)).map((c) => c.verb), ['LIST', 'PASS']);
    assert.deepStrictEqual(commandsBetween(cmds, at(10, 41, 9, 2), at(11, 0, 0)), []);
  });

  it('puts a time of day on the day that keeps a session across midnight in order', () => {
    const [late, early] = channelCommands('23:59:59.900 [s#1] ---> EPSV\n00:00:00.050 [s#1] ---> RETR /a');
    const before = Date.UTC(2026, 11, 6, 23, 59, 59, 0);
    assert.strictEqual(commandEpoch(late, before), Date.UTC(2026, 11, 6, 23, 59, 59, 900));
    assert.strictEqual(commandEpoch(early, before), Date.UTC(2026, 11, 7, 0, 0, 0, 50));
    // A window that began just after midnight still finds the command sent just before it ended the day before.
    assert.strictEqual(commandEpoch(late, Date.UTC(2026, 11, 7, 0, 0, 1)), Date.UTC(2026, 11, 6, 23, 59, 59, 900));
    assert.deepStrictEqual(commandsBetween([late, early], before, before + 2000).map((c) => c.verb), ['EPSV', 'RETR']);
  });
});
