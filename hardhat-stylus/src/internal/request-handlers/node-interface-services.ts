// What only the node can do for NodeInterface (0xc8): estimate another
// transaction's gas. The estimate goes through the connection's whole handler
// chain (scope.dispatch), so transactions that reach Stylus programs get the
// interpreter's estimate; the interpreter hands this to NodeInterface when it
// is a run's top frame (execution/arbos-frame.ts).
import { numberToHex, type Address, type Hex } from "viem";

import type { RequestScope } from "./types.js";

/** eth_estimateGas of another transaction, through the plugin's handlers when the scope offers them. */
export async function estimateThroughPlugin(
  scope: RequestScope,
  tx: { from: Address; to: Address | null; data: Hex; value: bigint },
  tag: unknown,
): Promise<bigint> {
  const call: Record<string, string> = { from: tx.from, data: tx.data, value: numberToHex(tx.value) };
  if (tx.to !== null) call.to = tx.to;
  const params = [call, typeof tag === "string" ? tag : "latest"];
  if (scope.dispatch !== undefined) {
    const response = await scope.dispatch({ jsonrpc: "2.0", id: "hardhat-stylus-node-interface", method: "eth_estimateGas", params });
    if ("error" in response && response.error !== undefined) throw new EstimateError(response.error.message, response.error.data);
    return BigInt((response as { result: Hex }).result);
  }
  return BigInt(await scope.rpc.request<Hex>("eth_estimateGas", params));
}

/** The inner estimate failed: NodeInterface reverts with the inner error's data, as Nitro does. */
class EstimateError extends Error {
  override name = "EstimateError";
  readonly data: unknown;
  constructor(message: string, data: unknown) {
    super(message);
    this.data = data;
  }
}
