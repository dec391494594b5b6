// Records every operation of a stress run: one entry per transaction (the
// CSV log), live counters per workload for the terminal display and the
// /metrics endpoint, and per-second buckets for the throughput chart.
import { summarise, type LatencySummary } from "./stats.js";

/** The workloads of a run, in display order. */
export const WORKLOADS = ["payments", "settlements", "loans", "iot_registration", "iot_readings"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** One operation, as written to the CSV (the predecessor's columns plus the workload). */
export interface OperationRecord {
  /** ISO time the operation started. */
  readonly timestamp: string;
  readonly workload: WorkloadName;
  /** payment, settlement, loan_origination, loan_repayment, iot_registration, iot_data, ... */
  readonly module: string;
  readonly txHash: string;
  readonly status: "success" | "failed";
  readonly gasUsed: bigint | undefined;
  readonly latencySec: number;
  readonly error: string;
  /** Milliseconds since the run started, when the operation ended. */
  readonly endedAtMs: number;
}

export interface WorkloadCounters {
  sent: number;
  confirmed: number;
  failed: number;
  inFlight: number;
  gasUsed: bigint;
  latencies: number[];
}

export interface WorkloadSnapshot {
  readonly workload: WorkloadName;
  readonly sent: number;
  readonly confirmed: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly txPerSec: number;
  readonly gasUsed: bigint;
  readonly latency: LatencySummary;
}

/** A started operation: finish it exactly once with ok or fail. */
export interface PendingOperation {
  ok(details: { txHash: string; gasUsed?: bigint | undefined }): void;
  fail(error: string, txHash?: string): void;
}

export class StressRecorder {
  readonly #startedAt: number;
  readonly #now: () => number;
  readonly #records: OperationRecord[] = [];
  readonly #counters = new Map<WorkloadName, WorkloadCounters>();
  /** confirmed per workload per second since start */
  readonly #buckets: Array<Partial<Record<WorkloadName, number>>> = [];
  #endedAt: number | undefined;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
    this.#startedAt = now();
    for (const w of WORKLOADS) this.#counters.set(w, { sent: 0, confirmed: 0, failed: 0, inFlight: 0, gasUsed: 0n, latencies: [] });
  }

  get records(): readonly OperationRecord[] {
    return this.#records;
  }

  /** Seconds since start (frozen once `finish` was called). */
  elapsedSec(): number {
    return ((this.#endedAt ?? this.#now()) - this.#startedAt) / 1000;
  }

  finish(): void {
    this.#endedAt ??= this.#now();
  }

  /** Starts timing an operation of `workload`. */
  begin(workload: WorkloadName, module: string): PendingOperation {
    const counters = this.#counters.get(workload)!;
    const start = this.#now();
    const timestamp = new Date().toISOString();
    counters.sent++;
    counters.inFlight++;
    let done = false;
    const end = (status: "success" | "failed", txHash: string, gasUsed: bigint | undefined, error: string) => {
      if (done) return;
      done = true;
      const now = this.#now();
      const latencySec = (now - start) / 1000;
      counters.inFlight--;
      if (status === "success") {
        counters.confirmed++;
        counters.latencies.push(latencySec);
        if (gasUsed !== undefined) counters.gasUsed += gasUsed;
        const second = Math.max(0, Math.floor((now - this.#startedAt) / 1000));
        while (this.#buckets.length <= second) this.#buckets.push({});
        const bucket = this.#buckets[second]!;
        bucket[workload] = (bucket[workload] ?? 0) + 1;
      } else {
        counters.failed++;
      }
      this.#records.push({ timestamp, workload, module, txHash, status, gasUsed, latencySec, error, endedAtMs: now - this.#startedAt });
    };
    return {
      ok: ({ txHash, gasUsed }) => end("success", txHash, gasUsed, ""),
      fail: (error, txHash = "") => end("failed", txHash, undefined, error.replace(/[\r\n]+/g, " ")),
    };
  }

  snapshot(workload: WorkloadName): WorkloadSnapshot {
    const c = this.#counters.get(workload)!;
    const elapsed = Math.max(this.elapsedSec(), 1e-9);
    return {
      workload,
      sent: c.sent,
      confirmed: c.confirmed,
      failed: c.failed,
      inFlight: c.inFlight,
      txPerSec: c.confirmed / elapsed,
      gasUsed: c.gasUsed,
      latency: summarise(c.latencies),
    };
  }

  snapshots(): WorkloadSnapshot[] {
    return WORKLOADS.map((w) => this.snapshot(w));
  }

  /** All successful latencies (seconds) across workloads. */
  allLatencies(): number[] {
    return WORKLOADS.flatMap((w) => this.#counters.get(w)!.latencies);
  }

  /** Confirmed operations per second since start, per workload. */
  timeline(): Array<Record<WorkloadName, number>> {
    const seconds = Math.max(this.#buckets.length, Math.ceil(this.elapsedSec()));
    const out: Array<Record<WorkloadName, number>> = [];
    for (let s = 0; s < seconds; s++) {
      const bucket = this.#buckets[s] ?? {};
      out.push(Object.fromEntries(WORKLOADS.map((w) => [w, bucket[w] ?? 0])) as Record<WorkloadName, number>);
    }
    return out;
  }
}
