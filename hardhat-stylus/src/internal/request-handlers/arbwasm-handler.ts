// Intercepts calls, estimates and transactions sent straight to the ArbWasm
// precompile (0x...71) and serves them through the combined interpreter, whose
// frame for 0x71 runs the ArbWasm module of the ArbOS precompile registry
// (activation/arbwasm-module.ts). A transaction is mined as itself (one hash).
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { ARBWASM_ADDRESS } from "../activation/arbwasm-abi.js";

import { runInterpreted } from "./interpreted-transaction.js";
import { readTransaction, TRANSACTION_METHODS } from "./transaction-params.js";

export class ArbWasmHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return TRANSACTION_METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const tx = await readTransaction(request);
    if (tx === null || tx.to === null || tx.to.toLowerCase() !== ARBWASM_ADDRESS) return request;
    scope.sawStylus();
    return (await runInterpreted(request, tx, scope, { onlyIfEmulated: false })) ?? request;
  }
}
