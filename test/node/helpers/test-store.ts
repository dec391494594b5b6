// The backend the node suites run against: SQLite by default, PostgreSQL with
// LCORE_NODE_TEST_DB=postgres (`npm run test:postgres`), on a server this
// process starts (test/helpers/postgres-server.ts) with a fresh database per
// node or store.
import { openStore, type NodeStore } from "../../../node/src/store/index.js";
import { sharedPostgres } from "../../helpers/postgres-server.js";

export type TestBackend = "sqlite" | "postgres";

export const TEST_BACKEND: TestBackend = process.env.LCORE_NODE_TEST_DB === "postgres" ? "postgres" : "sqlite";

/** A fresh PostgreSQL database on the suites' server when the backend is PostgreSQL, else undefined (SQLite). */
export async function testDatabaseUrl(): Promise<string | undefined> {
  if (TEST_BACKEND !== "postgres") return undefined;
  return await (await sharedPostgres()).createDatabase("lcore_test");
}

const urls = new WeakMap<NodeStore, string>();

/** A fresh store on the test backend (SQLite in memory, or a new PostgreSQL database); `sameDatabaseAs` opens a second instance on another's database. */
export async function openTestStore({ sameDatabaseAs, instanceId }: { sameDatabaseAs?: NodeStore; instanceId?: string } = {}): Promise<NodeStore> {
  const url = sameDatabaseAs !== undefined ? urls.get(sameDatabaseAs) : await testDatabaseUrl();
  const store = await openStore({
    path: ":memory:",
    ...(url === undefined ? {} : { databaseUrl: url }),
    ...(instanceId === undefined ? {} : { instanceId }),
  });
  if (url !== undefined) urls.set(store, url);
  return store;
}
