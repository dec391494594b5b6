// Shared shapes of the chain layer.
import type { Hex } from "viem";

/** A write to MVPIoTProcessor: function name and arguments (the ABI comes from the artifacts). */
export interface ContractCall {
  functionName: "registerDevice" | "commitProof" | "commitBatch" | "submitResult";
  args: readonly unknown[];
}

/** Where an earlier commit landed (found through its event). */
export interface FoundCommit {
  txHash: Hex;
  blockNumber: number;
  gasUsed: number;
  /** The receipt's gasUsedForL1 on Arbitrum chains. */
  gasUsedForL1?: number | null;
}
