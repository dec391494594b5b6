// The result of running something the plugin emulates (a Stylus program or
// the ArbWasm precompile), independent of how it is delivered: as an
// eth_call result, an eth_estimateGas figure, or a mined applier transaction.
import type { AppliedEffect } from "./effects-applier.js";

export interface EmulatedOutcome {
  success: boolean;
  /** Return data on success, revert data on failure. */
  returnData: Uint8Array;
  /** Gas used beyond the transaction's intrinsic gas, by the plugin's gas model. */
  gasUsed: bigint;
  /** Non-terminal effects to apply in a mined transaction (storage writes, logs, transfers). Empty on failure. */
  effects: AppliedEffect[];
  /** The run ran out of gas: a mined transaction consumes all its gas. */
  outOfGas: boolean;
  /** Human-readable reason of a failure, put in the JSON-RPC error message. */
  reason?: string;
}

/** A failed outcome with `returnData` as revert data. */
export function revertOutcome(returnData: Uint8Array, reason: string, gasUsed = 0n): EmulatedOutcome {
  return { success: false, returnData, gasUsed, effects: [], outOfGas: false, reason };
}
