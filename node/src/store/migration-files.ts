// Numbered migration files of a store backend: `NNN.do.name.sql`, undone by
// `NNN.undo.name.sql`, read from one folder and sorted by number. SQLite and
// PostgreSQL keep their own folders (their SQL differs) and apply the list
// their own way.
import { readdirSync, readFileSync } from "node:fs";

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string | undefined;
}

/** The migrations in `dir` (a folder URL ending in "/"), lowest version first. */
export function listMigrations(dir: URL): Migration[] {
  const files = readdirSync(dir);
  const migrations: Migration[] = [];
  for (const file of files) {
    const m = /^(\d{3})\.do\.(.+)\.sql$/.exec(file);
    if (m === null) continue;
    const undo = `${m[1]}.undo.${m[2]}.sql`;
    migrations.push({
      version: Number(m[1]),
      name: m[2]!,
      up: readFileSync(new URL(file, dir), "utf8"),
      down: files.includes(undo) ? readFileSync(new URL(undo, dir), "utf8") : undefined,
    });
  }
  return migrations.sort((a, b) => a.version - b.version);
}
