// Smoke test of the workspace: the in-process network starts and mines.
import { expect } from "chai";
import { network } from "hardhat";

describe("workspace", () => {
  it("starts the in-process network and sends a value transfer", async () => {
    const { viem } = await network.create();
    const [alice, bob] = await viem.getWalletClients();
    const pub = await viem.getPublicClient();
    const before = await pub.getBalance({ address: bob!.account.address });
    const hash = await alice!.sendTransaction({ to: bob!.account.address, value: 1n });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(await pub.getBalance({ address: bob!.account.address })).to.equal(before + 1n);
  });
});
