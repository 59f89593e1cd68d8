#!/usr/bin/env node
// The demo's FTP server (scripts/demo.sh): ftp-srv (a devDependency) on 127.0.0.1, serving ROOT.
//   node scripts/demo-ftp-server.js ROOT PORT_FILE [PORT] [PASSWORD]
// Logins: "anonymous" (no password; the demo connection uses it, so nothing has to be typed) and "demo" with
// PASSWORD (to try the password prompt). Both may read and write ROOT. PORT 0 or absent: a free port. When
// it listens, the port is written to PORT_FILE. Loopback only; stops on SIGTERM/SIGINT.
'use strict';
const fs = require('fs');
const path = require('path');

const [root, portFile, portArg, password] = process.argv.slice(2);
if (!root || !portFile) {
  process.stderr.write('usage: demo-ftp-server.js ROOT PORT_FILE [PORT] [PASSWORD]\n');
  process.exit(2);
}
const FtpSrv = require('ftp-srv');
const bunyan = require(require.resolve('bunyan', { paths: [path.dirname(require.resolve('ftp-srv'))] }));

// Warnings and errors only (ftp-srv's trace level would print PASS in clear).
const log = bunyan.createLogger({ name: 'demo-ftp', level: 'warn', stream: process.stderr });
const server = new FtpSrv({
  url: `ftp://127.0.0.1:${Number(portArg) || 0}`,
  pasv_url: '127.0.0.1',
  anonymous: true,
  greeting: 'FTP Explorer demo server',
  log,
});

server.on('login', ({ username, password: given }, resolve, reject) => {
  if (username === 'anonymous' || (password && username === 'demo' && given === password)) resolve({ root: path.resolve(root) });
  else reject(new Error('Unknown user or wrong password'));
});
server.on('client-error', ({ error }) => log.warn({ err: error }, 'client error'));

const stop = () => {
  server.close().then(() => process.exit(0), () => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen().then(() => {
  const port = server.server.address().port;
  fs.writeFileSync(`${portFile}.tmp`, `${port}\n`);
  fs.renameSync(`${portFile}.tmp`, portFile);
}, (err) => {
  process.stderr.write(`demo FTP server: ${err && err.message}\n`);
  process.exit(1);
});
