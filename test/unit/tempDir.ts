import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** Inside a describe(): a new empty local folder for each test (`dir()`), removed after it. */
export function tempDirPerTest(prefix: string): { dir: () => string } {
  let current = '';
  beforeEach(async () => {
    current = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    await fs.rm(current, { recursive: true, force: true });
  });
  return { dir: () => current };
}
