// Three node servers (child processes of node/src/server.ts) share one
// PostgreSQL, each signing with its own submitter key (authorised on the
// contract with setSubmitter). A round-robin client spreads device readings
// over them; one instance is SIGKILLed while commits are under way and
// restarted later. Afterwards every stored reading is committed on chain
// exactly once (proof mode: ProofCommitted events match the database one to
// one; batch mode: every reading in exactly one batch, the BatchCommitted
// counts add up to the readings), the verifier agrees, the commits came from
// more than one submitter, and a reading accepted by one instance is refused
// as a replay by the others.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { network } from "hardhat";
import { parseEther, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import { createNode, generateDeviceKeyPair, signReading, toChainDeviceId, type SignedReading } from "../../../node/src/index.js";
import { sharedPostgres } from "../../helpers/postgres-server.js";
import { countEvents, deployProcessor, type DeployedProcessor } from "../helpers/deploy-processor.js";
import { TEST_MASTER_SECRET, TEST_TOKEN } from "../helpers/node-fixture.js";
import { serveChain, type ServedChain } from "../helpers/serve-chain.js";
import { sqlAll, sqlValue } from "../helpers/store-sql.js";

const SERVER = fileURLToPath(new URL("../../../node/src/server.ts", import.meta.url));

interface Instance {
  key: Hex;
  address: Address;
  child?: ChildProcess;
  url?: string;
  exited?: Promise<number | null>;
  log: string;
}

async function startInstance(inst: Instance, env: Record<string, string>): Promise<void> {
  inst.log = "";
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), SERVER], {
    env: { ...process.env, ...env, LCORE_NODE_PRIVATE_KEY: inst.key },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (inst.log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (inst.log += d.toString()));
  inst.child = child;
  inst.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  inst.url = undefined;
  for (let i = 0; i < 1200 && inst.url === undefined; i++) {
    inst.url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(inst.log)?.[1];
    if (inst.url === undefined) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (inst.url === undefined) throw new Error(`instance ${inst.address} did not start:\n${inst.log}`);
}

/** Round robin over the live instances; a refused connection moves on to the next one. */
class RoundRobinClient {
  #next = 0;
  constructor(readonly instances: Instance[]) {}

  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; via: Instance }> {
    for (let tries = 0; tries < this.instances.length * 2; tries++) {
      const inst = this.instances[this.#next++ % this.instances.length]!;
      if (inst.url === undefined) continue;
      try {
        const res = await fetch(`${inst.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
        return { status: res.status, json: (await res.json()) as Record<string, unknown>, via: inst };
      } catch {
        // instance down: the next one takes the request
      }
    }
    throw new Error("no instance answered");
  }
}

describe("several node instances on one PostgreSQL (SIGKILL one during commits)", function () {
  this.timeout(300_000);
  let chain: ServedChain;
  let processor: DeployedProcessor;
  let closeConnection: () => Promise<void>;
  const instances: Instance[] = [];

  before(async () => {
    const connection = await network.create();
    processor = await deployProcessor(connection);
    chain = await serveChain(connection.provider);
    closeConnection = () => connection.close();
    const { walletClient, publicClient } = processor.clients;
    for (let i = 0; i < 3; i++) {
      const key = generatePrivateKey();
      const address = privateKeyToAccount(key).address;
      // Each instance signs with its own key, authorised by the owner and funded for gas.
      await publicClient.waitForTransactionReceipt({
        hash: await walletClient.writeContract({ address: processor.address, abi: mvpIoTProcessorAbi, functionName: "setSubmitter", args: [address, true], chain: null, account: walletClient.account }),
      });
      await publicClient.waitForTransactionReceipt({ hash: await walletClient.sendTransaction({ to: address, value: parseEther("10"), chain: null, account: walletClient.account }) });
      instances.push({ key, address, log: "" });
    }
  });
  after(async () => {
    for (const inst of instances) if (inst.child !== undefined && inst.child.exitCode === null) inst.child.kill("SIGKILL");
    await chain?.close();
    await closeConnection?.();
  });

  const scenario = async (mode: "proof" | "batch") => {
    const databaseUrl = await (await sharedPostgres()).createDatabase(`multi_${mode}`);
    const env = {
      LCORE_NODE_RPC_URL: chain.url,
      LCORE_NODE_CONTRACT_ADDRESS: processor.address,
      LCORE_NODE_DATABASE_URL: databaseUrl,
      LCORE_NODE_MASTER_SECRET: TEST_MASTER_SECRET,
      LCORE_NODE_API_TOKEN: TEST_TOKEN,
      LCORE_NODE_PORT: "0",
      LCORE_NODE_DEVICE_PER_SECOND: "0",
      LCORE_NODE_LEASE_MS: "2000",
      LCORE_NODE_COMMIT_MODE: mode,
      LCORE_NODE_BATCH_SIZE: "16",
      LCORE_NODE_BATCH_MAX_WAIT_MS: "200",
      LCORE_NODE_LOG_LEVEL: "info",
    };
    // Start one first (it migrates), then the other two together.
    await startInstance(instances[0]!, env);
    await Promise.all(instances.slice(1).map((i) => startInstance(i, env)));
    const client = new RoundRobinClient(instances);
    for (const inst of instances) {
      const health = (await (await fetch(`${inst.url}/health`)).json()) as { status: string; chain: { submitter: string; submitter_authorised?: boolean } };
      expect(health.status).to.equal("ok");
      expect(health.chain.submitter).to.equal(inst.address);
      expect(health.chain.submitter_authorised).to.equal(true);
    }

    const devices = Array.from({ length: 4 }, (_, i) => ({ id: `MI_${mode}_${i}`, keys: generateDeviceKeyPair(), counter: 0 }));
    for (const d of devices) {
      const res = await client.post("/device/register", { device_id: d.id, public_key: d.keys.publicKey }, { authorization: `Bearer ${TEST_TOKEN}` });
      expect(res.status, JSON.stringify(res.json)).to.equal(201);
    }
    const sign = (d: (typeof devices)[number]): SignedReading => signReading({ deviceId: d.id, counter: ++d.counter, data: `kwh=${d.counter}`, privateKey: d.keys.privateKey });
    const accepted: number[] = [];
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) {
        // A device sends its readings one after the other (counters in order), each to the next instance.
        const res = await client.post("/device/data", sign(devices[i % devices.length]!));
        expect(res.status, JSON.stringify(res.json)).to.equal(202);
        accepted.push(res.json.reading_id as number);
      }
    };
    const store = await createNode({
      chain: processor.clients,
      databaseUrl,
      masterSecret: TEST_MASTER_SECRET,
      apiToken: TEST_TOKEN,
      logLevel: "silent",
      autoStart: false,
    });
    const committed = async () => Number(await sqlValue(store.store, "SELECT COUNT(*) FROM readings WHERE status = 'committed'"));

    await send(120);
    // Kill the second instance once commits are under way.
    for (let i = 0; i < 600 && (await committed()) < 20; i++) await new Promise((r) => setTimeout(r, 50));
    const victim = instances[1]!;
    victim.child!.kill("SIGKILL");
    await victim.exited;
    victim.url = undefined;
    const atKill = await committed();
    expect(atKill, "killed before all commits").to.be.lessThan(120);
    await send(60); // the two survivors take the traffic
    await new Promise((r) => setTimeout(r, 2_500)); // past the victim's lease: survivors may take its rows over
    await startInstance(victim, env);
    await send(60);

    const total = accepted.length;
    expect(total).to.equal(240);
    expect(new Set(accepted).size).to.equal(total);
    try {
      for (let i = 0; i < 1200; i++) {
        const done = Number(await sqlValue(store.store, "SELECT COUNT(*) FROM readings WHERE status = 'committed'"));
        if (done === total) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const rows = await sqlAll<{ proof_hash: string; status: string; tx_hash: string; batch_id: string | null; leaf_index: number | null }>(
        store.store,
        "SELECT proof_hash, status, tx_hash, batch_id, leaf_index FROM readings ORDER BY id",
      );
      expect(rows.length).to.equal(total);
      expect(rows.filter((r) => r.status !== "committed"), instances.map((i) => i.log.slice(-2000)).join("\n")).to.deep.equal([]);

      if (mode === "proof") {
        // Exactly once on chain: one ProofCommitted per stored reading, none twice.
        const events = await countEvents(processor.clients.publicClient, processor.address, "ProofCommitted");
        expect(events.count).to.equal(total);
        expect(new Set(events.ids)).to.deep.equal(new Set(rows.map((r) => r.proof_hash)));
      } else {
        // Every reading in exactly one batch (one leaf each), every batch committed once, the counts adding up.
        expect(new Set(rows.map((r) => `${r.batch_id}:${r.leaf_index}`)).size).to.equal(total);
        const stored = await sqlAll<{ batch_id: string; count: number }>(store.store, "SELECT batch_id, count FROM batches");
        const logs = await processor.clients.publicClient.getContractEvents({ address: processor.address, abi: mvpIoTProcessorAbi, eventName: "BatchCommitted", fromBlock: 0n, toBlock: "latest" });
        const onChain = new Map(logs.map((l) => [l.topics[1]!, l]));
        expect(logs.length).to.equal(onChain.size);
        for (const b of stored) expect(onChain.has(b.batch_id as Hex), b.batch_id).to.equal(true);
        expect(stored.reduce((n, b) => n + Number(b.count), 0)).to.equal(total);
        for (const b of stored) expect(Number(await sqlValue(store.store, "SELECT COUNT(*) FROM readings WHERE batch_id = ?", [b.batch_id]))).to.equal(Number(b.count));
      }
      const ours = new Set(devices.map((d) => toChainDeviceId(d.id).toLowerCase()));
      const registered = await countEvents(processor.clients.publicClient, processor.address, "DeviceRegistered");
      expect(registered.ids.filter((id) => ours.has(id.toLowerCase())).length).to.equal(devices.length);
      const report = await store.verify({ concurrency: 32 });
      expect(report.mismatches).to.deep.equal([]);
      expect(report.verified).to.equal(total);

      // Each instance signed with its own key: the commits came from more than one submitter, all of them ours.
      const senders = new Set<string>();
      for (const hash of new Set(rows.map((r) => r.tx_hash))) senders.add((await processor.clients.publicClient.getTransaction({ hash: hash as Hex })).from.toLowerCase());
      expect(senders.size).to.be.greaterThan(1);
      for (const s of senders) expect(instances.map((i) => i.address.toLowerCase())).to.include(s);

      // Replay across instances: a reading one instance accepted is refused by each of the others.
      const d = devices[0]!;
      const reading = sign(d);
      const first = await client.post("/device/data", reading);
      expect(first.status).to.equal(202);
      for (const inst of instances.filter((i) => i !== first.via)) {
        const res = await fetch(`${inst.url}/device/data`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(reading) });
        expect(res.status).to.equal(409);
        expect(((await res.json()) as { error: string }).error).to.equal("REPLAYED_COUNTER");
      }
    } finally {
      await store.close();
      for (const inst of instances) {
        if (inst.child !== undefined && inst.child.exitCode === null) {
          inst.child.kill("SIGTERM");
          await inst.exited;
        }
      }
    }
  };

  it("commits every reading exactly once across three instances, one killed and restarted mid-way (proof mode)", async () => {
    await scenario("proof");
  });

  it("batches every reading exactly once across three instances, one killed and restarted mid-way (batch mode)", async () => {
    await scenario("batch");
  });
});
