// Payments: value transfers from payment users to merchants (the
// predecessor sent zero-value transfers to random addresses; these move
// real value and feed the merchants' takings that settlements sweep).
import type { Address, LocalAccount } from "viem";

import { parseEther } from "viem";

import { SendFailedError, WalletPool } from "../engine/chain-sender.js";
import { randomAmount, type WorkloadEnv } from "./workload-env.js";

export class PaymentsWorkload {
  readonly #env: WorkloadEnv;
  readonly #payers: WalletPool<LocalAccount>;
  readonly #merchants: Address[];
  #next = 0;
  /** Confirmed payments not yet swept, per merchant. */
  readonly takings = new Map<Address, bigint>();
  volumeWei = 0n;

  constructor(env: WorkloadEnv) {
    this.#env = env;
    this.#payers = new WalletPool<LocalAccount>(env.wallets.byRole("payment_user").map((w) => w.account));
    this.#merchants = env.wallets.byRole("merchant").map((w) => w.address);
    if (this.#payers.size === 0 || this.#merchants.length === 0) throw new Error("payments need at least one payment_user and one merchant wallet");
  }

  /** One payment: a payer pays the next merchant a small random amount. */
  async once(): Promise<void> {
    const merchant = this.#merchants[this.#next++ % this.#merchants.length]!;
    const value = randomAmount(this.#env.random, parseEther("0.00001"), parseEther("0.0001")) / this.#env.amountDivisor;
    await this.#payers.with(async (payer) => {
      const op = this.#env.recorder.begin("payments", "payment");
      try {
        const { hash, receipt } = await this.#env.sender.send({ from: payer, to: merchant, value, gas: 21_000n });
        this.volumeWei += value;
        this.takings.set(merchant, (this.takings.get(merchant) ?? 0n) + value);
        op.ok({ txHash: hash, gasUsed: receipt.gasUsed });
      } catch (error) {
        op.fail(error instanceof Error ? error.message : String(error), error instanceof SendFailedError ? error.txHash : undefined);
      }
    });
  }
}
