// commitProof(bytes32 proof_hash, bytes32 device_id): one reading, 32 bytes on chain.
import type { Address, Hex, PublicClient } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import { findEventCommit } from "./find-event-commit.js";
import type { ContractCall, FoundCommit } from "./types.js";

export function commitProofCall({ proofHash, chainDeviceId }: { proofHash: Hex; chainDeviceId: Hex }): ContractCall {
  return { functionName: "commitProof", args: [proofHash, chainDeviceId] };
}

export function isProofCommitted(client: PublicClient, address: Address, proofHash: Hex): Promise<boolean> {
  return client.readContract({ address, abi: mvpIoTProcessorAbi, functionName: "isProofCommitted", args: [proofHash] });
}

export function findProofCommit(client: PublicClient, address: Address, proofHash: Hex): Promise<FoundCommit | undefined> {
  return findEventCommit(client, address, "ProofCommitted", { proof_hash: proofHash });
}
