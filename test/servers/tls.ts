// Self-signed certificate for FTPS tests: CN=localhost, subjectAltName localhost, 127.0.0.1, ::1
// (RSA 2048, valid 2 days). Made with openssl once per test process, then written into each
// server's temp folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BIN } from './paths';
import { runOk } from './exec';
import type { ServerTlsInfo, TlsMode } from './types';

let pair: Promise<{ cert: string; key: string }> | undefined;

async function generate(): Promise<{ cert: string; key: string }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ftpexplorer-cert-'));
  try {
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    await runOk(BIN.openssl, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-keyout', keyFile, '-out', certFile,
    ]);
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

export async function makeCertificate(dir: string, mode: TlsMode, fresh = false): Promise<ServerTlsInfo> {
  if (!fresh) pair ??= generate().catch((e) => { pair = undefined; throw e; });
  const { cert, key } = fresh ? await generate() : await pair!;
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  fs.writeFileSync(certFile, cert, { mode: 0o644 });
  fs.writeFileSync(keyFile, key, { mode: 0o600 });
  return { mode, certPem: cert, certFile, keyFile };
}
