// The tasks on a configured non-local network (`--network nitro`, chain id
// 412346), here a chain served on 127.0.0.1 with that chain id: keys come
// only from configuration variables, nothing is deployed or funded behind
// the user's back, and every missing piece fails with one line.
import { expect } from "chai";
import hre from "hardhat";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { JsonRpcServer } from "hardhat/types/network";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { DeployProcessorReturnType } from "../../tasks/deploy/deploy-processor.js";
import type { FundResult } from "../../tasks/fund/task-action.js";
import type { RunStressReturnType } from "../../tasks/stress/engine/run-stress.js";

import { HARDHAT_TEST_MNEMONIC } from "../../tasks/shared/wallet-set.js";
import { expectTaskError } from "./helpers.js";

process.env.LCORE_TASKS_SILENT = "1";

/** Hardhat's public account #0 key: throwaway, used here as the "configured" deployer. */
const PUBLIC_TEST_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

describe("tasks on a configured network (nitro, chain 412346)", function () {
  this.timeout(180_000);
  let server: JsonRpcServer;
  let remote: HardhatRuntimeEnvironment;
  let dir: string;

  before(async () => {
    process.env.NITRO_PRIVATE_KEY = PUBLIC_TEST_KEY;
    server = await hre.network.createServer({ network: "default", override: { chainId: 412346 } }, "127.0.0.1", 0);
    const { port } = await server.listen();
    const { default: userConfig } = await import("../../hardhat.config.js");
    const nitro = { ...(userConfig.networks!.nitro as object), url: `http://127.0.0.1:${port}` };
    remote = await createHardhatRuntimeEnvironment({ ...userConfig, networks: { ...userConfig.networks, nitro: nitro as never } }, { network: "nitro" }, hre.config.paths.root);
    dir = await mkdtemp(join(tmpdir(), "nitro-"));
  });
  after(async () => {
    delete process.env.NITRO_PRIVATE_KEY;
    delete process.env.LCORE_WALLET_MNEMONIC;
    await server.close();
  });

  it("needs a wallet mnemonic to fund, and the recorded deployment to stress", async () => {
    delete process.env.LCORE_WALLET_MNEMONIC;
    await expectTaskError(remote.tasks.getTask("fund").run({ dryRun: true }), /needs a wallet mnemonic: run `npx hardhat keystore set LCORE_WALLET_MNEMONIC`/);
    await expectTaskError(remote.tasks.getTask("stress").run({ duration: 1, port: 0, deployments: dir }), /no MVPIoTProcessor deployment recorded for chain 412346; run `npx hardhat deploy --network nitro` first/);
  });

  it("deploys, funds with the configured mnemonic, then stresses the recorded deployment", async () => {
    const deployed = (await remote.tasks.getTask("deploy").run({ build: "never", deployments: dir })) as DeployProcessorReturnType;
    expect(deployed.record.chainId).to.equal(412346);
    expect(deployed.record.submitters).to.have.length(0); // no mnemonic yet: no default submitters
    process.env.LCORE_WALLET_MNEMONIC = HARDHAT_TEST_MNEMONIC;
    await expectTaskError(remote.tasks.getTask("stress").run({ duration: 1, port: 0, deployments: dir }), /hold less than .* run `npx hardhat fund --network nitro` first/);
    const funded = (await remote.tasks.getTask("fund").run({})) as FundResult;
    expect(funded.keySource).to.equal("configuration-variable");
    expect(funded.target).to.equal(10n ** 16n); // 0.01 ETH default off local chains
    const again = (await remote.tasks.getTask("deploy").run({ build: "never", deployments: dir })) as DeployProcessorReturnType;
    expect(again.reused).to.equal(true);
    expect(again.record.submitters).to.have.length(3); // the IoT operators, now that the mnemonic is set
    const { report } = (await remote.tasks.getTask("stress").run({ profile: "max", duration: 3, devices: 2, concurrency: 2, port: 0, plain: true, deployments: dir, report: join(dir, "r.json") })) as RunStressReturnType;
    expect(report.run.chainId).to.equal(412346);
    expect(report.workloads.payments.confirmed).to.be.greaterThan(0);
    expect(report.iot.readings_committed).to.be.greaterThan(0);
  });
});
