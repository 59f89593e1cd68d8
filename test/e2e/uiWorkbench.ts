// The set-up every UI test of the installed extension shares: the packaged .vsix installed into a fresh extensions
// folder, code-server on a local folder with its own user data (settings, logs), headless Chromium on the workbench.
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type BrowserSession, launchBrowser, openWorkbench } from './browser';
import { freshVsix } from './build';
import { type CodeServer, installVsix, startCodeServer, workbenchUrl } from './codeServer';
import { tempDir, type TempDir } from './tempDir';

export interface UiWorkbenchOptions {
  /** Names the temp folder: vscode-e2e-<name>-. */
  name: string;
  /** User settings, over the quiet defaults of codeServer.ts. */
  settings?: Record<string, unknown>;
  /** More environment for code-server and so the extension host. */
  env?: NodeJS.ProcessEnv;
  /** Files (relative path: text) in the local folder the window opens. */
  localFiles?: Record<string, string>;
  /** Load the workbench at once (default); false: the test opens it (e.g. to time it or to open it several times). */
  open?: boolean;
  /** More code-server arguments (e.g. --locale zh-cn). */
  extraArgs?: string[];
  /** Runs after the .vsix is installed, before code-server starts (e.g. to install another extension). */
  prepare?: (dirs: { tmp: TempDir; extensionsDir: string; userDataDir: string }) => Promise<void>;
  /** A .vsix to install instead of the one packaged from the project's current build (the bench packages its own). */
  vsix?: string;
}

export interface UiWorkbench {
  readonly tmp: TempDir;
  readonly server: CodeServer;
  readonly session: BrowserSession;
  readonly page: Page;
  /** The local folder the window opens. */
  readonly workspace: string;
  /** code-server's user data: settings.json under User/, the output channels under logs/. */
  readonly userDataDir: string;
  /** The workbench's address for the local folder. */
  readonly url: string;
  /** Closes the browser and code-server and removes the temp folder; never throws. */
  close(): Promise<void>;
}

export async function startUiWorkbench(opts: UiWorkbenchOptions): Promise<UiWorkbench> {
  const vsix = opts.vsix ?? (await freshVsix());
  const tmp = tempDir(`vscode-e2e-${opts.name}-`);
  let server: CodeServer | undefined;
  let session: BrowserSession | undefined;
  const close = async () => {
    await Promise.allSettled([session?.close(), server?.stop()]);
    tmp.remove();
  };
  try {
    const extensionsDir = path.join(tmp.dir, 'extensions');
    await installVsix(vsix, extensionsDir);
    const workspace = path.join(tmp.dir, 'project');
    fs.mkdirSync(workspace);
    for (const [rel, text] of Object.entries(opts.localFiles ?? {})) {
      fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
      fs.writeFileSync(path.join(workspace, rel), text);
    }
    const userDataDir = path.join(tmp.dir, 'user-data');
    await opts.prepare?.({ tmp, extensionsDir, userDataDir });
    server = await startCodeServer({ folder: workspace, extensionsDir, userDataDir, settings: opts.settings, env: opts.env, extraArgs: opts.extraArgs });
    session = await launchBrowser();
    const url = workbenchUrl(server, workspace);
    if (opts.open !== false) await openWorkbench(session.page, url);
    return { tmp, server, session, page: session.page, workspace, userDataDir, url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
