// The SQLite backend of the NodeStore interface: the synchronous
// better-sqlite3 repositories (one file per table beside this one), each call
// run at once and returned as a settled promise, and the atomic units of work
// as single SQLite transactions. One process owns the file, so claims need no
// lease: every queued row is this instance's.
import { openDatabase, type Db, type OpenDatabaseParameters } from "./database.js";
import { createBatchesRepository } from "./batches-repository.js";
import { createDeviceFormatsRepository } from "./device-formats-repository.js";
import { createDevicesRepository } from "./devices-repository.js";
import { createMetricsRepository } from "./metrics-repository.js";
import { createOutboxRepository } from "./outbox-repository.js";
import { createReadingsRepository } from "./readings-repository.js";
import { DatabaseUnavailableError } from "../errors/store.js";
import type { DeviceIdentityRow, NewReadingSource, NodeStore, OutboxKind, PersistOutcome } from "./types.js";

/** The synchronous SQLite store (the repositories over one better-sqlite3 handle). */
export interface SqliteStore {
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

export function openSqliteStore(parameters: OpenDatabaseParameters): SqliteStore {
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

/** Runs a synchronous call and settles a promise with its outcome. */
function settle<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R> {
  return (...args: A) => {
    try {
      return Promise.resolve(fn(...args));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** Adapts the synchronous SQLite store to the NodeStore interface. */
export function sqliteNodeStore(s: SqliteStore, instanceId: string): NodeStore {
  const lastCounter = s.db.prepare("SELECT last_counter FROM devices WHERE device_id = ?").pluck();
  /** One transaction: the device row (none if the id or the identity's DID is taken), its identity when given, the on-chain registration when asked. */
  const registerDevice = (row: Parameters<typeof s.devices.insert>[0], identity: DeviceIdentityRow | undefined, queueOnChain: boolean): boolean =>
    s.transaction(() => {
      if (s.devices.get(row.device_id) !== undefined) return false;
      if (identity !== undefined && identity.did !== null && s.deviceFormats.identityByDid(identity.did) !== undefined) return false;
      s.devices.insert(row);
      if (identity !== undefined) s.deviceFormats.insertIdentity(identity);
      if (queueOnChain) s.outbox.enqueue("register_device", row.device_id, row.registered_at);
      return true;
    });
  const persistReadings = (rows: readonly Parameters<typeof s.readings.insert>[0][], kind: OutboxKind | undefined, sources?: readonly (NewReadingSource | undefined)[]): PersistOutcome[] =>
    s.transaction(() => {
      const last = new Map<string, number>();
      const keys = new Set<string>();
      const out: PersistOutcome[] = [];
      rows.forEach((row, i) => {
        const source = sources?.[i];
        if (source !== undefined) {
          const key = `${row.device_id}\u0000${source.replay_key}`;
          if (keys.has(key) || s.deviceFormats.readingByReplayKey(row.device_id, source.replay_key) !== undefined) {
            out.push("duplicate");
            return;
          }
          keys.add(key);
        }
        let l = last.get(row.device_id);
        if (l === undefined) l = (lastCounter.get(row.device_id) as number | undefined) ?? 0;
        if (row.counter <= l) {
          out.push("replayed");
          last.set(row.device_id, l);
          return;
        }
        const id = s.readings.insert(row);
        if (source !== undefined) s.deviceFormats.insertSource({ reading_id: id, device_id: row.device_id, ...source });
        if (kind !== undefined) s.outbox.enqueue(kind, String(id), row.received_at);
        last.set(row.device_id, row.counter);
        out.push(id);
      });
      for (const [deviceId, counter] of last) s.devices.raiseCounter(deviceId, counter);
      return out;
    });
  return {
    backend: "sqlite",
    name: `sqlite:${s.db.name}`,
    instanceId,
    db: s.db,
    devices: {
      insert: settle(s.devices.insert),
      register: settle((row, queueOnChain) => registerDevice(row, undefined, queueOnChain)),
      get: settle(s.devices.get),
      all: settle(s.devices.all),
      raiseCounter: settle(s.devices.raiseCounter),
      setChainStatus: settle(s.devices.setChainStatus),
    },
    readings: {
      insert: settle(s.readings.insert),
      persistReadings: settle(persistReadings),
      get: settle(s.readings.get),
      getByProofHash: settle(s.readings.getByProofHash),
      inBatch: settle(s.readings.inBatch),
      batchProofHashes: settle(s.readings.batchProofHashes),
      unbatched: settle(s.readings.unbatched),
      oldestUnbatchedAt: settle(s.readings.oldestUnbatchedAt),
      countUnbatched: settle(s.readings.countUnbatched),
      assignBatch: settle(s.readings.assignBatch),
      markCommitted: settle(s.readings.markCommitted),
      markBatchCommitted: settle(s.readings.markBatchCommitted),
      markFailed: settle(s.readings.markFailed),
      markBatchFailed: settle(s.readings.markBatchFailed),
      page: settle(s.readings.page),
    },
    batches: {
      insert: settle(s.batches.insert),
      closeBatch: settle(({ batchSize, now, build }) =>
        s.transaction(() => {
          const rows = s.readings.unbatched(batchSize);
          if (rows.length === 0) return undefined;
          const { batchId, root } = build(rows.map((r) => r.proof_hash));
          s.batches.insert({ batch_id: batchId, root, count: rows.length, first_reading_id: rows[0]!.id, last_reading_id: rows[rows.length - 1]!.id, created_at: now });
          rows.forEach((r, i) => s.readings.assignBatch(r.id, batchId, i));
          s.outbox.enqueue("commit_batch", batchId, now);
          return batchId;
        }),
      ),
      get: settle(s.batches.get),
      markCommitted: settle(s.batches.markCommitted),
      markFailed: settle(s.batches.markFailed),
    },
    outbox: {
      enqueue: settle(s.outbox.enqueue),
      claimDue: settle(s.outbox.claimDue),
      inFlight: settle(s.outbox.inFlight),
      renewLeases: () => Promise.resolve(0),
      get: settle(s.outbox.get),
      getByRef: settle(s.outbox.getByRef),
      markSent: settle(s.outbox.markSent),
      addTxHash: settle(s.outbox.addTxHash),
      markConfirmed: settle(s.outbox.markConfirmed),
      confirm: settle((row, receipt) =>
        s.transaction(() => {
          switch (row.kind) {
            case "register_device":
              s.devices.setChainStatus(row.ref, "registered", receipt.txHash);
              break;
            case "commit_proof":
            case "submit_result":
              s.readings.markCommitted(Number(row.ref), receipt);
              break;
            case "commit_batch":
              s.batches.markCommitted(row.ref, receipt);
              s.readings.markBatchCommitted(row.ref, receipt);
              break;
          }
          s.outbox.markConfirmed(row.id);
        }),
      ),
      fail: settle((row, error) =>
        s.transaction(() => {
          s.outbox.markFailed(row.id, error);
          if (row.kind === "commit_proof" || row.kind === "submit_result") s.readings.markFailed(Number(row.ref));
          if (row.kind === "commit_batch") {
            s.batches.markFailed(row.ref);
            s.readings.markBatchFailed(row.ref);
          }
          if (row.kind === "register_device") s.devices.setChainStatus(row.ref, "failed", null);
        }),
      ),
      reschedule: settle(s.outbox.reschedule),
      markFailed: settle(s.outbox.markFailed),
      counts: settle(s.outbox.counts),
      nextDueAt: settle(s.outbox.nextDueAt),
    },
    metrics: {
      firstStartedAt: settle((now?: number) => s.metrics.firstStartedAt(now)),
      figures: settle((now?: number) => s.metrics.figures(now)),
    },
    deviceFormats: {
      register: settle((row, identity, queueOnChain) => registerDevice(row, identity, queueOnChain)),
      identity: settle(s.deviceFormats.identity),
      identityByDid: settle(s.deviceFormats.identityByDid),
      source: settle(s.deviceFormats.source),
      readingByReplayKey: settle(s.deviceFormats.readingByReplayKey),
      counts: settle(s.deviceFormats.counts),
    },
    ping: settle(() => {
      if (!s.db.open) throw new DatabaseUnavailableError({ backend: "SQLite", reason: "the database is closed" });
      try {
        s.db.prepare("SELECT 1").get();
      } catch (error) {
        throw new DatabaseUnavailableError({ backend: "SQLite", reason: error instanceof Error ? error.message : String(error), cause: error });
      }
    }),
    close: settle(() => s.close()),
  };
}
