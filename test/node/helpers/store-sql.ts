// Raw SQL against a node's store on either backend, for tests that tamper
// with rows or read them back: `?` placeholders (SQLite style) are numbered
// ($1, $2, …) for PostgreSQL.
import type { NodeStore } from "../../../node/src/store/index.js";

export async function sqlAll<R = Record<string, unknown>>(store: NodeStore, sql: string, params: unknown[] = []): Promise<R[]> {
  if (store.db !== undefined) {
    const stmt = store.db.prepare(sql);
    if (stmt.reader) return stmt.all(...params) as R[];
    stmt.run(...params);
    return [];
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  return (await store.pool!.query(text, params)).rows as R[];
}

/** The first column of the first row. */
export async function sqlValue<T = unknown>(store: NodeStore, sql: string, params: unknown[] = []): Promise<T> {
  const rows = await sqlAll<Record<string, unknown>>(store, sql, params);
  const row = rows[0];
  return (row === undefined ? undefined : Object.values(row)[0]) as T;
}
