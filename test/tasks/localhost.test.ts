// The tasks against `--network localhost`: a chain served over HTTP on
// 127.0.0.1 (as `npx hardhat node` does), driven through a second HRE whose
// localhost network points at it. Same code path as kcchain / nitro: plain
// JSON-RPC, remote accounts.
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
import type { StylusVerifyResult } from "../../tasks/stylus-verify/task-action.js";

process.env.LCORE_TASKS_SILENT = "1";

describe("tasks on --network localhost", function () {
  this.timeout(180_000);
  let server: JsonRpcServer;
  let local: HardhatRuntimeEnvironment;

  before(async () => {
    server = await hre.network.createServer("default", "127.0.0.1", 0);
    const { port } = await server.listen();
    const { default: userConfig } = await import("../../hardhat.config.js");
    local = await createHardhatRuntimeEnvironment(
      { ...userConfig, networks: { ...userConfig.networks, localhost: { type: "http", chainType: "generic", url: `http://127.0.0.1:${port}` } } },
      { network: "localhost" },
      hre.config.paths.root,
    );
  });
  after(async () => {
    await server.close();
  });

  it("deploys, funds, stresses and checks the code over HTTP", async () => {
    const dir = await mkdtemp(join(tmpdir(), "localhost-"));
    const deployed = (await local.tasks.getTask("deploy").run({ build: "never", deployments: dir })) as DeployProcessorReturnType;
    expect(deployed.record.network).to.equal("localhost");
    const funded = (await local.tasks.getTask("fund").run({ target: "2" })) as FundResult;
    expect(funded.balances.every((b) => b.balance >= funded.threshold)).to.equal(true);
    const { report } = (await local.tasks.getTask("stress").run({ profile: "max", duration: 3, devices: 2, concurrency: 2, port: 0, plain: true, report: join(dir, "r.json") })) as RunStressReturnType;
    expect(report.run.network).to.equal("localhost");
    expect(report.iot.readings_committed).to.be.greaterThan(0);
    expect(report.all_targets_met).to.equal(true);
    const verified = (await local.tasks.getTask("stylus-verify").run({ address: report.contract.address, explorer: "none", skipSource: true })) as StylusVerifyResult;
    expect(verified.local!.matches).to.equal(true);
  });
});
