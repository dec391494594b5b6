// Loans: lenders originate (transfer the principal to a borrower) and
// borrowers repay principal plus interest once the loan's term has passed.
// Outstanding loans are tracked; whatever is not repaid when the run ends
// is reported as outstanding.
import type { LocalAccount } from "viem";

import { parseEther } from "viem";

import { SendFailedError, WalletPool } from "../engine/chain-sender.js";
import { randomAmount, type WorkloadEnv } from "./workload-env.js";

/** Simple interest charged on repayment, in basis points of the principal (5 %). */
export const LOAN_INTEREST_BPS = 500n;

export interface Loan {
  readonly id: number;
  readonly lender: LocalAccount;
  readonly borrower: LocalAccount;
  readonly principal: bigint;
  readonly originatedAt: number;
  repaying: boolean;
}

export class LoansWorkload {
  readonly #env: WorkloadEnv;
  readonly #lenders: WalletPool<LocalAccount>;
  readonly #borrowers: LocalAccount[];
  #nextBorrower = 0;
  /** How long a loan runs before it is repaid (ms). */
  readonly #termMs: number;
  readonly outstanding = new Map<number, Loan>();
  #nextId = 1;
  originated = 0;
  repaid = 0;
  interestPaidWei = 0n;

  constructor(env: WorkloadEnv, termMs: number) {
    this.#env = env;
    this.#termMs = termMs;
    this.#lenders = new WalletPool<LocalAccount>(env.wallets.byRole("lender").map((w) => w.account));
    this.#borrowers = env.wallets.byRole("borrower").map((w) => w.account);
    if (this.#lenders.size === 0 || this.#borrowers.length === 0) throw new Error("loans need at least one lender and one borrower wallet");
  }

  get outstandingPrincipalWei(): bigint {
    let sum = 0n;
    for (const loan of this.outstanding.values()) sum += loan.principal;
    return sum;
  }

  /** One loan tick: originate a loan, then repay one that is due (if any). */
  async once(): Promise<void> {
    await this.originate();
    await this.repayDue();
  }

  async originate(): Promise<void> {
    const principal = randomAmount(this.#env.random, parseEther("0.0001"), parseEther("0.001")) / this.#env.amountDivisor;
    const lender = await this.#lenders.acquire();
    const borrower = this.#borrowers[this.#nextBorrower++ % this.#borrowers.length]!;
    const op = this.#env.recorder.begin("loans", "loan_origination");
    try {
      const { hash, receipt } = await this.#env.sender.send({ from: lender, to: borrower.address, value: principal, gas: 21_000n });
      const loan: Loan = { id: this.#nextId++, lender, borrower, principal, originatedAt: performance.now(), repaying: false };
      this.outstanding.set(loan.id, loan);
      this.originated++;
      op.ok({ txHash: hash, gasUsed: receipt.gasUsed });
    } catch (error) {
      op.fail(error instanceof Error ? error.message : String(error), error instanceof SendFailedError ? error.txHash : undefined);
    } finally {
      this.#lenders.release(lender);
    }
  }

  /** Repays the oldest loan whose term has passed; nothing when none is due. */
  async repayDue(): Promise<void> {
    const now = performance.now();
    const loan = [...this.outstanding.values()].find((l) => !l.repaying && now - l.originatedAt >= this.#termMs);
    if (loan === undefined) return;
    loan.repaying = true;
    const interest = (loan.principal * LOAN_INTEREST_BPS) / 10_000n;
    const op = this.#env.recorder.begin("loans", "loan_repayment");
    try {
      // A borrower's concurrent repayments get consecutive nonces from the sender's nonce manager.
      const { hash, receipt } = await this.#env.sender.send({ from: loan.borrower, to: loan.lender.address, value: loan.principal + interest, gas: 21_000n });
      this.outstanding.delete(loan.id);
      this.repaid++;
      this.interestPaidWei += interest;
      op.ok({ txHash: hash, gasUsed: receipt.gasUsed });
    } catch (error) {
      loan.repaying = false;
      op.fail(error instanceof Error ? error.message : String(error), error instanceof SendFailedError ? error.txHash : undefined);
    }
  }
}
