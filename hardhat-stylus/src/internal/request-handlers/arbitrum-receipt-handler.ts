// Adds the fields Nitro puts on every transaction receipt, so clients that
// read them (cast receipt, viem's Arbitrum formatters, @arbitrum/sdk) find
// them here too: `gasUsedForL1` (the part of gasUsed that paid for posting
// the transaction to the parent chain) and `l1BlockNumber` (the parent-chain
// block the transaction was sequenced at, which is also what the EVM's
// NUMBER opcode returns on Arbitrum).
//
// It wraps the handler that answers receipt lookups (today the transaction
// lookup handler, which maps signed hashes to mined ones) instead of running
// after it, because a handler that answers ends the chain. The numbers come
// from a ParentChainModel, so a parent-chain price model can replace the
// defaults without touching this file.
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { numberToHex } from "viem";

import { errorResponse, resultResponse } from "./responses.js";

/** What a receipt's Arbitrum fields are made of. */
export interface ParentChainModel {
  /** Parent-chain block number of the transaction in child block `blockNumber`. */
  l1BlockNumber(blockNumber: bigint, scope: RequestScope): Promise<bigint>;
  /** Gas of the transaction spent on the parent chain's data cost. */
  gasUsedForL1(receipt: Readonly<Record<string, unknown>>, scope: RequestScope): Promise<bigint>;
}

/**
 * One chain without a parent: data posting is free, and the parent block is the block itself
 * (what `block.number` returns in the EVM here).
 */
export const LOCAL_PARENT_CHAIN: ParentChainModel = {
  async l1BlockNumber(blockNumber) {
    return blockNumber;
  },
  async gasUsedForL1() {
    return 0n;
  },
};

type Receipt = Record<string, unknown>;

/** The receipt with `gasUsedForL1` and `l1BlockNumber` filled in (kept when already there). */
export async function withArbitrumFields(receipt: Receipt, model: ParentChainModel, scope: RequestScope): Promise<Receipt> {
  const blockNumber = typeof receipt.blockNumber === "string" ? BigInt(receipt.blockNumber) : undefined;
  const extra: Receipt = {};
  if (receipt.gasUsedForL1 === undefined) extra.gasUsedForL1 = numberToHex(await model.gasUsedForL1(receipt, scope));
  if (receipt.l1BlockNumber === undefined && blockNumber !== undefined) {
    extra.l1BlockNumber = numberToHex(await model.l1BlockNumber(blockNumber, scope));
  }
  return { ...receipt, ...extra };
}

export class ArbitrumReceiptHandler implements StylusRequestHandler {
  readonly #inner: StylusRequestHandler | undefined;
  readonly #model: ParentChainModel;

  /** @param inner the handler that may answer receipt lookups itself (its answer gets the fields too). */
  constructor(inner?: StylusRequestHandler, model: ParentChainModel = LOCAL_PARENT_CHAIN) {
    this.#inner = inner;
    this.#model = model;
  }

  isSupportedMethod(request: JsonRpcRequest): boolean {
    return request.method === "eth_getTransactionReceipt" || this.#inner?.isSupportedMethod(request) === true;
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    let current: JsonRpcRequest | JsonRpcResponse = request;
    if (this.#inner?.isSupportedMethod(request) === true) current = await this.#inner.handle(request, scope);
    if (request.method !== "eth_getTransactionReceipt") return current;
    let response: JsonRpcResponse;
    if ("method" in current) {
      // Nothing later in the chain answers receipts: read it below the plugin.
      const params = Array.isArray(current.params) ? current.params : [];
      try {
        response = resultResponse(current, await scope.rpc.request<Receipt | null>("eth_getTransactionReceipt", params));
      } catch (error) {
        // EDR's own error (a malformed hash): hand it back as EDR gave it.
        const { code, message, data } = error as { code?: number; message: string; data?: unknown };
        return errorResponse(request, typeof code === "number" ? code : -32603, message, data);
      }
    } else {
      response = current;
    }
    if (!("result" in response) || typeof response.result !== "object" || response.result === null) return response;
    return resultResponse(request, await withArbitrumFields(response.result as Receipt, this.#model, scope));
  }
}
