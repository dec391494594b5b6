// `npx hardhat node` serves Stylus programs to outside clients (plain viem
// over HTTP), and an in-process network forked from it runs the program on
// the forked storage. The node is a child process on 127.0.0.1, killed at
// the end.
import { expect } from "chai";
import { network } from "hardhat";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  http,
  keccak256,
  parseEther,
  type Address,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { counterAbi } from "../../fixtures/stylus-programs/integration/counter.js";
import { startServedDevnet, type ServedDevnet } from "../../helpers/served-hardhat-node.js";
import { counterInitCode, LOCAL_KEY } from "../helpers/counter-setup.js";

describe("hardhat-stylus on `hardhat node` and on a fork of it", function () {
  let served: ServedDevnet | undefined;
  let url: string;
  let program: Address;

  before(async function () {
    served = await startServedDevnet({ timeoutMs: 90_000 });
    url = served.url;
  });

  after(async function () {
    await served?.stop();
  });

  it("deploys, activates, writes and reads a program through plain viem over HTTP", async function () {
    const chain = defineChain({
      id: 31337,
      name: "hardhat node",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [url] } },
    });
    const pub = createPublicClient({ chain, transport: http(url) });
    const [nodeAccount] = await createWalletClient({ chain, transport: http(url) }).getAddresses();
    const nodeWallet = createWalletClient({ chain, transport: http(url), account: nodeAccount! as Address });
    const deployHash = await nodeWallet.deployContract({ abi: counterAbi, bytecode: await counterInitCode(20) });
    const deployReceipt = await pub.waitForTransactionReceipt({ hash: deployHash });
    program = deployReceipt.contractAddress!;
    expect((await pub.getCode({ address: program }))?.slice(0, 8)).to.equal("0xeff000");

    const activate = encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [program] });
    const activation = await nodeWallet.sendTransaction({ to: ARBWASM_ADDRESS, data: activate, value: parseEther("0.01") });
    expect((await pub.waitForTransactionReceipt({ hash: activation })).status).to.equal("success");

    // A raw-signing local account.
    const local = privateKeyToAccount(LOCAL_KEY);
    await pub.waitForTransactionReceipt({ hash: await nodeWallet.sendTransaction({ to: local.address, value: parseEther("1") }) });
    const localWallet = createWalletClient({ chain, transport: http(url), account: local });
    const hash = await localWallet.writeContract({ address: program, abi: counterAbi, functionName: "increment" });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(receipt.logs[0]?.address).to.equal(program);
    expect(await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(1n);
  });

  it("runs the program on a fork of the served chain, on the forked storage, without touching the origin", async function () {
    const fork = await network.create({ override: { forking: { url, enabled: true } } });
    try {
      const pub = await fork.viem.getPublicClient();
      const [wallet] = await fork.viem.getWalletClients();
      expect(await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(1n);
      const hash = await wallet!.writeContract({ address: program, abi: counterAbi, functionName: "increment" });
      expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
      expect(await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(2n);
      expect(await fork.stylus.isActivated(program)).to.equal(true);
    } finally {
      await fork.close();
    }
    const origin = createPublicClient({ transport: http(url) });
    expect(await origin.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(1n);
  });

  it("on a fork, takes a program as activated when the forked chain's ArbWasm says so (as for Nitro-activated programs)", async function () {
    const fork = await network.create({ override: { forking: { url, enabled: true } } });
    try {
      const pub = await fork.viem.getPublicClient();
      // Drop the local copy of the record: the program is then only known as active on the forked chain.
      const code = (await pub.getCode({ address: program }))!;
      const { activationSlot } = await import("../../../hardhat-stylus/src/internal/activation/activation-store.js");
      const test = await fork.viem.getTestClient();
      await test.setStorageAt({ address: ARBWASM_ADDRESS, index: activationSlot(keccak256(code)), value: `0x${"0".repeat(64)}` });
      expect(await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(1n);
      expect(await fork.stylus.isActivated(program)).to.equal(true);
    } finally {
      await fork.close();
    }
  });

  it("on a fork of the served chain with automine off: two increments share one block by evm_mine", async function () {
    const fork = await network.create({ override: { forking: { url, enabled: true } } });
    try {
      const pub = await fork.viem.getPublicClient();
      const [wallet] = await fork.viem.getWalletClients();
      const start = (await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })) as bigint;
      await fork.provider.request({ method: "evm_setAutomine", params: [false] });
      const data = encodeFunctionData({ abi: counterAbi, functionName: "increment" });
      const hashes = [await wallet!.sendTransaction({ to: program, data }), await wallet!.sendTransaction({ to: program, data })];
      await fork.provider.request({ method: "evm_mine", params: [] });
      const receipts = await Promise.all(hashes.map(async (hash) => await pub.getTransactionReceipt({ hash })));
      expect(receipts.map((r) => r.status)).to.deep.equal(["success", "success"]);
      expect(receipts[0]!.blockNumber).to.equal(receipts[1]!.blockNumber);
      expect(await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(start + 2n);
    } finally {
      await fork.close();
    }
  });

  it("with automine off over HTTP: two increments share one block by evm_mine, interval mining mines without requests", async function () {
    const client = createPublicClient({ transport: http(url) });
    const send = async (method: string, params: unknown[] = []): Promise<unknown> =>
      await client.request({ method: method as never, params: params as never });
    const [from] = (await send("eth_accounts")) as Address[];
    const data = encodeFunctionData({ abi: counterAbi, functionName: "increment" });
    const start = (await client.readContract({ address: program, abi: counterAbi, functionName: "get" })) as bigint;
    await send("evm_setAutomine", [false]);
    try {
      const first = (await send("eth_sendTransaction", [{ from, to: program, data }])) as `0x${string}`;
      const second = (await send("eth_sendTransaction", [{ from, to: program, data }])) as `0x${string}`;
      await send("evm_mine");
      const [a, b] = await Promise.all([client.getTransactionReceipt({ hash: first }), client.getTransactionReceipt({ hash: second })]);
      expect([a.status, b.status]).to.deep.equal(["success", "success"]);
      expect(a.blockNumber).to.equal(b.blockNumber);
      expect(await client.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(start + 2n);

      const third = (await send("eth_sendTransaction", [{ from, to: program, data }])) as `0x${string}`;
      await send("evm_setIntervalMining", [100]);
      const receipt = await client.waitForTransactionReceipt({ hash: third, pollingInterval: 50, timeout: 10_000 });
      expect(receipt.status).to.equal("success");
      expect(await client.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(start + 3n);
    } finally {
      await send("evm_setIntervalMining", [0]);
      await send("evm_setAutomine", [true]);
    }
  });
});
