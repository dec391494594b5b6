// Serves JSON-RPC calls, gas estimates and transactions sent straight to an
// ArbOS precompile: ArbWasm (0x...71) and every address of the connection's
// registry (arbos/registry.ts: ArbSys, ArbGasInfo, ArbOwnerPublic,
// ArbWasmCache, NodeInterface). They run through the combined interpreter,
// whose frame for the address runs the precompile's module
// (execution/arbos-frame.ts); a transaction is mined as itself (one hash).
// NodeInterface, answered only as the request's target, gets the node's gas
// estimate through the plugin's own handler chain (estimateThroughPlugin),
// so its estimates cover Stylus programs too.
import { numberToHex, type Address, type Hex } from "viem";

import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { ARBWASM_ADDRESS } from "../activation/arbwasm-abi.js";

import { runInterpreted } from "./interpreted-transaction.js";
import { readTransaction, TRANSACTION_METHODS } from "./transaction-params.js";

export class ArbOsHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return TRANSACTION_METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const tx = await readTransaction(request);
    if (tx === null || tx.to === null) return request;
    const to = tx.to.toLowerCase();
    if (to !== ARBWASM_ADDRESS && !scope.precompiles.has(to)) return request;
    if (to === ARBWASM_ADDRESS) scope.sawStylus();
    return (await runInterpreted(request, tx, scope, { onlyIfEmulated: false })) ?? request;
  }
}

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
