// SQL for Merkle batches.
import type { Receipt } from "./readings-repository.js";
import type { Db } from "./database.js";

export interface BatchRow {
  batch_id: string;
  root: string;
  count: number;
  first_reading_id: number;
  last_reading_id: number;
  status: "pending" | "committed" | "failed";
  tx_hash: string | null;
  block_number: number | null;
  gas_used: number | null;
  gas_used_for_l1: number | null;
  created_at: number;
  committed_at: number | null;
}

export function createBatchesRepository(db: Db) {
  const insert = db.prepare(
    "INSERT INTO batches (batch_id, root, count, first_reading_id, last_reading_id, created_at) VALUES (@batch_id, @root, @count, @first_reading_id, @last_reading_id, @created_at)",
  );
  const byId = db.prepare("SELECT * FROM batches WHERE batch_id = ?");
  const commit = db.prepare(
    "UPDATE batches SET status = 'committed', tx_hash = ?, block_number = ?, gas_used = ?, gas_used_for_l1 = ?, committed_at = ? WHERE batch_id = ?",
  );
  const fail = db.prepare("UPDATE batches SET status = 'failed' WHERE batch_id = ?");
  return {
    insert(row: Pick<BatchRow, "batch_id" | "root" | "count" | "first_reading_id" | "last_reading_id" | "created_at">): void {
      insert.run(row);
    },
    get(batchId: string): BatchRow | undefined {
      return byId.get(batchId) as BatchRow | undefined;
    },
    markCommitted(batchId: string, r: Receipt): void {
      commit.run(r.txHash, r.blockNumber, r.gasUsed, r.gasUsedForL1 ?? null, r.committedAt, batchId);
    },
    markFailed(batchId: string): void {
      fail.run(batchId);
    },
  };
}
export type BatchesRepository = ReturnType<typeof createBatchesRepository>;
