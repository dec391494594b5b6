// Intercepts calls and transactions whose target holds Stylus code and runs
// the program's WASM in Node (chain/program-runner.ts) instead of letting EDR
// execute 0xEF as an invalid opcode.
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { ARBWASM_ADDRESS } from "../activation/arbwasm-abi.js";
import { runStylusProgram } from "../chain/program-runner.js";
import { StateView } from "../chain/state-view.js";
import { isStylusCodeHex } from "../chain/code-hash.js";

import { runEmulatedTransaction } from "./emulated-transaction.js";
import { readTransaction, TRANSACTION_METHODS } from "./transaction-params.js";

export class StylusExecutionHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return TRANSACTION_METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const tx = await readTransaction(request);
    if (tx === null || tx.to === null || tx.to.toLowerCase() === ARBWASM_ADDRESS) return request;
    const to = tx.to;
    const isSend = tx.method === "eth_sendTransaction" || tx.method === "eth_sendRawTransaction";
    const probe = new StateView(scope.rpc, isSend ? "latest" : tx.tag === "pending" ? "latest" : tx.tag, tx.override);
    const code = await probe.getCode(to);
    if (!isStylusCodeHex(code)) return request;
    return await runEmulatedTransaction(request, tx, to, scope, async (env) =>
      await runStylusProgram({
        view: env.view,
        modules: scope.modules,
        address: to,
        code,
        sender: env.from,
        origin: env.from,
        value: tx.value,
        calldata: tx.data,
        gasPrice: env.gasPrice,
        gasLimit: env.gasLimit,
        block: env.block,
        chainId: env.chainId,
        isStatic: false,
        mode: env.mode,
        remoteActivation: scope.remoteActivation,
      }),
      isSend ? code : undefined,
    );
  }
}
