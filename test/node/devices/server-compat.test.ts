// The server entry point with LCORE_NODE_COMPAT=m1: it logs a warning at
// start, serves the M1 shapes on loopback, and refuses (exit 1, a message
// that says how to allow it) a non-loopback LCORE_NODE_HOST.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { deployProcessor } from "../helpers/deploy-processor.js";
import { HARDHAT_ACCOUNT_0_KEY, serveChain } from "../helpers/serve-chain.js";
import { spawnNodeServer } from "../helpers/spawn-node-server.js";

describe("node server with LCORE_NODE_COMPAT=m1", function () {
  this.timeout(120_000);

  it("warns at start, serves M1 on loopback, and refuses a public bind", async () => {
    const connection = await network.create();
    const processor = await deployProcessor(connection);
    const chain = await serveChain(connection.provider);
    const dir = mkdtempSync(join(tmpdir(), "lcore-server-compat-"));
    const start = (host: string | undefined) =>
      spawnNodeServer(dir, {
        LCORE_NODE_RPC_URL: chain.url,
        LCORE_NODE_PRIVATE_KEY: HARDHAT_ACCOUNT_0_KEY,
        LCORE_NODE_CONTRACT_ADDRESS: processor.address,
        LCORE_NODE_PORT: "0",
        LCORE_NODE_COMPAT: "m1",
        // given, so the two children do not race to generate .lcore/ files
        LCORE_NODE_MASTER_SECRET: "22".repeat(32),
        LCORE_NODE_API_TOKEN: "server-compat-token-0123456789",
        LCORE_NODE_HOST: host ?? "",
        LCORE_NODE_DB_PATH: join(dir, `${host ?? "loopback"}.db`),
      });
    const publicBind = start("0.0.0.0");
    const loopback = start(undefined);
    try {
      expect(await publicBind.exited).to.equal(1);
      expect(publicBind.log()).to.include("Refusing to listen on 0.0.0.0");
      expect(publicBind.log()).to.include("LCORE_NODE_COMPAT_ALLOW_PUBLIC=1");

      const url = await loopback.url();
      expect(url, loopback.log()).to.be.a("string");
      expect(loopback.log()).to.include("--compat m1: POST /device/register and /device/data also accept the predecessor's unsigned requests");
      const reg = await fetch(`${url}/device/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ device_id: "demo_001" }) });
      expect(reg.status).to.equal(201);
      expect(await reg.json()).to.include({ success: true });
      loopback.child.kill("SIGTERM");
      expect(await loopback.exited).to.equal(0);
    } finally {
      for (const p of [publicBind, loopback]) p.kill();
      await chain.close();
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
