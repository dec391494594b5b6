// Forked-devnet suite: readings committed by the node to a devnet (in CI a
// chain this project serves on loopback, with the Stylus runtime) are checked
// on an in-process fork of that devnet: proofs, Merkle inclusion, refusals,
// new commits on the fork, and logs across the fork boundary.
// Run alone: npm run test:fork
import { createHash } from "node:crypto";

import { expect } from "chai";
import type { NetworkConnection } from "hardhat/types/network";
import { keccak256, stringToHex, toBytes, type Address, type Hex, type PublicClient } from "viem";

import { mvpIoTProcessorAbi } from "../../contracts-stylus/artifacts/abi.js";
import { createNode, generateDeviceKeyPair, signReading, toChainDeviceId, verifyReadings } from "../../node/src/index.js";
import { revertName } from "../contracts/processor-behaviour.js";
import { clientsOf, forkOf, prepareDevnet, testAccount, type DevnetFixture, type ModeRun } from "./helpers/fork-fixture.js";

const sha256 = (bytes: Uint8Array): Hex => `0x${createHash("sha256").update(bytes).digest("hex")}`;

describe("forked devnet: proof commits", function () {
  this.timeout(300_000);
  let f: DevnetFixture;
  let fork: NetworkConnection;
  let pub: PublicClient;
  const runOf = (mode: ModeRun["mode"]) => f.runs.find((r) => r.mode === mode)!;
  const read = async <T>(functionName: string, args: readonly unknown[] = [], blockNumber?: bigint): Promise<T> =>
    (await pub.readContract({
      address: f.address,
      abi: mvpIoTProcessorAbi,
      functionName: functionName as never,
      args: args as never,
      ...(blockNumber === undefined ? {} : { blockNumber }),
    })) as T;
  const writeAs = async (index: number, functionName: string, args: readonly unknown[]) => {
    const wallet = await fork.viem.getWalletClient(testAccount(index).address);
    const { request } = await pub.simulateContract({
      address: f.address,
      abi: mvpIoTProcessorAbi,
      functionName: functionName as never,
      args: args as never,
      account: wallet.account,
    });
    return await pub.waitForTransactionReceipt({ hash: await wallet.writeContract(request as never) });
  };

  before(async () => {
    f = await prepareDevnet(3);
    fork = await forkOf(f.devnet.url, f.forkBlock);
    pub = (await fork.viem.getPublicClient()) as unknown as PublicClient;
  });
  after(async () => {
    await f?.close();
  });

  it("runs the contract as a Stylus program on the devnet and on the fork", async () => {
    expect(f.deployment.record.runtime).to.equal("stylus");
    const code = await pub.getCode({ address: f.address });
    expect(code?.slice(0, 8)).to.equal("0xeff000");
    expect(await pub.getBlockNumber() >= f.forkBlock).to.equal(true);
  });

  it("finds every per-reading proof on the fork with its device, submitter and time", async () => {
    const run = runOf("proof");
    expect(run.readingIds).to.have.length(6);
    for (const id of run.readingIds) {
      const row = (await run.node.store.readings.get(id))!;
      expect(row.status).to.equal("committed");
      expect(sha256(row.envelope), "stored proof is SHA-256 of the stored ciphertext").to.equal(row.proof_hash);
      const [deviceId, submitter, timestamp, blockNumber] = await read<[Hex, Address, bigint, bigint]>("getProof", [row.proof_hash]);
      expect(deviceId).to.equal(toChainDeviceId(row.device_id));
      expect(submitter.toLowerCase()).to.equal(run.submitter.toLowerCase());
      expect(blockNumber).to.equal(BigInt(row.block_number!));
      const block = await pub.getBlock({ blockNumber });
      expect(timestamp).to.equal(block.timestamp);
    }
  });

  it("verifies every batched reading's Merkle inclusion on the fork", async () => {
    const run = runOf("batch");
    const batches = new Set<string>();
    for (const id of run.readingIds) {
      const view = await run.node.getReading(id);
      expect(view.status).to.equal("committed");
      const b = view.batch!;
      batches.add(b.batch_id);
      const [root, count, submitter] = await read<[Hex, number, Address]>("getBatch", [b.batch_id]);
      expect([root, count]).to.deep.equal([b.root, b.count]);
      expect(submitter.toLowerCase()).to.equal(run.submitter.toLowerCase());
      expect(await read<boolean>("verifyInclusion", [b.batch_id, view.proof_hash, b.leaf_index, b.merkle_proof])).to.equal(true);
    }
    expect(batches.size).to.be.greaterThanOrEqual(2);
  });

  it("reads the predecessor-shaped results back with getResult on the fork", async () => {
    const run = runOf("legacy");
    for (const id of run.readingIds) {
      const row = (await run.node.store.readings.get(id))!;
      const [bytes, proofHash, timestamp, submitter] = await read<[readonly number[], Hex, bigint, Address]>("getResult", [row.proof_hash]);
      expect(sha256(Uint8Array.from(bytes))).to.equal(row.proof_hash);
      expect(proofHash).to.equal(row.proof_hash);
      expect(timestamp > 0n).to.equal(true);
      expect(submitter.toLowerCase()).to.equal(run.submitter.toLowerCase());
    }
  });

  it("has the node's verifier accept every reading against the fork", async () => {
    for (const run of f.runs) {
      const report = await verifyReadings(run.node.store, await clientsOf(fork, 1, f.address));
      expect(report.mismatches, run.mode).to.deep.equal([]);
      expect(report.verified, run.mode).to.equal(run.readingIds.length);
    }
  });

  it("fails a tampered ciphertext, a wrong leaf and a wrong root", async () => {
    const proofRun = runOf("proof");
    const row = (await proofRun.node.store.readings.get(proofRun.readingIds[0]!))!;
    const tampered = Uint8Array.from(row.envelope);
    tampered[tampered.length - 1]! ^= 0x01;
    expect(await read<boolean>("isProofCommitted", [sha256(tampered)])).to.equal(false);

    const batchRun = runOf("batch");
    const views = await Promise.all(batchRun.readingIds.map((id) => batchRun.node.getReading(id)));
    const v0 = views[0]!;
    const b = v0.batch!;
    const tamperedLeaf = sha256(Uint8Array.from((await batchRun.node.store.readings.get(v0.id))!.envelope, (x, i) => (i === 0 ? x ^ 1 : x)));
    expect(await read<boolean>("verifyInclusion", [b.batch_id, tamperedLeaf, b.leaf_index, b.merkle_proof]), "tampered ciphertext").to.equal(false);
    const other = views.find((v) => v.batch!.batch_id === b.batch_id && v.id !== v0.id)!;
    expect(await read<boolean>("verifyInclusion", [b.batch_id, other.proof_hash, b.leaf_index, b.merkle_proof]), "wrong leaf").to.equal(false);
    const otherBatch = views.find((v) => v.batch!.batch_id !== b.batch_id)!.batch!;
    expect(await read<boolean>("verifyInclusion", [otherBatch.batch_id, v0.proof_hash, b.leaf_index, b.merkle_proof]), "wrong root").to.equal(false);

    // And the verifier reports a tampered row as a mismatch.
    const db = proofRun.node.store.db!;
    db.prepare("UPDATE readings SET envelope = ? WHERE id = ?").run(Buffer.from(tampered), row.id);
    try {
      const report = await verifyReadings(proofRun.node.store, await clientsOf(fork, 1, f.address));
      expect(report.mismatches.map((m) => m.readingId)).to.deep.equal([row.id]);
    } finally {
      db.prepare("UPDATE readings SET envelope = ? WHERE id = ?").run(Buffer.from(row.envelope), row.id);
    }
  });

  it("refuses to overwrite a committed proof, batch or result on the fork", async () => {
    const p = (await runOf("proof").node.store.readings.get(runOf("proof").readingIds[0]!))!;
    expect(await revertName(writeAs(1, "commitProof", [p.proof_hash, toChainDeviceId(p.device_id)]))).to.equal("ProofAlreadyCommitted");
    const b = (await runOf("batch").node.getReading(runOf("batch").readingIds[0]!)).batch!;
    expect(await revertName(writeAs(2, "commitBatch", [b.batch_id, keccak256(stringToHex("other root")), 1]))).to.equal("BatchAlreadyCommitted");
    const l = (await runOf("legacy").node.store.readings.get(runOf("legacy").readingIds[0]!))!;
    expect(await revertName(writeAs(3, "submitResult", [l.proof_hash, [...toBytes("overwrite")], l.proof_hash]))).to.equal("ResultAlreadySubmitted");
    const [, submitter] = await read<[Hex, Address]>("getProof", [p.proof_hash]);
    expect(submitter.toLowerCase()).to.equal(runOf("proof").submitter.toLowerCase());
  });

  it("commits new readings on the fork, seen by the verifier and by eth_getLogs across the fork boundary", async () => {
    const before = await pub.getContractEvents({ address: f.address, abi: mvpIoTProcessorAbi, eventName: "ProofCommitted", fromBlock: 0n, toBlock: f.forkBlock });
    expect(before).to.have.length(6);
    const node = await createNode({
      dbPath: ":memory:",
      commitMode: "proof",
      masterSecret: `0x${"11".repeat(32)}`,
      apiToken: "fork-suite-operator-token",
      logLevel: "silent",
      chain: await clientsOf(fork, 1, f.address),
    });
    try {
      const keys = generateDeviceKeyPair();
      node.registerDevice({ device_id: "EV_FORK_1", public_key: keys.publicKey });
      const ids: number[] = [];
      for (let counter = 1; counter <= 3; counter++) {
        ids.push((await node.ingest(signReading({ deviceId: "EV_FORK_1", counter, data: `fork reading ${counter}`, privateKey: keys.privateKey }))).reading_id);
      }
      expect(await node.outbox.drain({ timeoutMs: 60_000 })).to.equal(true);
      const report = await node.verify();
      expect(report.mismatches).to.deep.equal([]);
      expect(report.verified).to.equal(3);
      for (const id of ids) expect(Number((await node.getReading(id)).block_number)).to.be.greaterThan(Number(f.forkBlock));

      const all = await pub.getContractEvents({ address: f.address, abi: mvpIoTProcessorAbi, eventName: "ProofCommitted", fromBlock: 0n, toBlock: "latest" });
      expect(all).to.have.length(9);
      expect(all.filter((l) => l.blockNumber! <= f.forkBlock)).to.have.length(6);
      // Order across readings is not a property (a proof may wait for its device's registration), membership is.
      const onFork = all.filter((l) => l.blockNumber! > f.forkBlock).map((l) => l.args.proof_hash!).sort();
      expect(onFork).to.deep.equal((await Promise.all(ids.map(async (id) => (await node.getReading(id)).proof_hash))).sort());
    } finally {
      await node.close();
    }
  });
});

describe("forked KC-Chain devnet (KCCHAIN_RPC_URL)", function () {
  this.timeout(300_000);
  const url = process.env.KCCHAIN_RPC_URL;
  const legacy = (process.env.KCCHAIN_LEGACY_CONTRACT ?? "0xd99061c28b9063d9651fea67930fc4ff598ba5b2") as Address;
  const block = process.env.KCCHAIN_FORK_BLOCK === undefined ? undefined : BigInt(process.env.KCCHAIN_FORK_BLOCK);
  let fork: NetworkConnection;
  let pub: PublicClient;

  before(async function () {
    if (url === undefined) {
      console.log("      (skipped: set KCCHAIN_RPC_URL to fork the real KC-Chain devnet; optional KCCHAIN_FORK_BLOCK, KCCHAIN_LEGACY_CONTRACT, KCCHAIN_CONTRACT_ADDRESS)");
      this.skip();
    }
    fork = await forkOf(url!, block);
    pub = (await fork.viem.getPublicClient()) as unknown as PublicClient;
  });

  it("forks the devnet (chain id 1205614515668104)", async () => {
    expect(await pub.getChainId()).to.equal(1205614515668104);
  });

  it("executes the predecessor's deployed Stylus contract's getResult locally on the fork", async () => {
    const code = await pub.getCode({ address: legacy });
    expect(code?.slice(0, 8), "the predecessor's contract is a Stylus program").to.equal("0xeff000");
    const taskId = (process.env.KCCHAIN_LEGACY_TASK_ID ?? keccak256(stringToHex("lcore fork suite: unknown task"))) as Hex;
    const [bytes, proofHash, , submitter] = (await pub.readContract({ address: legacy, abi: mvpIoTProcessorAbi, functionName: "getResult", args: [taskId] })) as readonly [readonly number[], Hex, bigint, Address];
    if (process.env.KCCHAIN_LEGACY_TASK_ID === undefined) {
      expect(bytes).to.have.length(0);
      expect(proofHash).to.match(/^0x0{64}$/);
      expect(submitter).to.match(/^0x0{40}$/i);
    } else {
      expect(sha256(Uint8Array.from(bytes)), "proof hash = SHA-256(ciphertext)").to.equal(proofHash);
    }
  });

  it("reads this project's contract on the fork when KCCHAIN_CONTRACT_ADDRESS is set", async function () {
    const address = process.env.KCCHAIN_CONTRACT_ADDRESS as Address | undefined;
    if (address === undefined) this.skip();
    const totals = (await pub.readContract({ address: address!, abi: mvpIoTProcessorAbi, functionName: "totals" })) as readonly bigint[];
    expect(totals).to.have.length(4);
  });
});
