// Merchant settlements: a merchant sweeps its confirmed takings to the
// operator's treasury, one sweep in flight per merchant.
import type { Address, LocalAccount } from "viem";

import type { PaymentsWorkload } from "./payments.js";

import { SendFailedError } from "../engine/chain-sender.js";
import type { WorkloadEnv } from "./workload-env.js";

export class SettlementsWorkload {
  readonly #env: WorkloadEnv;
  readonly #payments: PaymentsWorkload;
  readonly #accounts: Map<Address, LocalAccount>;
  readonly #busy = new Set<Address>();
  sweeps = 0;
  settledWei = 0n;

  constructor(env: WorkloadEnv, payments: PaymentsWorkload) {
    this.#env = env;
    this.#payments = payments;
    this.#accounts = new Map(env.wallets.byRole("merchant").map((w) => [w.address, w.account]));
  }

  /** Takings confirmed but not yet swept. */
  get unsettledWei(): bigint {
    let sum = 0n;
    for (const v of this.#payments.takings.values()) sum += v;
    return sum;
  }

  /** Sweeps the merchant holding the most takings; does nothing when nobody has takings. */
  async once(): Promise<void> {
    let merchant: Address | undefined;
    let amount = 0n;
    for (const [m, v] of this.#payments.takings) {
      if (!this.#busy.has(m) && v > amount) {
        merchant = m;
        amount = v;
      }
    }
    if (merchant === undefined || amount === 0n) return;
    const account = this.#accounts.get(merchant)!;
    this.#busy.add(merchant);
    const op = this.#env.recorder.begin("settlements", "settlement");
    try {
      const { hash, receipt } = await this.#env.sender.send({ from: account, to: this.#env.treasury, value: amount, gas: 21_000n });
      this.#payments.takings.set(merchant, (this.#payments.takings.get(merchant) ?? 0n) - amount);
      this.sweeps++;
      this.settledWei += amount;
      op.ok({ txHash: hash, gasUsed: receipt.gasUsed });
    } catch (error) {
      op.fail(error instanceof Error ? error.message : String(error), error instanceof SendFailedError ? error.txHash : undefined);
    } finally {
      this.#busy.delete(merchant);
    }
  }
}
