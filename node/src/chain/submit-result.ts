// submitResult(bytes32 task_id, uint8[] encrypted_result, bytes32 proof_hash):
// the predecessor's call, kept for its already-deployed contract. task_id = proof_hash.
import type { Address, Hex, PublicClient } from "viem";

import { findEventCommit } from "./find-event-commit.js";
import { readResult } from "./read-result.js";
import type { ContractCall, FoundCommit } from "./types.js";

export function submitResultCall({ taskId, envelope, proofHash }: { taskId: Hex; envelope: Uint8Array; proofHash: Hex }): ContractCall {
  return { functionName: "submitResult", args: [taskId, Array.from(envelope), proofHash] };
}

export async function isResultSubmitted(client: PublicClient, address: Address, taskId: Hex): Promise<boolean> {
  return (await readResult(client, { address, taskId })).timestamp !== 0n;
}

export function findResultSubmission(client: PublicClient, address: Address, taskId: Hex): Promise<FoundCommit | undefined> {
  return findEventCommit(client, address, "ResultSubmitted", { task_id: taskId });
}
