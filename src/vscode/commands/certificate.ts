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
  const site = siteOf(d, arg) ?? (arg === undefined ? await pickConnection(d, vscode.l10n.t('Check the certificate of which connection?'), { showTls: true }) : undefined);
  if (!site) return undefined;
  const cfg = configOf(d, site);
  if (!cfg.tls || cfg.tls === 'none') {
    if (ui) void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" uses plain FTP: set "tls" to "explicit" or "implicit" to use a certificate.', site.name));
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
        ? vscode.l10n.t('The certificate of "{0}" is trusted (SHA-256 {1}).', site.name, fp)
        : vscode.l10n.t('The certificate of "{0}" is verified by a certificate authority this computer trusts.', site.name),
    );
  }
  return fp;
}
