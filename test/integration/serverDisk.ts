import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The server's disk as the tests change it behind the client's back, in paths relative to the FTP root. What the
 * test makes as root belongs to the FTP user, as if it had made it (the server runs as that user).
 */
export function serverDisk(root: () => string) {
  const abs = (rel: string) => path.join(root(), rel);
  const own = (rel: string) => {
    const { uid, gid } = fs.statSync(root());
    for (let r = rel; r !== '.'; r = path.dirname(r)) fs.lchownSync(abs(r), uid, gid);
  };
  return {
    abs,
    own,
    mkdir: (rel: string) => {
      fs.mkdirSync(abs(rel), { recursive: true });
      own(rel);
    },
    write: (rel: string, content: string | Buffer) => {
      fs.writeFileSync(abs(rel), content);
      own(rel);
    },
    link: (rel: string, target: string) => {
      fs.symlinkSync(target, abs(rel));
      own(rel);
    },
    exists: (rel: string) => fs.existsSync(abs(rel)),
    read: (rel: string) => fs.readFileSync(abs(rel), 'utf8'),
    isLink: (rel: string) => fs.lstatSync(abs(rel)).isSymbolicLink(),
  };
}
