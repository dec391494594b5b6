// /metrics: the predecessor's JSON fields from SQLite (surviving a restart)
// and the Prometheus text format.
import { expect } from "chai";

import { createNode } from "../../../node/src/index.js";
import { addDevice, startTestNode, TEST_MASTER_SECRET, TEST_TOKEN, type NodeFixture } from "../helpers/node-fixture.js";

const PREDECESSOR_FIELDS = [
  "runtime_hours", "total_operations", "successful_operations", "success_rate", "avg_latency_sec", "registrations",
  "data_submissions", "on_chain_commitments", "daily_submission_rate", "meets_success_target", "meets_latency_target",
  "meets_volume_target", "targets",
];

describe("metrics", () => {
  let f: NodeFixture;
  before(async () => {
    f = await startTestNode();
    const dev = await addDevice(f.node, "POS_M");
    for (let i = 0; i < 3; i++) await f.node.ingest(dev.next(`sale ${i}`));
    await f.node.outbox.drain({ timeoutMs: 10_000 });
  });
  after(async () => f.close());

  it("serves the predecessor's JSON fields", async () => {
    const res = await f.node.app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).to.equal(200);
    const m = res.json() as Record<string, unknown>;
    expect(m).to.include.keys(PREDECESSOR_FIELDS);
    expect(m).to.include({ registrations: 1, data_submissions: 3, on_chain_commitments: 3, total_operations: 4, successful_operations: 4, success_rate: 100 });
    expect(m.targets).to.deep.equal({ daily_entries: 50, success_rate: 99, max_latency_sec: 30 });
    expect(m.meets_latency_target).to.equal(true);
  });

  it("serves Prometheus text on ?format=prometheus and to scrapers' Accept header", async () => {
    for (const req of [{ url: "/metrics?format=prometheus" }, { url: "/metrics", headers: { accept: "text/plain;version=0.0.4" } }]) {
      const res = await f.node.app.inject({ method: "GET", ...req });
      expect(res.statusCode).to.equal(200);
      expect(res.headers["content-type"]).to.match(/text\/plain/);
      expect(res.body).to.match(/^lcore_node_data_submissions 3$/m);
      expect(res.body).to.match(/^lcore_node_on_chain_commitments 3$/m);
      expect(res.body).to.match(/^lcore_node_ingest_accepted_total 3$/m);
    }
  });

  it("counts this instance's commits: sent, confirmed, latency histogram, gas, fee, database up", async () => {
    const body = (await f.node.app.inject({ method: "GET", url: "/metrics?format=prometheus" })).body;
    expect(body).to.match(/^lcore_node_tx_sent_total\{kind="commit_proof"\} 3$/m);
    expect(body).to.match(/^lcore_node_commits_confirmed_total\{kind="commit_proof"\} 3$/m);
    expect(body).to.match(/^lcore_node_commits_confirmed_total\{kind="register_device"\} 1$/m);
    expect(body).to.match(/^lcore_node_commit_latency_seconds_count\{kind="commit_proof"\} 3$/m);
    expect(Number(/^lcore_node_commit_gas_total\{kind="commit_proof"\} (\d+)$/m.exec(body)?.[1])).to.be.greaterThan(0);
    expect(Number(/^lcore_node_max_fee_per_gas_wei (\d+)$/m.exec(body)?.[1])).to.be.greaterThan(0);
    expect(body).to.match(/^lcore_node_database_up 1$/m);
    expect(body).to.match(/^lcore_node_outbox_failed 0$/m);
  });

  it("keeps the figures across a restart (computed from the store)", async () => {
    const again = await createNode({
      chain: f.processor.clients,
      dbPath: f.node.config.dbPath,
      ...(f.node.config.databaseUrl === undefined ? {} : { databaseUrl: f.node.config.databaseUrl }),
      masterSecret: TEST_MASTER_SECRET,
      apiToken: TEST_TOKEN,
      logLevel: "silent",
      autoStart: false,
    });
    try {
      expect(await again.metrics()).to.include({ registrations: 1, data_submissions: 3, on_chain_commitments: 3 });
    } finally {
      await again.close();
    }
  });

  it("reports health ok with the chain block number", async () => {
    const res = await f.node.app.inject({ method: "GET", url: "/health" });
    const body = res.json() as { status: string; database: { ok: boolean }; chain: { ok: boolean; block_number: string } };
    expect(body.status).to.equal("ok");
    expect(body.database.ok).to.equal(true);
    expect((body.chain as { submitter_authorised?: boolean }).submitter_authorised).to.equal(true);
    expect(Number(body.chain.block_number)).to.be.greaterThan(0);
  });
});
