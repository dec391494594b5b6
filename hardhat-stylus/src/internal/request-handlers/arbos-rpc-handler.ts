// Serves JSON-RPC requests sent straight to a registered ArbOS precompile
// (arbos/registry.ts; today ArbWasmCache 0x...72): eth_call and
// eth_estimateGas answer from the module, and transactions mine the module's
// effects (its own storage writes and logs) through the effects applier,
// like ArbWasm's. The module sees the state through an ArbOsState over the
// request's StateView plus a journal of its own writes; it may write only
// its own storage here (the applier sits at the precompile's address).
import { hexToBytes, type Address, type Hex } from "viem";

import type { ArbOsPrecompile, ArbOsState } from "../arbos/types.js";
import type { AppliedEffect } from "../chain/effects-applier.js";
import type { EmulatedOutcome } from "../chain/outcome.js";
import type { StateView } from "../chain/state-view.js";
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { createArbOsPrecompiles } from "../arbos/registry.js";

import { runEmulatedTransaction } from "./emulated-transaction.js";
import { readTransaction, TRANSACTION_METHODS } from "./transaction-params.js";

/** An ArbOsState over a StateView, recording the precompile's own storage writes in order. */
export class JournaledArbOsState implements ArbOsState {
  readonly writes = new Map<string, Hex>();
  readonly #view: StateView;
  readonly #self: string;
  readonly #isStatic: boolean;

  constructor(view: StateView, self: Address, isStatic: boolean) {
    this.#view = view;
    this.#self = self.toLowerCase();
    this.#isStatic = isStatic;
  }

  async getStorage(address: Address, slot: Hex): Promise<Hex> {
    if (address.toLowerCase() === this.#self) {
      const written = this.writes.get(slot.toLowerCase());
      if (written !== undefined) return written;
    }
    return await this.#view.getStorageAt(address, slot);
  }

  async setStorage(address: Address, slot: Hex, value: Hex): Promise<void> {
    if (this.#isStatic) throw new Error("write in a static call");
    if (address.toLowerCase() !== this.#self) {
      throw new Error(`an ArbOS precompile served over JSON-RPC may only write its own storage, not ${address}'s`);
    }
    this.writes.set(slot.toLowerCase(), value);
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

export class ArbOsRpcHandler implements StylusRequestHandler {
  readonly #precompiles: Map<string, ArbOsPrecompile>;

  constructor(precompiles: Map<string, ArbOsPrecompile> = createArbOsPrecompiles()) {
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
    return await runEmulatedTransaction(request, tx, precompile.address, scope, async (env): Promise<EmulatedOutcome> => {
      const state = new JournaledArbOsState(env.view, precompile.address, false);
      const result = await precompile.call({
        address: precompile.address,
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
      });
      if (!result.success) {
        const outOfGas = result.returnData.length === 0 && result.gasUsed >= env.gasLimit;
        return {
          success: false,
          returnData: result.returnData,
          gasUsed: result.gasUsed,
          effects: [],
          outOfGas,
          reason: outOfGas ? `${precompile.name}: out of gas (the caller may not call this method)` : undefined,
        };
      }
      const effects: AppliedEffect[] = [];
      for (const [slot, value] of state.writes) {
        effects.push({ kind: "sstore", slot: hexToBytes(slot as Hex), value: hexToBytes(value) });
      }
      for (const log of result.logs) {
        effects.push({ kind: "log", topics: log.topics.map((t) => hexToBytes(t)), data: hexToBytes(log.data) });
      }
      return { success: true, returnData: result.returnData, gasUsed: result.gasUsed, effects, outOfGas: false };
    });
  }
}
