// The server entry point: configured from LCORE_NODE_* only, listens on
// 127.0.0.1, generates the master secret and operator token files (0600) when
// none are given and logs their paths, never the secrets; exits 0 on SIGTERM.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { network } from "hardhat";

import { deployProcessor } from "./helpers/deploy-processor.js";
import { HARDHAT_ACCOUNT_0_KEY, serveChain } from "./helpers/serve-chain.js";

const SERVER = fileURLToPath(new URL("../../node/src/server.ts", import.meta.url));

describe("node server entry point", function () {
  this.timeout(120_000);

  it("starts from the environment, answers /health on 127.0.0.1, keeps secrets out of the log, stops on SIGTERM", async () => {
    const connection = await network.create();
    const processor = await deployProcessor(connection);
    const chain = await serveChain(connection.provider);
    const dir = mkdtempSync(join(tmpdir(), "lcore-server-"));
    // tsx by absolute URL: the child runs in a temp directory (where the default .lcore/ files go).
    const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), SERVER], {
      cwd: dir,
      env: {
        ...process.env,
        LCORE_NODE_RPC_URL: chain.url,
        LCORE_NODE_PRIVATE_KEY: HARDHAT_ACCOUNT_0_KEY,
        LCORE_NODE_CONTRACT_ADDRESS: processor.address,
        LCORE_NODE_PORT: "0",
        LCORE_NODE_MASTER_SECRET: "",
        LCORE_NODE_API_TOKEN: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      let url: string | undefined;
      for (let i = 0; i < 600 && url === undefined; i++) {
        url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(log)?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(url, log).to.be.a("string");
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
      expect(health.status).to.equal("ok");

      const secretPath = join(dir, ".lcore", "master.key");
      const tokenPath = join(dir, ".lcore", "api-token");
      expect(statSync(secretPath).mode & 0o777).to.equal(0o600);
      expect(statSync(tokenPath).mode & 0o777).to.equal(0o600);
      const secret = readFileSync(secretPath, "utf8").trim();
      const token = readFileSync(tokenPath, "utf8").trim();
      expect(log).to.include("generated a random one into this file");
      expect(log).to.not.include(secret);
      expect(log).to.not.include(token);
      expect(log).to.not.include(HARDHAT_ACCOUNT_0_KEY.slice(2));

      child.kill("SIGTERM");
      expect(await exited).to.equal(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await chain.close();
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
