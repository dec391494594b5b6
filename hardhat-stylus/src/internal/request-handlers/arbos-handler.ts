// Answers JSON-RPC calls, gas estimates and transactions sent straight to a
// registered ArbOS precompile (arbos/registry.ts): the call runs the
// precompile's module against the block's state; a transaction is mined
// through the effects applier (storage writes, logs and the precompile's
// transfers at its own address), as ArbWasm's handler does. NodeInterface
// gets the node's gas estimate through the plugin's own handler chain, so
// its estimates cover Stylus programs too.
import { hexToBytes, numberToHex, type Address, type Hex } from "viem";

import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { AppliedEffect } from "../chain/effects-applier.js";
import type { EmulatedOutcome } from "../chain/outcome.js";
import type { StateView } from "../chain/state-view.js";
import type { NodeInterfaceCallContext, NodeInterfaceServices } from "../arbos/node-interface.js";
import type { ArbOsPrecompile, ArbOsState } from "../arbos/types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { runEmulatedTransaction } from "./emulated-transaction.js";
import { readTransaction, TRANSACTION_METHODS } from "./transaction-params.js";

/** Precompile state seen through a block's view, with the call's own writes on top. */
class JournaledState implements ArbOsState {
  readonly writes = new Map<string, { address: Address; slot: Hex; value: Hex }>();
  readonly #view: StateView;
  constructor(view: StateView) {
    this.#view = view;
  }
  #key(address: Address, slot: Hex): string {
    return `${address.toLowerCase()}:${BigInt(slot).toString(16)}`;
  }
  async getStorage(address: Address, slot: Hex): Promise<Hex> {
    return this.writes.get(this.#key(address, slot))?.value ?? (await this.#view.getStorageAt(address, slot));
  }
  async setStorage(address: Address, slot: Hex, value: Hex): Promise<void> {
    this.writes.set(this.#key(address, slot), { address, slot, value });
  }
  async getBalance(address: Address): Promise<bigint> {
    return await this.#view.getBalance(address);
  }
  async getCode(address: Address): Promise<Hex> {
    return await this.#view.getCode(address);
  }
  async getNonce(address: Address): Promise<bigint> {
    return await this.#view.rpc.getTransactionCount(address, this.#view.tag);
  }
}

function word(hex: Hex): Uint8Array {
  return hexToBytes(`0x${BigInt(hex).toString(16).padStart(64, "0")}`);
}

export class ArbOsHandler implements StylusRequestHandler {
  readonly #precompiles: ReadonlyMap<string, ArbOsPrecompile>;

  constructor(precompiles: ReadonlyMap<string, ArbOsPrecompile>) {
    this.#precompiles = precompiles;
  }

  isSupportedMethod(request: JsonRpcRequest): boolean {
    return TRANSACTION_METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const tx = await readTransaction(request);
    if (tx === null || tx.to === null) return request;
    const precompile = this.#precompiles.get(tx.to.toLowerCase());
    if (precompile === undefined) return request;
    const to = precompile.address;
    return await runEmulatedTransaction(request, tx, to, scope, async (env): Promise<EmulatedOutcome> => {
      const state = new JournaledState(env.view);
      const services: NodeInterfaceServices = {
        estimateGas: async (inner) => await estimateThroughPlugin(scope, inner, env.view.tag),
      };
      const context: NodeInterfaceCallContext = {
        address: to,
        caller: env.from,
        origin: env.from,
        value: tx.value,
        calldata: tx.data,
        isStatic: false,
        gasLimit: env.gasLimit,
        gasPrice: env.gasPrice,
        chainId: env.chainId,
        block: {
          number: env.block.number,
          timestamp: env.block.timestamp,
          baseFee: env.block.baseFeePerGas,
          gasLimit: env.block.gasLimit,
          coinbase: env.block.coinbase,
        },
        state,
        getBlockHash: async (n) =>
          (await scope.rpc.request<{ hash: Hex } | null>("eth_getBlockByNumber", [numberToHex(n), false]))?.hash ??
          `0x${"0".repeat(64)}`,
        nodeInterface: services,
      };
      const result = await precompile.call(context);
      if (!result.success) {
        return { success: false, returnData: result.returnData, gasUsed: result.gasUsed, effects: [], outOfGas: result.gasUsed >= env.gasLimit };
      }
      const effects: AppliedEffect[] = [];
      for (const write of state.writes.values()) {
        if (write.address.toLowerCase() !== to.toLowerCase()) {
          throw new Error(`hardhat-stylus: ${precompile.name} wrote storage of ${write.address}; only its own storage can be mined`);
        }
        effects.push({ kind: "sstore", slot: word(write.slot), value: word(write.value) });
      }
      for (const log of result.logs) {
        effects.push({ kind: "log", topics: log.topics.map((t) => hexToBytes(t)), data: hexToBytes(log.data) });
      }
      for (const transfer of result.transfers) effects.push({ kind: "transfer", to: hexToBytes(transfer.to), value: transfer.value });
      return { success: true, returnData: result.returnData, gasUsed: result.gasUsed, effects, outOfGas: false };
    });
  }
}

/** eth_estimateGas of another transaction, through the plugin's handlers when the scope offers them. */
async function estimateThroughPlugin(
  scope: RequestScope,
  tx: { from: Address; to: Address | null; data: Hex; value: bigint },
  tag: unknown,
): Promise<bigint> {
  const call: Record<string, string> = { from: tx.from, data: tx.data, value: numberToHex(tx.value) };
  if (tx.to !== null) call.to = tx.to;
  const params = [call, typeof tag === "string" ? tag : "latest"];
  if (scope.dispatch !== undefined) {
    const response = await scope.dispatch({ jsonrpc: "2.0", id: "hardhat-stylus-node-interface", method: "eth_estimateGas", params });
    if ("error" in response && response.error !== undefined) throw new EstimateError(response.error.message, response.error.data);
    return BigInt((response as { result: Hex }).result);
  }
  return BigInt(await scope.rpc.request<Hex>("eth_estimateGas", params));
}

/** The inner estimate failed: NodeInterface reverts with the inner error's data, as Nitro does. */
class EstimateError extends Error {
  override name = "EstimateError";
  readonly data: unknown;
  constructor(message: string, data: unknown) {
    super(message);
    this.data = data;
  }
}

