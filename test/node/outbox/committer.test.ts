// The commit loop against the contract: duplicate refusals confirmed from
// events, lost transactions sent again, stuck transactions replaced with
// higher fees, refusals that exhaust the retry budget marked failed (and
// counted in the metrics), receipts written back.
import { expect } from "chai";
import { stringToHex, type Hex } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import { countEvents } from "../helpers/deploy-processor.js";
import { addDevice, startTestNode, type NodeFixture } from "../helpers/node-fixture.js";

describe("outbox/committer", () => {
  let f: NodeFixture;
  afterEach(async () => f?.close());

  it("confirms from the event when the contract refuses a duplicate (commit made elsewhere)", async () => {
    f = await startTestNode();
    const dev = await addDevice(f.node, "EV_DUP");
    const { reading_id, proof_hash } = await f.node.ingest(dev.next("a"));
    const { walletClient, publicClient } = f.processor.clients;
    const account = walletClient.account;
    const deviceId = stringToHex("EV_DUP", { size: 32 });
    await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract({ address: f.processor.address, abi: mvpIoTProcessorAbi, functionName: "registerDevice", args: [deviceId, account.address], chain: null, account }) });
    const direct = await walletClient.writeContract({ address: f.processor.address, abi: mvpIoTProcessorAbi, functionName: "commitProof", args: [proof_hash, deviceId], chain: null, account });
    await publicClient.waitForTransactionReceipt({ hash: direct });

    expect(await f.node.outbox.drain({ timeoutMs: 10_000 })).to.equal(true);
    const view = (await f.node.getReading(reading_id));
    expect(view.status).to.equal("committed");
    expect(view.tx_hash).to.equal(direct);
    expect((await countEvents(publicClient, f.processor.address, "ProofCommitted")).count).to.equal(1);
    expect((await f.node.store.devices.get("EV_DUP"))!.chain_status).to.equal("registered");
  });

  it("sends again a transaction the chain never saw (lost hash, nonce since used), committing once", async () => {
    f = await startTestNode({ committer: { stuckAfterMs: 1, pollIntervalMs: 5, backoff: { baseMs: 5, maxMs: 20 } } });
    const dev = await addDevice(f.node, "EV_LOST");
    await f.node.outbox.drain({ timeoutMs: 10_000 });
    const { reading_id } = await f.node.ingest(dev.next("b"));
    const row = (await f.node.store.outbox.getByRef("commit_proof", String(reading_id)))!;
    await f.node.store.outbox.markSent(row.id, 0, [`0x${"ee".repeat(32)}`], Date.now() - 1_000);
    expect(await f.node.outbox.drain({ timeoutMs: 10_000 })).to.equal(true);
    expect((await f.node.getReading(reading_id)).status).to.equal("committed");
    expect((await countEvents(f.processor.clients.publicClient, f.processor.address, "ProofCommitted")).count).to.equal(1);
  });

  // With automine off, on the Stylus processor: the replacement (same nonce, higher fees) waits
  // in EDR's mempool and hardhat-stylus mines it through its block miner.
  it("replaces a stuck transaction with higher fees and confirms the replacement", async () => {
    f = await startTestNode({ committer: { stuckAfterMs: 30, pollIntervalMs: 5 } });
    const dev = await addDevice(f.node, "EV_STUCK");
    await f.node.outbox.drain({ timeoutMs: 10_000 });
    const { reading_id } = await f.node.ingest(dev.next("c"));
    await f.connection.provider.request({ method: "evm_setAutomine", params: [false] });
    await f.node.outbox.runOnce();
    const sent = (await f.node.store.outbox.getByRef("commit_proof", String(reading_id)))!;
    expect(sent.status, JSON.stringify(sent)).to.equal("sent");
    await new Promise((r) => setTimeout(r, 40));
    await f.node.outbox.runOnce();
    const replaced = (await f.node.store.outbox.getByRef("commit_proof", String(reading_id)))!;
    const hashes = JSON.parse(replaced.tx_hashes) as Hex[];
    expect(hashes.length).to.equal(2);
    await f.connection.provider.request({ method: "evm_setAutomine", params: [true] });
    await f.connection.provider.request({ method: "evm_mine", params: [] });
    expect(await f.node.outbox.drain({ timeoutMs: 10_000 })).to.equal(true);
    const view = (await f.node.getReading(reading_id));
    expect(view.status).to.equal("committed");
    expect(view.tx_hash).to.equal(hashes[1]);
    expect((await countEvents(f.processor.clients.publicClient, f.processor.address, "ProofCommitted")).count).to.equal(1);
  });

  it("marks rows failed after the retry budget when the node's account is not a submitter", async () => {
    f = await startTestNode({ committer: { maxAttempts: 2, backoff: { baseMs: 1, maxMs: 2 } } }, { walletIndex: 1 });
    const dev = await addDevice(f.node, "EV_NOAUTH");
    const { reading_id } = await f.node.ingest(dev.next("d"));
    expect(await f.node.outbox.drain({ timeoutMs: 10_000 })).to.equal(true);
    expect((await f.node.getReading(reading_id)).status).to.equal("failed");
    const row = (await f.node.store.outbox.getByRef("commit_proof", String(reading_id)))!;
    expect(row.status).to.equal("failed");
    expect(row.last_error).to.match(/AccessUnauthorized/);
    expect((await f.node.health()).chain.submitter_authorised).to.equal(false);
    const m = await f.node.metrics();
    expect(m.success_rate).to.equal(0);
    expect(m.meets_success_target).to.equal(false);
    expect(m.node.failed_readings).to.equal(1);
  });
});
