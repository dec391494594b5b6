// Metrics: the predecessor's JSON fields (SPEC §2), computed from the store so
// they survive restarts, plus a Prometheus registry (prom-client) whose
// gauges are filled from the same figures at scrape time and whose counters
// and histograms count this instance's ingest and commit outcomes since start.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

import type { Store } from "../store/index.js";
import type { MetricsFigures } from "../store/metrics-repository.js";

export interface MetricsTargets {
  daily_entries: number;
  success_rate: number;
  max_latency_sec: number;
}

export const DEFAULT_TARGETS: MetricsTargets = { daily_entries: 50, success_rate: 99, max_latency_sec: 30 };

/** The predecessor's /metrics JSON, plus the node's own figures under `node`. */
export interface MetricsSnapshot {
  runtime_hours: number;
  total_operations: number;
  successful_operations: number;
  success_rate: number;
  avg_latency_sec: number;
  registrations: number;
  data_submissions: number;
  on_chain_commitments: number;
  daily_submission_rate: number;
  meets_success_target: boolean;
  meets_latency_target: boolean;
  meets_volume_target: boolean;
  targets: MetricsTargets;
  node: {
    mode: string;
    pending_readings: number;
    failed_readings: number;
    batches: number;
    committed_batches: number;
    max_latency_sec: number;
    outbox: MetricsFigures["outbox"];
    gas_used: number;
    chain_ok: boolean;
    /** Readings per device format; `m1` readings are unauthenticated (the predecessor's unsigned API). */
    readings_by_format: { native: number; jws: number; gateway: number; m1: number };
    unauthenticated_readings: number;
  };
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * total_operations = outbox rows finished (confirmed + failed: every chain
 * action the node attempted to the end); successful_operations = confirmed;
 * avg_latency_sec = mean of committed_at - received_at over committed readings;
 * daily_submission_rate = readings of the last 24 h, extrapolated while the
 * node has run less than a day.
 */
export async function metricsSnapshot(store: Store, { mode, chainOk, targets = DEFAULT_TARGETS, now = Date.now() }: {
  mode: string;
  chainOk: boolean;
  targets?: MetricsTargets;
  now?: number;
}): Promise<MetricsSnapshot> {
  const f = await store.metrics.figures(now);
  const byFormat = { native: 0, jws: 0, gateway: 0, m1: 0 };
  let unauthenticated = 0;
  for (const c of await store.deviceFormats.counts()) {
    byFormat[c.format] += c.n;
    if (c.authenticated === 0) unauthenticated += c.n;
  }
  byFormat.native = f.readings - byFormat.jws - byFormat.gateway - byFormat.m1;
  const runtimeHours = Math.max(0, (now - f.firstStartedAt) / 3_600_000);
  const total = f.outbox.confirmed + f.outbox.failed;
  const successRate = total === 0 ? 100 : (f.outbox.confirmed / total) * 100;
  const avgLatency = (f.avgLatencyMs ?? 0) / 1000;
  const daily = runtimeHours >= 24 || runtimeHours === 0 ? f.readingsLast24h : (f.readings / Math.max(runtimeHours, 1 / 60)) * 24;
  return {
    runtime_hours: round(runtimeHours, 4),
    total_operations: total,
    successful_operations: f.outbox.confirmed,
    success_rate: round(successRate, 2),
    avg_latency_sec: round(avgLatency),
    registrations: f.devices,
    data_submissions: f.readings,
    on_chain_commitments: f.committedReadings,
    daily_submission_rate: round(daily, 1),
    meets_success_target: successRate >= targets.success_rate,
    meets_latency_target: avgLatency <= targets.max_latency_sec,
    meets_volume_target: daily >= targets.daily_entries,
    targets,
    node: {
      mode,
      pending_readings: f.pendingReadings,
      failed_readings: f.failedReadings,
      batches: f.batches,
      committed_batches: f.committedBatches,
      max_latency_sec: round((f.maxLatencyMs ?? 0) / 1000),
      outbox: f.outbox,
      gas_used: f.gasUsed,
      chain_ok: chainOk,
      readings_by_format: byFormat,
      unauthenticated_readings: unauthenticated,
    },
  };
}

export interface PrometheusMetrics {
  registry: Registry;
  ingestAccepted: Counter;
  ingestRefused: Counter<"code">;
  /** Transactions broadcast, by outbox kind. */
  txSent: Counter<"kind">;
  /** Outbox rows confirmed on chain, by kind. */
  commitsConfirmed: Counter<"kind">;
  /** Outbox rows given up on, by kind. */
  commitsFailed: Counter<"kind">;
  /** Seconds from an outbox row's creation (the reading's receipt, or its batch's close) to its confirmation. */
  commitLatency: Histogram<"kind">;
  /** Gas of the confirmed transactions of this instance, by kind (the DB-wide total is lcore_node_gas_used_total). */
  commitGas: Counter<"kind">;
  /** 1 while the database answers. */
  databaseUp: Gauge;
  /** Max fee per gas of the last round's sends, wei (cost per reading = gas per reading x this, at most). */
  maxFeePerGas: Gauge;
}

/** A Prometheus registry whose gauges read the snapshot at scrape time. */
export function createPrometheusMetrics(fresh: () => Promise<MetricsSnapshot>, { defaultMetrics = true } = {}): PrometheusMetrics {
  // One database aggregate per scrape, not one per gauge.
  let cached: { at: number; value: Promise<MetricsSnapshot> } | undefined;
  const snapshot = (): Promise<MetricsSnapshot> => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > 250) {
      const value = fresh();
      cached = { at: now, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "lcore_node_process_" });
  const databaseUp = new Gauge({ name: "lcore_node_database_up", help: "1 when the database answered the last scrape", registers: [registry] });
  const gauge = (name: string, help: string, pick: (s: MetricsSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        try {
          this.set(pick(await snapshot()));
          databaseUp.set(1);
        } catch {
          databaseUp.set(0);
        }
      },
    });
  gauge("lcore_node_runtime_hours", "Hours since the node database was first started", (s) => s.runtime_hours);
  gauge("lcore_node_registrations", "Registered devices", (s) => s.registrations);
  gauge("lcore_node_data_submissions", "Readings persisted", (s) => s.data_submissions);
  gauge("lcore_node_on_chain_commitments", "Readings committed on chain", (s) => s.on_chain_commitments);
  gauge("lcore_node_pending_readings", "Readings not yet committed", (s) => s.node.pending_readings);
  gauge("lcore_node_failed_readings", "Readings the outbox gave up on", (s) => s.node.failed_readings);
  gauge("lcore_node_success_rate_percent", "Confirmed / finished chain operations, percent", (s) => s.success_rate);
  gauge("lcore_node_avg_latency_seconds", "Mean time from receipt to on-chain commitment", (s) => s.avg_latency_sec);
  gauge("lcore_node_outbox_queued", "Outbox rows waiting to be sent", (s) => s.node.outbox.queued);
  gauge("lcore_node_outbox_in_flight", "Outbox rows sent, not yet confirmed", (s) => s.node.outbox.sent);
  gauge("lcore_node_outbox_failed", "Outbox rows given up on", (s) => s.node.outbox.failed);
  gauge("lcore_node_chain_ok", "1 when the chain answered the last round", (s) => (s.node.chain_ok ? 1 : 0));
  gauge("lcore_node_unauthenticated_readings", "Readings accepted without a device signature (--compat m1)", (s) => s.node.unauthenticated_readings);
  const byFormat = new Gauge({
    name: "lcore_node_readings_by_format",
    help: "Readings persisted, by device format (native, jws, gateway, m1)",
    labelNames: ["format"] as const,
    registers: [registry],
    async collect() {
      try {
        for (const [format, n] of Object.entries((await snapshot()).node.readings_by_format)) this.set({ format }, n);
      } catch {
        databaseUp.set(0);
      }
    },
  });
  void byFormat;
  gauge("lcore_node_gas_used_total", "Gas used by the node's confirmed transactions", (s) => s.node.gas_used);
  gauge("lcore_node_batches_committed", "Merkle batches committed on chain", (s) => s.node.committed_batches);
  const ingestAccepted = new Counter({ name: "lcore_node_ingest_accepted_total", help: "Readings accepted since start", registers: [registry] });
  const ingestRefused = new Counter({
    name: "lcore_node_ingest_refused_total",
    help: "Readings refused since start, by error code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const byKind = { labelNames: ["kind"] as const, registers: [registry] };
  const txSent = new Counter({ name: "lcore_node_tx_sent_total", help: "Transactions broadcast by this instance, by outbox kind", ...byKind });
  const commitsConfirmed = new Counter({ name: "lcore_node_commits_confirmed_total", help: "Outbox rows this instance confirmed on chain, by kind", ...byKind });
  const commitsFailed = new Counter({ name: "lcore_node_commits_failed_total", help: "Outbox rows this instance gave up on, by kind", ...byKind });
  const commitGas = new Counter({ name: "lcore_node_commit_gas_total", help: "Gas of the transactions this instance confirmed, by kind", ...byKind });
  const commitLatency = new Histogram({
    name: "lcore_node_commit_latency_seconds",
    help: "From an outbox row's creation (reading received, or batch closed) to its on-chain confirmation",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    ...byKind,
  });
  const maxFeePerGas = new Gauge({ name: "lcore_node_max_fee_per_gas_wei", help: "Max fee per gas of the last round's transactions, wei", registers: [registry] });
  return { registry, ingestAccepted, ingestRefused, txSent, commitsConfirmed, commitsFailed, commitLatency, commitGas, databaseUp, maxFeePerGas };
}
