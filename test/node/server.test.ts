// The server entry point: configured from LCORE_NODE_* only, listens on
// 127.0.0.1, generates the master secret and operator token files (0600) when
// none are given and logs their paths, never the secrets; exits 0 on SIGTERM.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { deployProcessor } from "./helpers/deploy-processor.js";
import { HARDHAT_ACCOUNT_0_KEY, serveChain } from "./helpers/serve-chain.js";
import { spawnNodeServer } from "./helpers/spawn-node-server.js";

describe("node server entry point", function () {
  this.timeout(120_000);

  it("starts from the environment, answers /health on 127.0.0.1, keeps secrets out of the log, stops on SIGTERM", async () => {
    const connection = await network.create();
    const processor = await deployProcessor(connection);
    const chain = await serveChain(connection.provider);
    const dir = mkdtempSync(join(tmpdir(), "lcore-server-"));
    const server = spawnNodeServer(dir, {
      LCORE_NODE_RPC_URL: chain.url,
      LCORE_NODE_PRIVATE_KEY: HARDHAT_ACCOUNT_0_KEY,
      LCORE_NODE_CONTRACT_ADDRESS: processor.address,
      LCORE_NODE_PORT: "0",
      LCORE_NODE_MASTER_SECRET: "",
      LCORE_NODE_API_TOKEN: "",
    });
    try {
      const url = await server.url();
      expect(url, server.log()).to.be.a("string");
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
      expect(health.status).to.equal("ok");

      const secretPath = join(dir, ".lcore", "master.key");
      const tokenPath = join(dir, ".lcore", "api-token");
      expect(statSync(secretPath).mode & 0o777).to.equal(0o600);
      expect(statSync(tokenPath).mode & 0o777).to.equal(0o600);
      const secret = readFileSync(secretPath, "utf8").trim();
      const token = readFileSync(tokenPath, "utf8").trim();
      const log = server.log();
      expect(log).to.include("generated a random one into this file");
      expect(log).to.not.include(secret);
      expect(log).to.not.include(token);
      expect(log).to.not.include(HARDHAT_ACCOUNT_0_KEY.slice(2));

      server.child.kill("SIGTERM");
      expect(await server.exited).to.equal(0);
    } finally {
      server.kill();
      await chain.close();
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
