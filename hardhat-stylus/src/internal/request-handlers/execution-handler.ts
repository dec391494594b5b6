// Intercepts calls, estimates and transactions that may reach Stylus code and
// runs them in the combined interpreter (execution/) instead of letting EDR
// execute 0xEF as an invalid opcode: those whose target holds a program, and,
// on a connection that holds programs, those to an EVM contract whose code can
// call out (an EVM caller that tolerates a failed call into a program would
// hide that failure from EDR). The interpreter's result is delivered when a
// program or an ArbOS precompile took part; otherwise EDR runs the request.
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { ARBWASM_ADDRESS } from "../activation/arbwasm-abi.js";
import { StateView } from "../chain/state-view.js";
import { isStylusCodeHex } from "../chain/code-hash.js";
import { mayCallOut } from "../execution/code-analysis.js";

import { runInterpreted } from "./interpreted-transaction.js";
import { readTransaction, TRANSACTION_METHODS } from "./transaction-params.js";

export class StylusExecutionHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return TRANSACTION_METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const tx = await readTransaction(request);
    if (tx === null || tx.to === null || tx.to.toLowerCase() === ARBWASM_ADDRESS) return request;
    const isSend = tx.method === "eth_sendTransaction" || tx.method === "eth_sendRawTransaction";
    const probe = new StateView(scope.rpc, isSend ? "latest" : tx.tag === "pending" ? "latest" : tx.tag, tx.override);
    const code = await probe.getCode(tx.to);
    if (isStylusCodeHex(code)) {
      scope.sawStylus();
      return (await runInterpreted(request, tx, scope, { onlyIfEmulated: false, targetCode: code })) ?? request;
    }
    if (code === "0x" || !scope.stylusPresent() || !mayCallOut(code)) return request;
    return (await runInterpreted(request, tx, scope, { onlyIfEmulated: true, targetCode: code })) ?? request;
  }
}
