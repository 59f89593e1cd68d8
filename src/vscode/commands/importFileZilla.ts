/**
 * `ftpExplorer.importFileZilla`: connections from FileZilla's Site Manager (src/remote/filezilla.ts reads the file).
 * A pick list of its sites (folders as name prefixes; what FTP Explorer cannot open is listed as not supported),
 * names that exist already replaced only when the user says so, passwords into secret storage.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { normalizeConnection } from '../../remote/config';
import { connectionEntry, defaultSiteManagerPaths, importName, parseSiteManager, type FileZillaSite } from '../../remote/filezilla';
import type { CommandDeps } from './deps';
import { reveal } from './targets';

export interface ImportFileZillaArgs {
  /** The sitemanager.xml to read; default: FileZilla's own, else the user picks one. */
  file?: string;
  /** Import these (connection names as imported); default: ask with a pick list. */
  names?: string[];
  /** Names that exist already: replace them (true) or keep them (false); default: ask. */
  replace?: boolean;
  /** Passwords FileZilla encrypted with its master password: 'ask' now, or 'skip' (asked when connecting). */
  encrypted?: 'ask' | 'skip';
}

export interface ImportResult {
  imported: string[];
  /** Existing names left as they were. */
  kept: string[];
  /** Sites FTP Explorer cannot open, with why. */
  unsupported: string[];
  passwords: number;
}

interface Candidate {
  site: FileZillaSite;
  name: string;
}

export async function importFileZilla(d: CommandDeps, arg: ImportFileZillaArgs = {}): Promise<ImportResult | undefined> {
  const file = arg.file ?? (await chooseFile());
  if (!file) return undefined;
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    throw new Error(vscode.l10n.t('Cannot read {0}: {1}', file, (err as Error).message));
  }
  const sites = parseSiteManager(text);
  const all: Candidate[] = [];
  const seen = new Set<string>();
  for (const site of sites) {
    // Two FileZilla sites may give one name (a "/" replaced, the same name in a folder of the same name).
    let name = importName(site);
    for (let i = 2; seen.has(name.toLowerCase()); i++) name = `${importName(site)} (${i})`;
    seen.add(name.toLowerCase());
    all.push({ site, name });
  }
  const usable = all.filter((c) => !c.site.unsupported);
  const unsupported = all.filter((c) => c.site.unsupported).map((c) => `${c.name}: ${c.site.unsupported}`);
  if (usable.length === 0) {
    throw new Error(
      unsupported.length
        ? vscode.l10n.t('No FTP or FTPS site in {0} ({1} not supported: {2})', file, unsupported.length, unsupported.join('; '))
        : vscode.l10n.t('No FTP or FTPS site in {0}', file),
    );
  }
  const existing = new Set(d.settings.connections().map((c) => c.name.toLowerCase()));

  let chosen: Candidate[];
  if (arg.names) {
    const wanted = new Set(arg.names.map((n) => n.toLowerCase()));
    chosen = usable.filter((c) => wanted.has(c.name.toLowerCase()));
  } else {
    const picked = await pickSites(file, all, existing);
    if (!picked) return undefined;
    chosen = picked;
  }
  if (chosen.length === 0) return { imported: [], kept: [], unsupported, passwords: 0 };

  const clashing = chosen.filter((c) => existing.has(c.name.toLowerCase()));
  let replace = arg.replace;
  if (clashing.length > 0 && replace === undefined) {
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} connection(s) of that name exist already: {1}.', clashing.length, clashing.map((c) => c.name).join(', ')),
      { modal: true, detail: vscode.l10n.t('Replace them with the FileZilla sites, or keep them as they are and import the others.') },
      vscode.l10n.t('Replace'),
      vscode.l10n.t('Keep Mine'),
    );
    if (!answer) return undefined;
    replace = answer === vscode.l10n.t('Replace');
  }
  const kept = replace ? [] : clashing.map((c) => c.name);
  const toSave = chosen.filter((c) => replace || !existing.has(c.name.toLowerCase()));

  const entries = toSave.map((c) => connectionEntry(c.site, c.name));
  for (const e of entries) {
    const n = normalizeConnection(e);
    if (!n.config) throw new Error(vscode.l10n.t('FileZilla site "{0}": {1}', String(e.name), String(n.problem ?? '')));
  }
  await d.settings.addConnections(entries);

  let passwords = 0;
  const encrypted: Candidate[] = [];
  for (const c of toSave) {
    const config = normalizeConnection(connectionEntry(c.site, c.name)).config!;
    if (c.site.password !== undefined) {
      await d.passwords.set(config, c.site.password, true);
      passwords++;
    } else if (c.site.passwordEncrypted) {
      encrypted.push(c);
    }
  }
  if (encrypted.length > 0) passwords += await encryptedPasswords(d, encrypted, arg.encrypted);

  d.log.info('FileZilla', `imported ${toSave.length} connection(s) from ${file}${kept.length ? `; kept ${kept.join(', ')}` : ''}`);
  const notes = [
    kept.length ? vscode.l10n.t('{0} kept as they were', kept.length) : '',
    unsupported.length
      ? vscode.l10n.t('{0} not supported ({1})', unsupported.length, [...new Set(all.filter((c) => c.site.unsupported).map((c) => c.site.protocolName))].join(', '))
      : '',
  ].filter(Boolean);
  void vscode.window.showInformationMessage(
    notes.length
      ? vscode.l10n.t('Imported {0} connection(s) from FileZilla; {1}.', toSave.length, notes.join(', '))
      : vscode.l10n.t('Imported {0} connection(s) from FileZilla.', toSave.length),
  );
  if (toSave.length > 0) await reveal(d, toSave[0].name, false);
  return { imported: toSave.map((c) => c.name), kept, unsupported, passwords };
}

/** FileZilla's own sitemanager.xml when there is one, else the file the user picks. */
async function chooseFile(): Promise<string | undefined> {
  const found = defaultSiteManagerPaths().find((p) => fs.existsSync(p));
  if (found) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: found, description: vscode.l10n.t("FileZilla's Site Manager"), file: found },
        { label: vscode.l10n.t('Choose a File...'), description: vscode.l10n.t('an exported or copied sitemanager.xml'), file: undefined },
      ],
      { placeHolder: vscode.l10n.t('Import connections from which FileZilla file?') },
    );
    if (!pick) return undefined;
    if (pick.file) return pick.file;
  }
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Import'),
    title: vscode.l10n.t('FileZilla Site Manager file (sitemanager.xml)'),
    filters: { [vscode.l10n.t('FileZilla sites')]: ['xml'] },
  });
  return uris?.[0]?.fsPath;
}

type SiteItem = vscode.QuickPickItem & { candidate?: Candidate };

async function pickSites(file: string, all: Candidate[], existing: Set<string>): Promise<Candidate[] | undefined> {
  const items: SiteItem[] = [];
  for (const c of all.filter((x) => !x.site.unsupported)) {
    const s = c.site;
    const notes = [
      existing.has(c.name.toLowerCase()) ? vscode.l10n.t('a connection of this name exists') : '',
      s.passwordEncrypted ? vscode.l10n.t('password encrypted by a FileZilla master password') : '',
      s.tlsIfAvailable ? vscode.l10n.t('FileZilla used TLS if available: imported as explicit TLS') : '',
      s.account ? vscode.l10n.t('its ACCT account is not imported') : '',
    ].filter(Boolean);
    items.push({
      label: c.name,
      description: `${s.user || 'anonymous'}@${s.host}${s.port ? `:${s.port}` : ''} \u00b7 ${s.protocolName}`,
      detail: notes.length ? notes.join('; ') : undefined,
      picked: !existing.has(c.name.toLowerCase()),
      candidate: c,
    });
  }
  const unsupported = all.filter((x) => x.site.unsupported);
  if (unsupported.length) {
    items.push({ label: vscode.l10n.t('Not supported'), kind: vscode.QuickPickItemKind.Separator });
    for (const c of unsupported) items.push({ label: c.name, description: vscode.l10n.t('{0}: not supported', c.site.protocolName), detail: c.site.unsupported });
  }
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: vscode.l10n.t('Import from FileZilla: {0}', file),
    placeHolder: vscode.l10n.t('Sites to add as connections (not supported ones are skipped)'),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  return picked.map((i) => i.candidate).filter((c): c is Candidate => c !== undefined);
}

/** Passwords encrypted with FileZilla's master password: asked for now, or left to be asked when connecting. */
async function encryptedPasswords(d: CommandDeps, sites: Candidate[], how: 'ask' | 'skip' | undefined): Promise<number> {
  if (how === undefined) {
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t("{0} password(s) are encrypted with FileZilla's master password and cannot be read. Enter them now, or when you connect.", sites.length),
      vscode.l10n.t('Enter Now'),
      vscode.l10n.t('When Connecting'),
    );
    how = answer === vscode.l10n.t('Enter Now') ? 'ask' : 'skip';
  }
  if (how === 'skip') return 0;
  let n = 0;
  for (const c of sites) {
    const config = normalizeConnection(connectionEntry(c.site, c.name)).config!;
    const password = await vscode.window.showInputBox({
      title: vscode.l10n.t('Password of {0}@{1} ({2})', config.username, config.host, c.name),
      prompt: vscode.l10n.t('Leave empty to be asked when connecting'),
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) break;
    if (password) {
      await d.passwords.set(config, password, true);
      n++;
    }
  }
  return n;
}
