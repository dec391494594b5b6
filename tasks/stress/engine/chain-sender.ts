// Sends the stress run's transactions fast and safely: each local account
// signs its own EIP-1559 transactions with explicit nonces and cached fees
// (refreshed every few seconds), so a send costs one eth_sendRawTransaction
// plus receipt polls instead of viem's full prepare round trips.
import type { Address, Hex, LocalAccount, TransactionReceipt } from "viem";

import type { ChainContext } from "../../shared/chain-context.js";

import { errorText } from "../../shared/errors.js";
import { NonceManager, waitForReceipt } from "../../shared/transactions.js";

export interface SendParameters {
  readonly from: LocalAccount;
  readonly to: Address;
  readonly value?: bigint;
  readonly data?: Hex;
  /** Gas limit; estimated when omitted. */
  readonly gas?: bigint;
}

export interface SendOutcome {
  readonly hash: Hex;
  readonly receipt: TransactionReceipt;
}

/** A transaction that was sent but failed (reverted, refused or timed out), with its hash when known. */
export class SendFailedError extends Error {
  override name = "SendFailedError";
  readonly txHash: Hex | undefined;
  readonly receipt: TransactionReceipt | undefined;
  constructor(message: string, txHash?: Hex, receipt?: TransactionReceipt) {
    super(message);
    this.txHash = txHash;
    this.receipt = receipt;
  }
}

export class ChainSender {
  readonly #ctx: ChainContext;
  readonly #nonces: NonceManager;
  #fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint; at: number } | undefined;
  #feesPending: Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> | undefined;
  readonly #receiptTimeoutMs: number;

  constructor(ctx: ChainContext, options: { receiptTimeoutMs?: number } = {}) {
    this.#ctx = ctx;
    this.#nonces = new NonceManager(ctx.publicClient);
    this.#receiptTimeoutMs = options.receiptTimeoutMs ?? 120_000;
  }

  get context(): ChainContext {
    return this.#ctx;
  }

  async #currentFees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    if (this.#fees !== undefined && performance.now() - this.#fees.at < 5_000) return this.#fees;
    this.#feesPending ??= (async () => {
      try {
        const block = await this.#ctx.publicClient.getBlock({ blockTag: "latest" });
        const base = block.baseFeePerGas ?? (await this.#ctx.publicClient.getGasPrice());
        const priority = this.#ctx.localKeys ? 1n : 0n;
        // Twice the base fee covers six full blocks of base-fee growth; unused fee is never charged.
        const fees = { maxFeePerGas: base * 2n + priority, maxPriorityFeePerGas: priority };
        this.#fees = { ...fees, at: performance.now() };
        return fees;
      } finally {
        this.#feesPending = undefined;
      }
    })();
    return await this.#feesPending;
  }

  /** Signs and sends one transaction, waits for its receipt; throws SendFailedError when it does not succeed. */
  async send(params: SendParameters): Promise<SendOutcome> {
    const { from } = params;
    const fees = await this.#currentFees();
    let gas = params.gas;
    if (gas === undefined) {
      try {
        const estimate = await this.#ctx.publicClient.estimateGas({ account: from.address, to: params.to, value: params.value, data: params.data });
        gas = (estimate * 13n) / 10n;
      } catch (error) {
        throw new SendFailedError(`gas estimate failed: ${errorText(error)}`);
      }
    }
    const nonce = await this.#nonces.take(from.address);
    let hash: Hex;
    try {
      const serialized = await from.signTransaction({
        chainId: this.#ctx.chainId,
        type: "eip1559",
        to: params.to,
        value: params.value ?? 0n,
        data: params.data,
        gas,
        nonce,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      hash = await this.#ctx.publicClient.sendRawTransaction({ serializedTransaction: serialized });
    } catch (error) {
      this.#nonces.reset(from.address);
      this.#fees = undefined;
      throw new SendFailedError(`send refused: ${errorText(error)}`);
    }
    let receipt: TransactionReceipt;
    try {
      receipt = await waitForReceipt(this.#ctx.publicClient, hash, this.#receiptTimeoutMs);
    } catch (error) {
      this.#nonces.reset(from.address);
      throw new SendFailedError(errorText(error), hash);
    }
    if (receipt.status !== "success") throw new SendFailedError("reverted", hash, receipt);
    return { hash, receipt };
  }
}

/** Hands out wallets one at a time so no account has two transactions in flight. */
export class WalletPool<T> {
  readonly #free: T[];
  readonly #waiting: Array<(item: T) => void> = [];

  constructor(items: readonly T[]) {
    this.#free = [...items];
  }

  get size(): number {
    return this.#free.length;
  }

  async acquire(): Promise<T> {
    const item = this.#free.shift();
    if (item !== undefined) return item;
    return await new Promise<T>((resolve) => this.#waiting.push(resolve));
  }

  release(item: T): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next(item);
    else this.#free.push(item);
  }

  /** Runs `fn` with a wallet, releasing it afterwards. */
  async with<R>(fn: (item: T) => Promise<R>): Promise<R> {
    const item = await this.acquire();
    try {
      return await fn(item);
    } finally {
      this.release(item);
    }
  }
}
