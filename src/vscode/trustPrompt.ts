/**
 * The certificate trust modal: what CertificateTrust (src/remote/certificates.ts) shows when a server's
 * certificate is refused. The question's texts are made there; this file only puts them on the screen.
 */
import * as vscode from 'vscode';
import { type TrustAnswer, type TrustQuestion } from '../remote/certificates';

/** The trust modal: subject, issuer, validity and fingerprint(s), "Trust This Certificate" or Cancel. */
export async function askTrustModal(q: TrustQuestion): Promise<TrustAnswer> {
  const button = vscode.l10n.t('Trust This Certificate');
  const pick = await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, button);
  return pick === button ? 'trust' : 'cancel';
}
