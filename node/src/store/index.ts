// The store: SQLite (embedded default) or PostgreSQL (several instances on one
// database), chosen by `databaseUrl`, behind the one NodeStore interface.
// Each backend runs its own numbered migrations on open.
import { openPostgresStore } from "./postgres/postgres-store.js";
import { openSqliteStore, sqliteNodeStore } from "./sqlite-store.js";
import type { NodeStore } from "./types.js";

export type { NodeStore, StoreBackend, PersistOutcome } from "./types.js";
export { openSqliteStore, type SqliteStore } from "./sqlite-store.js";

/** The store's name kept for existing callers. */
export type Store = NodeStore;

export interface OpenStoreParameters {
  /** SQLite file (or ":memory:"), used when no databaseUrl is given. */
  path: string;
  synchronous?: "NORMAL" | "FULL";
  /** postgres://… selects PostgreSQL. */
  databaseUrl?: string;
  /** Who claims outbox rows (the submitter address). */
  instanceId?: string;
  /** PostgreSQL: how long an instance's claim holds without renewal. */
  leaseMs?: number;
  /** PostgreSQL: connections at most. */
  poolSize?: number;
}

/**
 * Opens the store and migrates it. A PostgreSQL database that is wrong or
 * unreachable throws DatabaseUrlError / DatabaseUnavailableError (one line).
 */
export async function openStore({ path, synchronous, databaseUrl, instanceId = "local", leaseMs, poolSize }: OpenStoreParameters): Promise<NodeStore> {
  if (databaseUrl !== undefined && databaseUrl !== "") {
    return await openPostgresStore({
      url: databaseUrl,
      instanceId,
      ...(leaseMs === undefined ? {} : { leaseMs }),
      ...(poolSize === undefined ? {} : { poolSize }),
    });
  }
  return sqliteNodeStore(openSqliteStore({ path, ...(synchronous === undefined ? {} : { synchronous }) }), instanceId);
}
