// Chain outage: the RPC stops answering (connections reset); ingest goes on
// and answers 202, /health says degraded, nothing is marked committed; when
// the chain answers again the outbox commits the backlog, every reading once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { createNode, generateDeviceKeyPair, signReading, type LcoreNode } from "../../../node/src/index.js";
import { countEvents, deployProcessor } from "../helpers/deploy-processor.js";
import { TEST_MASTER_SECRET, TEST_TOKEN } from "../helpers/node-fixture.js";
import { HARDHAT_ACCOUNT_0_KEY, serveChain, type ServedChain } from "../helpers/serve-chain.js";

describe("node under a chain outage", () => {
  let node: LcoreNode;
  let chain: ServedChain;
  let dir: string;
  let close: () => Promise<void>;
  let address: `0x${string}`;

  before(async () => {
    const connection = await network.create();
    const processor = await deployProcessor(connection);
    address = processor.address;
    chain = await serveChain(connection.provider);
    dir = mkdtempSync(join(tmpdir(), "lcore-outage-"));
    node = await createNode({
      chain: { rpcUrl: chain.url, privateKey: HARDHAT_ACCOUNT_0_KEY, contractAddress: processor.address, timeoutMs: 2_000 },
      dbPath: join(dir, "node.db"),
      masterSecret: TEST_MASTER_SECRET,
      apiToken: TEST_TOKEN,
      logLevel: "silent",
      devicePerSecond: 0,
      committer: { pollIntervalMs: 20, backoff: { baseMs: 20, maxMs: 200 } },
    });
    close = async () => {
      await node.close();
      await chain.close();
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    };
  });
  after(async () => close());

  it("keeps ingesting while the chain is down and commits everything once when it is back", async () => {
    const keys = generateDeviceKeyPair();
    await node.registerDevice({ device_id: "GH_001", public_key: keys.publicKey });
    let counter = 0;
    const send = async () => {
      counter++;
      const res = await node.app.inject({ method: "POST", url: "/device/data", payload: signReading({ deviceId: "GH_001", counter, data: `t=${counter}`, privateKey: keys.privateKey }) });
      expect(res.statusCode, res.body).to.equal(202);
      return (res.json() as { reading_id: number }).reading_id;
    };
    const first: number[] = [];
    for (let i = 0; i < 10; i++) first.push(await send());
    await node.waitForCommitment(first, { timeoutMs: 20_000 });

    chain.setDown(true);
    const during: number[] = [];
    for (let i = 0; i < 25; i++) during.push(await send());
    // Let the loop hit the dead RPC for a while (bounded).
    for (let i = 0; i < 100 && node.outbox.chain.ok; i++) await new Promise((r) => setTimeout(r, 20));
    expect(node.outbox.chain.ok).to.equal(false);
    const health = await node.app.inject({ method: "GET", url: "/health" });
    expect(health.statusCode).to.equal(200);
    expect((health.json() as { status: string; chain: { ok: boolean } }).status).to.equal("degraded");
    expect((await Promise.all(during.map(async (id) => (await node.getReading(id)).status))).every((s) => s !== "committed")).to.equal(true);
    const metrics = await node.metrics();
    expect(metrics.data_submissions).to.equal(35);
    expect(metrics.node.chain_ok).to.equal(false);

    chain.setDown(false);
    const views = await node.waitForCommitment(during, { timeoutMs: 30_000 });
    expect(views.map((v) => v.status)).to.deep.equal(during.map(() => "committed"));
    expect((await node.health()).status).to.equal("ok");

    const events = await countEvents(node.clients.publicClient, address, "ProofCommitted");
    expect(events.count).to.equal(35);
    expect(new Set(events.ids).size).to.equal(35);
    const report = await node.verify();
    expect(report.mismatches).to.deep.equal([]);
    expect(report.verified).to.equal(35);
  });
});
