// Ingest without crypto workers: signatures are checked on libuv's
// threadpool, where checks may end in any order; readings must still be
// taken in arrival order (a device's counters all accepted, a forged one in
// the middle refused alone), and close() must wait for checks still running.
import { expect } from "chai";

import { BadSignatureError } from "../../../node/src/errors/device.js";
import { generateDeviceKeyPair, signReading } from "../../../node/src/index.js";
import { addDevice, startTestNode, type NodeFixture } from "../helpers/node-fixture.js";

describe("ingest without crypto workers (checks on the threadpool)", () => {
  let f: NodeFixture;
  before(async () => {
    f = await startTestNode({ ingestWorkers: 0, cryptoEngine: "openssl" });
  });
  after(async () => f.close());

  it("takes a device's readings sent all at once in arrival order, refusing only the forged one", async () => {
    const dev = await addDevice(f.node, "TP_ORDER");
    const forger = generateDeviceKeyPair();
    const readings = Array.from({ length: 300 }, (_, i) => dev.next(`reading ${i}`));
    // counter 151, signed with another key: refused, the readings after it still taken
    readings[150] = signReading({ deviceId: "TP_ORDER", counter: 151, data: "forged", privateKey: forger.privateKey });
    const outcomes = await Promise.allSettled(readings.map((r) => f.node.ingest(r)));
    const refused = outcomes.flatMap((o, i) => (o.status === "rejected" ? [i] : []));
    expect(refused).to.deep.equal([150]);
    expect((outcomes[150] as PromiseRejectedResult).reason).to.be.instanceOf(BadSignatureError);
    const ids = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    // stored in counter order (ids grow with counters)
    for (let i = 1; i < ids.length; i++) expect(ids[i]!.reading_id).to.be.greaterThan(ids[i - 1]!.reading_id);
    expect((await f.node.store.devices.get("TP_ORDER"))!.last_counter).to.equal(300);
    expect((await f.node.getReading(ids[200]!.reading_id, { decrypt: true })).data).to.equal("reading 201");
  });

  it("close() persists readings whose checks were still running", async () => {
    const g = await startTestNode({ ingestWorkers: 0, cryptoEngine: "openssl" });
    let closed = false;
    try {
      const dev = await addDevice(g.node, "TP_CLOSE");
      const pending = Array.from({ length: 100 }, (_, i) => g.node.ingest(dev.next(`r${i}`)));
      const closing = g.close().then(() => (closed = true));
      // every one accepted: none was left to be written after the store closed
      const results = await Promise.all(pending);
      expect(results.map((r) => r.counter)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
      await closing;
    } finally {
      if (!closed) await g.close().catch(() => undefined);
    }
  });
});
