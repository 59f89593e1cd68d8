// What the Node-side e2e tests and the in-host tests agree on: the sample files each FTP server's
// folder starts with, and how the outer test tells the extension host where the servers are
// (E2E_FTP_SERVERS, JSON). No imports of the server harness or of vscode: both sides load this.
import * as fs from 'fs';
import * as path from 'path';

/** The sample tree (relative path -> text) put into a folder of the server before a run. */
export const SAMPLE_FILES: Record<string, string> = {
  'hello.txt': 'hello ftp\n',
  'notes.md': '# Notes\n\nSample file for the e2e tests.\n',
  'docs/readme.md': '# Docs\n\nA nested folder.\n',
  'docs/nested/deep.txt': 'deep inside\n',
  'src/main.js': "console.log('hello from ftp');\n",
  'src/util.ts': 'export const answer = 42;\n',
};

/** One FTP server as the extension host sees it (from E2E_FTP_SERVERS). */
export interface FtpServerInfo {
  /** Server software, e.g. "vsftpd"; used in connection names. */
  server: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** The local folder that is '/' on the server (everything runs on one machine: tests read it directly). */
  root: string;
}

export const SERVERS_ENV = 'E2E_FTP_SERVERS';

export function serversFromEnv(env: NodeJS.ProcessEnv = process.env): FtpServerInfo[] {
  const raw = env[SERVERS_ENV];
  if (!raw) return [];
  return JSON.parse(raw) as FtpServerInfo[];
}

/**
 * Writes SAMPLE_FILES (or `files`) under `dir`, owned by `owner` (the FTP system user, so the
 * server may overwrite and delete them), folders 0755 and files 0644.
 */
export function seedFolder(dir: string, owner: { uid: number; gid: number }, files: Record<string, string> = SAMPLE_FILES): void {
  const made = new Set<string>();
  const mkdir = (d: string) => {
    if (made.has(d) || fs.existsSync(d)) return;
    mkdir(path.dirname(d));
    fs.mkdirSync(d, { mode: 0o755 });
    fs.chownSync(d, owner.uid, owner.gid);
    made.add(d);
  };
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdir(path.dirname(file));
    fs.writeFileSync(file, text, { mode: 0o644 });
    fs.chownSync(file, owner.uid, owner.gid);
  }
}

/** The uid/gid owning `dir` (the server's root folder belongs to its system user). */
export function ownerOf(dir: string): { uid: number; gid: number } {
  const st = fs.statSync(dir);
  return { uid: st.uid, gid: st.gid };
}
