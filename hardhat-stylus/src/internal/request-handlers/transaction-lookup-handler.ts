// Makes transactions the plugin rewrote look like what the user sent:
// - eth_getTransactionByHash / ...ByBlock*AndIndex and blocks with full
//   transactions show the original calldata again (applier transactions carry
//   it after their effects; placeholder deployments map back to the Stylus
//   init code);
// - lookups by the hash of a signed raw transaction (which the plugin re-sent
//   for the impersonated signer) answer with the mined transaction, under the
//   signed hash (chain/transaction-aliases.ts).
import { bytesToHex, hexToBytes, type Hex } from "viem";

import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { restoreStylusInitCode } from "../chain/deployment-rewrite.js";
import { decodeOriginalInput } from "../chain/effects-applier.js";
import { readAlias } from "../chain/transaction-aliases.js";

import { resultResponse } from "./responses.js";

const TX_METHODS = new Set([
  "eth_getTransactionByHash",
  "eth_getTransactionByBlockHashAndIndex",
  "eth_getTransactionByBlockNumberAndIndex",
]);
const BLOCK_METHODS = new Set(["eth_getBlockByNumber", "eth_getBlockByHash"]);

type RpcObject = Record<string, unknown>;

export class TransactionLookupHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return (
      TX_METHODS.has(request.method) ||
      request.method === "eth_getTransactionReceipt" ||
      (BLOCK_METHODS.has(request.method) && Array.isArray(request.params) && request.params[1] === true)
    );
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const params = Array.isArray(request.params) ? [...request.params] : [];
    const { rpc } = scope;
    if (BLOCK_METHODS.has(request.method)) {
      const block = await rpc.request<RpcObject | null>(request.method, params);
      if (block === null || !Array.isArray(block.transactions)) return resultResponse(request, block);
      return resultResponse(request, { ...block, transactions: block.transactions.map((t) => restoreInput(t as RpcObject)) });
    }
    let signedHash: Hex | undefined;
    if (request.method === "eth_getTransactionByHash" || request.method === "eth_getTransactionReceipt") {
      const alias = typeof params[0] === "string" ? await readAlias(rpc, params[0] as Hex) : undefined;
      if (alias !== undefined) {
        signedHash = params[0] as Hex;
        params[0] = alias;
      }
    }
    const result = await rpc.request<RpcObject | null>(request.method, params);
    if (result === null) return resultResponse(request, null);
    if (request.method === "eth_getTransactionReceipt") {
      if (signedHash === undefined) return resultResponse(request, result);
      const logs = Array.isArray(result.logs) ? result.logs.map((l) => ({ ...(l as RpcObject), transactionHash: signedHash })) : result.logs;
      return resultResponse(request, { ...result, transactionHash: signedHash, logs });
    }
    const restored = restoreInput(result);
    return resultResponse(request, signedHash === undefined ? restored : { ...restored, hash: signedHash });
  }
}

function restoreInput(tx: RpcObject): RpcObject {
  if (typeof tx !== "object" || tx === null || typeof tx.input !== "string") return tx;
  const input = hexToBytes(tx.input as Hex);
  const original = tx.to === null ? restoreStylusInitCode(input) : decodeOriginalInput(input);
  return original === undefined ? tx : { ...tx, input: bytesToHex(original) };
}
