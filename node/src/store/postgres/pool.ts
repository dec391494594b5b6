// The PostgreSQL connection pool of the node (node-postgres): 64-bit integers
// and numerics read as JS numbers (ids, counters and Unix-ms times fit in
// 2^53), bounded connect and statement times so a database that went away
// fails fast, and connection failures translated into DatabaseUnavailableError
// (HTTP 503: the reading was not stored, the device retries).
import pg from "pg";

import { DatabaseUnavailableError, DatabaseUrlError } from "../../errors/store.js";

const INT8 = 20;
const NUMERIC = 1700;

export interface CreatePoolParameters {
  url: string;
  /** Connections at most (default 10). */
  max?: number;
  /** Connect timeout, ms (default 5000). */
  connectTimeoutMs?: number;
  /** Per-statement timeout, ms (default 15000). */
  statementTimeoutMs?: number;
}

/** Checks the URL's shape (not reachability) and names the database without its password. */
export function describeDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError({ reason: "it is not a URL" });
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") throw new DatabaseUrlError({ reason: `scheme ${parsed.protocol} is not postgres:` });
  if (parsed.hostname === "" && !parsed.searchParams.has("host")) throw new DatabaseUrlError({ reason: "it has no host" });
  return `postgres://${parsed.username === "" ? "" : `${decodeURIComponent(parsed.username)}@`}${parsed.host}${parsed.pathname}`;
}

export function createPool({ url, max = 10, connectTimeoutMs = 5_000, statementTimeoutMs = 15_000 }: CreatePoolParameters): pg.Pool {
  describeDatabaseUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8 || oid === NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
    },
  });
  // A client whose server went away emits 'error' (on the pool while idle, on
  // the client while checked out between queries); without a listener that
  // would crash the process. The failing query rejects on its own, the broken
  // client is discarded on release, and the next query reconnects.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "EPIPE", "57P01", "57P02", "57P03", "53300"]);

/** True for errors that mean "the database is not reachable", not "this statement is wrong". */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (e === null || typeof e !== "object") return false;
  if (e.code !== undefined && (CONNECTION_CODES.has(e.code) || e.code.startsWith("08"))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|the database system is (starting up|shutting down)/i.test(e.message ?? "");
}

/** Rethrows connection failures as DatabaseUnavailableError; other errors unchanged. */
export function translateError(error: unknown): never {
  if (isConnectionError(error)) {
    const e = error as { code?: string; message?: string };
    throw new DatabaseUnavailableError({ backend: "PostgreSQL", reason: e.code ?? e.message?.split("\n")[0] ?? "no answer", cause: error });
  }
  throw error;
}
