// Temporary folders for a test (workspaces, generated extensions), removed by the test.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TempDir {
  dir: string;
  /** Removes the folder, unless E2E_KEEP=1. */
  remove(): void;
}

export function tempDir(prefix = 'vscode-e2e-'): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    remove: () => {
      if (process.env.E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
