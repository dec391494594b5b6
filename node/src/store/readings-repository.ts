// SQL for readings: insert, look-ups, batching and receipts.
import type { Db } from "./database.js";

export type CommitMode = "proof" | "batch" | "legacy";

export interface ReadingRow {
  id: number;
  device_id: string;
  counter: number;
  key_id: string;
  envelope: Buffer;
  proof_hash: string;
  mode: CommitMode;
  status: "pending" | "batched" | "committed" | "failed";
  batch_id: string | null;
  leaf_index: number | null;
  tx_hash: string | null;
  block_number: number | null;
  gas_used: number | null;
  gas_used_for_l1: number | null;
  received_at: number;
  committed_at: number | null;
}

export interface NewReading {
  device_id: string;
  counter: number;
  key_id: string;
  envelope: Uint8Array;
  proof_hash: string;
  mode: CommitMode;
  received_at: number;
}

export interface Receipt {
  txHash: string;
  blockNumber: number;
  gasUsed: number;
  /** The receipt's gasUsedForL1 on Arbitrum chains (the parent-chain share of gasUsed). */
  gasUsedForL1?: number | null | undefined;
  committedAt: number;
}

export function createReadingsRepository(db: Db) {
  const insert = db.prepare(
    "INSERT INTO readings (device_id, counter, key_id, envelope, proof_hash, mode, received_at) VALUES (@device_id, @counter, @key_id, @envelope, @proof_hash, @mode, @received_at)",
  );
  const byId = db.prepare("SELECT * FROM readings WHERE id = ?");
  const byProof = db.prepare("SELECT * FROM readings WHERE proof_hash = ?");
  const byBatch = db.prepare("SELECT * FROM readings WHERE batch_id = ? ORDER BY leaf_index");
  const batchProofs = db.prepare("SELECT proof_hash FROM readings WHERE batch_id = ? ORDER BY leaf_index").pluck();
  const unbatched = db.prepare("SELECT id, proof_hash, received_at FROM readings WHERE mode = 'batch' AND batch_id IS NULL ORDER BY id LIMIT ?");
  const oldestUnbatched = db.prepare("SELECT MIN(received_at) FROM readings WHERE mode = 'batch' AND batch_id IS NULL").pluck();
  const countUnbatched = db.prepare("SELECT COUNT(*) FROM readings WHERE mode = 'batch' AND batch_id IS NULL").pluck();
  const setBatch = db.prepare("UPDATE readings SET batch_id = ?, leaf_index = ?, status = 'batched' WHERE id = ?");
  const commitOne = db.prepare(
    "UPDATE readings SET status = 'committed', tx_hash = ?, block_number = ?, gas_used = ?, gas_used_for_l1 = ?, committed_at = ? WHERE id = ? AND status != 'committed'",
  );
  const commitBatch = db.prepare(
    "UPDATE readings SET status = 'committed', tx_hash = ?, block_number = ?, committed_at = ? WHERE batch_id = ? AND status != 'committed'",
  );
  const failOne = db.prepare("UPDATE readings SET status = 'failed' WHERE id = ?");
  const failBatch = db.prepare("UPDATE readings SET status = 'failed' WHERE batch_id = ?");
  const page = db.prepare("SELECT * FROM readings WHERE id > ? ORDER BY id LIMIT ?");
  return {
    /** Inserts a reading; returns its id. Call inside a transaction for throughput. */
    insert(row: NewReading): number {
      return Number(insert.run(row).lastInsertRowid);
    },
    get(id: number): ReadingRow | undefined {
      return byId.get(id) as ReadingRow | undefined;
    },
    getByProofHash(proofHash: string): ReadingRow | undefined {
      return byProof.get(proofHash) as ReadingRow | undefined;
    },
    inBatch(batchId: string): ReadingRow[] {
      return byBatch.all(batchId) as ReadingRow[];
    },
    batchProofHashes(batchId: string): string[] {
      return batchProofs.all(batchId) as string[];
    },
    unbatched(limit: number): { id: number; proof_hash: string; received_at: number }[] {
      return unbatched.all(limit) as { id: number; proof_hash: string; received_at: number }[];
    },
    oldestUnbatchedAt(): number | null {
      return oldestUnbatched.get() as number | null;
    },
    countUnbatched(): number {
      return countUnbatched.get() as number;
    },
    assignBatch(id: number, batchId: string, leafIndex: number): void {
      setBatch.run(batchId, leafIndex, id);
    },
    markCommitted(id: number, r: Receipt): void {
      commitOne.run(r.txHash, r.blockNumber, r.gasUsed, r.gasUsedForL1 ?? null, r.committedAt, id);
    },
    markBatchCommitted(batchId: string, r: Receipt): void {
      commitBatch.run(r.txHash, r.blockNumber, r.committedAt, batchId);
    },
    markFailed(id: number): void {
      failOne.run(id);
    },
    markBatchFailed(batchId: string): void {
      failBatch.run(batchId);
    },
    /** Keyset pagination by id (for the verifier). */
    page(afterId: number, limit: number): ReadingRow[] {
      return page.all(afterId, limit) as ReadingRow[];
    },
  };
}
export type ReadingsRepository = ReturnType<typeof createReadingsRepository>;
