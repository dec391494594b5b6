// Ingest through the worker pool: same results as the main-thread path
// (accepted readings decrypt, bad signatures and replays refused), and a
// device's readings keep their order across workers.
import { expect } from "chai";

import { BadSignatureError, ReplayedCounterError } from "../../../node/src/errors/device.js";
import { generateDeviceKeyPair, signReading } from "../../../node/src/index.js";
import { addDevice, startTestNode, type NodeFixture } from "../helpers/node-fixture.js";

describe("ingest/crypto-pool (ingestWorkers: 2)", () => {
  let f: NodeFixture;
  before(async () => {
    f = await startTestNode({ ingestWorkers: 2, cryptoEngine: "openssl" });
  });
  after(async () => f.close());

  it("accepts concurrent readings of many devices in order, each decryptable", async () => {
    const devices = await Promise.all(Array.from({ length: 8 }, (_, i) => addDevice(f.node, `POOL_${i}`)));
    const readings = Array.from({ length: 400 }, (_, i) => devices[i % devices.length]!.next(`reading ${i}`));
    const results = await Promise.all(readings.map((r) => f.node.ingest(r)));
    expect(results.length).to.equal(400);
    expect(new Set(results.map((r) => r.proof_hash)).size).to.equal(400);
    const sample = await f.node.getReading(results[123]!.reading_id, { decrypt: true });
    expect(sample.data).to.equal("reading 123");
    expect((await f.node.store.devices.get("POOL_3"))!.last_counter).to.equal(50);
  });

  it("refuses a bad signature and a replay through the pool, storing nothing for them", async () => {
    const keys = generateDeviceKeyPair();
    const other = generateDeviceKeyPair();
    await f.node.registerDevice({ device_id: "POOL_BAD", public_key: keys.publicKey });
    const before = (await f.node.metrics()).data_submissions;
    const forged = signReading({ deviceId: "POOL_BAD", counter: 1, data: "x", privateKey: other.privateKey });
    let error: unknown;
    await f.node.ingest(forged).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(BadSignatureError);
    const good = signReading({ deviceId: "POOL_BAD", counter: 1, data: "x", privateKey: keys.privateKey });
    await f.node.ingest(good);
    const [a, b] = await Promise.allSettled([f.node.ingest(good), f.node.ingest(signReading({ deviceId: "POOL_BAD", counter: 1, data: "y", privateKey: keys.privateKey }))]);
    expect(a.status).to.equal("rejected");
    expect((a as PromiseRejectedResult).reason).to.be.instanceOf(ReplayedCounterError);
    expect(b.status).to.equal("rejected");
    expect((await f.node.metrics()).data_submissions).to.equal(before + 1);
  });

  it("commits pooled readings and the verifier agrees", async () => {
    expect(await f.node.outbox.drain({ timeoutMs: 30_000 })).to.equal(true);
    const report = await f.node.verify();
    expect(report.mismatches).to.deep.equal([]);
    expect(report.verified).to.equal(401);
  });
});
