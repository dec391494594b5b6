// End to end for every device format on one node started the way
// `serve --compat m1 --enroll open` starts it: the predecessor's M1 Python
// client, lcore-sdk's Python client (ES256K did:key, open enrolment), TS
// clients for ES256K / ES256 (did:lcore and did:key) / EdDSA, and the native
// format, each over real HTTP -> SQLite -> outbox -> contract -> verifier.
import { randomBytes } from "node:crypto";

import { expect } from "chai";

import { generateDeviceKeyPair, signReading } from "../../../node/src/index.js";
import { startTestNode, TEST_TOKEN, type NodeFixture } from "../helpers/node-fixture.js";
import { eddsaDevice, es256kDevice, es256KeyDevice, es256LcoreDevice, runPythonClient, type JwsDevice } from "./jws-clients.js";
import { sqlValue } from "../helpers/store-sql.js";

type View = { status: string; tx_hash: string | null; format: string; authenticated: boolean; data?: string; device_id: string };

describe("device formats end to end (serve --compat m1 --enroll open)", function () {
  this.timeout(180_000);
  let f: NodeFixture;
  let url: string;
  const readingIds: number[] = [];
  const view = async (id: number, decrypt = false): Promise<View> => {
    const res = await fetch(`${url}/readings/${id}${decrypt ? "?decrypt=true" : ""}`, { headers: decrypt ? { authorization: `Bearer ${TEST_TOKEN}` } : {} });
    expect(res.status).to.equal(200);
    return (await res.json()) as View;
  };

  before(async () => {
    f = await startTestNode({ compat: "m1", enroll: "open", commitMode: "proof", autoStart: true, deviceAnswerWaitMs: 30_000 });
    url = await f.node.listen({ port: 0 });
  });
  after(async () => f.close());

  it("M1 Python client: idempotent registration, a retried reading stored once, tx counted only when committed, marked unauthenticated", async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const lines = await runPythonClient("m1_client.py", url, [
      { op: "status" },
      { op: "register", device_id: "demo_001" },
      { op: "register", device_id: "demo_001" },
      { op: "register", device_id: "EV_1234", public_key: randomBytes(32).toString("hex") },
      { op: "data", device_id: "demo_001", data: '{"temp": 20.0, "unit": "\u00b0C"}', timestamp },
      { op: "data", device_id: "demo_001", data: '{"temp": 20.0, "unit": "\u00b0C"}', timestamp },
      { op: "data", device_id: "EV_1234", data: '{"kwh": 12.5}', timestamp },
      { op: "data", device_id: "nobody", data: "{}", timestamp },
    ]);
    expect(lines.map((l) => l.success)).to.deep.equal([true, true, true, true, true, true, true, false]);
    expect((lines[2]!.response as { status: string }).status).to.equal("already_registered");
    const first = lines[4]!.response as { reading_id: number; replayed: boolean };
    const retry = lines[5]!.response as { reading_id: number; replayed: boolean };
    expect(retry.reading_id).to.equal(first.reading_id);
    expect(retry.replayed).to.equal(true);
    expect(lines[7]!.attempts).to.equal(3); // the client retried the 404; nothing was stored
    for (const i of [4, 6]) {
      const id = (lines[i]!.response as { reading_id: number }).reading_id;
      const v = await view(id, true);
      expect(v.status).to.equal("committed");
      expect(lines[i]!.tx_hash, "the client counted the commitment with the real tx hash").to.equal(v.tx_hash);
      expect(v.format).to.equal("m1");
      expect(v.authenticated).to.equal(false);
      readingIds.push(id);
    }
    expect((await view(first.reading_id, true)).data).to.equal('{"temp": 20.0, "unit": "\u00b0C"}');
    const demoReadings = Number(await sqlValue(f.node.store, "SELECT COUNT(*) FROM readings WHERE device_id = 'demo_001'"));
    expect(demoReadings).to.equal(1);
    const metrics = (await (await fetch(`${url}/metrics`)).json()) as { node: { unauthenticated_readings: number; readings_by_format: { m1: number } } };
    expect(metrics.node.unauthenticated_readings).to.equal(2);
    expect(metrics.node.readings_by_format.m1).to.equal(2);
    const prom = await (await fetch(`${url}/metrics?format=prometheus`)).text();
    expect(prom).to.match(/lcore_node_unauthenticated_readings 2/);
  });

  it("lcore-sdk Python client: ES256K did:key enrolled openly, the JWS's own bytes stored (20.0, escaped °), a replay refused", async () => {
    const key = randomBytes(32).toString("hex");
    const payload = { temperature: 20.0, unit: "\u00b0C", seq: 1 };
    const lines = await runPythonClient("sdk_client.py", url, [{ op: "health" }, { op: "submit", key, payload, float_keys: ["temperature"], repeat: 2 }]);
    expect(lines[0]!.healthy).to.equal(true);
    expect(lines[1]!.success, JSON.stringify(lines[1])).to.equal(true);
    expect(lines[1]!.tx_hash).to.match(/^0x[0-9a-f]{64}$/);
    expect(lines[1]!.block_number).to.be.a("number");
    expect(lines[2]).to.include({ success: false, error: "REPLAYED_PAYLOAD", status: 409 });
    const id = (lines[1]!.data as { readingId: number }).readingId;
    const v = await view(id, true);
    expect(v).to.include({ status: "committed", format: "jws", authenticated: true, tx_hash: lines[1]!.tx_hash });
    expect(v.data).to.equal('{"temperature":20.0,"unit":"\\u00b0C","seq":1}');
    readingIds.push(id);
  });

  async function submit(device: JwsDevice, payload: unknown, timestamp = Math.floor(Date.now() / 1000)) {
    const res = await fetch(`${url}/api/device/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ did: device.did, payload, signature: await device.sign(payload), timestamp }),
    });
    return { status: res.status, body: (await res.json()) as { success?: boolean; error?: string; data: { txHash: string | null; blockNumber: number | null; readingId: number } } };
  }

  it("TS clients: ES256K (lcore-sdk TS), ES256 did:lcore registered by the operator (C SDK), ES256 and EdDSA did:key", async () => {
    const lcore = es256LcoreDevice();
    const unregistered = await submit(lcore, { t: 1 });
    expect(unregistered.status).to.equal(404);
    const reg = await fetch(`${url}/api/device/register`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ did: lcore.did, public_key: lcore.publicKeyHex, alg: "ES256" }),
    });
    expect(reg.status, await reg.clone().text()).to.equal(201);
    for (const device of [es256kDevice(), lcore, es256KeyDevice(), eddsaDevice()]) {
      const r = await submit(device, { device: device.alg, reading: 42.5 });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.data.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const v = await view(r.body.data.readingId);
      expect(v).to.include({ format: "jws", authenticated: true, status: "committed" });
      readingIds.push(r.body.data.readingId);
    }
  });

  it("native readings are unchanged and share the store, outbox and verifier", async () => {
    const keys = generateDeviceKeyPair();
    await f.node.registerDevice({ device_id: "NATIVE_1", public_key: keys.publicKey });
    const res = await fetch(`${url}/device/data`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(signReading({ deviceId: "NATIVE_1", counter: 1, data: '{"km":1}', privateKey: keys.privateKey })),
    });
    expect(res.status).to.equal(202);
    const id = ((await res.json()) as { reading_id: number }).reading_id;
    const [committed] = await f.node.waitForCommitment(id, { timeoutMs: 30_000 });
    expect(committed!).to.include({ status: "committed", format: "native", authenticated: true });
    readingIds.push(id);

    expect(await f.node.outbox.drain({ timeoutMs: 30_000 })).to.equal(true);
    const report = await f.node.verify();
    expect(report.failed, JSON.stringify(report.mismatches)).to.equal(0);
    expect(report.verified).to.equal(report.checked);
    expect(report.checked).to.be.at.least(readingIds.length);
  });
});
