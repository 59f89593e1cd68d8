/**
 * The status bar item of upload on save: the last upload's result (uploaded, not uploaded because of a conflict,
 * failed). Shown from the first upload on; a click on a conflict or a failure tries that file again.
 */
import * as vscode from 'vscode';

export type UploadState = 'uploading' | 'uploaded' | 'conflict' | 'failed' | 'skipped';

export class UploadStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ftpExplorer.uploadOnSave', vscode.StatusBarAlignment.Left, 49);

  constructor() {
    this.item.name = vscode.l10n.t('FTP Upload on Save');
  }

  /** The text shown now ('' when hidden), for tests. */
  text = '';
  private used = false;

  /** Whether a link has upload on save on: before the first upload, the item says so (or hides). */
  idle(on: boolean): void {
    if (this.used) return;
    if (!on) {
      this.text = '';
      this.item.hide();
      return;
    }
    this.text = `$(cloud-upload) ${vscode.l10n.t('Upload on save')}`;
    this.item.text = this.text;
    this.item.tooltip = vscode.l10n.t('Files saved in linked folders with "uploadOnSave" are uploaded to the server.');
    this.item.show();
  }

  show(state: UploadState, name: string, connection: string, detail: string, retry?: vscode.Uri): void {
    this.used = true;
    const icon = { uploading: '$(sync~spin)', uploaded: '$(cloud-upload)', conflict: '$(warning)', failed: '$(error)', skipped: '$(circle-slash)' }[state];
    const words = {
      uploading: vscode.l10n.t('Uploading {0}', name),
      uploaded: vscode.l10n.t('{0} uploaded to {1}', name, connection),
      conflict: vscode.l10n.t('{0} not uploaded: changed on {1}', name, connection),
      failed: vscode.l10n.t('Upload of {0} failed', name),
      skipped: vscode.l10n.t('{0} not uploaded', name),
    }[state];
    this.text = `${icon} ${words}`;
    this.item.text = this.text;
    this.item.tooltip = `${detail}${retry ? `\n${vscode.l10n.t('Click to upload it again.')}` : ''}`;
    this.item.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : state === 'conflict' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = retry ? { command: 'ftpExplorer.uploadLinkedFile', title: vscode.l10n.t('Upload Again'), arguments: [retry] } : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
