// JWS devices on two node instances sharing one PostgreSQL: a signed payload
// is accepted by one instance only (409 REPLAYED_PAYLOAD on the other), and an
// instance whose cached counter of the device is behind (the other instance
// took the next counters) seals the reading again under a fresh counter
// instead of refusing it. PostgreSQL only (SQLite is one process).
import { expect } from "chai";

import { createNode, type LcoreNode } from "../../../node/src/index.js";
import { startTestNode, TEST_MASTER_SECRET, TEST_TOKEN, type NodeFixture } from "../helpers/node-fixture.js";
import { sqlAll } from "../helpers/store-sql.js";
import { TEST_BACKEND, testDatabaseUrl } from "../helpers/test-store.js";
import { es256kDevice } from "./jws-clients.js";

describe("JWS devices on two instances of one PostgreSQL", function () {
  this.timeout(120_000);
  let a: NodeFixture;
  let b: LcoreNode;
  const device = es256kDevice();
  const now = () => Math.floor(Date.now() / 1000);
  const submit = async (node: LcoreNode, payload: unknown) =>
    node.app.inject({ method: "POST", url: "/api/device/submit", payload: { did: device.did, payload, signature: await device.sign(payload), timestamp: now() } });

  before(async function () {
    if (TEST_BACKEND !== "postgres") this.skip();
    const databaseUrl = (await testDatabaseUrl())!;
    a = await startTestNode({ databaseUrl, deviceAnswerWaitMs: 0, http: { ipPerMinute: 0 } });
    b = await createNode({
      chain: a.processor.clients,
      dbPath: ":memory:",
      databaseUrl,
      masterSecret: TEST_MASTER_SECRET,
      apiToken: TEST_TOKEN,
      logLevel: "silent",
      autoStart: false,
      devicePerSecond: 0,
      deviceAnswerWaitMs: 0,
      http: { ipPerMinute: 0 },
    });
    const reg = await a.node.app.inject({ method: "POST", url: "/api/device/register", headers: { authorization: `Bearer ${TEST_TOKEN}` }, payload: { did: device.did } });
    expect(reg.statusCode, reg.body).to.equal(201);
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  it("accepts a payload on one instance only and renumbers a reading whose counter the other instance took", async () => {
    const first = await submit(a.node, { t: 1 });
    expect(first.statusCode, first.body).to.equal(201);
    // The same signed payload on the other instance: refused, nothing stored.
    const again = await b.app.inject({ method: "POST", url: "/api/device/submit", payload: { did: device.did, payload: { t: 1 }, signature: await device.sign({ t: 1 }), timestamp: now() } });
    expect(again.statusCode, again.body).to.equal(409);
    expect((again.json() as { error: string }).error).to.equal("REPLAYED_PAYLOAD");
    // B takes the next counters (it loaded the device from the database; the refused repeat used one, a gap is fine).
    expect((await submit(b, { t: 2 })).statusCode).to.equal(201);
    const rowsBefore = await sqlAll<{ counter: number }>(a.node.store, "SELECT counter FROM readings ORDER BY id");
    // A's cached counter is still 1: it picks 2, the store refuses it, A seals the reading again after B's.
    const third = await submit(a.node, { t: 3 });
    expect(third.statusCode, third.body).to.equal(201);
    const rows = await sqlAll<{ counter: number }>(a.node.store, "SELECT counter FROM readings ORDER BY id");
    expect(rows.length).to.equal(3);
    expect(rows[2]!.counter).to.equal(rowsBefore[1]!.counter + 1);
    const view = await a.node.getReading((third.json() as { data: { readingId: number } }).data.readingId, { decrypt: true });
    expect(view).to.include({ counter: rows[2]!.counter, format: "jws", data: JSON.stringify({ t: 3 }) });
  });
});
