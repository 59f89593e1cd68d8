/**
 * `ftpExplorer.trustCertificate` ("FTP: Check Server Certificate"). With { name, fingerprint }: trusts that
 * SHA-256 fingerprint for the connection without a modal. With a name or a tree node: connects, and the trust
 * modal (trustPrompt.ts) shows the certificate when it is refused. The decisions live in
 * src/remote/certificates.ts (no vscode there).
 */
import * as vscode from 'vscode';
import type { CommandDeps } from './deps';
import { configOf, isNode, pickConnection, siteOf, type Target } from './targets';

/** The certificate command's argument: a tree node, a connection name, or { name, fingerprint }. */
export type CertificateArg = Target | { name: string; fingerprint?: string };

export async function trustCertificate(d: CommandDeps, arg: CertificateArg): Promise<string | undefined> {
  if (arg && typeof arg === 'object' && !isNode(arg) && 'fingerprint' in arg && typeof arg.fingerprint === 'string') {
    const site = siteOf(d, arg);
    if (!site) return undefined;
    return d.trust.trust(configOf(d, site), arg.fingerprint);
  }
  const ui = arg === undefined || isNode(arg);
  const site = siteOf(d, arg) ?? (arg === undefined ? await pickConnection(d, 'Check the certificate of which connection?', { showTls: true }) : undefined);
  if (!site) return undefined;
  const cfg = configOf(d, site);
  if (!cfg.tls || cfg.tls === 'none') {
    if (ui) void vscode.window.showInformationMessage(`"${site.name}" uses plain FTP: set "tls" to "explicit" or "implicit" to use a certificate.`);
    return undefined;
  }
  d.trust.allowAsking(cfg);
  // A fresh connection, so that the certificate is checked now (the modal shows when it is refused).
  const client = await d.connect(site, 0);
  await client.close().catch(() => undefined);
  const fp = d.trust.trusted(cfg);
  if (ui) {
    void vscode.window.showInformationMessage(
      fp
        ? `The certificate of "${site.name}" is trusted (SHA-256 ${fp}).`
        : `The certificate of "${site.name}" is verified by a certificate authority this computer trusts.`,
    );
  }
  return fp;
}
