// The durable commit loop. The outbox table is the source of truth: each row
// is one contract call that must happen exactly once. Each round it
//   1. closes due Merkle batches (batch mode),
//   2. checks in-flight rows: a receipt confirms them (receipt written back
//      into SQLite in the same transaction); a stuck one is replaced with
//      higher fees; one the chain forgot is queued again,
//   3. claims due rows, simulates each (estimateGas), signs it with the next
//      nonce, records the hash, then broadcasts.
// Exactly once: a row is only ever marked confirmed from chain evidence
// (a receipt, or the contract's state + event), and the contract refuses a
// second commit of the same proof / batch / task / device
// (ProofAlreadyCommitted, ...), which the loop reads as "already done" and
// confirms from the event. So a crash between any two steps can at worst
// cause one refused duplicate attempt, never a second commit or a lost one.
import type { Hex, TransactionReceipt } from "viem";

import { commitBatchCall, findBatchCommit, isBatchCommitted } from "../chain/commit-batch.js";
import { gasUsedForL1 } from "../chain/gas-used-for-l1.js";
import { commitProofCall, findProofCommit, isProofCommitted } from "../chain/commit-proof.js";
import type { ChainClients } from "../chain/clients.js";
import { findDeviceRegistration, isDeviceRegistered, registerDeviceCall } from "../chain/register-device.js";
import { errorSummary, isUnreachable, revertErrorName } from "../chain/revert-reason.js";
import { findResultSubmission, isResultSubmitted, submitResultCall } from "../chain/submit-result.js";
import { bumpFees, TxSender, type Fees } from "../chain/tx-sender.js";
import type { ContractCall, FoundCommit } from "../chain/types.js";
import type { Store } from "../store/index.js";
import type { CommitMode } from "../store/readings-repository.js";
import type { OutboxKind, OutboxRow } from "../store/outbox-repository.js";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import { closeBatches } from "./batcher.js";

/** The contract error that means "this exact commit is already on chain". */
const DUPLICATE_ERROR: Record<OutboxKind, string> = {
  register_device: "RegistryDeviceExists",
  commit_proof: "ProofAlreadyCommitted",
  commit_batch: "BatchAlreadyCommitted",
  submit_result: "ResultAlreadySubmitted",
};

export interface CommitterOptions {
  mode: CommitMode;
  batchSize: number;
  batchMaxWaitMs: number;
  /** Transactions sent but not yet confirmed, at most. */
  maxInFlight: number;
  pollIntervalMs: number;
  confirmations: number;
  /** Attempts (broadcasts or contract refusals) before a row is marked failed. */
  maxAttempts: number;
  backoff: BackoffOptions;
  /** A sent transaction without receipt after this long is replaced (same nonce, higher fees). */
  stuckAfterMs: number;
  /** PostgreSQL: a claim not renewed for this long lets another instance take the row over (renewed every round). */
  leaseMs: number;
}

/** What the loop reports as it goes (Prometheus counters and histograms hang here). */
export interface CommitterHooks {
  onSent?(row: OutboxRow): void;
  /** `latencyMs`: from the outbox row's creation to its confirmation. */
  onConfirmed?(row: OutboxRow, receipt: { gasUsed: number }, latencyMs: number): void;
  onFailed?(row: OutboxRow): void;
  /** The fees of a round's sends (max fee per gas, wei). */
  onFees?(maxFeePerGas: bigint): void;
}

export const DEFAULT_COMMITTER_OPTIONS: CommitterOptions = {
  mode: "proof",
  batchSize: 256,
  batchMaxWaitMs: 2_000,
  maxInFlight: 64,
  pollIntervalMs: 100,
  confirmations: 1,
  maxAttempts: 8,
  backoff: { baseMs: 250, maxMs: 15_000 },
  stuckAfterMs: 30_000,
  leaseMs: 30_000,
};

export interface ChainStatus {
  ok: boolean;
  lastOkAt: number | null;
  lastError: string | null;
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export class OutboxCommitter {
  readonly #store: Store;
  readonly #clients: ChainClients;
  readonly #sender: TxSender;
  readonly #options: CommitterOptions;
  readonly #log: Logger | undefined;
  readonly #hooks: CommitterHooks;
  /** Fees and gas of each row's last broadcast (for replacements). */
  readonly #sent = new Map<number, { fees: Fees; gas: bigint }>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  readonly chain: ChainStatus = { ok: true, lastOkAt: null, lastError: null };

  constructor(store: Store, clients: ChainClients, options: Partial<CommitterOptions> = {}, log?: Logger, hooks: CommitterHooks = {}) {
    this.#store = store;
    this.#clients = clients;
    this.#sender = new TxSender(clients);
    this.#options = { ...DEFAULT_COMMITTER_OPTIONS, ...options, backoff: { ...DEFAULT_COMMITTER_OPTIONS.backoff, ...options.backoff } };
    this.#log = log;
    this.#hooks = hooks;
  }

  get options(): Readonly<CommitterOptions> {
    return this.#options;
  }

  get submitterAddress(): Hex {
    return this.#sender.address;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops the loop and waits for the current round to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.runOnce()
        .then((busy) => this.#schedule(busy ? 0 : this.#options.pollIntervalMs))
        .catch((error: unknown) => {
          this.#log?.error({ err: errorSummary(error) }, "outbox round failed");
          this.#schedule(this.#options.pollIntervalMs);
        });
    }, delay);
    this.#timer.unref?.();
  }

  /**
   * One round of the loop. Returns true when more work is due right away.
   * Safe to call directly (tests, benchmarks) while the loop is stopped.
   */
  async runOnce(now: number = Date.now()): Promise<boolean> {
    if (this.#options.mode === "batch") {
      await closeBatches(this.#store, { batchSize: this.#options.batchSize, maxWaitMs: this.#options.batchMaxWaitMs, now });
    }
    try {
      await this.#store.outbox.renewLeases(Date.now(), this.#options.leaseMs);
      await this.#checkInFlight();
      const sent = await this.#sendDue();
      this.#chainOk();
      return sent > 0 || (await this.#store.outbox.inFlight()).length > 0;
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.#chainDown(error);
      return false;
    }
  }

  /**
   * Closes any open batch and runs rounds until nothing is queued or in flight,
   * or `timeoutMs` passes (bounded). Returns true when everything is confirmed or failed.
   */
  async drain({ timeoutMs = 30_000, forceBatch = true }: { timeoutMs?: number; forceBatch?: boolean } = {}): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (forceBatch && this.#options.mode === "batch") {
        await closeBatches(this.#store, { batchSize: this.#options.batchSize, maxWaitMs: 0, force: true, maxBatches: 1024 });
      }
      await this.runOnce();
      const c = await this.#store.outbox.counts();
      const unbatched = this.#options.mode === "batch" ? await this.#store.readings.countUnbatched() : 0;
      if (c.queued === 0 && c.sent === 0 && unbatched === 0) return true;
      const nextDue = await this.#store.outbox.nextDueAt();
      const wait = c.sent > 0 ? 20 : Math.max(5, Math.min(500, (nextDue ?? Date.now()) - Date.now()));
      await new Promise((r) => setTimeout(r, wait));
    }
    return false;
  }

  #chainOk(): void {
    if (!this.chain.ok) this.#log?.info({}, "chain reachable again; commits resume");
    this.chain.ok = true;
    this.chain.lastOkAt = Date.now();
    this.chain.lastError = null;
  }

  #chainDown(error: unknown): void {
    if (this.chain.ok) this.#log?.warn({ err: errorSummary(error) }, "chain unreachable; readings stay queued");
    this.chain.ok = false;
    this.chain.lastError = errorSummary(error);
    this.#sender.invalidateNonce();
  }

  // ---- building calls and reading chain state per kind ----

  async #call(row: OutboxRow): Promise<ContractCall | undefined> {
    const s = this.#store;
    switch (row.kind) {
      case "register_device": {
        const d = await s.devices.get(row.ref);
        return d === undefined ? undefined : registerDeviceCall({ chainDeviceId: d.chain_device_id as Hex, owner: d.owner_address as Hex });
      }
      case "commit_proof": {
        const r = await s.readings.get(Number(row.ref));
        const d = r === undefined ? undefined : await s.devices.get(r.device_id);
        return r === undefined || d === undefined
          ? undefined
          : commitProofCall({ proofHash: r.proof_hash as Hex, chainDeviceId: d.chain_device_id as Hex });
      }
      case "commit_batch": {
        const b = await s.batches.get(row.ref);
        return b === undefined ? undefined : commitBatchCall({ batchId: b.batch_id as Hex, root: b.root as Hex, count: b.count });
      }
      case "submit_result": {
        const r = await s.readings.get(Number(row.ref));
        return r === undefined
          ? undefined
          : submitResultCall({ taskId: r.proof_hash as Hex, envelope: r.envelope, proofHash: r.proof_hash as Hex });
      }
    }
  }

  /** The chain's answer to "is this row's effect already there?", and where it landed. */
  async #onChain(row: OutboxRow): Promise<{ committed: boolean; found?: FoundCommit }> {
    const { publicClient: c, contractAddress: a } = this.#clients;
    const s = this.#store;
    switch (row.kind) {
      case "register_device": {
        const id = (await s.devices.get(row.ref))!.chain_device_id as Hex;
        if (!(await isDeviceRegistered(c, a, id))) return { committed: false };
        return { committed: true, found: await findDeviceRegistration(c, a, id) };
      }
      case "commit_proof": {
        const p = (await s.readings.get(Number(row.ref)))!.proof_hash as Hex;
        if (!(await isProofCommitted(c, a, p))) return { committed: false };
        return { committed: true, found: await findProofCommit(c, a, p) };
      }
      case "commit_batch": {
        if (!(await isBatchCommitted(c, a, row.ref as Hex))) return { committed: false };
        return { committed: true, found: await findBatchCommit(c, a, row.ref as Hex) };
      }
      case "submit_result": {
        const p = (await s.readings.get(Number(row.ref)))!.proof_hash as Hex;
        if (!(await isResultSubmitted(c, a, p))) return { committed: false };
        return { committed: true, found: await findResultSubmission(c, a, p) };
      }
    }
  }

  /** Marks the row confirmed and writes the receipt into its reading / batch / device, in one transaction. */
  async #confirm(row: OutboxRow, found: FoundCommit): Promise<void> {
    const receipt = { txHash: found.txHash, blockNumber: found.blockNumber, gasUsed: found.gasUsed, gasUsedForL1: found.gasUsedForL1 ?? null, committedAt: Date.now() };
    await this.#store.outbox.confirm(row, receipt);
    this.#sent.delete(row.id);
    this.#hooks.onConfirmed?.(row, receipt, Date.now() - (row.created_at ?? Date.now()));
  }

  /** Back to the queue with backoff, or failed (reading / batch / device marked failed) after the retry budget. */
  async #retryOrFail(row: OutboxRow, error: string, countAttempt: boolean): Promise<void> {
    const attempts = row.attempts + (countAttempt ? 1 : 0);
    this.#sent.delete(row.id);
    if (countAttempt && attempts >= this.#options.maxAttempts) {
      await this.#store.outbox.fail(row, error);
      this.#hooks.onFailed?.(row);
      this.#log?.error({ kind: row.kind, ref: row.ref, attempts, err: error }, "outbox row failed for good");
      return;
    }
    await this.#store.outbox.reschedule(row.id, error, Date.now() + backoffDelay(Math.max(1, attempts), this.#options.backoff), countAttempt);
  }

  // ---- the two halves of a round ----

  async #checkInFlight(): Promise<void> {
    const rows = await this.#store.outbox.inFlight();
    if (rows.length === 0) return;
    const head = this.#options.confirmations > 1 ? await this.#sender.blockNumber() : undefined;
    // Receipts in parallel (bounded by maxInFlight rows), decisions in order.
    const receipts = await Promise.all(
      rows.map(async (row) => {
        for (const hash of JSON.parse(row.tx_hashes) as Hex[]) {
          const r = await this.#sender.receipt(hash);
          if (r !== undefined) return r;
        }
        return undefined;
      }),
    );
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const receipt: TransactionReceipt | undefined = receipts[i];
      if (receipt !== undefined) {
        if (head !== undefined && head - receipt.blockNumber + 1n < BigInt(this.#options.confirmations)) continue;
        if (receipt.status === "success") {
          await this.#confirm(row, { txHash: receipt.transactionHash, blockNumber: Number(receipt.blockNumber), gasUsed: Number(receipt.gasUsed), gasUsedForL1: gasUsedForL1(receipt) ?? null });
        } else {
          const state = await this.#onChain(row);
          if (state.committed && state.found !== undefined) await this.#confirm(row, state.found);
          else await this.#retryOrFail(row, `transaction ${receipt.transactionHash} reverted`, false);
        }
        continue;
      }
      if (row.sent_at !== null && Date.now() - row.sent_at >= this.#options.stuckAfterMs) await this.#handleStuck(row);
    }
  }

  async #handleStuck(row: OutboxRow): Promise<void> {
    const state = await this.#onChain(row);
    if (state.committed && state.found !== undefined) {
      await this.#confirm(row, state.found);
      return;
    }
    const call = await this.#call(row);
    if (call === undefined || row.nonce === null) {
      await this.#retryOrFail(row, "stuck transaction without nonce; sending again", false);
      return;
    }
    const previous = this.#sent.get(row.id);
    const fees = bumpFees(previous?.fees ?? (await this.#sender.fees()));
    let gas = previous?.gas;
    if (gas === undefined) {
      try {
        gas = await this.#sender.estimateGas(call);
      } catch (error) {
        if (isUnreachable(error)) throw error;
        // Refused as a duplicate against the pending state: our transaction is in the mempool; keep waiting.
        if (revertErrorName(error) === DUPLICATE_ERROR[row.kind]) return;
        await this.#retryOrFail(row, `simulation refused: ${revertErrorName(error) ?? errorSummary(error)}`, true);
        return;
      }
    }
    try {
      const hashes = JSON.parse(row.tx_hashes) as Hex[];
      await this.#sender.send(call, { nonce: row.nonce, gas, fees }, (hash) => {
        return this.#store.outbox.addTxHash(row.id, [...hashes, hash]);
      });
      this.#sent.set(row.id, { fees, gas });
      this.#log?.warn({ kind: row.kind, ref: row.ref, nonce: row.nonce }, "replaced a stuck transaction with higher fees");
    } catch (error) {
      if (isUnreachable(error)) throw error;
      // Nonce already used (the old tx or another was mined) or the mempool
      // forgot it: the chain state above says not committed, so send anew.
      this.#sender.invalidateNonce();
      await this.#retryOrFail(row, `replacement failed: ${errorSummary(error)}`, false);
    }
  }

  /** True when the reading's device has a registration queued or in flight. */
  async #registrationPending(row: OutboxRow): Promise<boolean> {
    if (row.kind !== "commit_proof") return false;
    const reading = await this.#store.readings.get(Number(row.ref));
    const reg = reading === undefined ? undefined : await this.#store.outbox.getByRef("register_device", reading.device_id);
    return reg !== undefined && (reg.status === "queued" || reg.status === "sent");
  }

  async #sendDue(): Promise<number> {
    const room = this.#options.maxInFlight - (await this.#store.outbox.inFlight()).length;
    if (room <= 0) return 0;
    const rows = await this.#store.outbox.claimDue(Date.now(), room);
    if (rows.length === 0) return 0;
    const fees = await this.#sender.fees();
    this.#hooks.onFees?.(fees.maxFeePerGas);
    // Simulations (gas estimates) in parallel: one round trip for the round, not one per row.
    const calls = await Promise.all(rows.map((row) => this.#call(row)));
    const estimates = await Promise.allSettled(calls.map((call) => (call === undefined ? Promise.resolve(0n) : this.#sender.estimateGas(call))));
    let sent = 0;
    for (const [i, row] of rows.entries()) {
      const call = calls[i];
      if (call === undefined) {
        await this.#store.outbox.markFailed(row.id, `nothing stored for ${row.kind} ${row.ref}`);
        continue;
      }
      const estimate = estimates[i]!;
      if (estimate.status === "rejected") {
        const error: unknown = estimate.reason;
        if (isUnreachable(error)) throw error;
        const name = revertErrorName(error);
        if (name === DUPLICATE_ERROR[row.kind]) {
          const state = await this.#onChain(row);
          if (state.found !== undefined) {
            await this.#confirm(row, state.found);
            continue;
          }
          // Committed in the pending state only (an earlier broadcast of ours not yet mined): check again soon.
          await this.#retryOrFail(row, "already committed in the pending block; waiting for it", false);
          continue;
        }
        // commitProof before its device's registration is mined reverts RegistryUnknownDevice: wait without spending the budget.
        await this.#retryOrFail(row, `simulation refused: ${name ?? errorSummary(error)}`, !(name === "RegistryUnknownDevice" && (await this.#registrationPending(row))));
        continue;
      }
      const gas = estimate.value;
      const nonce = await this.#sender.takeNonce();
      try {
        await this.#sender.send(call, { nonce, gas, fees }, (hash) => this.#store.outbox.markSent(row.id, nonce, [hash]));
        this.#hooks.onSent?.(row);
        this.#sent.set(row.id, { fees, gas });
        sent++;
      } catch (error) {
        this.#sender.invalidateNonce();
        // The hash may already be recorded: queue the row again; if the tx did
        // reach the chain, the next attempt is refused as a duplicate and confirmed.
        // Nonce races (another sender on this account, a dropped earlier tx) are not the row's fault: no attempt spent.
        const nonceRace = /nonce|already known|underpriced/i.test(errorSummary(error));
        await this.#retryOrFail((await this.#store.outbox.get(row.id)) ?? row, `broadcast failed: ${errorSummary(error)}`, !isUnreachable(error) && !nonceRace);
        if (isUnreachable(error)) throw error;
      }
    }
    return sent;
  }
}
