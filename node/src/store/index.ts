// The store: one database handle and its repositories.
import { createBatchesRepository } from "./batches-repository.js";
import { openDatabase, type Db, type OpenDatabaseParameters } from "./database.js";
import { createDeviceFormatsRepository } from "./device-formats-repository.js";
import { createDevicesRepository } from "./devices-repository.js";
import { createMetricsRepository } from "./metrics-repository.js";
import { createOutboxRepository } from "./outbox-repository.js";
import { createReadingsRepository } from "./readings-repository.js";

export interface Store {
  db: Db;
  devices: ReturnType<typeof createDevicesRepository>;
  readings: ReturnType<typeof createReadingsRepository>;
  batches: ReturnType<typeof createBatchesRepository>;
  outbox: ReturnType<typeof createOutboxRepository>;
  metrics: ReturnType<typeof createMetricsRepository>;
  deviceFormats: ReturnType<typeof createDeviceFormatsRepository>;
  /** Runs `fn` in one SQLite transaction. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export function openStore(parameters: OpenDatabaseParameters): Store {
  const db = openDatabase(parameters);
  return {
    db,
    devices: createDevicesRepository(db),
    readings: createReadingsRepository(db),
    batches: createBatchesRepository(db),
    outbox: createOutboxRepository(db),
    metrics: createMetricsRepository(db),
    deviceFormats: createDeviceFormatsRepository(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => {
      if (db.open) db.close();
    },
  };
}
