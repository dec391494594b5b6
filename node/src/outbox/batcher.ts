// Closes Merkle batches: when enough readings wait (size) or the oldest has
// waited long enough (time), takes them in id order, builds the tree over
// their proof hashes, stores the batch with each reading's leaf index and
// queues one commitBatch, all in one SQLite transaction.
import { encodeAbiParameters, keccak256, type Hex } from "viem";

import { buildMerkleTree } from "../merkle/merkle-tree.js";
import type { Store } from "../store/index.js";

export interface CloseBatchesParameters {
  batchSize: number;
  maxWaitMs: number;
  now?: number;
  /** Close whatever waits, full or not. */
  force?: boolean;
  /** At most this many batches per call (bounded work per tick). */
  maxBatches?: number;
}

/** The on-chain id of a batch: keccak256(abi.encode("lcore-iot/batch/v1", root, count)); unique because proof hashes are. */
export function batchIdOf(root: Hex, count: number): Hex {
  return keccak256(encodeAbiParameters([{ type: "string" }, { type: "bytes32" }, { type: "uint32" }], ["lcore-iot/batch/v1", root, count]));
}

/** Returns the ids of the batches it closed. */
export function closeBatches(store: Store, { batchSize, maxWaitMs, now = Date.now(), force = false, maxBatches = 16 }: CloseBatchesParameters): Hex[] {
  const closed: Hex[] = [];
  for (let n = 0; n < maxBatches; n++) {
    const waiting = store.readings.countUnbatched();
    if (waiting === 0) break;
    const oldest = store.readings.oldestUnbatchedAt();
    const due = waiting >= batchSize || force || (oldest !== null && now - oldest >= maxWaitMs);
    if (!due) break;
    const id = store.transaction(() => {
      const rows = store.readings.unbatched(batchSize);
      if (rows.length === 0) return undefined;
      const tree = buildMerkleTree(rows.map((r) => r.proof_hash as Hex));
      const batchId = batchIdOf(tree.root, rows.length);
      store.batches.insert({
        batch_id: batchId,
        root: tree.root,
        count: rows.length,
        first_reading_id: rows[0]!.id,
        last_reading_id: rows[rows.length - 1]!.id,
        created_at: now,
      });
      rows.forEach((r, i) => store.readings.assignBatch(r.id, batchId, i));
      store.outbox.enqueue("commit_batch", batchId, now);
      return batchId;
    });
    if (id === undefined) break;
    closed.push(id);
  }
  return closed;
}
