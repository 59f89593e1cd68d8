// Smoke run of the extension in real VS Code (code-server, via the harness in test/e2e) against ftp-srv on
// loopback, used to check the extension before the real in-host tests are written. Not part of `npm test`.
// Needs: bash scripts/setup-vscode.sh; npx tsc -p .; node scripts/bundle.mjs.   Run: node test/smoke-extension/run.js
const fs = require('fs'); const path = require('path'); const os = require('os');
const ROOT = path.resolve(__dirname, '..', '..');
const FtpSrv = require(path.join(ROOT, 'node_modules/ftp-srv'));
const { runInHostTests } = require(path.join(ROOT, 'out/test/e2e/inHost.js'));
(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ftproot-'));
  fs.writeFileSync(path.join(root, 'hello.txt'), 'hello ftp\n');
  fs.mkdirSync(path.join(root, 'www'));
  fs.writeFileSync(path.join(root, 'www', 'index.html'), '<h1>hi</h1>\n');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const srv = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: '127.0.0.1', pasv_min: 41000, pasv_max: 41100, anonymous: false, greeting: null, log: require(path.join(ROOT, 'node_modules/bunyan')).createLogger({ name: 'x', level: 'fatal' }) });
  srv.on('login', ({ username, password }, resolve, reject) => (username === 'bob' && password === 'secret-pw-123' ? resolve({ root }) : reject(new Error('bad'))));
  await srv.listen();
  try {
    const r = await runInHostTests({
      extensionDevelopmentPath: ROOT,
      testFiles: [path.join(__dirname, 'smoke.test.js')],
      env: { FTP_PORT: String(port) },
      settings: { 'ftpExplorer.connections': [{ name: 'local', host: '127.0.0.1', port, username: 'bob' }] },
      timeoutMs: 180000,
    });
    console.log(r.logs.join('\n'));
    console.log('--- page errors'); console.log(r.pageErrors.filter((e) => /ftp|FTP/.test(e)).join('\n'));
    console.log('exit', r.exitCode);
  } finally { await srv.close(); }
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
