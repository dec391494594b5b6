// The Grafana dashboard (grafana/dashboards/lcore.json) and its provisioning:
// every PromQL query names only metrics the code exports, read from the
// node's prom-client registry and from the stress task's Prometheus
// exposition (not from a hand-written list), and the provisioning files point
// at the dashboard folder and a Prometheus data source.
import { readFileSync } from "node:fs";

import { expect } from "chai";

import { createPrometheusMetrics } from "../../node/src/metrics/node-metrics.js";
import { prometheusText } from "../../tasks/stress/engine/metrics-server.js";
import { StressRecorder } from "../../tasks/stress/metrics/recorder.js";
import type { DomainStats } from "../../tasks/stress/report/kpis.js";

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

const dashboard = JSON.parse(readFileSync(new URL("../../grafana/dashboards/lcore.json", import.meta.url), "utf8")) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
};

/** The series names a registry exports (histograms as their _bucket/_sum/_count series). */
function exportedByNode(): Set<string> {
  const { registry } = createPrometheusMetrics(() => Promise.reject(new Error("not scraped in this test")));
  const names = new Set<string>();
  for (const m of registry.getMetricsAsArray()) {
    const { name, type } = m as unknown as { name: string; type: string };
    names.add(name);
    if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(name + s);
    if (type === "summary") for (const s of ["_sum", "_count"]) names.add(name + s);
  }
  return names;
}

function exportedByStress(): Set<string> {
  const domain: DomainStats = {
    payments: { volumeWei: 0n },
    settlements: { sweeps: 0, settledWei: 0n, unsettledWei: 0n },
    loans: { originated: 0, repaid: 0, outstanding: 0, outstandingPrincipalWei: 0n, interestPaidWei: 0n },
    iot: { devicesRegistered: 0, readingsSubmitted: 0, readingsRejected: 0, readingsCommitted: 0, commitTransactions: 0, commitGasUsed: 0n, batches: 0, readingsVerifiedOnChain: 0 },
  };
  const text = prometheusText(new StressRecorder(), domain);
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}

/** Metric names in a PromQL expression: identifiers of our namespaces (functions and labels never start with lcore_). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(lcore_[a-zA-Z0-9_:]*)/g)].map((m) => m[1]!);
}

describe("Grafana dashboard", () => {
  const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it("has queries, each naming at least one of our metrics", () => {
    expect(queries.length).to.be.greaterThan(10);
    for (const q of queries) expect(metricsIn(q.expr), `${q.panel}: ${q.expr}`).to.not.be.empty;
  });

  it("names only metrics the node's registry or the stress task exports", () => {
    const exported = new Set([...exportedByNode(), ...exportedByStress()]);
    const unknown = queries.flatMap((q) => metricsIn(q.expr).filter((m) => !exported.has(m)).map((m) => `${q.panel}: ${m}`));
    expect(unknown).to.deep.equal([]);
  });

  it("covers ingest rate, commit latency, outbox depth, failures, gas and cost per reading", () => {
    const all = queries.map((q) => q.expr).join("\n");
    for (const m of ["lcore_node_ingest_accepted_total", "lcore_node_commit_latency_seconds_bucket", "lcore_node_outbox_queued", "lcore_node_commits_failed_total", "lcore_node_gas_used_total", "lcore_node_max_fee_per_gas_wei", "lcore_stress_tx_per_second"]) {
      expect(all).to.include(m);
    }
  });

  it("uses the datasource variable in every panel and is provisioning-ready", () => {
    expect(dashboard.uid).to.match(/^[a-z0-9-]+$/);
    expect(dashboard.templating.list.find((v) => v.type === "datasource")).to.include({ name: "datasource", query: "prometheus" });
    for (const p of dashboard.panels.filter((x) => x.type !== "row")) expect(p.datasource, p.title).to.deep.equal({ type: "prometheus", uid: "${datasource}" });
    const provider = readFileSync(new URL("../../grafana/provisioning/dashboards/lcore.yaml", import.meta.url), "utf8");
    expect(provider).to.match(/type: file/).and.match(/path: \/var\/lib\/grafana\/dashboards\/lcore/);
    const datasource = readFileSync(new URL("../../grafana/provisioning/datasources/lcore.yaml", import.meta.url), "utf8");
    expect(datasource).to.match(/type: prometheus/);
  });
});
