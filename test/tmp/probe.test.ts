import { network } from "hardhat";
describe("probe", function () {
  it("automine on with pending", async function () {
    const c = await network.create();
    const p = c.provider;
    const accts = (await p.request({ method: "eth_accounts" })) as string[];
    await p.request({ method: "evm_setAutomine", params: [false] });
    const h1 = await p.request({ method: "eth_sendTransaction", params: [{ from: accts[0], to: accts[5], value: "0x1", gas: "0x5208" }] });
    await p.request({ method: "evm_setAutomine", params: [true] });
    const pend = (await p.request({ method: "eth_getBlockByNumber", params: ["pending", false] })) as any;
    console.log("pending after automine on", pend.transactions);
    const h2 = await p.request({ method: "eth_sendTransaction", params: [{ from: accts[1], to: accts[5], value: "0x1", gas: "0x5208" }] });
    const b = (await p.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as any;
    console.log("latest", b.number, b.transactions, h1, h2);
    const b1 = (await p.request({ method: "eth_getBlockByNumber", params: ["0x1", false] })) as any;
    console.log("block1", b1?.transactions);
    const hm = await p.request({ method: "hardhat_mine", params: [] });
    console.log("hardhat_mine result", hm, await p.request({ method: "evm_mine", params: [] }));
    await c.close();
  });
});
