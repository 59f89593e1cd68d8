/** Status bar: the connection of the active editor and its data connection mode; a click switches the mode. */
import * as vscode from 'vscode';
import { modeWord } from './words';
import type { SiteRegistry } from '../remote/sites';
import { SCHEME } from '../remote/uri';

export class ModeStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ftpExplorer.mode', vscode.StatusBarAlignment.Left, 50);
  private readonly subs: vscode.Disposable[] = [];
  private readonly unsubscribe: () => void;

  constructor(private readonly sites: SiteRegistry) {
    this.item.name = 'FTP Data Connection Mode';
    this.subs.push(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this.unsubscribe = sites.onDidChange(() => this.update());
    this.update();
  }

  /** The text shown now ('' when hidden), for tests. */
  get text(): string {
    return this.visible ? this.item.text : '';
  }

  private visible = false;

  update(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const site = uri?.scheme === SCHEME ? this.sites.get(uri.authority) : undefined;
    if (!site) {
      this.visible = false;
      this.item.hide();
      return;
    }
    const other = site.mode === 'passive' ? 'active' : 'passive';
    const tls = site.config.tls === 'explicit' || site.config.tls === 'implicit';
    this.item.text = `${tls ? '$(lock)' : '$(remote)'} ${site.name}: ${modeWord(site.mode)}`;
    this.item.tooltip = vscode.l10n.t('FTP data connections of "{0}" use {1} mode. Click to switch to {2}.', site.name, modeWord(site.mode), modeWord(other));
    this.item.command = {
      command: 'ftpExplorer.switchMode',
      title: vscode.l10n.t('Switch Data Connection Mode'),
      arguments: [{ name: site.name, mode: other }],
    };
    this.visible = true;
    this.item.show();
  }

  dispose(): void {
    this.unsubscribe();
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
