/** The file commands of the command line, each over the extension's own src/remote layer (cli/site.ts). */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { PassThrough } from 'node:stream';
import { FtpError, type FileEntry } from '../ftp';
import { downloadFile, downloadTo } from '../remote/download';
import { FsError } from '../remote/fsErrors';
import { FileType, type Site } from '../remote/site';
import type { TransferResult } from '../remote/transfers';
import { uploadFile, uploadTo } from '../remote/upload';
import { baseName, joinPath, normalizePath } from '../remote/uri';
import { need, type Flags } from './args';
import { onExisting, reportKept } from './overwrite';
import { withSite } from './site';

const out = (line: string) => process.stdout.write(`${line}\n`);

function formatEntry(e: FileEntry): string {
  const t = e.type === 'dir' ? 'd' : e.type === 'symlink' ? 'l' : e.type === 'file' ? '-' : '?';
  const size = String(e.size ?? '').padStart(12);
  const when = e.mtimeMs !== undefined ? new Date(e.mtimeMs).toISOString().slice(0, 16).replace('T', ' ') : '                ';
  return `${t} ${size} ${when} ${e.name}${e.target ? ` -> ${e.target}` : ''}`;
}

export function ls(rest: string[], flags: Flags): Promise<number> {
  need(rest, 1, 'ls needs a URL');
  return withSite(rest[0], flags, async ({ site, path }) => {
    const entries = await site.entries(path);
    if (flags.has('json')) {
      const list = entries.map((e) => ({ name: e.name, type: e.type, size: e.size ?? null, mtime: e.mtimeMs !== undefined ? new Date(e.mtimeMs).toISOString() : null, ...(e.target ? { target: e.target } : {}) }));
      out(JSON.stringify(list, null, 2));
    } else {
      for (const e of entries) out(formatEntry(e));
    }
  });
}

/** stat: the site's own stat (a link reports what it leads to), and the link's target from the listing. */
export function stat(rest: string[], flags: Flags): Promise<number> {
  need(rest, 1, 'stat needs a URL');
  return withSite(rest[0], flags, async ({ site, path }) => {
    const st = await site.stat(path);
    const entry = path === '/' ? undefined : await site.lookup(path);
    const link = (st.type & FileType.SymbolicLink) !== 0;
    const kind = (st.type & FileType.Directory) !== 0 ? 'dir' : 'file';
    const info = {
      path,
      type: link ? 'symlink' : kind,
      ...(link ? { targetType: kind, target: entry?.target ?? null } : {}),
      size: st.size,
      mtime: st.mtime ? new Date(st.mtime).toISOString() : null,
    };
    if (flags.has('json')) return out(JSON.stringify(info, null, 2));
    out(`path:  ${info.path}`);
    out(`type:  ${link ? `link to a ${kind === 'dir' ? 'folder' : 'file'}` : kind === 'dir' ? 'folder' : 'file'}`);
    if (link) out(`target: ${info.target ?? '(the server does not say)'}`);
    out(`size:  ${info.size}`);
    out(`mtime: ${info.mtime ?? '(the server does not say)'}`);
  });
}

export function get(rest: string[], flags: Flags): Promise<number> {
  need(rest, 2, flags.has('recursive') ? 'get -r needs a URL and a local folder' : 'get needs a URL and a local file');
  const [url, target] = rest;
  if (target === '-') return withSite(url, flags, ({ site, path }) => toStdout(site, path));
  const ask = onExisting(flags, 'download');
  return withSite(url, flags, async ({ site, path }) => {
    let r: TransferResult;
    if (flags.has('recursive')) {
      r = await downloadTo(site, path, target, { onExisting: ask });
    } else {
      // Into a folder that exists: under the remote file's own name, as cp does.
      const local = isLocalDir(target) ? nodePath.join(target, baseName(path)) : target;
      r = await downloadFile(site, path, local, { onExisting: ask }).catch((err: unknown) => {
        throw err instanceof FsError && err.kind === 'FileIsADirectory' ? new FtpError(`${err.message}: download it with get -r`) : err;
      });
    }
    report(r);
  });
}

/** get URL -: the file's bytes on stdout, which stays open (the process may write more). */
async function toStdout(site: Site, path: string): Promise<void> {
  const pass = new PassThrough();
  pass.pipe(process.stdout, { end: false });
  await site.download(path, () => pass);
}

export function put(rest: string[], flags: Flags): Promise<number> {
  const recursive = flags.has('recursive');
  need(rest, 2, recursive ? 'put -r needs a local folder and a URL' : 'put needs a local file and a URL');
  const [local, url] = rest;
  if (!fs.existsSync(local)) throw new FtpError(`No such local ${recursive ? 'folder' : 'file'}: ${local}`);
  const isDir = isLocalDir(local);
  if (isDir && !recursive) throw new FtpError(`${local} is a folder: upload it with put -r`);
  const ask = onExisting(flags, 'upload');
  return withSite(url, flags, async ({ site, path }) => {
    // Onto a remote folder that exists: into it, under the local name (as cp does); put -r always goes into it.
    const there = recursive ? undefined : await site.lookup(path);
    const into = recursive || there?.type === 'dir' || (there?.type === 'symlink' && (await site.links.kind(path)) === 'dir');
    const r = into ? await uploadTo(site, [local], path, { onExisting: ask }) : await uploadFile(site, local, path, { onExisting: ask });
    report(r);
  });
}

export function rm(rest: string[], flags: Flags): Promise<number> {
  need(rest, 1, 'rm needs a URL');
  return withSite(rest[0], flags, async ({ site, path }) => {
    const recursive = flags.has('recursive');
    if (!recursive) {
      const st = await site.stat(path);
      if (st.type === FileType.Directory) throw new FtpError(`${path} is a folder: delete it with rm -r (or rmdir when it is empty)`);
    }
    // Recursive: links in the folder are deleted as links, never entered (src/remote/treeChanges.ts).
    await site.delete(path, { recursive });
  });
}

export function mkdir(rest: string[], flags: Flags): Promise<number> {
  need(rest, 1, 'mkdir needs a URL');
  return withSite(rest[0], flags, ({ site, path }) => site.createDirectory(path));
}

export function rmdir(rest: string[], flags: Flags): Promise<number> {
  need(rest, 1, 'rmdir needs a URL');
  return withSite(rest[0], flags, async ({ site, path }) => {
    const st = await site.stat(path);
    if ((st.type & FileType.Directory) === 0) throw new FtpError(`${path} is not a folder: delete it with rm`);
    await site.delete(path, { recursive: false });
  });
}

export function mv(rest: string[], flags: Flags): Promise<number> {
  need(rest, 2, 'mv needs a URL and a new path');
  return withSite(rest[0], flags, async ({ site, path }) => {
    // A relative new path is in the login folder, where the server would have put it (RFC 959 §4.1.1 RNTO).
    const to = rest[1].startsWith('/') ? normalizePath(rest[1]) : joinPath(await site.root(), rest[1]);
    await site.rename(path, to, { overwrite: flags.has('overwrite') });
  });
}

function isLocalDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** What a transfer did not do, on stderr: files kept, names skipped, links not followed. */
function report(r: TransferResult): void {
  reportKept(r.kept);
  for (const s of r.skipped) process.stderr.write(`ftp-explorer: skipped ${s} (not a file or folder, or not a possible local name)\n`);
  for (const l of r.links) process.stderr.write(`ftp-explorer: did not follow ${l} (a link to a folder)\n`);
}
