// The SQLite handle of the node: better-sqlite3 in WAL mode, foreign keys on,
// and numbered migrations (migrations/NNN.do.name.sql, undone by
// NNN.undo.name.sql) applied in order inside one transaction each.
import Database from "better-sqlite3";

import { ensurePrivateFile, restrictExisting } from "../fs/private-path.js";
import { listMigrations } from "./migration-files.js";

export type Db = Database.Database;

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

export interface OpenDatabaseParameters {
  /** File path, or ":memory:". */
  path: string;
  /** "NORMAL" (default) survives process crashes; "FULL" also survives power loss. */
  synchronous?: "NORMAL" | "FULL";
}

/** Opens (creating if needed) the node database and migrates it to the latest version. */
export function openDatabase({ path, synchronous = "NORMAL" }: OpenDatabaseParameters): Db {
  // The file exists as 0600 (in a 0700 folder if we made it) before SQLite opens it;
  // SQLite gives its -wal and -shm files the database file's mode.
  if (path !== ":memory:") ensurePrivateFile(path);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  if (path !== ":memory:") restrictExisting([`${path}-wal`, `${path}-shm`]);
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

/** Applies pending migrations up to `target` (default: latest); returns the resulting version. */
export function migrate(db: Db, target?: number): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  const current = (db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations").get() as { v: number }).v;
  const all = listMigrations(MIGRATIONS_DIR);
  const goal = target ?? all.at(-1)?.version ?? 0;
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const forget = db.prepare("DELETE FROM schema_migrations WHERE version = ?");
  if (goal >= current) {
    for (const m of all.filter((x) => x.version > current && x.version <= goal)) {
      db.transaction(() => {
        db.exec(m.up);
        record.run(m.version, m.name, Date.now());
      })();
    }
  } else {
    for (const m of all.filter((x) => x.version <= current && x.version > goal).reverse()) {
      if (m.down === undefined) throw new Error(`migration ${m.version} has no undo file`);
      db.transaction(() => {
        db.exec(m.down!);
        forget.run(m.version);
      })();
    }
  }
  return goal;
}
