// A table of bad inputs: each gets the right 4xx with a JSON error body, and
// nothing is stored (readings, devices and outbox rows unchanged).
import { expect } from "chai";

import { generateDeviceKeyPair, signReading } from "../../../node/src/index.js";
import { startTestNode, TEST_TOKEN, type NodeFixture } from "../helpers/node-fixture.js";
import { sqlAll, sqlValue } from "../helpers/store-sql.js";

describe("node API: bad inputs", () => {
  let f: NodeFixture;
  const keys = generateDeviceKeyPair();
  const other = generateDeviceKeyPair();
  const auth = { authorization: `Bearer ${TEST_TOKEN}` };

  before(async () => {
    f = await startTestNode({ http: { bodyLimit: 4096, ipPerMinute: 0 }, maxDataBytes: 512 });
    await f.node.registerDevice({ device_id: "POS_001", public_key: keys.publicKey });
    await f.node.ingest(signReading({ deviceId: "POS_001", counter: 5, data: "first", privateKey: keys.privateKey }));
  });
  after(async () => f.close());

  const counts = async () => {
    const one = async (sql: string) => Number(await sqlValue(f.node.store, sql));
    return { readings: await one("SELECT COUNT(*) FROM readings"), devices: await one("SELECT COUNT(*) FROM devices"), outbox: await one("SELECT COUNT(*) FROM outbox") };
  };
  const good = (counter: number, data = "x") => signReading({ deviceId: "POS_001", counter, data, privateKey: keys.privateKey });

  const table: { why: string; method?: "POST" | "GET"; url?: string; headers?: Record<string, string>; payload: () => string | object; status: number; code: string }[] = [
    { why: "malformed JSON", payload: () => '{"device_id": "POS_001", ', headers: { "content-type": "application/json" }, status: 400, code: "MALFORMED_JSON" },
    { why: "wrong content type", payload: () => "device_id=POS_001", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    { why: "counter of the wrong type", payload: () => ({ ...good(6), counter: "6" }), status: 400, code: "VALIDATION_FAILED" },
    { why: "data of the wrong type", payload: () => ({ ...good(6), data: { km: 1 } }), status: 400, code: "VALIDATION_FAILED" },
    { why: "missing signature", payload: () => ({ device_id: "POS_001", counter: 6, data: "x" }), status: 400, code: "VALIDATION_FAILED" },
    { why: "unknown field", payload: () => ({ ...good(6), extra: 1 }), status: 400, code: "VALIDATION_FAILED" },
    { why: "device id with bad characters", payload: () => ({ ...good(6), device_id: "POS 001;" }), status: 400, code: "VALIDATION_FAILED" },
    { why: "oversized body", payload: () => good(6, "y".repeat(8000)), status: 413, code: "BODY_TOO_LARGE" },
    { why: "data over the reading size limit", payload: () => good(6, "z".repeat(600)), status: 400, code: "VALIDATION_FAILED" },
    { why: "unknown device", payload: () => signReading({ deviceId: "GH_404", counter: 1, data: "x", privateKey: keys.privateKey }), status: 404, code: "UNKNOWN_DEVICE" },
    { why: "signature by another key", payload: () => signReading({ deviceId: "POS_001", counter: 6, data: "x", privateKey: other.privateKey }), status: 401, code: "BAD_SIGNATURE" },
    { why: "signature over other data", payload: () => ({ ...good(6, "x"), data: "tampered" }), status: 401, code: "BAD_SIGNATURE" },
    { why: "signature for another counter", payload: () => ({ ...good(7), counter: 6 }), status: 401, code: "BAD_SIGNATURE" },
    { why: "replayed counter", payload: () => good(5, "first"), status: 409, code: "REPLAYED_COUNTER" },
    { why: "reordered (older) counter", payload: () => good(3), status: 409, code: "REPLAYED_COUNTER" },
    { why: "register without operator token", url: "/device/register", payload: () => ({ device_id: "EV_002", public_key: other.publicKey }), status: 401, code: "UNAUTHORIZED" },
    { why: "register with a wrong token", url: "/device/register", headers: { authorization: "Bearer wrong-token-wrong-token" }, payload: () => ({ device_id: "EV_002", public_key: other.publicKey }), status: 401, code: "UNAUTHORIZED" },
    { why: "register with a short public key", url: "/device/register", headers: auth, payload: () => ({ device_id: "EV_002", public_key: "abcd" }), status: 400, code: "VALIDATION_FAILED" },
    { why: "register an existing device", url: "/device/register", headers: auth, payload: () => ({ device_id: "POS_001", public_key: other.publicKey }), status: 409, code: "DEVICE_EXISTS" },
    { why: "register with a bad owner address", url: "/device/register", headers: auth, payload: () => ({ device_id: "EV_003", public_key: other.publicKey, owner_address: "0x1234" }), status: 400, code: "VALIDATION_FAILED" },
    { why: "reading id that is not a number", method: "GET", url: "/readings/abc", payload: () => "", status: 400, code: "VALIDATION_FAILED" },
    { why: "reading that does not exist", method: "GET", url: "/readings/999999", payload: () => "", status: 404, code: "READING_NOT_FOUND" },
    { why: "decrypt without operator token", method: "GET", url: "/readings/1?decrypt=true", payload: () => "", status: 401, code: "UNAUTHORIZED" },
    { why: "unknown route", method: "GET", url: "/nope", payload: () => "", status: 404, code: "NOT_FOUND" },
  ];

  for (const row of table) {
    it(`answers ${row.status} ${row.code} to ${row.why}, storing nothing`, async () => {
      const before = await counts();
      const payload = row.payload();
      const res = await f.node.app.inject({
        method: row.method ?? "POST",
        url: row.url ?? "/device/data",
        headers: row.headers,
        ...(row.method === "GET" ? {} : { payload: typeof payload === "string" ? payload : JSON.stringify(payload) }),
        ...(row.headers?.["content-type"] === undefined && row.method !== "GET" ? { headers: { ...row.headers, "content-type": "application/json" } } : {}),
      });
      expect(res.statusCode, res.body).to.equal(row.status);
      const body = res.json() as { error: string; message: string };
      expect(body.error).to.equal(row.code);
      expect(body.message).to.be.a("string").and.not.equal("");
      expect(await counts()).to.deep.equal(before);
    });
  }

  it("answers 422 DECRYPTION_FAILED for a tampered envelope, and the verifier lists it", async () => {
    const { reading_id } = await f.node.ingest(good(10, "to tamper"));
    await f.node.outbox.drain({ timeoutMs: 10_000 });
    const [row] = await sqlAll<{ envelope: Buffer }>(f.node.store, "SELECT envelope FROM readings WHERE id = ?", [reading_id]);
    row!.envelope[row!.envelope.length - 3]! ^= 0x01;
    await sqlAll(f.node.store, "UPDATE readings SET envelope = ? WHERE id = ?", [row!.envelope, reading_id]);
    const res = await f.node.app.inject({ method: "GET", url: `/readings/${reading_id}?decrypt=true`, headers: auth });
    expect(res.statusCode).to.equal(422);
    expect((res.json() as { error: string }).error).to.equal("DECRYPTION_FAILED");
    const report = await f.node.verify();
    expect(report.mismatches.map((m) => m.readingId)).to.deep.equal([reading_id]);
    expect(report.mismatches[0]!.reason).to.match(/hashes to/);
  });

  it("refuses a device that sends faster than its rate limit with 429", async () => {
    const g = await import("../helpers/node-fixture.js");
    const limited = await g.startTestNode({ devicePerSecond: 1, deviceBurst: 2 });
    try {
      const k = generateDeviceKeyPair();
      await limited.node.registerDevice({ device_id: "EV_RATE", public_key: k.publicKey });
      const send = (counter: number) =>
        limited.node.app.inject({ method: "POST", url: "/device/data", payload: signReading({ deviceId: "EV_RATE", counter, data: "r", privateKey: k.privateKey }) });
      expect((await send(1)).statusCode).to.equal(202);
      expect((await send(2)).statusCode).to.equal(202);
      const third = await send(3);
      expect(third.statusCode).to.equal(429);
      expect((third.json() as { error: string }).error).to.equal("DEVICE_RATE_LIMITED");
    } finally {
      await limited.close();
    }
  });

  it("refuses an address over its per-IP request budget with 429", async () => {
    const g = await import("../helpers/node-fixture.js");
    const limited = await g.startTestNode({ http: { ipPerMinute: 3 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.node.app.inject({ method: "GET", url: "/health" })).statusCode);
      expect(codes).to.deep.equal([200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
