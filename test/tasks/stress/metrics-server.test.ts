// The stress run's /health and /metrics server: routes, Prometheus text, errors, a busy port.
import { expect } from "chai";

import { startMetricsServer } from "../../../tasks/stress/engine/metrics-server.js";
import { StressRecorder } from "../../../tasks/stress/metrics/recorder.js";
import type { DomainStats } from "../../../tasks/stress/report/kpis.js";
import { expectTaskError } from "../helpers.js";

const domain = (): DomainStats => ({
  payments: { volumeWei: 0n },
  settlements: { sweeps: 0, settledWei: 0n, unsettledWei: 0n },
  loans: { originated: 1, repaid: 0, outstanding: 1, outstandingPrincipalWei: 5n, interestPaidWei: 0n },
  iot: { devicesRegistered: 2, readingsSubmitted: 3, readingsRejected: 0, readingsCommitted: 3, commitTransactions: 1, commitGasUsed: 9n, batches: 1, readingsVerifiedOnChain: 3 },
});

describe("tasks/stress metrics server", () => {
  it("answers /health, /metrics (JSON and Prometheus) and refuses the rest", async () => {
    const recorder = new StressRecorder();
    recorder.begin("payments", "payment").ok({ txHash: "0x1", gasUsed: 21_000n });
    const server = await startMetricsServer({ port: 0, recorder, domain, info: { contract: "0xabc" } });
    try {
      const health = await fetch(`${server.url}/health`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.include({ status: "ok" });
      const metrics = (await (await fetch(`${server.url}/metrics`)).json()) as Record<string, unknown>;
      expect(metrics).to.include({ total_operations: 1, successful_operations: 1, registrations: 2, data_submissions: 3, on_chain_commitments: 3, contract: "0xabc", loans_outstanding: 1 });
      expect(metrics.targets).to.deep.equal({ daily_entries: 50, success_rate: 99, max_latency_sec: 30 });
      const prom = await fetch(`${server.url}/metrics`, { headers: { accept: "text/plain" } });
      expect(prom.headers.get("content-type")).to.match(/^text\/plain/);
      expect(await prom.text()).to.include('lcore_stress_operations_confirmed{workload="payments"} 1');
      expect((await fetch(`${server.url}/nope`)).status).to.equal(404);
      expect((await fetch(`${server.url}/health`, { method: "POST" })).status).to.equal(405);
      await expectTaskError(startMetricsServer({ port: server.port, recorder, domain, info: {} }), new RegExp(`port ${server.port} is in use`));
    } finally {
      await server.close();
    }
  });
});
