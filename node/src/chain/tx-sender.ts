// Sends the node's transactions: its own nonce counter (synced from the chain
// on start and after any send error), fees fetched once per round, gas from
// estimateContractGas (which doubles as a simulation that surfaces the
// contract's duplicate refusals), local signing so the tx hash is written to
// SQLite before the raw transaction leaves the process, and fee-bumped
// replacements for stuck transactions.
import { encodeFunctionData, keccak256, type Address, type Hex, type TransactionReceipt } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import type { ChainClients } from "./clients.js";
import type { ContractCall } from "./types.js";

export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export class TxSender {
  readonly #clients: ChainClients;
  #nonce: number | undefined;
  #chainId: number | undefined;

  constructor(clients: ChainClients) {
    this.#clients = clients;
  }

  get address(): Address {
    return this.#clients.walletClient.account.address;
  }

  /** True when transactions are signed in-process (hash known before broadcast). */
  get signsLocally(): boolean {
    return this.#clients.walletClient.account.type === "local";
  }

  /** Forget the local nonce; the next `takeNonce` reads the chain's pending count. */
  invalidateNonce(): void {
    this.#nonce = undefined;
  }

  async takeNonce(): Promise<number> {
    if (this.#nonce === undefined) {
      this.#nonce = await this.#clients.publicClient.getTransactionCount({ address: this.address, blockTag: "pending" });
    }
    return this.#nonce++;
  }

  async fees(): Promise<Fees> {
    const f = await this.#clients.publicClient.estimateFeesPerGas();
    return { maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas };
  }

  /** Gas limit with 20 % headroom. Throws the contract's custom error when the call would revert. */
  async estimateGas(call: ContractCall): Promise<bigint> {
    const gas = await this.#clients.publicClient.estimateContractGas({
      address: this.#clients.contractAddress,
      abi: mvpIoTProcessorAbi,
      functionName: call.functionName,
      args: call.args as never,
      account: this.#clients.walletClient.account,
    });
    return (gas * 12n) / 10n + 10_000n;
  }

  /**
   * Signs and broadcasts `call` with the given nonce. `onHash` runs with the
   * tx hash before the broadcast when signing locally (after it otherwise);
   * persist it there.
   */
  async send(call: ContractCall, { nonce, gas, fees }: { nonce: number; gas: bigint; fees: Fees }, onHash: (hash: Hex) => void | Promise<void>): Promise<Hex> {
    const { walletClient, publicClient, contractAddress } = this.#clients;
    const data = encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: call.functionName, args: call.args as never });
    const account = walletClient.account;
    if (account.type === "local" && account.signTransaction !== undefined) {
      this.#chainId ??= await publicClient.getChainId();
      const raw = await account.signTransaction({
        type: "eip1559",
        chainId: this.#chainId,
        to: contractAddress,
        data,
        nonce,
        gas,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      const hash = keccak256(raw);
      await onHash(hash);
      await publicClient.sendRawTransaction({ serializedTransaction: raw });
      return hash;
    }
    const hash = await walletClient.sendTransaction({
      account,
      chain: null,
      to: contractAddress,
      data,
      nonce,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    await onHash(hash);
    return hash;
  }

  /** The receipt of `hash`, or undefined while it is not mined. */
  async receipt(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await this.#clients.publicClient.getTransactionReceipt({ hash });
    } catch (error) {
      if ((error as { name?: string }).name === "TransactionReceiptNotFoundError") return undefined;
      throw error;
    }
  }

  async blockNumber(): Promise<bigint> {
    return await this.#clients.publicClient.getBlockNumber({ cacheTime: 0 });
  }
}

/** Fees raised by 25 % (above the 10 % most nodes require for a replacement). */
export function bumpFees(fees: Fees): Fees {
  return {
    maxFeePerGas: (fees.maxFeePerGas * 125n) / 100n + 1n,
    maxPriorityFeePerGas: (fees.maxPriorityFeePerGas * 125n) / 100n + 1n,
  };
}
