// Intercepts calls, estimates and transactions that reach Stylus code and runs
// them in the combined interpreter (execution/) instead of letting EDR execute
// 0xEF as an invalid opcode: those whose target holds a program, and those to
// an EVM contract that fail in EDR on a chain where programs exist (an EVM
// contract calling a program fails there; the interpreter then runs it with
// both kinds of code and its result is delivered if a program or ArbOS
// precompile took part).
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { ARBWASM_ADDRESS } from "../activation/arbwasm-abi.js";
import { StateView } from "../chain/state-view.js";
import { isStylusCodeHex } from "../chain/code-hash.js";

import { runInterpreted } from "./interpreted-transaction.js";
import { resultResponse } from "./responses.js";
import { readTransaction, TRANSACTION_METHODS, type ParsedTransaction } from "./transaction-params.js";

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
      return (await runInterpreted(request, tx, scope, { onlyIfEmulated: false })) ?? request;
    }
    // Sends are checked in EDR first only once the connection has seen Stylus code (one extra eth_call);
    // calls and estimates cost nothing extra when EDR succeeds.
    if (code === "0x" || (isSend && !scope.stylusPresent())) return request;
    const answer = await runInEdr(request, tx, scope);
    if (answer.ok) return isSend ? request : resultResponse(request, answer.result);
    return (await runInterpreted(request, tx, scope, { onlyIfEmulated: true })) ?? request;
  }
}

/** Runs the request's transaction in EDR as an eth_call (an estimate for eth_estimateGas); ok: false when EDR fails it. */
async function runInEdr(
  request: JsonRpcRequest,
  tx: ParsedTransaction,
  scope: RequestScope,
): Promise<{ ok: true; result: unknown } | { ok: false }> {
  const isSend = tx.method === "eth_sendTransaction" || tx.method === "eth_sendRawTransaction";
  if (!isSend) {
    try {
      return { ok: true, result: await scope.rpc.request(request.method, Array.isArray(request.params) ? request.params : []) };
    } catch {
      return { ok: false };
    }
  }
  const call: Record<string, unknown> = { to: tx.to, data: bytesHex(tx.data) };
  if (tx.from !== undefined) call.from = tx.from;
  if (tx.value > 0n) call.value = `0x${tx.value.toString(16)}`;
  if (tx.gas !== undefined) call.gas = `0x${tx.gas.toString(16)}`;
  try {
    return { ok: true, result: await scope.rpc.request("eth_call", [call, "pending"]) };
  } catch {
    return { ok: false };
  }
}

function bytesHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}
