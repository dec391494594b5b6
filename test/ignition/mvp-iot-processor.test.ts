// The Ignition module deploys, activates and initialises the Stylus program
// on the in-process chain (needs hardhat-stylus and the committed artifact).
import { expect } from "chai";
import { network } from "hardhat";
import { existsSync } from "node:fs";

import { mvpIoTProcessorAbi } from "../../contracts-stylus/artifacts/abi.js";
import { codehashVersion, stylusVersion } from "../../tasks/shared/arbwasm.js";

const ARTIFACT = new URL("../../contracts-stylus/artifacts/MVPIoTProcessor.deployed.hex", import.meta.url);

describe("ignition/modules/MVPIoTProcessor", function () {
  this.timeout(120_000);

  it("deploys the Stylus code, activates it, sets owner and submitter", async function () {
    const connection = await network.create();
    const publicClient = await connection.viem.getPublicClient();
    if (!existsSync(ARTIFACT) || (await stylusVersion(publicClient as never)) === undefined) {
      this.skip(); // no Stylus artifact or no Stylus runtime in this checkout
    }
    const { default: MVPIoTProcessorModule } = await import("../../ignition/modules/MVPIoTProcessor.js");
    const [, submitter] = await connection.viem.getWalletClients();
    const { processor } = await connection.ignition.deploy(MVPIoTProcessorModule, {
      parameters: { MVPIoTProcessor: { submitter: submitter!.account.address } },
    });
    const code = await publicClient.getCode({ address: processor.address });
    expect(code!.startsWith("0xeff000")).to.equal(true);
    const { keccak256 } = await import("viem");
    expect(await codehashVersion(publicClient as never, keccak256(code!))).to.be.a("number");
    const [owner] = await connection.viem.getWalletClients();
    expect((await publicClient.readContract({ address: processor.address, abi: mvpIoTProcessorAbi, functionName: "owner" })).toLowerCase()).to.equal(owner!.account.address.toLowerCase());
    expect(await publicClient.readContract({ address: processor.address, abi: mvpIoTProcessorAbi, functionName: "isSubmitter", args: [submitter!.account.address] })).to.equal(true);
  });
});
