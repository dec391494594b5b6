// The verifier lists every mismatch between SQLite and the chain.
import { expect } from "chai";

import { addDevice, startTestNode, type NodeFixture } from "../helpers/node-fixture.js";
import { sqlAll } from "../helpers/store-sql.js";

describe("verifier", () => {
  let f: NodeFixture;
  afterEach(async () => f?.close());

  it("accepts a clean batch-mode store, then lists a swapped leaf and an uncommitted reading", async () => {
    f = await startTestNode({ commitMode: "batch", batchSize: 3 });
    const dev = await addDevice(f.node, "GH_V");
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push((await f.node.ingest(dev.next(`t=${i}`))).reading_id);
    await f.node.outbox.drain({ timeoutMs: 10_000 });
    const clean = await f.node.verify();
    expect(clean).to.deep.include({ checked: 6, verified: 6, mismatches: [] });

    // Forge a reading's proof hash (as if SQLite was edited) and add one never committed.
    await sqlAll(f.node.store, "UPDATE readings SET proof_hash = ? WHERE id = ?", [`0x${"ab".repeat(32)}`, ids[4]]);
    await f.node.ingest(dev.next("late"));
    const report = await f.node.verify({ onChainInclusion: true });
    expect(report.uncommitted).to.equal(1);
    const ids4 = report.mismatches.map((m) => m.readingId);
    expect(ids4).to.include(ids[4]);
    expect(report.verified).to.be.lessThan(6);
  });

  it("checks proof-mode readings against getProof and flags a proof missing on chain", async () => {
    f = await startTestNode({ commitMode: "proof" });
    const dev = await addDevice(f.node, "EV_V");
    const a = await f.node.ingest(dev.next("x"));
    await f.node.outbox.drain({ timeoutMs: 10_000 });
    expect((await f.node.verify()).verified).to.equal(1);
    await sqlAll(f.node.store, "UPDATE readings SET status = 'committed' WHERE id = ?", [a.reading_id]);
    await sqlAll(f.node.store, "UPDATE readings SET block_number = block_number + 100 WHERE id = ?", [a.reading_id]);
    const report = await f.node.verify();
    expect(report.mismatches.length).to.equal(1);
    expect(report.mismatches[0]!.reason).to.match(/block/);
  });
});
