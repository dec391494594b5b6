// Crash recovery: a node in a child process is SIGKILLed twice while it
// commits (and once right after ingesting more); after the last restart every
// persisted reading is committed on chain exactly once: the ProofCommitted
// events match the readings in SQLite one to one, and the verifier agrees.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { network } from "hardhat";

import { createNode, generateDeviceKeyPair } from "../../../node/src/index.js";
import { countEvents, deployProcessor, type DeployedProcessor } from "../helpers/deploy-processor.js";
import { TEST_MASTER_SECRET } from "../helpers/node-fixture.js";
import { HARDHAT_ACCOUNT_0_KEY, serveChain, type ServedChain } from "../helpers/serve-chain.js";
import { sqlAll } from "../helpers/store-sql.js";
import { testDatabaseUrl } from "../helpers/test-store.js";

const WORKER = fileURLToPath(new URL("../helpers/crash-worker.ts", import.meta.url));

interface Run {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout!.on("data", (d: Buffer) => output.push(...d.toString().split("\n").filter((l) => l !== "")));
  child.stderr!.on("data", (d: Buffer) => output.push(`stderr: ${d.toString()}`));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output, exited };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("node crash recovery (SIGKILL during commits)", function () {
  this.timeout(180_000);
  let chain: ServedChain;
  let processor: DeployedProcessor;
  let dir: string;
  let closeConnection: () => Promise<void>;

  before(async () => {
    const connection = await network.create();
    processor = await deployProcessor(connection);
    chain = await serveChain(connection.provider);
    dir = mkdtempSync(join(tmpdir(), "lcore-crash-"));
    closeConnection = () => connection.close();
  });
  after(async () => {
    await chain.close();
    await closeConnection();
    rmSync(dir, { recursive: true, force: true });
  });

  it("commits every persisted reading exactly once across two kills and restarts", async () => {
    const device = generateDeviceKeyPair();
    const databaseUrl = await testDatabaseUrl();
    const base = {
      LCORE_CRASH_DATABASE_URL: databaseUrl ?? "",
      LCORE_CRASH_RPC: chain.url,
      LCORE_CRASH_CONTRACT: processor.address,
      LCORE_CRASH_DB: join(dir, "node.db"),
      LCORE_CRASH_MASTER: TEST_MASTER_SECRET,
      LCORE_CRASH_DEVICE_KEY: device.privateKey,
    };
    const committed = async () => (await countEvents(processor.clients.publicClient, processor.address, "ProofCommitted")).count;

    // Run 1: register, ingest 1..150, killed once 20 proofs are on chain.
    const run1 = startWorker({ ...base, LCORE_CRASH_DEVICE_PUB: device.publicKey, LCORE_CRASH_FROM: "1", LCORE_CRASH_TO: "150" });
    await until("run 1 to ingest", () => run1.output.includes("ingested 150"), 60_000);
    await until("20 commits", async () => (await committed()) >= 20, 60_000);
    run1.child.kill("SIGKILL");
    await run1.exited;
    const afterKill1 = await committed();
    expect(afterKill1, "killed before all commits").to.be.lessThan(150);

    // Run 2: ingest 151..200 more, killed again mid-way.
    const run2 = startWorker({ ...base, LCORE_CRASH_FROM: "151", LCORE_CRASH_TO: "200" });
    await until("run 2 to ingest", () => run2.output.includes("ingested 50"), 60_000);
    await until("more commits", async () => (await committed()) >= afterKill1 + 30, 60_000);
    run2.child.kill("SIGKILL");
    await run2.exited;
    expect(await committed(), "killed before all commits").to.be.lessThan(200);

    // Run 3: nothing new; recovers and drains.
    const run3 = startWorker(base);
    const code = await run3.exited;
    expect(code, run3.output.join("\n")).to.equal(0);
    expect(run3.output).to.include("drained");

    const events = await countEvents(processor.clients.publicClient, processor.address, "ProofCommitted");
    expect(events.count).to.equal(200);
    expect(new Set(events.ids).size).to.equal(200);

    const node = await createNode({
      chain: { rpcUrl: chain.url, privateKey: HARDHAT_ACCOUNT_0_KEY, contractAddress: processor.address },
      dbPath: base.LCORE_CRASH_DB,
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      masterSecret: TEST_MASTER_SECRET,
      apiToken: "crash-test-operator-token",
      logLevel: "silent",
      autoStart: false,
    });
    try {
      const rows = await sqlAll<{ proof_hash: string; status: string }>(node.store, "SELECT proof_hash, status FROM readings ORDER BY id");
      expect(rows.length).to.equal(200);
      expect(rows.every((r) => r.status === "committed")).to.equal(true);
      expect(new Set(rows.map((r) => r.proof_hash))).to.deep.equal(new Set(events.ids));
      const report = await node.verify({ concurrency: 32 });
      expect(report.mismatches).to.deep.equal([]);
      expect(report.verified).to.equal(200);
      const devices = await countEvents(processor.clients.publicClient, processor.address, "DeviceRegistered");
      expect(devices.count).to.equal(1);
    } finally {
      await node.close();
    }
  });
});
