// PostgreSQL going away: at start, a wrong or unreachable database URL is one
// clear line and a non-zero exit of the server; while running, readings are
// refused with 503 (never acknowledged, so never lost) and /health says
// degraded with 503; when the database is back, the node ingests and commits
// again without a restart. Needs a PostgreSQL of its own (it is stopped and
// started), so it runs with the PostgreSQL binaries present on either backend run.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { network } from "hardhat";

import { createNode, generateDeviceKeyPair, signReading, type LcoreNode } from "../../../node/src/index.js";
import { openStore } from "../../../node/src/store/index.js";
import { startPostgres, type PostgresServer } from "../../helpers/postgres-server.js";
import { deployProcessor } from "../helpers/deploy-processor.js";
import { TEST_MASTER_SECRET, TEST_TOKEN } from "../helpers/node-fixture.js";
import { HARDHAT_ACCOUNT_0_KEY } from "../helpers/serve-chain.js";
import { sqlValue } from "../helpers/store-sql.js";

const SERVER = fileURLToPath(new URL("../../../node/src/server.ts", import.meta.url));

function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), SERVER], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe("node on PostgreSQL: the database goes away", function () {
  this.timeout(180_000);
  let pg: PostgresServer;
  before(async () => {
    pg = await startPostgres();
  });
  after(() => pg?.close());

  for (const [why, url] of [
    ["unreachable", "postgres://lcore@127.0.0.1:1/nowhere"],
    ["not a postgres URL", "mysql://lcore@127.0.0.1/x"],
  ] as const) {
    it(`exits non-zero with one clear line when the database URL is ${why}`, async () => {
      const { code, stderr } = await runServer({
        LCORE_NODE_RPC_URL: "http://127.0.0.1:1",
        LCORE_NODE_PRIVATE_KEY: HARDHAT_ACCOUNT_0_KEY,
        LCORE_NODE_CONTRACT_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        LCORE_NODE_DATABASE_URL: url,
        LCORE_NODE_MASTER_SECRET: TEST_MASTER_SECRET,
        LCORE_NODE_API_TOKEN: TEST_TOKEN,
        LCORE_NODE_LOG_LEVEL: "silent",
      });
      expect(code).to.not.equal(0);
      const lines = stderr.trim().split("\n");
      expect(lines, stderr).to.have.length(1);
      expect(lines[0]).to.match(/^lcore-node: /).and.match(/LCORE_NODE_DATABASE_URL|database is unavailable/);
    });
  }

  it("survives the server dropping a connection that is checked out between queries, and answers again after", async () => {
    const store = await openStore({ path: ":memory:", databaseUrl: await pg.createDatabase("dropped"), instanceId: "A" });
    try {
      const held = await store.pool!.connect();
      pg.stop(); // the server terminates every connection, the held one included
      await new Promise((r) => setTimeout(r, 200));
      let refused: unknown;
      await store.ping().catch((e: unknown) => (refused = e));
      expect((refused as { code?: string }).code).to.equal("DATABASE_UNAVAILABLE");
      held.release(true);
      pg.start();
      await store.ping();
    } finally {
      await store.close();
    }
  });

  it("refuses readings with 503 while PostgreSQL is down, reports degraded, and recovers when it is back", async () => {
    const connection = await network.create();
    const processor = await deployProcessor(connection);
    const databaseUrl = await pg.createDatabase("outage");
    let node: LcoreNode | undefined;
    try {
      node = await createNode({
        chain: processor.clients,
        databaseUrl,
        masterSecret: TEST_MASTER_SECRET,
        apiToken: TEST_TOKEN,
        logLevel: "silent",
        devicePerSecond: 0,
        committer: { pollIntervalMs: 10, backoff: { baseMs: 10, maxMs: 100 } },
      });
      const keys = generateDeviceKeyPair();
      await node.registerDevice({ device_id: "PG_OUT", public_key: keys.publicKey });
      const post = (counter: number) =>
        node!.app.inject({ method: "POST", url: "/device/data", payload: signReading({ deviceId: "PG_OUT", counter, data: `r${counter}`, privateKey: keys.privateKey }) });
      expect((await post(1)).statusCode).to.equal(202);

      pg.stop();
      const refused = await post(2);
      expect(refused.statusCode, refused.body).to.equal(503);
      expect((refused.json() as { error: string }).error).to.equal("DATABASE_UNAVAILABLE");
      const health = await node.app.inject({ method: "GET", url: "/health" });
      expect(health.statusCode).to.equal(503);
      expect(health.json()).to.deep.include({ status: "degraded" });
      expect((health.json() as { database: { ok: boolean } }).database.ok).to.equal(false);
      // The JWS SDK's health check says the same.
      expect((await node.app.inject({ method: "GET", url: "/healthcheck" })).statusCode).to.equal(503);

      pg.start();
      // The refused counter was never stored: the device sends it again and it is accepted.
      let again = await post(2);
      for (let i = 0; i < 50 && again.statusCode === 503; i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await post(2);
      }
      expect(again.statusCode, again.body).to.equal(202);
      expect((await post(3)).statusCode).to.equal(202);
      expect((await node.app.inject({ method: "GET", url: "/health" })).json()).to.deep.include({ status: "ok" });
      expect(await node.outbox.drain({ timeoutMs: 30_000 })).to.equal(true);
      expect(Number(await sqlValue(node.store, "SELECT COUNT(*) FROM readings WHERE status = 'committed'"))).to.equal(3);
      const report = await node.verify();
      expect(report.verified).to.equal(3);
      expect(report.mismatches).to.deep.equal([]);
    } finally {
      await node?.close();
      await connection.close();
    }
  });
});
