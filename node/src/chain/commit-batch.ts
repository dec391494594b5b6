// commitBatch(bytes32 batch_id, bytes32 root, uint32 count): one Merkle root for many readings.
import type { Address, Hex, PublicClient } from "viem";

import { findEventCommit } from "./find-event-commit.js";
import { readBatch } from "./read-batch.js";
import type { ContractCall, FoundCommit } from "./types.js";

export function commitBatchCall({ batchId, root, count }: { batchId: Hex; root: Hex; count: number }): ContractCall {
  return { functionName: "commitBatch", args: [batchId, root, count] };
}

export async function isBatchCommitted(client: PublicClient, address: Address, batchId: Hex): Promise<boolean> {
  return (await readBatch(client, { address, batchId })).timestamp !== 0n;
}

export function findBatchCommit(client: PublicClient, address: Address, batchId: Hex): Promise<FoundCommit | undefined> {
  return findEventCommit(client, address, "BatchCommitted", { batch_id: batchId });
}
