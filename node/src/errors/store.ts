// Errors of the store: a database that cannot be reached (at start, or while
// running: readings are then refused with 503 and nothing is acknowledged)
// and a database URL that is not one the node understands.
import { BaseError } from "./base-error.js";

export class DatabaseUnavailableError extends BaseError {
  override name = "DatabaseUnavailableError";
  override readonly code = "DATABASE_UNAVAILABLE";
  override readonly statusCode = 503;
  constructor({ backend, reason, cause }: { backend: string; reason: string; cause?: unknown }) {
    super(`The ${backend} database is unavailable (${reason}); nothing was stored, retry later.`, {
      details: "The node answers again as soon as the database is back; /health shows the database state.",
      cause,
    });
  }
}

export class DatabaseUrlError extends BaseError {
  override name = "DatabaseUrlError";
  override readonly code = "DATABASE_URL_INVALID";
  constructor({ reason }: { reason: string }) {
    super(`LCORE_NODE_DATABASE_URL / databaseUrl is not usable: ${reason}. Expected postgres://user[:password]@host[:port]/database.`);
  }
}
