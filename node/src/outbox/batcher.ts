// Closes Merkle batches: when enough readings wait (size) or the oldest has
// waited long enough (time), takes them in id order, builds the tree over
// their proof hashes, stores the batch with each reading's leaf index and
// queues one commitBatch, atomically (store.batches.closeBatch: on
// PostgreSQL the readings are taken FOR UPDATE SKIP LOCKED, so two instances
// never put one reading in two batches).
import { encodeAbiParameters, keccak256, type Hex } from "viem";

import { merkleRoot } from "../merkle/merkle-tree.js";
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
export async function closeBatches(store: Store, { batchSize, maxWaitMs, now = Date.now(), force = false, maxBatches = 16 }: CloseBatchesParameters): Promise<Hex[]> {
  const closed: Hex[] = [];
  for (let n = 0; n < maxBatches; n++) {
    const waiting = await store.readings.countUnbatched();
    if (waiting === 0) break;
    const oldest = await store.readings.oldestUnbatchedAt();
    const due = waiting >= batchSize || force || (oldest !== null && now - oldest >= maxWaitMs);
    if (!due) break;
    const id = await store.batches.closeBatch({
      batchSize,
      now,
      build: (proofHashes) => {
        const root = merkleRoot(proofHashes as Hex[]);
        return { batchId: batchIdOf(root, proofHashes.length), root };
      },
    });
    if (id === undefined) break;
    closed.push(id as Hex);
  }
  return closed;
}
