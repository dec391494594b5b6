// The stress report: KPIs from recorded operations, the CSV log, and the HTML with its charts.
import { expect } from "chai";

import { StressRecorder } from "../../../tasks/stress/metrics/recorder.js";
import { percentile, summarise } from "../../../tasks/stress/metrics/stats.js";
import { renderTxLogCsv, TX_LOG_COLUMNS } from "../../../tasks/stress/report/csv-log.js";
import { renderHtmlReport } from "../../../tasks/stress/report/html-report.js";
import { buildReport, type DomainStats, type RunInfo } from "../../../tasks/stress/report/kpis.js";
import { bucketLatencies, niceScale } from "../../../tasks/stress/report/svg-charts.js";

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const run: RunInfo = {
  network: "default",
  chainId: 31337,
  inProcess: true,
  profile: "seed",
  commitMode: "batch",
  devices: 3,
  concurrency: 2,
  plannedDurationSec: 10,
  startedAt: "2026-01-01T00:00:00.000Z",
  contract: { address: "0x00000000000000000000000000000000000000aa", runtime: "stylus", codeHash: "0x" + "11".repeat(32), stylusVersion: 2 },
  keySource: "hardhat-test-mnemonic",
  iotBackend: "node",
};

function domain(submitted: number, committed: number): DomainStats {
  return {
    payments: { volumeWei: 10n ** 18n },
    settlements: { sweeps: 1, settledWei: 10n ** 17n, unsettledWei: 0n },
    loans: { originated: 2, repaid: 1, outstanding: 1, outstandingPrincipalWei: 10n ** 17n, interestPaidWei: 10n ** 15n },
    iot: { devicesRegistered: 3, readingsSubmitted: submitted, readingsRejected: 0, readingsCommitted: committed, commitTransactions: 1, commitGasUsed: 90_000n, batches: 1, readingsVerifiedOnChain: committed },
  };
}

describe("tasks/stress report", () => {
  it("computes nearest-rank percentiles", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).to.equal(50);
    expect(percentile(xs, 95)).to.equal(95);
    expect(percentile(xs, 99)).to.equal(99);
    expect(summarise([]).p95).to.equal(0);
    expect(summarise([3, 1, 2]).max).to.equal(3);
  });

  it("counts operations per workload and buckets them per second", () => {
    const clock = fakeClock();
    const rec = new StressRecorder(clock.now);
    const a = rec.begin("payments", "payment");
    clock.advance(200);
    a.ok({ txHash: "0x01", gasUsed: 21_000n });
    a.fail("ignored: already finished");
    const b = rec.begin("loans", "loan_origination");
    clock.advance(1_000);
    b.fail("reverted:\nout of gas", "0x02");
    expect(rec.snapshot("payments")).to.include({ sent: 1, confirmed: 1, failed: 0, inFlight: 0 });
    expect(rec.snapshot("loans")).to.include({ sent: 1, confirmed: 0, failed: 1 });
    expect(rec.timeline()[0]!.payments).to.equal(1);
    const csv = renderTxLogCsv(rec.records).trim().split("\n");
    expect(csv[0]).to.equal(TX_LOG_COLUMNS.join(","));
    expect(csv[1]).to.match(/,payment,0x01,success,21000,0\.2000,$/);
    expect(csv[2]).to.match(/,loan_origination,0x02,failed,,1\.0000,reverted: out of gas$/);
  });

  it("marks targets met or missed and keeps the predecessor's metric names", () => {
    const clock = fakeClock();
    const rec = new StressRecorder(clock.now);
    for (const w of ["payments", "settlements", "loans", "iot_registration", "iot_readings"] as const) {
      const op = rec.begin(w, w);
      clock.advance(100);
      op.ok({ txHash: "0x", gasUsed: 1n });
    }
    rec.finish();
    const good = buildReport(rec, run, domain(4, 4), {});
    expect(Object.keys(good.metrics)).to.have.members([
      "runtime_hours", "total_operations", "successful_operations", "success_rate", "avg_latency_sec", "registrations", "data_submissions",
      "on_chain_commitments", "daily_submission_rate", "meets_success_target", "meets_latency_target", "meets_volume_target", "targets",
    ]);
    expect(good.metrics.targets).to.deep.equal({ daily_entries: 50, success_rate: 99, max_latency_sec: 30 });
    expect(good.all_targets_met).to.equal(true);
    expect(good.contract.ranAsStylus).to.equal(true);
    expect(good.iot.gas_per_reading).to.equal(22_500);
    const bad = buildReport(rec, run, domain(5, 4), {});
    expect(bad.all_targets_met).to.equal(false);
    expect(bad.targets.find((t) => !t.met)!.name).to.equal("Readings committed on chain");
  });

  it("renders a self-contained HTML report with three SVG charts", () => {
    const clock = fakeClock();
    const rec = new StressRecorder(clock.now);
    for (let i = 0; i < 50; i++) {
      const op = rec.begin(i % 2 === 0 ? "payments" : "iot_readings", "x");
      clock.advance(37 * (i % 7));
      if (i % 10 === 9) op.fail("boom");
      else op.ok({ txHash: `0x${i}` });
    }
    rec.finish();
    const html = renderHtmlReport(buildReport(rec, run, domain(25, 25), { html: "r.html" }));
    expect(html.match(/<svg /g)).to.have.length(3);
    expect(html).to.include("Throughput over time").and.include("Latency distribution").and.include("Outcome per workload");
    expect(html).to.include("Stylus program v2");
    expect(html).to.not.match(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("chooses readable axis scales and latency buckets", () => {
    expect(niceScale(37)).to.deep.equal({ max: 40, step: 10 });
    expect(niceScale(0)).to.deep.equal({ max: 1, step: 0.2 });
    const counts = bucketLatencies([0.0005, 0.0015, 0.3, 100]);
    expect(counts.reduce((s, x) => s + x, 0)).to.equal(4);
    expect(counts.at(-1)).to.equal(1);
  });
});
