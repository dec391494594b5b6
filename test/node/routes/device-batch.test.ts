// POST /device/data/batch: a gateway's upload, one outcome per reading;
// refused readings are listed and not stored, the rest are.
import { expect } from "chai";

import { signReading } from "../../../node/src/index.js";
import { addDevice, startTestNode, type NodeFixture } from "../helpers/node-fixture.js";

describe("POST /device/data/batch", () => {
  let f: NodeFixture;
  before(async () => {
    f = await startTestNode();
  });
  after(async () => f.close());

  it("stores the good readings and lists the refused ones", async () => {
    const dev = await addDevice(f.node, "GW_1");
    const a = dev.next("a");
    const b = dev.next("b");
    const forged = { ...dev.next("c"), data: "tampered" };
    const unknown = signReading({ deviceId: "GW_404", counter: 1, data: "x", privateKey: dev.keys.privateKey });
    const res = await f.node.app.inject({ method: "POST", url: "/device/data/batch", payload: { readings: [a, b, forged, unknown, a] } });
    expect(res.statusCode, res.body).to.equal(202);
    const body = res.json() as { accepted: number; refused: number; results: { ok: boolean; error?: string; reading_id?: number }[] };
    expect(body.accepted).to.equal(2);
    expect(body.refused).to.equal(3);
    expect(body.results.map((r) => (r.ok ? "ok" : r.error))).to.deep.equal(["ok", "ok", "BAD_SIGNATURE", "UNKNOWN_DEVICE", "REPLAYED_COUNTER"]);
    expect((await f.node.metrics()).data_submissions).to.equal(2);
  });

  it("answers 400 when every reading is refused, and 400 for an empty list", async () => {
    const dev = await addDevice(f.node, "GW_2");
    const bad = { ...dev.next("z"), data: "other" };
    const all = await f.node.app.inject({ method: "POST", url: "/device/data/batch", payload: { readings: [bad] } });
    expect(all.statusCode).to.equal(400);
    const empty = await f.node.app.inject({ method: "POST", url: "/device/data/batch", payload: { readings: [] } });
    expect(empty.statusCode).to.equal(400);
    expect((empty.json() as { error: string }).error).to.equal("VALIDATION_FAILED");
  });

  it("keeps arrival order between a single reading and a gateway upload of the same device", async () => {
    const dev = await addDevice(f.node, "GW_ORDER");
    const single = f.node.ingest(dev.next("1"));
    const upload = f.node.ingestMany([dev.next("2"), dev.next("3")]);
    expect((await single).counter).to.equal(1);
    expect((await upload).map((o) => o.ok)).to.deep.equal([true, true]);
  });
});
