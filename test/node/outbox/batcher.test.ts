// Batch closing on size and on time; leaf order = reading id order; tree matches merkle-tree.ts.
import { expect } from "chai";
import type { Hex } from "viem";

import { batchIdOf, closeBatches } from "../../../node/src/outbox/batcher.js";
import { backoffDelay } from "../../../node/src/outbox/backoff.js";
import { buildMerkleTree } from "../../../node/src/merkle/merkle-tree.js";
import type { Store } from "../../../node/src/store/index.js";
import { openTestStore } from "../helpers/test-store.js";

async function seed(s: Store, n: number, receivedAt: number): Promise<void> {
  await s.devices.insert({ device_id: "D", chain_device_id: "0x01", public_key: "aa", owner_address: "0x0000000000000000000000000000000000000001", registered_at: 1 });
  for (let i = 1; i <= n; i++) {
    await s.readings.insert({ device_id: "D", counter: i, key_id: "0", envelope: new Uint8Array([i]), proof_hash: `0x${i.toString(16).padStart(64, "0")}`, mode: "batch", received_at: receivedAt });
  }
}

describe("outbox/batcher", () => {
  it("closes full batches on size and leaves the rest until it is old enough", async () => {
    const s = await openTestStore();
    await seed(s, 10, 1_000);
    const closed = await closeBatches(s, { batchSize: 4, maxWaitMs: 5_000, now: 2_000 });
    expect(closed.length).to.equal(2);
    expect(await s.readings.countUnbatched()).to.equal(2);
    expect(await closeBatches(s, { batchSize: 4, maxWaitMs: 5_000, now: 2_000 })).to.deep.equal([]);
    expect((await closeBatches(s, { batchSize: 4, maxWaitMs: 5_000, now: 6_000 })).length).to.equal(1);
    expect(await s.readings.countUnbatched()).to.equal(0);
    const first = (await s.batches.get(closed[0]!))!;
    const leaves = (await s.readings.batchProofHashes(closed[0]!)) as Hex[];
    const tree = buildMerkleTree(leaves);
    expect(first).to.include({ root: tree.root, count: 4, first_reading_id: 1, last_reading_id: 4 });
    expect(batchIdOf(tree.root, 4)).to.equal(closed[0]);
    expect((await s.outbox.counts()).queued).to.equal(3);
    await s.close();
  });

  it("never puts one reading in two batches when several closers race (one per instance)", async () => {
    const s = await openTestStore();
    await seed(s, 40, 1_000);
    const closers = s.backend === "postgres" ? await Promise.all([1, 2, 3].map(() => openTestStore({ sameDatabaseAs: s }))) : [s, s, s];
    const closed = (await Promise.all(closers.map((c) => closeBatches(c, { batchSize: 4, maxWaitMs: 0, now: 2_000, force: true, maxBatches: 20 })))).flat();
    expect(new Set(closed).size).to.equal(closed.length);
    expect(closed.length).to.equal(10);
    const leaves = (await Promise.all(closed.map((b) => s.readings.batchProofHashes(b)))).flat();
    expect(leaves.length).to.equal(40);
    expect(new Set(leaves).size).to.equal(40);
    expect((await s.outbox.counts()).queued).to.equal(10);
    for (const c of new Set(closers)) if (c !== s) await c.close();
    await s.close();
  });

  it("backs off exponentially with jitter, capped", () => {
    const opts = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(1, opts, () => 1)).to.equal(100);
    expect(backoffDelay(3, opts, () => 1)).to.equal(400);
    expect(backoffDelay(10, opts, () => 1)).to.equal(1_000);
    expect(backoffDelay(3, opts, () => 0)).to.equal(200);
  });
});
