// Normalises call objects that carry their calldata twice. Foundry's cast
// (1.x) and other alloy-based clients send both `input` and `data`; geth and
// Nitro accept that when the two agree, but Hardhat 3's EDR refuses the
// object ("duplicate field `data`"). This handler runs first, so every later
// handler and EDR see one field, `input`. When the two disagree the request
// gets geth's own error and reaches nothing else.
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { errorResponse } from "./responses.js";

/** Methods whose first parameter is a transaction call object. */
const CALL_OBJECT_METHODS = new Set([
  "eth_call",
  "eth_estimateGas",
  "eth_sendTransaction",
  "eth_signTransaction",
  "eth_createAccessList",
  "debug_traceCall",
]);

/** geth's message (internal/ethapi/transaction_args.go) for an object whose `data` and `input` differ. */
export const CONFLICTING_INPUT_MESSAGE =
  'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data';

type CallObject = Record<string, unknown>;

function hasBoth(value: unknown): value is CallObject {
  return typeof value === "object" && value !== null && "input" in value && "data" in value;
}

export class CallObjectHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return CALL_OBJECT_METHODS.has(request.method) && Array.isArray(request.params) && hasBoth(request.params[0]);
  }

  async handle(request: JsonRpcRequest, _scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const params = request.params as unknown[];
    const { data, ...rest } = params[0] as CallObject;
    const input = rest.input;
    if (data !== null && input !== null && typeof data === "string" && typeof input === "string" && data.toLowerCase() !== input.toLowerCase()) {
      return errorResponse(request, -32000, CONFLICTING_INPUT_MESSAGE);
    }
    // Keep whichever is set (geth prefers `input`), under the name `input`.
    const call: CallObject = input === null || input === undefined ? { ...rest, input: data } : rest;
    return { ...request, params: [call, ...params.slice(1)] };
  }
}
