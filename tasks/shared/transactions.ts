// Sending transactions from many local accounts at once: explicit nonces
// kept in memory (re-read from the chain after a failed send) and receipts
// polled with a short backoff, so nothing waits on viem's 4 s default poll.
import type { Account, Address, Chain, Hash, PublicClient, TransactionReceipt, Transport } from "viem";

import { createWalletClient, custom } from "viem";

import type { ChainContext } from "./chain-context.js";

import { taskError } from "./errors.js";

/** Hands out consecutive nonces per address; `reset` re-reads the pending nonce after a failure. */
export class NonceManager {
  readonly #client: PublicClient<Transport, Chain>;
  readonly #next = new Map<Address, Promise<number>>();

  constructor(client: PublicClient<Transport, Chain>) {
    this.#client = client;
  }

  /** Reserves the next nonce of `address`. */
  async take(address: Address): Promise<number> {
    const previous = this.#next.get(address) ?? this.#client.getTransactionCount({ address, blockTag: "pending" }).then((n) => n - 1);
    const mine = previous.then((n) => n + 1);
    this.#next.set(address, mine.catch(() => this.#client.getTransactionCount({ address, blockTag: "pending" }).then((n) => n - 1)));
    return await mine;
  }

  /** Forgets the cached nonce (after a send failed, the chain is the truth again). */
  reset(address: Address): void {
    this.#next.delete(address);
  }
}

/** A viem wallet client that signs locally with `account` and sends through the task's connection. */
export function localWalletClient(ctx: ChainContext, account: Account) {
  return createWalletClient({
    account,
    chain: ctx.publicClient.chain,
    transport: custom(ctx.connection.provider),
  });
}

/** Polls for a receipt: at once, then every 25 ms growing to 1 s, until `timeoutMs`. */
export async function waitForReceipt(
  client: PublicClient<Transport, Chain>,
  hash: Hash,
  timeoutMs = 120_000,
): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    const receipt = await client.getTransactionReceipt({ hash }).catch(() => undefined);
    if (receipt !== undefined) return receipt;
    if (Date.now() > deadline) {
      throw taskError(`transaction ${hash} has no receipt after ${Math.round(timeoutMs / 1000)} s; check the chain is mining.`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(1000, delay * 2);
  }
}
