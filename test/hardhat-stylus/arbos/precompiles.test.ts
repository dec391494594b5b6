// The ArbOS precompiles ArbSys 0x64, ArbGasInfo 0x6c, ArbOwnerPublic 0x6b and
// NodeInterface 0xc8 driven over JSON-RPC with viem as a user would (calls,
// estimates, a mined withdrawal), their ABI checked against Nitro's Solidity
// interfaces in @arbitrum/nitro-contracts, and the ArbOS-version gate and the
// parent-chain price model checked on the modules themselves.
import type { NetworkConnection } from "hardhat/types/network";

import { createRequire } from "node:module";

import { expect } from "chai";
import { network } from "hardhat";
import {
  decodeEventLog,
  encodeFunctionData,
  hexToBytes,
  parseAbi,
  parseEther,
  toFunctionSelector,
  type Abi,
  type AbiFunction,
  type Address,
  type PublicClient,
  type WalletClient,
} from "viem";

import { ARBGASINFO_ADDRESS, createArbGasInfo } from "../../../hardhat-stylus/src/internal/arbos/arb-gas-info.js";
import { ARBOWNERPUBLIC_ADDRESS, createArbOwnerPublic } from "../../../hardhat-stylus/src/internal/arbos/arb-owner-public.js";
import { applyL1ToL2Alias, ARBSYS_ADDRESS, createArbSys } from "../../../hardhat-stylus/src/internal/arbos/arb-sys.js";
import { INITIAL_PRICE_PER_UNIT_WEI, parentChainCost } from "../../../hardhat-stylus/src/internal/arbos/l1-pricing.js";
import { createNodeInterface, fakeTransactionBytes, NODE_INTERFACE_ADDRESS } from "../../../hardhat-stylus/src/internal/arbos/node-interface.js";
import type { DefinedPrecompile } from "../../../hardhat-stylus/src/internal/arbos/precompile-kit.js";
import { createArbOsPrecompiles, DEFAULT_CHAIN_OWNER } from "../../../hardhat-stylus/src/internal/arbos/registry.js";
import type { ArbOsCallContext, ArbOsPrecompile } from "../../../hardhat-stylus/src/internal/arbos/types.js";

const require = createRequire(import.meta.url);
const nitroAbi = (path: string): Abi =>
  (require(`@arbitrum/nitro-contracts/build/contracts/src/${path}.json`) as { abi: Abi }).abi;

const arbSysAbi = nitroAbi("precompiles/ArbSys.sol/ArbSys");
const arbGasInfoAbi = nitroAbi("precompiles/ArbGasInfo.sol/ArbGasInfo");
const arbOwnerPublicAbi: Abi = [
  ...nitroAbi("precompiles/ArbOwnerPublic.sol/ArbOwnerPublic"),
  // ArbOS 60 (nitro-contracts 3.2 predates it).
  ...parseAbi(["function getMaxStylusContractFragments() view returns (uint8)"]),
];
const nodeInterfaceAbi = nitroAbi("node-interface/NodeInterface.sol/NodeInterface");

/** Calls a module directly (no chain): an in-memory state, block 10 at base fee 1 gwei. */
async function callModule(precompile: ArbOsPrecompile, data: `0x${string}`, extra: Partial<ArbOsCallContext> = {}) {
  const storage = new Map<string, `0x${string}`>();
  return await precompile.call({
    address: precompile.address,
    caller: DEFAULT_CHAIN_OWNER,
    origin: DEFAULT_CHAIN_OWNER,
    value: 0n,
    calldata: hexToBytes(data),
    isStatic: false,
    gasLimit: 1_000_000n,
    gasPrice: 1_000_000_000n,
    chainId: 31337n,
    block: { number: 10n, timestamp: 1n, baseFee: 1_000_000_000n, gasLimit: 30_000_000n, coinbase: DEFAULT_CHAIN_OWNER },
    state: {
      getStorage: async (_a, slot) => storage.get(slot) ?? `0x${"0".repeat(64)}`,
      setStorage: async (_a, slot, value) => void storage.set(slot, value),
      getBalance: async () => 0n,
      getCode: async () => "0x",
      getNonce: async () => 0n,
    },
    ...extra,
  });
}

describe("hardhat-stylus ArbOS precompiles", function () {
  let connection: NetworkConnection;
  let client: PublicClient;
  let wallet: WalletClient;
  let sender: Address;

  before(async function () {
    connection = await network.create();
    client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    const wallets = (await connection.viem.getWalletClients()) as unknown as WalletClient[];
    wallet = wallets[0]!;
    sender = wallet.account!.address;
  });

  after(async function () {
    await connection.close();
  });

  it("has Nitro's ABI: every method's selector and outputs are those of nitro-contracts' interface", function () {
    const options = { arbOsVersion: 60, chainOwner: DEFAULT_CHAIN_OWNER };
    const modules: Array<[DefinedPrecompile, Abi, number]> = [
      [createArbSys(options), arbSysAbi, 12],
      [createArbGasInfo(options), arbGasInfoAbi, 27],
      [createArbOwnerPublic(options), arbOwnerPublicAbi, 13],
      [createNodeInterface(options), nodeInterfaceAbi, 7],
    ];
    const registry = createArbOsPrecompiles(options);
    for (const [module, abi, count] of modules) {
      expect(registry.has(module.address.toLowerCase()), module.name).to.equal(true);
      const nitro = new Map(abi.filter((i): i is AbiFunction => i.type === "function").map((f) => [toFunctionSelector(f), f]));
      const ours = module.abi.filter((i): i is AbiFunction => i.type === "function");
      expect(ours, module.name).to.have.length(count);
      for (const fn of ours) {
        const theirs = nitro.get(toFunctionSelector(fn));
        expect(theirs, `${module.name}.${fn.name} is in Nitro's interface`).to.not.equal(undefined);
        expect(fn.outputs.map((o) => o.type), `${module.name}.${fn.name} outputs`).to.deep.equal(theirs!.outputs.map((o) => o.type));
        expect(fn.stateMutability, `${module.name}.${fn.name} mutability`).to.equal(theirs!.stateMutability);
      }
    }
  });

  it("ArbSys answers chain id, block number, ArbOS version, aliases and block hashes", async function () {
    const read = async (functionName: string, args: unknown[] = []) =>
      await client.readContract({ address: ARBSYS_ADDRESS, abi: arbSysAbi, functionName, args } as never);
    expect(await read("arbChainID")).to.equal(BigInt(await client.getChainId()));
    expect(await read("arbBlockNumber")).to.equal(await client.getBlockNumber());
    expect(await read("arbOSVersion")).to.equal(55n + 40n);
    expect(await read("getStorageGasAvailable")).to.equal(0n);
    const l1 = "0x1000000000000000000000000000000000000001" as Address;
    expect(await read("mapL1SenderContractAddressToL2Alias", [l1, l1])).to.equal("0x2111000000000000000000000000000000001112");
    expect(applyL1ToL2Alias("0xffffffffffffffffffffffffffffffffffffffff")).to.equal("0x1111000000000000000000000000000000001110");
    await wallet.sendTransaction({ account: wallet.account!, chain: wallet.chain, to: sender, value: 1n });
    const latest = await client.getBlock();
    expect(await read("arbBlockHash", [latest.number - 1n])).to.equal(latest.parentHash);
    let failed = false;
    try {
      await read("arbBlockHash", [latest.number + 5n]);
    } catch (error) {
      failed = true;
      expect(String(error)).to.match(/InvalidBlockNumber/);
    }
    expect(failed, "arbBlockHash of a future block reverts with InvalidBlockNumber").to.equal(true);
  });

  it("ArbGasInfo prices child gas from the block's base fee and parent data from the price model", async function () {
    const block = await client.getBlock();
    const prices = (await client.readContract({ address: ARBGASINFO_ADDRESS, abi: arbGasInfoAbi, functionName: "getPricesInWei" })) as bigint[];
    expect(prices[1]).to.equal(16n * INITIAL_PRICE_PER_UNIT_WEI);
    expect(prices[0]).to.equal(140n * 16n * INITIAL_PRICE_PER_UNIT_WEI);
    expect(prices[5]).to.equal(block.baseFeePerGas);
    expect(prices[3]! + prices[4]!).to.equal(block.baseFeePerGas);
    expect(await client.readContract({ address: ARBGASINFO_ADDRESS, abi: arbGasInfoAbi, functionName: "getL1BaseFeeEstimate" })).to.equal(INITIAL_PRICE_PER_UNIT_WEI);
    expect(await client.readContract({ address: ARBGASINFO_ADDRESS, abi: arbGasInfoAbi, functionName: "getL1RewardRecipient" })).to.equal(DEFAULT_CHAIN_OWNER);
    const params = (await client.readContract({ address: ARBGASINFO_ADDRESS, abi: arbGasInfoAbi, functionName: "getGasAccountingParams" })) as bigint[];
    expect(params).to.deep.equal([7_000_000n, 32_000_000n, 32_000_000n]);
    // getMaxTxGasLimit arrived in ArbOS 50: on the default ArbOS 40 it reverts as an unknown method.
    let failed = false;
    try {
      await client.readContract({ address: ARBGASINFO_ADDRESS, abi: arbGasInfoAbi, functionName: "getMaxTxGasLimit" });
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
  });

  it("ArbOwnerPublic names the chain owner; getMaxStylusContractFragments exists from ArbOS 60", async function () {
    expect(await client.readContract({ address: ARBOWNERPUBLIC_ADDRESS, abi: arbOwnerPublicAbi, functionName: "isChainOwner", args: [DEFAULT_CHAIN_OWNER] })).to.equal(true);
    expect(await client.readContract({ address: ARBOWNERPUBLIC_ADDRESS, abi: arbOwnerPublicAbi, functionName: "isChainOwner", args: [ARBSYS_ADDRESS] })).to.equal(false);
    expect(await client.readContract({ address: ARBOWNERPUBLIC_ADDRESS, abi: arbOwnerPublicAbi, functionName: "getAllChainOwners" })).to.deep.equal([DEFAULT_CHAIN_OWNER]);
    const data = encodeFunctionData({ abi: arbOwnerPublicAbi, functionName: "getMaxStylusContractFragments" });
    const v60 = createArbOsPrecompiles({ arbOsVersion: 60 }).get(ARBOWNERPUBLIC_ADDRESS.toLowerCase())!;
    const v40 = createArbOsPrecompiles({ arbOsVersion: 40 }).get(ARBOWNERPUBLIC_ADDRESS.toLowerCase())!;
    const on60 = await callModule(v60, data);
    expect(on60.success).to.equal(true);
    expect(BigInt(`0x${Buffer.from(on60.returnData).toString("hex")}`)).to.equal(2n);
    const on40 = await callModule(v40, data);
    expect(on40.success).to.equal(false);
    expect(on40.returnData).to.have.length(0);
    // A view with value, and a write in a static frame, revert as in Nitro.
    const withValue = await callModule(v60, encodeFunctionData({ abi: arbOwnerPublicAbi, functionName: "getAllChainOwners" }), { value: 1n });
    expect(withValue.success).to.equal(false);
    const sysAbi = parseAbi(["function withdrawEth(address) payable returns (uint256)"]);
    const arbSys = createArbOsPrecompiles({ arbOsVersion: 60 }).get(ARBSYS_ADDRESS.toLowerCase())!;
    const staticWrite = await callModule(arbSys, encodeFunctionData({ abi: sysAbi, functionName: "withdrawEth", args: [sender] }), { isStatic: true });
    expect(staticWrite.success).to.equal(false);
  });

  it("NodeInterface splits an estimate into child execution gas and the parent-chain share", async function () {
    const to = "0x00000000000000000000000000000000000000aa" as Address;
    const data = "0x1234567890" as const;
    const block = await client.getBlock();
    const { result } = await client.simulateContract({
      account: sender,
      address: NODE_INTERFACE_ADDRESS,
      abi: nodeInterfaceAbi,
      functionName: "gasEstimateComponents",
      args: [to, false, data],
    } as never) as { result: [bigint, bigint, bigint, bigint] };
    const [total, forL1, baseFee, l1BaseFee] = result;
    const execution = await client.estimateGas({ account: sender, to, data });
    expect(forL1 > 0n, "parent-chain gas is non-zero").to.equal(true);
    expect(total).to.equal(execution + forL1);
    expect(l1BaseFee).to.equal(INITIAL_PRICE_PER_UNIT_WEI);
    // ArbOS's base fee: the block's, never below the 0.1 gwei minimum.
    expect(baseFee).to.equal(block.baseFeePerGas! > 100_000_000n ? block.baseFeePerGas : 100_000_000n);
    // Nitro's formula: padded units of the fake transaction × price × 110 %, at 7/8 of the base fee.
    const nonce = BigInt(await client.getTransactionCount({ address: sender }));
    const poster = parentChainCost(fakeTransactionBytes(BigInt(await client.getChainId()), { nonce, to, value: 0n, data }), baseFee!, undefined, { estimate: true }).posterCost;
    let price = (baseFee! * 7n) / 8n;
    if (price < 100_000_000n) price = 100_000_000n;
    expect(forL1).to.equal((poster * 11_000n) / 10_000n / price);

    const l1Only = await client.simulateContract({
      account: sender,
      address: NODE_INTERFACE_ADDRESS,
      abi: nodeInterfaceAbi,
      functionName: "gasEstimateL1Component",
      args: [to, false, data],
    } as never) as { result: [bigint, bigint, bigint] };
    expect(l1Only.result[0]).to.equal((poster * 11_000n) / 10_000n / baseFee!);
    // Bigger calldata costs more on the parent chain.
    const big = await client.simulateContract({
      account: sender,
      address: NODE_INTERFACE_ADDRESS,
      abi: nodeInterfaceAbi,
      functionName: "gasEstimateL1Component",
      args: [to, false, `0x${"5a17".repeat(400)}`],
    } as never) as { result: [bigint, bigint, bigint] };
    expect(big.result[0] > l1Only.result[0]).to.equal(true);
    expect(await client.readContract({ address: NODE_INTERFACE_ADDRESS, abi: nodeInterfaceAbi, functionName: "nitroGenesisBlock" })).to.equal(0n);
  });

  it("a withdrawal sent to ArbSys is mined with its L2ToL1Tx event and consecutive positions", async function () {
    const positions: bigint[] = [];
    for (let i = 0; i < 2; i++) {
      const hash = await wallet.writeContract({
        account: wallet.account!,
        chain: wallet.chain,
        address: ARBSYS_ADDRESS,
        abi: arbSysAbi,
        functionName: "withdrawEth",
        args: [sender],
        value: parseEther("0.001"),
      } as never);
      const receipt = await client.waitForTransactionReceipt({ hash });
      expect(receipt.status).to.equal("success");
      const log = receipt.logs.find((l) => l.address.toLowerCase() === ARBSYS_ADDRESS.toLowerCase());
      expect(log, "L2ToL1Tx log from 0x64").to.not.equal(undefined);
      const event = decodeEventLog({ abi: arbSysAbi, data: log!.data, topics: log!.topics }) as unknown as { eventName: string; args: { position: bigint; destination: Address; callvalue: bigint } };
      expect(event.eventName).to.equal("L2ToL1Tx");
      expect(event.args.destination.toLowerCase()).to.equal(sender.toLowerCase());
      expect(event.args.callvalue).to.equal(parseEther("0.001"));
      positions.push(event.args.position);
    }
    expect(positions[1]).to.equal(positions[0]! + 1n);
  });

});
