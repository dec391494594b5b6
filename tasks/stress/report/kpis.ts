// The machine-readable result of a stress run: the predecessor's metric
// names and targets, our own latency percentiles and per-workload figures,
// and every target marked met or missed. Built once at the end of a run and
// also live for the /metrics endpoint.
import type { MetricsSnapshot } from "../../../node/src/metrics/node-metrics.js";
import type { StressRecorder, WorkloadName } from "../metrics/recorder.js";
import type { ChainCosts } from "./chain-costs.js";
import type { LatencySummary } from "../metrics/stats.js";

import { DEFAULT_TARGETS } from "../../../node/src/metrics/node-metrics.js";
import { WORKLOADS } from "../metrics/recorder.js";
import { summarise } from "../metrics/stats.js";

/** The predecessor's targets (SPEC §2); success rate is a percentage. */
export const PREDECESSOR_TARGETS = DEFAULT_TARGETS;

export interface ContractInfo {
  readonly address: string;
  /** "stylus" when the deployed code is a Stylus program (EF F0 00 ...), "evm" for the Solidity twin. */
  readonly runtime: "stylus" | "evm";
  readonly codeHash: string;
  readonly stylusVersion?: number | undefined;
}

export interface RunInfo {
  readonly network: string;
  readonly chainId: number;
  readonly inProcess: boolean;
  readonly profile: "seed" | "max";
  readonly commitMode: string;
  readonly devices: number;
  readonly concurrency: number;
  readonly plannedDurationSec: number;
  readonly startedAt: string;
  readonly contract: ContractInfo;
  readonly keySource: string;
  /** "node" (the embedded node) or "direct" (in-process fallback). */
  readonly iotBackend: string;
}

export interface DomainStats {
  readonly payments: { volumeWei: bigint };
  readonly settlements: { sweeps: number; settledWei: bigint; unsettledWei: bigint };
  readonly loans: { originated: number; repaid: number; outstanding: number; outstandingPrincipalWei: bigint; interestPaidWei: bigint };
  readonly iot: {
    devicesRegistered: number;
    readingsSubmitted: number;
    readingsRejected: number;
    readingsCommitted: number;
    commitTransactions: number;
    commitGasUsed: bigint;
    batches: number;
    /** Readings checked against the contract after the run (getProof / verifyInclusion). */
    readingsVerifiedOnChain: number;
  };
}

export interface WorkloadKpi {
  readonly sent: number;
  readonly confirmed: number;
  readonly failed: number;
  readonly success_rate: number;
  readonly tx_per_sec: number;
  readonly gas_used: string;
  readonly latency_sec: LatencySummary;
}

export interface TargetResult {
  readonly name: string;
  readonly metric: string;
  readonly comparison: ">=" | "<=" | "==";
  readonly target: number;
  readonly actual: number;
  readonly met: boolean;
}

/** The predecessor's /metrics JSON fields (SPEC §2): the node's snapshot without its own extras. */
export type PredecessorMetrics = Omit<MetricsSnapshot, "node">;

export interface StressReport {
  readonly schema: "lcore-stress-report/1";
  readonly run: RunInfo & { readonly endedAt: string; readonly durationSec: number };
  readonly contract: ContractInfo & { readonly ranAsStylus: boolean };
  readonly metrics: PredecessorMetrics;
  readonly latency_sec: LatencySummary;
  readonly tx_per_sec: number;
  readonly workloads: Record<WorkloadName, WorkloadKpi>;
  readonly payments: { volume_wei: string };
  readonly settlements: { sweeps: number; settled_wei: string; unsettled_wei: string };
  readonly loans: { originated: number; repaid: number; outstanding: number; outstanding_principal_wei: string; interest_paid_wei: string };
  readonly iot: {
    commit_mode: string;
    devices_registered: number;
    readings_submitted: number;
    readings_rejected: number;
    readings_committed: number;
    readings_verified_on_chain: number;
    commit_transactions: number;
    batches: number;
    gas_per_reading: number;
    readings_per_sec: number;
  };
  /** On-chain cost per workload with its parent-chain share (absent when not measured). */
  readonly costs?: ChainCosts;
  readonly targets: TargetResult[];
  readonly all_targets_met: boolean;
  /** Confirmed operations per second since start, per workload (the throughput chart). */
  readonly timeline: Array<Record<WorkloadName, number>>;
  /** Latencies in seconds per workload (the latency chart); capped to 5000 samples each. */
  readonly latency_samples: Record<WorkloadName, number[]>;
  readonly files: { csv?: string; json?: string; html?: string; costs_csv?: string };
}

function rate(ok: number, total: number): number {
  return total === 0 ? 100 : (ok / total) * 100;
}

/** Predecessor metrics (live or final). */
export function predecessorMetrics(recorder: StressRecorder, domain: DomainStats): PredecessorMetrics {
  const elapsed = Math.max(recorder.elapsedSec(), 1e-9);
  const snaps = recorder.snapshots();
  const total = snaps.reduce((s, w) => s + w.confirmed + w.failed, 0);
  const ok = snaps.reduce((s, w) => s + w.confirmed, 0);
  const latency = summarise(recorder.allLatencies());
  const daily = (domain.iot.readingsSubmitted / elapsed) * 86_400;
  const success = rate(ok, total);
  return {
    runtime_hours: elapsed / 3600,
    total_operations: total,
    successful_operations: ok,
    success_rate: success,
    avg_latency_sec: latency.avg,
    registrations: domain.iot.devicesRegistered,
    data_submissions: domain.iot.readingsSubmitted,
    on_chain_commitments: domain.iot.readingsCommitted,
    daily_submission_rate: daily,
    meets_success_target: success >= PREDECESSOR_TARGETS.success_rate,
    meets_latency_target: latency.avg <= PREDECESSOR_TARGETS.max_latency_sec,
    meets_volume_target: daily >= PREDECESSOR_TARGETS.daily_entries,
    targets: { ...PREDECESSOR_TARGETS },
  };
}

function target(name: string, metric: string, comparison: TargetResult["comparison"], targetValue: number, actual: number): TargetResult {
  const met = comparison === ">=" ? actual >= targetValue : comparison === "<=" ? actual <= targetValue : actual === targetValue;
  return { name, metric, comparison, target: targetValue, actual, met };
}

/** Builds the final report. */
export function buildReport(
  recorder: StressRecorder,
  run: RunInfo,
  domain: DomainStats,
  files: StressReport["files"],
  extra: { minTxPerSec?: number; costs?: ChainCosts } = {},
): StressReport {
  const metrics = predecessorMetrics(recorder, domain);
  const elapsed = Math.max(recorder.elapsedSec(), 1e-9);
  const latency = summarise(recorder.allLatencies());
  const workloads = {} as Record<WorkloadName, WorkloadKpi>;
  const samples = {} as Record<WorkloadName, number[]>;
  for (const snap of recorder.snapshots()) {
    workloads[snap.workload] = {
      sent: snap.sent,
      confirmed: snap.confirmed,
      failed: snap.failed,
      success_rate: rate(snap.confirmed, snap.confirmed + snap.failed),
      tx_per_sec: snap.txPerSec,
      gas_used: snap.gasUsed.toString(),
      latency_sec: snap.latency,
    };
  }
  for (const w of WORKLOADS) {
    samples[w] = recorder.records.filter((r) => r.workload === w && r.status === "success").slice(0, 5000).map((r) => r.latencySec);
  }
  const iot = domain.iot;
  const gasPerReading = iot.readingsCommitted === 0 ? 0 : Number(iot.commitGasUsed) / iot.readingsCommitted;
  const targets: TargetResult[] = [
    target("Success rate (predecessor)", "metrics.success_rate", ">=", PREDECESSOR_TARGETS.success_rate, metrics.success_rate),
    target("Average latency (predecessor)", "metrics.avg_latency_sec", "<=", PREDECESSOR_TARGETS.max_latency_sec, metrics.avg_latency_sec),
    target("IoT entries per day (predecessor)", "metrics.daily_submission_rate", ">=", PREDECESSOR_TARGETS.daily_entries, metrics.daily_submission_rate),
    target("p95 latency", "latency_sec.p95", "<=", PREDECESSOR_TARGETS.max_latency_sec, latency.p95),
    target("Readings committed on chain", "iot.readings_committed", "==", iot.readingsSubmitted, iot.readingsCommitted),
    target("Readings committed (at least one)", "iot.readings_committed", ">=", 1, iot.readingsCommitted),
    ...WORKLOADS.map((w) => target(`${w} success rate`, `workloads.${w}.success_rate`, ">=", PREDECESSOR_TARGETS.success_rate, workloads[w].success_rate)),
    ...WORKLOADS.map((w) => target(`${w} confirmed operations`, `workloads.${w}.confirmed`, ">=", 1, workloads[w].confirmed)),
  ];
  if (extra.minTxPerSec !== undefined && extra.minTxPerSec > 0) {
    targets.push(target("Throughput (--min-tps)", "tx_per_sec", ">=", extra.minTxPerSec, metrics.successful_operations / elapsed));
  }
  return {
    schema: "lcore-stress-report/1",
    run: { ...run, endedAt: new Date().toISOString(), durationSec: elapsed },
    contract: { ...run.contract, ranAsStylus: run.contract.runtime === "stylus" },
    metrics,
    latency_sec: latency,
    tx_per_sec: metrics.successful_operations / elapsed,
    workloads,
    payments: { volume_wei: domain.payments.volumeWei.toString() },
    settlements: {
      sweeps: domain.settlements.sweeps,
      settled_wei: domain.settlements.settledWei.toString(),
      unsettled_wei: domain.settlements.unsettledWei.toString(),
    },
    loans: {
      originated: domain.loans.originated,
      repaid: domain.loans.repaid,
      outstanding: domain.loans.outstanding,
      outstanding_principal_wei: domain.loans.outstandingPrincipalWei.toString(),
      interest_paid_wei: domain.loans.interestPaidWei.toString(),
    },
    iot: {
      commit_mode: run.commitMode,
      devices_registered: iot.devicesRegistered,
      readings_submitted: iot.readingsSubmitted,
      readings_rejected: iot.readingsRejected,
      readings_committed: iot.readingsCommitted,
      readings_verified_on_chain: iot.readingsVerifiedOnChain,
      commit_transactions: iot.commitTransactions,
      batches: iot.batches,
      gas_per_reading: gasPerReading,
      readings_per_sec: iot.readingsCommitted / elapsed,
    },
    ...(extra.costs === undefined ? {} : { costs: extra.costs }),
    targets,
    all_targets_met: targets.every((t) => t.met),
    timeline: recorder.timeline(),
    latency_samples: samples,
    files,
  };
}
