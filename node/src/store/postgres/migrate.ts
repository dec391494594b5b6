// Numbered migrations for PostgreSQL (migrations/NNN.do.name.sql, undone by
// NNN.undo.name.sql), applied in order, one transaction each, under an
// advisory lock so instances starting together migrate once.
import type pg from "pg";

import { listMigrations } from "../migration-files.js";

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);
/** Arbitrary constant: the advisory lock key of the node's migrations. */
const MIGRATION_LOCK = 7_365_211;

/** Migrates up (or down) to `target` (default: latest); returns the resulting version. */
export async function migratePostgres(pool: pg.Pool, target?: number): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    const current = Number((await client.query<{ v: number }>("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")).rows[0]!.v);
    const all = listMigrations(MIGRATIONS_DIR);
    const goal = target ?? all.at(-1)?.version ?? 0;
    const steps =
      goal >= current
        ? all.filter((m) => m.version > current && m.version <= goal).map((m) => ({ m, sql: m.up, up: true }))
        : all.filter((m) => m.version <= current && m.version > goal).reverse().map((m) => ({ m, sql: m.down, up: false }));
    for (const { m, sql, up } of steps) {
      if (sql === undefined) throw new Error(`migration ${m.version} has no undo file`);
      await client.query("BEGIN");
      try {
        await client.query(sql);
        if (up) await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, Date.now()]);
        else await client.query("DELETE FROM schema_migrations WHERE version = $1", [m.version]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
    return goal;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
