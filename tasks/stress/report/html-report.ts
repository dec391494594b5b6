// The human-readable report of a stress run: one self-contained HTML file
// (inline CSS and SVG, no scripts, no network) with the targets met or
// missed, KPIs, per-workload figures and three charts.
import type { WorkloadName } from "../metrics/recorder.js";
import type { StressReport } from "./kpis.js";

import { WORKLOADS } from "../metrics/recorder.js";
import { bucketLatencies, latencyHistogram, lineChart, outcomeBars } from "./svg-charts.js";

export const WORKLOAD_COLORS: Record<WorkloadName, string> = {
  payments: "#3366cc",
  settlements: "#ff9900",
  loans: "#8e44ad",
  iot_registration: "#16a085",
  iot_readings: "#c0392b",
};

export const WORKLOAD_TITLES: Record<WorkloadName, string> = {
  payments: "Payments",
  settlements: "Merchant settlements",
  loans: "Loans",
  iot_registration: "IoT registration",
  iot_readings: "IoT readings",
};

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function num(n: number, digits = 2): string {
  return Number.isInteger(n) ? n.toLocaleString("en-US") : n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

function ms(sec: number): string {
  return sec < 1 ? `${num(sec * 1000, 1)} ms` : `${num(sec, 2)} s`;
}

function eth(wei: string): string {
  const v = Number(BigInt(wei)) / 1e18;
  return `${num(v, 6)} ETH`;
}

/** Moving average over `window` points, so a per-second series reads as a trend. */
function smooth(values: readonly number[], window: number): number[] {
  return values.map((_, i) => {
    const from = Math.max(0, i - window + 1);
    const slice = values.slice(from, i + 1);
    return slice.reduce((s, x) => s + x, 0) / slice.length;
  });
}

/** Renders the report as a complete HTML document. */
export function renderHtmlReport(report: StressReport): string {
  const r = report;
  const window = r.timeline.length > 120 ? 10 : r.timeline.length > 30 ? 3 : 1;
  const throughput = lineChart(
    WORKLOADS.map((w) => ({ name: WORKLOAD_TITLES[w], color: WORKLOAD_COLORS[w], values: smooth(r.timeline.map((t) => t[w]), window) })),
    { title: "Throughput over time", yLabel: "confirmed ops/s", xLabel: `seconds since start${window > 1 ? ` (moving average of ${window} s)` : ""}` },
  );
  const histogram = latencyHistogram(
    WORKLOADS.map((w) => ({ name: WORKLOAD_TITLES[w], color: WORKLOAD_COLORS[w], values: bucketLatencies(r.latency_samples[w]) })),
    { title: "Latency distribution" },
  );
  const outcomes = outcomeBars(
    WORKLOADS.map((w) => ({ name: WORKLOAD_TITLES[w], confirmed: r.workloads[w].confirmed, failed: r.workloads[w].failed })),
    { title: "Outcome per workload" },
  );
  const targetRows = r.targets
    .map(
      (t) =>
        `<tr class="${t.met ? "met" : "missed"}"><td>${t.met ? "✔ met" : "✘ missed"}</td><td>${esc(t.name)}</td><td><code>${esc(t.metric)}</code></td><td>${t.comparison} ${num(t.target)}</td><td>${num(t.actual)}</td></tr>`,
    )
    .join("");
  const workloadRows = WORKLOADS.map((w) => {
    const k = r.workloads[w];
    return `<tr><td><span class="dot" style="background:${WORKLOAD_COLORS[w]}"></span>${WORKLOAD_TITLES[w]}</td><td>${num(k.sent)}</td><td>${num(k.confirmed)}</td><td>${num(k.failed)}</td><td>${num(k.success_rate)} %</td><td>${num(k.tx_per_sec)}</td><td>${ms(k.latency_sec.p50)}</td><td>${ms(k.latency_sec.p95)}</td><td>${ms(k.latency_sec.p99)}</td><td>${num(Number(k.gas_used))}</td></tr>`;
  }).join("");
  const m = r.metrics;
  const metricRows = (Object.entries(m) as Array<[string, unknown]>)
    .filter(([key]) => key !== "targets")
    .map(([key, value]) => `<tr><td><code>${key}</code></td><td>${typeof value === "number" ? num(value, 6) : esc(String(value))}</td></tr>`)
    .join("");
  const runtimeBadge = r.contract.ranAsStylus
    ? `<span class="badge ok">Stylus program${r.contract.stylusVersion === undefined ? "" : ` v${r.contract.stylusVersion}`}</span>`
    : `<span class="badge warn">EVM twin (not Stylus)</span>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stress report – ${esc(r.run.network)} – ${esc(r.run.startedAt)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;font-size:13px}.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin-top:14px}
.card{border:1px solid #ddd;border-radius:6px;padding:10px}.card b{display:block;font-size:20px}.card span{color:#666;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eee;padding:5px 6px;text-align:left}
th{background:#f6f7f9}tr.met td:first-child{color:#1e7e45;font-weight:600}tr.missed td:first-child{color:#c0392b;font-weight:600}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600}.ok{background:#d9f2e3;color:#1e7e45}
.warn{background:#fdecd2;color:#a05a00}.bad{background:#f9dada;color:#a02020}.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px}
code{font-size:12px}
</style></head><body>
<h1>L{CORE} IoT stress report</h1>
<div class="sub">${esc(r.run.network)} (chain ${r.run.chainId}${r.run.inProcess ? ", in-process" : ""}) · profile <b>${r.run.profile}</b> · ${num(r.run.durationSec, 1)} s · ${r.run.devices} devices · concurrency ${r.run.concurrency} · commits: <b>${esc(r.iot.commit_mode)}</b> · ${esc(r.run.startedAt)}</div>
<p>Contract <code>${esc(r.contract.address)}</code> ${runtimeBadge} code hash <code>${esc(r.contract.codeHash.slice(0, 18))}…</code>
· targets: ${r.all_targets_met ? '<span class="badge ok">all met</span>' : `<span class="badge bad">${r.targets.filter((t) => !t.met).length} missed</span>`}</p>
<div class="cards">
<div class="card"><b>${num(r.metrics.total_operations)}</b><span>operations (${num(r.metrics.success_rate)} % ok)</span></div>
<div class="card"><b>${num(r.tx_per_sec)}</b><span>confirmed ops/s</span></div>
<div class="card"><b>${ms(r.latency_sec.p50)} / ${ms(r.latency_sec.p95)}</b><span>latency p50 / p95 (p99 ${ms(r.latency_sec.p99)})</span></div>
<div class="card"><b>${num(r.iot.readings_committed)}</b><span>readings committed · ${num(r.iot.gas_per_reading, 0)} gas/reading</span></div>
</div>
<h2>Targets</h2>
<table><tr><th>result</th><th>target</th><th>metric</th><th>wanted</th><th>actual</th></tr>${targetRows}</table>
<h2>Throughput over time</h2>${throughput}
<h2>Latency distribution</h2>${histogram}
<h2>Outcome per workload</h2>${outcomes}
<h2>Workloads</h2>
<table><tr><th>workload</th><th>sent</th><th>confirmed</th><th>failed</th><th>success</th><th>ops/s</th><th>p50</th><th>p95</th><th>p99</th><th>gas used</th></tr>${workloadRows}</table>
${costsSection(report)}
<h2>IoT readings</h2>
<table>
<tr><td>devices registered</td><td>${num(r.iot.devices_registered)}</td></tr>
<tr><td>readings submitted / rejected</td><td>${num(r.iot.readings_submitted)} / ${num(r.iot.readings_rejected)}</td></tr>
<tr><td>readings committed on chain (${esc(r.iot.commit_mode)})</td><td>${num(r.iot.readings_committed)} in ${num(r.iot.commit_transactions)} transaction(s), ${num(r.iot.batches)} batch(es)</td></tr>
<tr><td>readings re-checked against the contract</td><td>${num(r.iot.readings_verified_on_chain)}</td></tr>
<tr><td>gas per reading</td><td>${num(r.iot.gas_per_reading, 0)}</td></tr>
<tr><td>readings committed per second</td><td>${num(r.iot.readings_per_sec)}</td></tr>
</table>
<h2>Payments, settlements, loans</h2>
<table>
<tr><td>payment volume</td><td>${eth(r.payments.volume_wei)}</td></tr>
<tr><td>settlement sweeps / settled / still with merchants</td><td>${num(r.settlements.sweeps)} / ${eth(r.settlements.settled_wei)} / ${eth(r.settlements.unsettled_wei)}</td></tr>
<tr><td>loans originated / repaid / outstanding</td><td>${num(r.loans.originated)} / ${num(r.loans.repaid)} / ${num(r.loans.outstanding)}</td></tr>
<tr><td>outstanding principal / interest paid</td><td>${eth(r.loans.outstanding_principal_wei)} / ${eth(r.loans.interest_paid_wei)}</td></tr>
</table>
<h2>Predecessor metrics</h2>
<table>${metricRows}<tr><td><code>targets</code></td><td>${esc(JSON.stringify(m.targets))}</td></tr></table>
<p class="sub">Generated by <code>npx hardhat stress</code>. Files: ${Object.values(r.files).filter((f) => f !== undefined).map((f) => `<code>${esc(f!)}</code>`).join(" ")}</p>
</body></html>
`;
}

/** The on-chain cost table: L2 execution gas, parent-chain gas, fee and ETH per operation per workload. */
function costsSection(report: StressReport): string {
  const costs = report.costs;
  if (costs === undefined) return "";
  const rows = Object.entries(costs.workloads)
    .map(
      ([w, c]) =>
        `<tr><td>${esc(w)}</td><td>${c.transactions}</td><td>${c.operations}</td><td>${esc(c.execution_gas)}</td><td>${esc(c.parent_chain_gas)}</td><td>${c.parent_chain_fee_eth.toPrecision(4)}</td><td>${c.fee_eth.toPrecision(4)}</td><td>${c.eth_per_operation.toPrecision(4)}</td><td>${num(c.parent_chain_share * 100, 1)} %</td><td>${esc(c.source)}${c.sampled ? " (sampled)" : ""}</td></tr>`,
    )
    .join("");
  return `<h2>Cost on chain (commit mode ${esc(costs.commit_mode)})</h2>
<p>ETH per reading: <b>${costs.eth_per_reading.toPrecision(4)}</b></p>
<table><tr><th>workload</th><th>tx</th><th>ops</th><th>L2 execution gas</th><th>parent-chain gas</th><th>parent-chain fee (ETH)</th><th>fee (ETH)</th><th>ETH per op</th><th>parent-chain share</th><th>source</th></tr>${rows}</table>`;
}
