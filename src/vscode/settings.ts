/** Reading and writing the `ftpExplorer.*` settings. Passwords never go here (see passwords.ts). */
import * as vscode from 'vscode';
import { normalizeConnections, normalizeSettings, type ConnectionConfig, type GlobalSettings } from '../remote/config';

export const SECTION = 'ftpExplorer';

export class Settings implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private cached: { configs: ConnectionConfig[]; problems: string[]; withPassword: string[] } | undefined;
  private readonly sub: vscode.Disposable;

  constructor() {
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) {
        this.cached = undefined;
        this.emitter.fire();
      }
    });
  }

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  private load() {
    if (!this.cached) this.cached = normalizeConnections(this.section.get<unknown>('connections'));
    return this.cached;
  }

  /** The saved connections, normalized (defaults filled in, broken entries left out). */
  connections(): ConnectionConfig[] {
    return this.load().configs;
  }

  /** What is wrong with the saved connections, in words for the user. */
  problems(): string[] {
    return this.load().problems;
  }

  /** Names of connections that have a "password" property (ignored; it should be removed). */
  withPassword(): string[] {
    return this.load().withPassword;
  }

  global(): GlobalSettings {
    const s = this.section;
    // get() answers the default when nothing is set; only a value the user set keeps folder transfers to it.
    const pool = s.inspect<number>('poolSize');
    return normalizeSettings({
      timeoutSeconds: s.get('timeoutSeconds'),
      poolSize: s.get('poolSize'),
      poolSizeChosen: [pool?.globalValue, pool?.workspaceValue, pool?.workspaceFolderValue].some((v) => v !== undefined),
      keepAliveSeconds: s.get('keepAliveSeconds'),
    });
  }

  /** Where to write: the workspace when the connections are defined there, else the user settings. */
  private target(): { target: vscode.ConfigurationTarget; list: unknown[] } {
    const info = this.section.inspect<unknown[]>('connections');
    if (Array.isArray(info?.workspaceValue)) return { target: vscode.ConfigurationTarget.Workspace, list: [...info!.workspaceValue] };
    return { target: vscode.ConfigurationTarget.Global, list: Array.isArray(info?.globalValue) ? [...info!.globalValue] : [] };
  }

  /** Append a connection (a plain object without password). */
  async addConnection(entry: Record<string, unknown>): Promise<void> {
    const { target, list } = this.target();
    list.push(stripPassword(entry));
    await this.section.update('connections', list, target);
    this.cached = undefined;
  }

  /**
   * Add connections in one settings write (an import): an entry whose name is taken (case-insensitive) replaces
   * the one of that name where it is defined.
   */
  async addConnections(entries: Record<string, unknown>[]): Promise<void> {
    const { target, list } = this.target();
    for (const entry of entries) {
      const name = String(entry.name).toLowerCase();
      const idx = list.findIndex((e) => nameOf(e) === name);
      if (idx >= 0) list[idx] = stripPassword(entry);
      else list.push(stripPassword(entry));
    }
    await this.section.update('connections', list, target);
    this.cached = undefined;
  }

  /** Remove the connection named `name` (case-insensitive). Returns false when no such entry was found. */
  async removeConnection(name: string): Promise<boolean> {
    for (const t of this.targets()) {
      const idx = t.list.findIndex((e) => nameOf(e) === name.toLowerCase());
      if (idx >= 0) {
        t.list.splice(idx, 1);
        await this.section.update('connections', t.list, t.target);
        this.cached = undefined;
        return true;
      }
    }
    return false;
  }

  /** Change properties of the connection named `name`, keeping everything else in the entry as it is. */
  async updateConnection(name: string, patch: Record<string, unknown>): Promise<boolean> {
    for (const t of this.targets()) {
      const idx = t.list.findIndex((e) => nameOf(e) === name.toLowerCase());
      if (idx >= 0) {
        t.list[idx] = stripPassword({ ...(t.list[idx] as Record<string, unknown>), ...patch });
        await this.section.update('connections', t.list, t.target);
        this.cached = undefined;
        return true;
      }
    }
    return false;
  }

  private targets(): { target: vscode.ConfigurationTarget; list: unknown[] }[] {
    const info = this.section.inspect<unknown[]>('connections');
    const out: { target: vscode.ConfigurationTarget; list: unknown[] }[] = [];
    if (Array.isArray(info?.workspaceValue)) out.push({ target: vscode.ConfigurationTarget.Workspace, list: [...info!.workspaceValue] });
    if (Array.isArray(info?.globalValue)) out.push({ target: vscode.ConfigurationTarget.Global, list: [...info!.globalValue] });
    return out;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

function nameOf(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const r = e as Record<string, unknown>;
  const n = typeof r.name === 'string' && r.name.trim() ? r.name : typeof r.host === 'string' ? r.host : undefined;
  return n?.trim().toLowerCase();
}

function stripPassword(entry: Record<string, unknown>): Record<string, unknown> {
  const { password: _drop, ...rest } = entry;
  void _drop;
  return rest;
}
