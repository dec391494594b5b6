// End to end: a signed reading over HTTP (inject) -> SQLite -> outbox ->
// contract -> GET /readings/:id -> verifier, in each commit mode.
import { expect } from "chai";
import type { Hex } from "viem";

import { generateDeviceKeyPair, signReading, verifyMerkleProof } from "../../../node/src/index.js";
import { readProof } from "../../../node/src/chain/read-proof.js";
import { countEvents } from "../helpers/deploy-processor.js";
import { startTestNode, TEST_TOKEN, type NodeFixture } from "../helpers/node-fixture.js";

for (const mode of ["proof", "batch", "legacy"] as const) {
  describe(`node e2e over HTTP (${mode} mode)`, () => {
    let f: NodeFixture;
    before(async () => {
      f = await startTestNode({ commitMode: mode, batchSize: 4 });
    });
    after(async () => f.close());

    it("takes a reading from POST /device/data to a commitment the verifier accepts", async () => {
      const keys = generateDeviceKeyPair();
      const reg = await f.node.app.inject({
        method: "POST",
        url: "/device/register",
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        payload: { device_id: "EV_001", public_key: keys.publicKey },
      });
      expect(reg.statusCode, reg.body).to.equal(201);

      const ids: number[] = [];
      for (let counter = 1; counter <= 5; counter++) {
        const reading = signReading({ deviceId: "EV_001", counter, data: JSON.stringify({ km: counter * 10.5 }), privateKey: keys.privateKey });
        const res = await f.node.app.inject({ method: "POST", url: "/device/data", payload: reading });
        expect(res.statusCode, res.body).to.equal(202);
        const body = res.json() as { reading_id: number; proof_hash: Hex; status: string };
        expect(body.status).to.equal("pending");
        expect(body.proof_hash).to.match(/^0x[0-9a-f]{64}$/);
        ids.push(body.reading_id);
      }

      expect(await f.node.outbox.drain({ timeoutMs: 20_000 })).to.equal(true);

      for (const id of ids) {
        const res = await f.node.app.inject({ method: "GET", url: `/readings/${id}` });
        expect(res.statusCode).to.equal(200);
        const view = res.json() as {
          status: string; tx_hash: string; block_number: number; proof_hash: Hex; data?: string;
          batch: null | { root: Hex; count: number; leaf_index: number; merkle_proof: Hex[] };
        };
        expect(view.status).to.equal("committed");
        expect(view.tx_hash).to.match(/^0x[0-9a-f]{64}$/);
        expect(view.block_number).to.be.greaterThan(0);
        expect(view.data).to.equal(undefined);
        if (mode === "batch") {
          expect(view.batch).to.not.equal(null);
          expect(verifyMerkleProof({ root: view.batch!.root, count: view.batch!.count, index: view.batch!.leaf_index, proofHash: view.proof_hash, proof: view.batch!.merkle_proof })).to.equal(true);
        } else if (mode === "proof") {
          const onChain = await readProof(f.node.clients.publicClient, { address: f.processor.address, proofHash: view.proof_hash });
          expect(Number(onChain.blockNumber)).to.equal(view.block_number);
        }
      }

      const decrypted = await f.node.app.inject({ method: "GET", url: `/readings/${ids[2]}?decrypt=true`, headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      expect(decrypted.statusCode).to.equal(200);
      expect((decrypted.json() as { data: string }).data).to.equal(JSON.stringify({ km: 31.5 }));
      const refused = await f.node.app.inject({ method: "GET", url: `/readings/${ids[2]}?decrypt=true` });
      expect(refused.statusCode).to.equal(401);

      const report = await f.node.verify();
      expect(report.mismatches).to.deep.equal([]);
      expect(report.verified).to.equal(5);

      const eventName = mode === "proof" ? "ProofCommitted" : mode === "batch" ? "BatchCommitted" : "ResultSubmitted";
      const events = await countEvents(f.node.clients.publicClient, f.processor.address, eventName);
      expect(events.count).to.equal(mode === "batch" ? 2 : 5);

      const metrics = (await f.node.app.inject({ method: "GET", url: "/metrics" })).json() as Record<string, unknown>;
      expect(metrics.data_submissions).to.equal(5);
      expect(metrics.on_chain_commitments).to.equal(5);
      expect(metrics.registrations).to.equal(1);
      expect(metrics.success_rate).to.equal(100);
    });
  });
}
