// With crypto workers, JWS signatures are checked on the workers: good
// signatures of each alg are accepted and a forged one is refused, exactly
// as on the main thread.
import { expect } from "chai";

import { startTestNode, type NodeFixture } from "../helpers/node-fixture.js";
import { eddsaDevice, es256kDevice, es256KeyDevice } from "./jws-clients.js";
import { sqlValue } from "../helpers/store-sql.js";

describe("JWS verification on the crypto workers", function () {
  this.timeout(60_000);
  let f: NodeFixture;
  before(async () => {
    f = await startTestNode({ ingestWorkers: 1, enroll: "open", deviceAnswerWaitMs: 0 });
  });
  after(async () => f.close());

  it("accepts ES256K, ES256 and EdDSA readings and refuses a forged one", async () => {
    const now = Math.floor(Date.now() / 1000);
    const devices = [es256kDevice(), es256KeyDevice(), eddsaDevice()];
    const results = await Promise.all(
      devices.flatMap((d) => [1, 2, 3].map(async (i) => f.node.formats.submitJws({ did: d.did, payload: { i }, signature: await d.sign({ i }), timestamp: now }))),
    );
    expect(results.map((r) => r.replayed)).to.deep.equal(new Array(9).fill(false));
    const forger = es256kDevice();
    const forged = `${(await devices[0]!.sign({ i: 9 })).split(".").slice(0, 2).join(".")}.${(await forger.sign({ i: 9 })).split(".")[2]}`;
    let error: unknown;
    try {
      await f.node.formats.submitJws({ did: devices[0]!.did, payload: { i: 9 }, signature: forged, timestamp: now });
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).to.equal("BAD_SIGNATURE");
    expect(Number(await sqlValue(f.node.store, "SELECT COUNT(*) FROM reading_sources"))).to.equal(9);
  });
});
