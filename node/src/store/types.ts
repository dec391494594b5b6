// The store's one interface over both backends (SQLite, the embedded default,
// and PostgreSQL, shared by many node instances). Every repository method is
// async so PostgreSQL can implement it; the SQLite backend runs each call
// synchronously and returns a settled promise. Work that must be atomic is a
// method of its own (persistReadings, register, confirm, fail, closeBatch),
// never a transaction spanning the callers' awaits.
import type pg from "pg";

import type { BatchRow } from "./batches-repository.js";
import type { Db } from "./database.js";
import type { DeviceFormat, DeviceIdentityRow, ReadingSourceRow } from "./device-formats-repository.js";
import type { DeviceRow } from "./devices-repository.js";
import type { MetricsFigures } from "./metrics-repository.js";
import type { OutboxKind, OutboxRow, OutboxStatus } from "./outbox-repository.js";
import type { NewReading, ReadingRow, Receipt } from "./readings-repository.js";

export type { BatchRow, DeviceFormat, DeviceIdentityRow, ReadingSourceRow, DeviceRow, MetricsFigures, NewReading, OutboxKind, OutboxRow, OutboxStatus, ReadingRow, Receipt };
export type StoreBackend = "sqlite" | "postgres";

export interface DevicesRepo {
  insert(row: Omit<DeviceRow, "last_counter" | "chain_status" | "chain_tx_hash">): Promise<void>;
  /** Inserts the device and, when `queueOnChain`, its register_device outbox row, atomically. False when the id exists. */
  register(row: Omit<DeviceRow, "last_counter" | "chain_status" | "chain_tx_hash">, queueOnChain: boolean): Promise<boolean>;
  get(deviceId: string): Promise<DeviceRow | undefined>;
  all(): Promise<DeviceRow[]>;
  raiseCounter(deviceId: string, counter: number): Promise<void>;
  setChainStatus(deviceId: string, status: DeviceRow["chain_status"], txHash: string | null): Promise<void>;
}

/**
 * One reading's outcome in persistReadings: its id; "replayed" when the
 * database already holds an equal or higher counter of its device;
 * "duplicate" when its source's replay key was already accepted (a signed
 * payload sent twice, to this instance or another).
 */
export type PersistOutcome = number | "replayed" | "duplicate";

/** Where a non-native reading came from, stored with it (reading_sources). */
export type NewReadingSource = Omit<ReadingSourceRow, "reading_id" | "device_id">;

export interface ReadingsRepo {
  insert(row: NewReading): Promise<number>;
  /**
   * The ingest write: in one transaction, for each device locks its row, keeps
   * only readings whose counter is above the stored last_counter (replay
   * protection that holds across instances), inserts them with their outbox
   * row (`kind`, when given) and raises the counters. Rows of one device must
   * come in increasing counter order. `sources[i]`, when given, is stored
   * with row i in the same transaction; a row whose (device, replay key) is
   * already stored is not inserted ("duplicate"). One outcome per row, in order.
   */
  persistReadings(rows: readonly NewReading[], kind: OutboxKind | undefined, sources?: readonly (NewReadingSource | undefined)[]): Promise<PersistOutcome[]>;
  get(id: number): Promise<ReadingRow | undefined>;
  getByProofHash(proofHash: string): Promise<ReadingRow | undefined>;
  inBatch(batchId: string): Promise<ReadingRow[]>;
  batchProofHashes(batchId: string): Promise<string[]>;
  unbatched(limit: number): Promise<{ id: number; proof_hash: string; received_at: number }[]>;
  oldestUnbatchedAt(): Promise<number | null>;
  countUnbatched(): Promise<number>;
  assignBatch(id: number, batchId: string, leafIndex: number): Promise<void>;
  markCommitted(id: number, r: Receipt): Promise<void>;
  markBatchCommitted(batchId: string, r: Receipt): Promise<void>;
  markFailed(id: number): Promise<void>;
  markBatchFailed(batchId: string): Promise<void>;
  page(afterId: number, limit: number): Promise<ReadingRow[]>;
}

export interface CloseBatchParameters {
  batchSize: number;
  now: number;
  /** Builds the batch from its leaves (proof hashes in id order). */
  build(proofHashes: string[]): { batchId: string; root: string };
}

export interface BatchesRepo {
  insert(row: Pick<BatchRow, "batch_id" | "root" | "count" | "first_reading_id" | "last_reading_id" | "created_at">): Promise<void>;
  /**
   * Takes up to batchSize unbatched readings (rows another instance is taking
   * are skipped, never shared), stores the batch, each reading's leaf index and
   * the commit_batch outbox row, atomically. Undefined when nothing waits.
   */
  closeBatch(parameters: CloseBatchParameters): Promise<string | undefined>;
  get(batchId: string): Promise<BatchRow | undefined>;
  markCommitted(batchId: string, r: Receipt): Promise<void>;
  markFailed(batchId: string): Promise<void>;
}

export interface OutboxRepo {
  enqueue(kind: OutboxKind, ref: string, now?: number): Promise<void>;
  /**
   * Claims due queued rows for this instance (PostgreSQL: FOR UPDATE SKIP
   * LOCKED plus a lease, so two instances never take the same row and a dead
   * instance's rows come back when its lease expires).
   */
  claimDue(now: number, limit: number): Promise<OutboxRow[]>;
  /** This instance's sent, unconfirmed rows, in nonce order. */
  inFlight(): Promise<OutboxRow[]>;
  /**
   * Renews this instance's leases and puts rows whose owner's lease expired
   * (a dead instance) back in the queue. Returns how many came back.
   */
  renewLeases(now: number, leaseMs: number): Promise<number>;
  get(id: number): Promise<OutboxRow | undefined>;
  getByRef(kind: OutboxKind, ref: string): Promise<OutboxRow | undefined>;
  markSent(id: number, nonce: number, txHashes: string[], now?: number): Promise<void>;
  addTxHash(id: number, txHashes: string[], now?: number): Promise<void>;
  markConfirmed(id: number, now?: number): Promise<void>;
  /** Confirms the row and writes the receipt into its device / reading / batch, atomically. */
  confirm(row: OutboxRow, receipt: Receipt): Promise<void>;
  /** Fails the row for good and marks its device / reading / batch failed, atomically. */
  fail(row: OutboxRow, error: string): Promise<void>;
  reschedule(id: number, error: string, nextAttemptAt: number, countAttempt: boolean, now?: number): Promise<void>;
  markFailed(id: number, error: string, now?: number): Promise<void>;
  counts(): Promise<Record<OutboxStatus, number>>;
  nextDueAt(): Promise<number | null>;
}

/** The identities of non-native devices and the sources of their readings (migration 003). */
export interface DeviceFormatsRepo {
  /**
   * Inserts the device, its identity and, when `queueOnChain`, its
   * register_device outbox row, atomically. False when the device id or the
   * DID is already registered.
   */
  register(row: Omit<DeviceRow, "last_counter" | "chain_status" | "chain_tx_hash">, identity: DeviceIdentityRow, queueOnChain: boolean): Promise<boolean>;
  identity(deviceId: string): Promise<DeviceIdentityRow | undefined>;
  identityByDid(did: string): Promise<DeviceIdentityRow | undefined>;
  source(readingId: number): Promise<ReadingSourceRow | undefined>;
  /** The reading already accepted with this replay key, if any. */
  readingByReplayKey(deviceId: string, replayKey: string): Promise<number | undefined>;
  /** Readings per (format, authenticated), for /metrics. */
  counts(): Promise<{ format: DeviceFormat; authenticated: 0 | 1; n: number }[]>;
}

export interface MetricsRepo {
  firstStartedAt(now?: number): Promise<number>;
  figures(now?: number): Promise<MetricsFigures>;
}

export interface NodeStore {
  readonly backend: StoreBackend;
  /** A name unique to this database (cache keys), never a secret. */
  readonly name: string;
  /** The instance these claims and leases belong to (the submitter address). */
  readonly instanceId: string;
  /** The better-sqlite3 handle (SQLite backend only; for tools and tests). */
  readonly db?: Db;
  /** The pg pool (PostgreSQL backend only; for tools and tests). */
  readonly pool?: pg.Pool;
  devices: DevicesRepo;
  readings: ReadingsRepo;
  batches: BatchesRepo;
  outbox: OutboxRepo;
  metrics: MetricsRepo;
  deviceFormats: DeviceFormatsRepo;
  /** Throws DatabaseUnavailableError when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
