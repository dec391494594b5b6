// getResult(bytes32): the predecessor's stored ciphertext, proof hash, time and submitter.
import type { Address, Hex, PublicClient } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";

export interface ReadResultReturnType {
  encryptedResult: Uint8Array;
  proofHash: Hex;
  timestamp: bigint;
  submitter: Address;
}

export async function readResult(client: PublicClient, { address, taskId }: { address: Address; taskId: Hex }): Promise<ReadResultReturnType> {
  const [bytes, proofHash, timestamp, submitter] = await client.readContract({
    address,
    abi: mvpIoTProcessorAbi,
    functionName: "getResult",
    args: [taskId],
  });
  return { encryptedResult: Uint8Array.from(bytes), proofHash, timestamp, submitter };
}
