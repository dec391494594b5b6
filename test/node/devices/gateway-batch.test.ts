// Gateway-signed batches (opt-in --gateways): a gateway registered by the
// operator signs one JWS over many readings; every reading is stored,
// encrypted, committed and verified like the others. Bad inputs get a 4xx
// and store nothing.
import { expect } from "chai";

import { startTestNode, TEST_TOKEN, type NodeFixture } from "../helpers/node-fixture.js";
import { eddsaDevice, es256kDevice, type JwsDevice } from "./jws-clients.js";
import { sqlValue } from "../helpers/store-sql.js";

describe("gateway-signed batches", function () {
  this.timeout(120_000);
  let f: NodeFixture;
  const gateway = eddsaDevice();
  const plainDevice = es256kDevice();
  const now = () => Math.floor(Date.now() / 1000);
  const auth = { authorization: `Bearer ${TEST_TOKEN}` };
  const readings = Array.from({ length: 50 }, (_, i) => JSON.stringify({ meter: `M_${i % 7}`, kwh: i + 0.5 }));

  const batch = async (device: JwsDevice, payload: unknown) => ({ did: device.did, signature: await device.sign(payload) });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    f.node.app.inject({ method: "POST", url, headers: { "content-type": "application/json", ...headers }, payload: JSON.stringify(body) });
  const counts = async () => {
    const one = async (sql: string) => Number(await sqlValue(f.node.store, sql));
    return { readings: await one("SELECT COUNT(*) FROM readings"), sources: await one("SELECT COUNT(*) FROM reading_sources"), outbox: await one("SELECT COUNT(*) FROM outbox") };
  };

  before(async () => {
    f = await startTestNode({ gateways: true, commitMode: "batch", batchSize: 16, http: { ipPerMinute: 0, bodyLimit: 65_536 }, maxDataBytes: 256 });
    expect((await post("/api/gateway/register", { did: gateway.did }, auth)).statusCode).to.equal(201);
    expect((await post("/api/device/register", { did: plainDevice.did }, auth)).statusCode).to.equal(201);
  });
  after(async () => f.close());

  it("stores every reading of a verified batch, in order, committed and verified on chain", async () => {
    const res = await post("/api/gateway/submit", await batch(gateway, { timestamp: now(), readings }));
    expect(res.statusCode, res.body).to.equal(202);
    const body = res.json() as { accepted: number; first_reading_id: number; last_reading_id: number; proof_hashes: string[] };
    expect(body.accepted).to.equal(50);
    expect(body.last_reading_id - body.first_reading_id).to.equal(49);
    expect(await f.node.outbox.drain({ timeoutMs: 60_000 })).to.equal(true);
    for (const i of [0, 17, 49]) {
      const view = await f.node.getReading(body.first_reading_id + i, { decrypt: true });
      expect(view).to.include({ format: "gateway", authenticated: true, status: "committed", data: readings[i] });
      expect(view.batch).to.not.equal(null);
    }
    const report = await f.node.verify();
    expect(report.failed).to.equal(0);
    expect(report.verified).to.equal(50);
    expect((await f.node.metrics()).node.readings_by_format.gateway).to.equal(50);
  });

  const table: { why: string; url?: string; body: () => Promise<unknown>; status: number; code: string }[] = [
    { why: "a replayed batch", body: async () => batch(gateway, { timestamp: now() - 1, readings: ["r"] }), status: 202, code: "" },
    { why: "a stale signed timestamp", body: async () => batch(gateway, { timestamp: now() - 3_600, readings: ["r"] }), status: 400, code: "STALE_TIMESTAMP" },
    { why: "a gateway that is not registered", body: async () => batch(eddsaDevice(), { timestamp: now(), readings: ["r"] }), status: 404, code: "UNKNOWN_DEVICE" },
    { why: "a device (not a gateway) sending a batch", body: async () => batch(plainDevice, { timestamp: now(), readings: ["r"] }), status: 409, code: "WRONG_DEVICE_FORMAT" },
    { why: "a gateway sending a single reading", url: "/api/device/submit", body: async () => ({ ...(await batch(gateway, { t: 1 })), payload: { t: 1 }, timestamp: now() }), status: 409, code: "WRONG_DEVICE_FORMAT" },
    { why: "readings that are not strings", body: async () => batch(gateway, { timestamp: now(), readings: [{ kwh: 1 }] }), status: 400, code: "VALIDATION_FAILED" },
    { why: "an empty batch", body: async () => batch(gateway, { timestamp: now(), readings: [] }), status: 400, code: "VALIDATION_FAILED" },
    { why: "a reading over the size limit", body: async () => batch(gateway, { timestamp: now(), readings: ["x".repeat(300)] }), status: 400, code: "VALIDATION_FAILED" },
    { why: "a batch signed by another key", body: async () => ({ did: gateway.did, signature: (await eddsaDevice().sign({ timestamp: now(), readings: ["r"] })) }), status: 401, code: "BAD_SIGNATURE" },
  ];
  let replayable: unknown;
  for (const row of table) {
    it(`answers ${row.status} ${row.code || "(first time)"} to ${row.why}`, async () => {
      const body = row.why === "a replayed batch" ? (replayable ??= await row.body()) : await row.body();
      const before = await counts();
      const res = await post(row.url ?? "/api/gateway/submit", body);
      expect(res.statusCode, res.body).to.equal(row.status);
      if (row.status === 202) {
        // the same signed batch again: refused, nothing stored
        const again = await counts();
        const second = await post("/api/gateway/submit", body);
        expect(second.statusCode).to.equal(409);
        expect((second.json() as { error: string }).error).to.equal("REPLAYED_PAYLOAD");
        expect(await counts()).to.deep.equal(again);
        return;
      }
      expect((res.json() as { error: string }).error).to.equal(row.code);
      expect(await counts()).to.deep.equal(before);
    });
  }

  it("is off unless enabled", async () => {
    const plain = await startTestNode({});
    try {
      const reg = await plain.node.app.inject({ method: "POST", url: "/api/gateway/register", headers: auth, payload: { did: gateway.did } });
      expect(reg.statusCode).to.equal(404);
      expect((reg.json() as { error: string }).error).to.equal("GATEWAYS_OFF");
      const sub = await plain.node.app.inject({ method: "POST", url: "/api/gateway/submit", payload: await batch(gateway, { timestamp: now(), readings: ["r"] }) });
      expect(sub.statusCode).to.equal(404);
    } finally {
      await plain.close();
    }
  });
});
