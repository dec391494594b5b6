// The stress task end to end on the in-process network: deploys, funds,
// runs every workload, serves /health and /metrics while running, writes
// the CSV, JSON and HTML reports, and --strict fails on a missed target.
import { expect } from "chai";
import hre from "hardhat";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunStressReturnType } from "../../../tasks/stress/engine/run-stress.js";

import { TX_LOG_COLUMNS } from "../../../tasks/stress/report/csv-log.js";
import { expectTaskError } from "../helpers.js";

process.env.LCORE_TASKS_SILENT = "1";

const PORT = 39_000 + (process.pid % 1000);

function stress(args: Record<string, unknown>): Promise<RunStressReturnType> {
  return hre.tasks.getTask("stress").run({ plain: true, port: 0, ...args }) as Promise<RunStressReturnType>;
}

describe("tasks/stress", function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stress-"));
  });

  it("runs every workload on the max profile and writes the three reports", async () => {
    const health: unknown[] = [];
    const metrics: Array<Record<string, unknown>> = [];
    const prom: string[] = [];
    const poll = setInterval(() => {
      void fetch(`http://127.0.0.1:${PORT}/health`).then(async (r) => health.push(await r.json())).catch(() => {});
      void fetch(`http://127.0.0.1:${PORT}/metrics`).then(async (r) => metrics.push((await r.json()) as Record<string, unknown>)).catch(() => {});
      void fetch(`http://127.0.0.1:${PORT}/metrics?format=prometheus`).then(async (r) => prom.push(await r.text())).catch(() => {});
    }, 500);
    let result: RunStressReturnType;
    try {
      result = await stress({ profile: "max", duration: 6, devices: 6, concurrency: 2, batchSize: 4, port: PORT, report: join(dir, "max.json") });
    } finally {
      clearInterval(poll);
    }
    const { report, files } = result;
    for (const w of ["payments", "settlements", "loans", "iot_registration", "iot_readings"] as const) {
      expect(report.workloads[w].confirmed, w).to.be.greaterThan(0);
      expect(report.workloads[w].failed, w).to.equal(0);
    }
    expect(report.iot.readings_committed).to.equal(report.iot.readings_submitted);
    expect(report.iot.batches).to.be.greaterThan(0);
    expect(report.run.iotBackend).to.equal(existsSync(join(hre.config.paths.root, "node", "src", "index.ts")) ? "node" : "direct");
    expect(report.iot.readings_verified_on_chain).to.be.greaterThan(0);
    expect(report.iot.gas_per_reading).to.be.greaterThan(0);
    expect(report.loans.originated).to.be.greaterThan(0);
    expect(report.contract.address).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect(report.contract.ranAsStylus).to.equal(report.contract.runtime === "stylus");
    expect(report.all_targets_met).to.equal(true);

    expect(health.length).to.be.greaterThan(0);
    expect(health[0]).to.include({ status: "ok" });
    const last = metrics.at(-1)!;
    for (const key of ["runtime_hours", "total_operations", "successful_operations", "success_rate", "avg_latency_sec", "registrations", "data_submissions", "on_chain_commitments", "daily_submission_rate", "meets_success_target", "meets_latency_target", "meets_volume_target", "targets"]) {
      expect(last, key).to.have.property(key);
    }
    expect(prom.at(-1)).to.include('lcore_stress_operations_confirmed{workload="payments"}');

    const csv = (await readFile(files.csv, "utf8")).trim().split("\n");
    expect(csv[0]).to.equal(TX_LOG_COLUMNS.join(","));
    expect(csv.length - 1).to.equal(report.metrics.total_operations);
    const json = JSON.parse(await readFile(files.json, "utf8"));
    expect(json.schema).to.equal("lcore-stress-report/1");
    expect(json.latency_sec).to.have.keys(["count", "avg", "p50", "p95", "p99", "max"]);
    const html = await readFile(files.html, "utf8");
    expect(html.match(/<svg /g)).to.have.length(3);
  });

  it("commits one proof per reading with --commit proof (in-process direct backend)", async () => {
    const { report } = await stress({ profile: "max", duration: 3, devices: 3, concurrency: 2, commit: "proof", backend: "direct", report: join(dir, "proof.json") });
    expect(report.run.iotBackend).to.equal("direct");
    expect(report.iot.commit_mode).to.equal("proof");
    expect(report.iot.readings_committed).to.be.greaterThan(0);
    expect(report.iot.commit_transactions).to.equal(report.iot.readings_committed);
    expect(report.iot.batches).to.equal(0);
  });

  it("fails with --strict when a target is missed", async () => {
    await expectTaskError(
      stress({ profile: "seed", duration: 1, devices: 1, strict: true, minTps: "1000000", report: join(dir, "strict.json") }),
      /target\(s\) missed \(.*Throughput \(--min-tps\)/,
    );
  });

  it("refuses bad options with one clear line", async () => {
    await expectTaskError(stress({ profile: "turbo" }), /--profile "turbo" is not one of seed, max/);
    await expectTaskError(stress({ duration: 0 }), /--duration 0 is out of range/);
    await expectTaskError(stress({ commit: "all" }), /--commit "all"/);
  });
});
