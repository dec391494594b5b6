// The deploy task on the in-process network: deploy, record, idempotent re-run, redeploy, errors.
import { expect } from "chai";
import hre from "hardhat";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { DeployProcessorReturnType } from "../../tasks/deploy/deploy-processor.js";
import { stylusVersion } from "../../tasks/shared/arbwasm.js";
import { openChainContext } from "../../tasks/shared/chain-context.js";
import { stylusArtifactExists } from "../../tasks/shared/processor-artifact.js";

import { expectTaskError } from "./helpers.js";

process.env.LCORE_TASKS_SILENT = "1";

const deploy = (args: Record<string, unknown>) => hre.tasks.getTask("deploy").run({ build: "never", ...args }) as Promise<DeployProcessorReturnType>;

describe("tasks/deploy", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "deploy-"));
  });

  it("deploys, initialises the owner, adds the IoT operators as submitters and records it", async () => {
    const result = await deploy({ deployments: dir });
    expect(result.reused).to.equal(false);
    const ctx = await openChainContext(hre);
    const { record } = result;
    expect(record.chainId).to.equal(31337);
    expect(record.owner.toLowerCase()).to.equal(ctx.deployerAddress.toLowerCase());
    expect(record.submitters).to.have.length(3);
    const abi = (await import("../../contracts-stylus/artifacts/abi.js")).mvpIoTProcessorAbi;
    for (const s of record.submitters) {
      expect(await ctx.publicClient.readContract({ address: record.address, abi, functionName: "isSubmitter", args: [s] })).to.equal(true);
    }
    const onDisk = JSON.parse(await readFile(result.recordFile, "utf8"));
    expect(onDisk.deployments.MVPIoTProcessor.address).to.equal(record.address);
    expect(onDisk.deployments.MVPIoTProcessor.codeHash).to.match(/^0x[0-9a-f]{64}$/);
    const expected = (await stylusVersion(ctx.publicClient)) !== undefined && stylusArtifactExists(hre) ? "stylus" : "evm";
    expect(record.runtime).to.equal(expected);
  });

  it("reuses a matching deployment and sends nothing on a second run", async () => {
    const first = await deploy({ deployments: dir });
    const second = await deploy({ deployments: dir });
    expect(second.reused).to.equal(true);
    expect(second.record.address).to.equal(first.record.address);
    expect(second.steps.every((s) => s.gasUsed === 0n)).to.equal(true);
  });

  it("deploys a new instance with --redeploy and adds explicit submitters", async () => {
    const first = await deploy({ deployments: dir });
    const extra = "0x00000000000000000000000000000000000000e1";
    const again = await deploy({ deployments: dir, redeploy: true, submitters: extra });
    expect(again.reused).to.equal(false);
    expect(again.record.address).to.not.equal(first.record.address);
    expect(again.record.submitters.map((s) => s.toLowerCase())).to.deep.equal([extra]);
  });

  it("fails with one clear line on bad options", async () => {
    await expectTaskError(deploy({ deployments: dir, runtime: "wasm" }), /--runtime "wasm" is not one of auto, stylus, evm/);
    await expectTaskError(deploy({ deployments: dir, build: "sometimes" }), /--build "sometimes"/);
    await expectTaskError(deploy({ deployments: dir, submitters: "0x1234" }), /not an address/);
  });
});

describe("tasks/deploy on the Stylus runtime", function () {
  this.timeout(120_000);

  it("activates once per code hash: a redeploy of the same code skips activation", async function () {
    const ctx = await openChainContext(hre);
    if ((await stylusVersion(ctx.publicClient)) === undefined || !stylusArtifactExists(hre)) this.skip();
    const dir = await mkdtemp(join(tmpdir(), "deploy-stylus-"));
    const first = await deploy({ deployments: dir, runtime: "stylus", redeploy: true });
    expect(first.record.runtime).to.equal("stylus");
    const code = await ctx.publicClient.getCode({ address: first.record.address });
    expect(code!.startsWith("0xeff000")).to.equal(true);
    expect(first.record.activation!.stylusVersion).to.be.a("number");
    const second = await deploy({ deployments: dir, runtime: "stylus", redeploy: true });
    expect(second.record.address).to.not.equal(first.record.address);
    expect(second.record.activation!.alreadyActive).to.equal(true);
    expect(second.steps.find((s) => s.step === "activate")!.txHash).to.equal(undefined);
    const abi = (await import("../../contracts-stylus/artifacts/abi.js")).mvpIoTProcessorAbi;
    expect((await ctx.publicClient.readContract({ address: second.record.address, abi, functionName: "owner" })).toLowerCase()).to.equal(ctx.deployerAddress.toLowerCase());
  });
});
