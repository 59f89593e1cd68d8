// Self-signed certificate for FTPS tests: CN=localhost, subjectAltName localhost, 127.0.0.1, ::1.
import * as fs from 'fs';
import * as path from 'path';
import { BIN } from './paths';
import { runOk } from './exec';
import type { ServerTlsInfo, TlsMode } from './types';

export async function makeCertificate(dir: string, mode: TlsMode): Promise<ServerTlsInfo> {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await runOk(BIN.openssl, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
    '-keyout', keyFile, '-out', certFile,
  ]);
  fs.chmodSync(keyFile, 0o600);
  return { mode, certPem: fs.readFileSync(certFile, 'utf8'), certFile, keyFile };
}
