// The HTTP endpoints a stress run serves on 127.0.0.1 while it runs:
// GET /health -> {"status":"ok",...}; GET /metrics -> the predecessor's JSON
// fields plus per-workload figures; GET /metrics?format=prometheus (or
// Accept: text/plain) -> Prometheus text format.
import type { AddressInfo } from "node:net";

import { createServer, type Server } from "node:http";

import type { StressRecorder } from "../metrics/recorder.js";
import type { DomainStats } from "../report/kpis.js";

import { taskError } from "../../shared/errors.js";
import { predecessorMetrics } from "../report/kpis.js";

export interface MetricsServerParameters {
  readonly port: number;
  readonly recorder: StressRecorder;
  readonly domain: () => DomainStats;
  readonly info: Record<string, unknown>;
}

export interface RunningMetricsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The /metrics JSON document. */
export function metricsDocument(recorder: StressRecorder, domain: DomainStats, info: Record<string, unknown>): Record<string, unknown> {
  return {
    ...predecessorMetrics(recorder, domain),
    workloads: Object.fromEntries(
      recorder.snapshots().map((s) => [
        s.workload,
        { sent: s.sent, confirmed: s.confirmed, failed: s.failed, in_flight: s.inFlight, tx_per_sec: s.txPerSec, p50_latency_sec: s.latency.p50, p95_latency_sec: s.latency.p95 },
      ]),
    ),
    loans_outstanding: domain.loans.outstanding,
    ...info,
  };
}

/** Prometheus text exposition of the same figures. */
export function prometheusText(recorder: StressRecorder, domain: DomainStats): string {
  const m = predecessorMetrics(recorder, domain);
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: Array<[Record<string, string>, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",");
      lines.push(`${name}${l === "" ? "" : `{${l}}`} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const snaps = recorder.snapshots();
  gauge("lcore_stress_operations_sent", "Operations started per workload", snaps.map((s) => [{ workload: s.workload }, s.sent]));
  gauge("lcore_stress_operations_confirmed", "Operations confirmed per workload", snaps.map((s) => [{ workload: s.workload }, s.confirmed]));
  gauge("lcore_stress_operations_failed", "Operations failed per workload", snaps.map((s) => [{ workload: s.workload }, s.failed]));
  gauge("lcore_stress_tx_per_second", "Confirmed operations per second per workload", snaps.map((s) => [{ workload: s.workload }, s.txPerSec]));
  gauge("lcore_stress_latency_seconds", "Latency quantiles per workload", snaps.flatMap((s) => [[{ workload: s.workload, quantile: "0.5" }, s.latency.p50], [{ workload: s.workload, quantile: "0.95" }, s.latency.p95]] as Array<[Record<string, string>, number]>));
  gauge("lcore_stress_success_rate_percent", "Successful operations in percent", [[{}, m.success_rate]]);
  gauge("lcore_stress_readings_committed", "IoT readings committed on chain", [[{}, m.on_chain_commitments]]);
  gauge("lcore_stress_devices_registered", "IoT devices registered", [[{}, m.registrations]]);
  gauge("lcore_stress_loans_outstanding", "Loans not yet repaid", [[{}, domain.loans.outstanding]]);
  gauge("lcore_stress_gas_used", "Gas used by confirmed operations per workload", snaps.map((s) => [{ workload: s.workload }, Number(s.gasUsed)]));
  gauge("lcore_stress_iot_commit_gas", "Gas of the IoT commit transactions (proofs or batches)", [[{}, Number(domain.iot.commitGasUsed)]]);
  gauge("lcore_stress_iot_gas_per_reading", "Commit gas per committed IoT reading", [[{}, domain.iot.readingsCommitted === 0 ? 0 : Number(domain.iot.commitGasUsed) / domain.iot.readingsCommitted]]);
  return `${lines.join("\n")}\n`;
}

/** Starts the server on 127.0.0.1:`port` (0 = any free port). */
export async function startMetricsServer(params: MetricsServerParameters): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET") return json(405, { error: "method not allowed", allowed: ["GET"] });
    if (url.pathname === "/health") return json(200, { status: "ok", elapsed_sec: params.recorder.elapsedSec() });
    if (url.pathname === "/metrics") {
      const wantsText = url.searchParams.get("format") === "prometheus" || (req.headers.accept ?? "").startsWith("text/plain");
      if (wantsText) {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        return res.end(prometheusText(params.recorder, params.domain()));
      }
      return json(200, metricsDocument(params.recorder, params.domain(), params.info));
    }
    return json(404, { error: `no route ${url.pathname}`, routes: ["/health", "/metrics", "/metrics?format=prometheus"] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(taskError(error.code === "EADDRINUSE" ? `port ${params.port} is in use; pass another --port (0 picks a free one).` : `cannot serve metrics: ${error.message}`)),
    );
    server.listen(params.port, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
