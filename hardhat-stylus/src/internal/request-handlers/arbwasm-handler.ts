// Intercepts calls and transactions to the ArbWasm precompile (0x...71) and
// answers them with the emulated precompile (activation/arbwasm-precompile.ts).
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { ARBWASM_ADDRESS } from "../activation/arbwasm-abi.js";
import { runArbWasm } from "../activation/arbwasm-precompile.js";

import { runEmulatedTransaction } from "./emulated-transaction.js";
import { readTransaction, TRANSACTION_METHODS } from "./transaction-params.js";

export class ArbWasmHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return TRANSACTION_METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const tx = await readTransaction(request);
    if (tx === null || tx.to === null || tx.to.toLowerCase() !== ARBWASM_ADDRESS) return request;
    scope.sawStylus();
    return await runEmulatedTransaction(request, tx, ARBWASM_ADDRESS, scope, async (env) =>
      await runArbWasm({
        view: env.view,
        from: env.from,
        value: tx.value,
        data: tx.data,
        timestamp: env.block.timestamp,
        remoteActivation: scope.remoteActivation,
      }),
    );
  }
}
