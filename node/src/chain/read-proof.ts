// getProof(bytes32): who committed a reading's proof hash, when, for which device.
import type { Address, Hex, PublicClient } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";

export interface ReadProofReturnType {
  deviceId: Hex;
  submitter: Address;
  timestamp: bigint;
  blockNumber: bigint;
}

export async function readProof(client: PublicClient, { address, proofHash }: { address: Address; proofHash: Hex }): Promise<ReadProofReturnType> {
  const [deviceId, submitter, timestamp, blockNumber] = await client.readContract({
    address,
    abi: mvpIoTProcessorAbi,
    functionName: "getProof",
    args: [proofHash],
  });
  return { deviceId, submitter, timestamp, blockNumber };
}
