// Shows the user's original calldata again in eth_getTransactionByHash for
// transactions the plugin rewrote: applier transactions carry it after their
// effects, placeholder deployments map back to the Stylus init code.
import { bytesToHex, hexToBytes, type Hex } from "viem";

import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { restoreStylusInitCode } from "../chain/deployment-rewrite.js";
import { decodeOriginalInput } from "../chain/effects-applier.js";

import { resultResponse } from "./responses.js";

const METHODS = new Set([
  "eth_getTransactionByHash",
  "eth_getTransactionByBlockHashAndIndex",
  "eth_getTransactionByBlockNumberAndIndex",
]);

export class TransactionLookupHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const params = Array.isArray(request.params) ? request.params : [];
    const tx = await scope.rpc.request<Record<string, unknown> | null>(request.method, params);
    if (tx === null || typeof tx.input !== "string") return resultResponse(request, tx);
    const input = hexToBytes(tx.input as Hex);
    const original = tx.to === null ? restoreStylusInitCode(input) : decodeOriginalInput(input);
    if (original === undefined) return resultResponse(request, tx);
    return resultResponse(request, { ...tx, input: bytesToHex(original) });
  }
}
