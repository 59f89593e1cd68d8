/** The read-only documents "FTP: Diagnose Connection" opens its reports in (kept for this window only). */
import * as vscode from 'vscode';

/** Scheme of the read-only diagnosis documents. */
export const REPORT_SCHEME = 'ftp-diagnosis';

export class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private n = 0;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? vscode.l10n.t('This diagnosis is gone (the window was reloaded). Run "FTP: Diagnose Connection" again.');
  }
  /** A new report document; `ext` "md" for Markdown (shown in its preview). */
  add(name: string, text: string, ext = 'txt'): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name} - diagnosis.${ext}`, query: String(++this.n) });
    this.texts.set(uri.toString(), text);
    return uri;
  }
}
