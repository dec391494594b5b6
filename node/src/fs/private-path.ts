// Files and folders the node creates are private to its user, whatever the
// umask: folders 0700 (only the ones created here; an existing folder such as
// /tmp is left alone), files 0600, created with that mode before anything is
// written so there is no window with wider permissions.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Creates `dir` and any missing parents with mode 0700 (chmod'ed, so the umask cannot widen or narrow it). */
export function makePrivateDir(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  if (missing.length === 0) return;
  mkdirSync(resolve(dir), { recursive: true, mode: 0o700 });
  for (const d of missing) chmodSync(d, 0o700);
}

/** Makes `path` exist as a 0600 file in a private folder (an existing file is chmod'ed to 0600, its content kept). */
export function ensurePrivateFile(path: string): void {
  makePrivateDir(dirname(path));
  closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
}

/** chmod 0600 on each of `paths` that exists (SQLite's -wal and -shm files). */
export function restrictExisting(paths: readonly string[]): void {
  for (const p of paths) if (existsSync(p)) chmodSync(p, 0o600);
}
