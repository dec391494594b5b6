// getBatch(bytes32) and verifyInclusion(...): a committed Merkle root and the
// contract's own inclusion check.
import type { Address, Hex, PublicClient } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";

export interface ReadBatchReturnType {
  root: Hex;
  count: number;
  submitter: Address;
  timestamp: bigint;
  blockNumber: bigint;
}

export async function readBatch(client: PublicClient, { address, batchId }: { address: Address; batchId: Hex }): Promise<ReadBatchReturnType> {
  const [root, count, submitter, timestamp, blockNumber] = await client.readContract({
    address,
    abi: mvpIoTProcessorAbi,
    functionName: "getBatch",
    args: [batchId],
  });
  return { root, count: Number(count), submitter, timestamp, blockNumber };
}

export function verifyInclusionOnChain(
  client: PublicClient,
  { address, batchId, proofHash, index, proof }: { address: Address; batchId: Hex; proofHash: Hex; index: number; proof: readonly Hex[] },
): Promise<boolean> {
  return client.readContract({
    address,
    abi: mvpIoTProcessorAbi,
    functionName: "verifyInclusion",
    args: [batchId, proofHash, index, proof],
  });
}
