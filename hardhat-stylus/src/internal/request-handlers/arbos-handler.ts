// Serves JSON-RPC calls, gas estimates and transactions sent straight to an
// ArbOS precompile: ArbWasm (0x...71) and every address of the connection's
// registry (arbos/registry.ts: ArbSys, ArbGasInfo, ArbOwnerPublic,
// ArbWasmCache, NodeInterface). They run through the combined interpreter,
// whose frame for the address runs the precompile's module
// (execution/arbos-frame.ts); a transaction is mined as itself (one hash).
// NodeInterface, answered only as the request's target, gets the node's gas
// estimate through the plugin's own handler chain (node-interface-services.ts),
// so its estimates cover Stylus programs too.
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
