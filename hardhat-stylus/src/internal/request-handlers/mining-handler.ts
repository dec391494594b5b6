// Intercepts evm_mine and hardhat_mine (and the plugin's own interval ticks,
// which send evm_mine): when EDR's pending block holds transactions that reach
// Stylus programs or ArbOS precompiles, the block is planned and mined through
// chain/block-miner.ts; otherwise the request goes to EDR untouched.
// hardhat_mine mines its first blocks that way while the mempool has
// transactions (each later block `interval` seconds after the previous one,
// as hardhat_mine spaces them), and leaves the rest of the empty blocks to EDR.
// Last in the chain, it also takes the sends no other handler took (EVM ones)
// when automine is on while EDR's mempool holds transactions: EDR would mine
// them all in one block without the plugin.
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { BlockPlanError } from "../chain/block-applier.js";
import { minePendingBlock } from "../chain/block-miner.js";

import { mempoolHolds, sendThroughBlock } from "./block-send.js";
import { errorResponse, resultResponse } from "./responses.js";

const SEND_METHODS = new Set(["eth_sendTransaction", "eth_sendRawTransaction"]);

function quantity(value: unknown, fallback: bigint): bigint {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number" || typeof value === "bigint") return BigInt(value);
  if (typeof value === "string") return BigInt(value);
  throw new TypeError(`not a quantity: ${JSON.stringify(value)}`);
}

export class StylusMiningHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return request.method === "evm_mine" || request.method === "hardhat_mine" || SEND_METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    if (!scope.stylusPresent()) return request;
    const params = Array.isArray(request.params) ? request.params : [];
    if (SEND_METHODS.has(request.method)) {
      if (!(await scope.rpc.getAutomine()) || !(await mempoolHolds(scope))) return request;
      try {
        const sent = await sendThroughBlock(scope, async () => await scope.rpc.request(request.method, params));
        if (sent.status === "0x1") return resultResponse(request, sent.hash);
        return errorResponse(request, -32603, "Transaction reverted", { transactionHash: sent.hash });
      } catch (error) {
        if (error instanceof BlockPlanError) return errorResponse(request, -32000, error.message);
        throw error;
      }
    }
    try {
      if (request.method === "evm_mine") {
        const timestamp = params[0] === undefined || params[0] === null ? undefined : quantity(params[0], 0n);
        const mined = await minePendingBlock(scope, scope.stylusDeployments, timestamp);
        return mined === undefined ? request : resultResponse(request, mined);
      }
      const blocks = quantity(params[0], 1n);
      const interval = quantity(params[1], 1n);
      if (blocks < 1n) return request;
      const first = await minePendingBlock(scope, scope.stylusDeployments);
      if (first === undefined) return request;
      let mined = 1n;
      const { rpc } = scope;
      let previous = (await rpc.getBlock("latest")).timestamp;
      while (mined < blocks) {
        const pending = await rpc.request<{ transactions: unknown[] }>("eth_getBlockByNumber", ["pending", false]);
        if (pending.transactions.length === 0) break;
        const next = previous + interval;
        const result = await minePendingBlock(scope, scope.stylusDeployments, next);
        if (result === undefined) await rpc.request("evm_mine", [Number(next)]);
        previous = next;
        mined++;
      }
      if (mined < blocks) {
        await rpc.request("evm_setNextBlockTimestamp", [Number(previous + interval)]);
        await rpc.request("hardhat_mine", [`0x${(blocks - mined).toString(16)}`, `0x${interval.toString(16)}`]);
      }
      return resultResponse(request, true);
    } catch (error) {
      if (error instanceof BlockPlanError) return errorResponse(request, -32000, error.message);
      throw error;
    }
  }
}
