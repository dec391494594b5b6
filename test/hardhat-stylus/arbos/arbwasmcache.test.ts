// ArbWasmCache (0x72), CacheManager and StylusDeployer on the in-process
// network, driven with viem as a user would: the predeploys a Nitro dev node
// has, Nitro's cache semantics (managers only, activation required, events,
// idempotence, eviction), errors for bad input, and the cheaper start-up of a
// cached program.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import {
  decodeEventLog,
  encodeErrorResult,
  encodeFunctionData,
  keccak256,
  parseAbi,
  parseEther,
  type Address,
  type Hex,
} from "viem";

import { loadMvpIoTProcessorArtifact } from "../../../contracts-stylus/artifacts/index.js";
import { validateStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/validate.js";
import { ARBWASMCACHE_ADDRESS, arbWasmCacheAbi } from "../../../hardhat-stylus/src/internal/arbos/arbwasmcache-abi.js";
import { ChainRpc } from "../../../hardhat-stylus/src/internal/chain/chain-rpc.js";
import { CACHE_MANAGER_ADDRESS, STYLUS_DEPLOYER_ADDRESS } from "../../../hardhat-stylus/src/internal/predeploys/addresses.js";
import { installNitroPredeploys } from "../../../hardhat-stylus/src/internal/predeploys/install-predeploys.js";
import { nitroDeployedBytecode } from "../../../hardhat-stylus/src/internal/predeploys/nitro-artifacts.js";
import { deployCounter } from "../helpers/counter-setup.js";

const cacheManagerAbi = parseAbi([
  "function cacheSize() view returns (uint64)",
  "function queueSize() view returns (uint64)",
  "function isPaused() view returns (bool)",
  "function getMinBid(uint64 size) view returns (uint192)",
]);
const arbWasmErrors = parseAbi(["error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion)"]);

type Connection = NetworkConnection;

describe("ArbWasmCache (0x72), CacheManager and StylusDeployer", function () {
  let connection: Connection;
  let program: Address;

  before(async function () {
    connection = await network.create();
    program = await deployCounter(connection, true, 72);
  });

  after(async function () {
    await connection.close();
  });

  async function asCacheManager<T>(action: (wallet: Awaited<ReturnType<Connection["viem"]["getWalletClient"]>>) => Promise<T>): Promise<T> {
    const test = await connection.viem.getTestClient();
    await test.impersonateAccount({ address: CACHE_MANAGER_ADDRESS });
    await test.setBalance({ address: CACHE_MANAGER_ADDRESS, value: parseEther("1") });
    try {
      return await action(await connection.viem.getWalletClient(CACHE_MANAGER_ADDRESS));
    } finally {
      await test.stopImpersonatingAccount({ address: CACHE_MANAGER_ADDRESS });
    }
  }

  async function isCached(address: Address): Promise<boolean> {
    const pub = await connection.viem.getPublicClient();
    const code = (await pub.getCode({ address }))!;
    return await pub.readContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "codehashIsCached", args: [keccak256(code)] });
  }

  it("has StylusDeployer and an initialised CacheManager at a Nitro dev node's addresses from the start", async function () {
    const pub = await connection.viem.getPublicClient();
    expect(await pub.getCode({ address: STYLUS_DEPLOYER_ADDRESS })).to.equal(nitroDeployedBytecode("StylusDeployer"));
    expect(await pub.getCode({ address: CACHE_MANAGER_ADDRESS })).to.equal(nitroDeployedBytecode("CacheManager"));
    expect(await pub.readContract({ address: CACHE_MANAGER_ADDRESS, abi: cacheManagerAbi, functionName: "cacheSize" })).to.equal(4n << 30n);
    expect(await pub.readContract({ address: CACHE_MANAGER_ADDRESS, abi: cacheManagerAbi, functionName: "isPaused" })).to.equal(false);
    expect(await pub.readContract({ address: CACHE_MANAGER_ADDRESS, abi: cacheManagerAbi, functionName: "getMinBid", args: [8192n] })).to.equal(0n);
  });

  it("lists CacheManager as the only cache manager", async function () {
    const pub = await connection.viem.getPublicClient();
    expect(await pub.readContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "allCacheManagers" })).to.deep.equal([
      CACHE_MANAGER_ADDRESS,
    ]);
    const [wallet] = await connection.viem.getWalletClients();
    expect(await pub.readContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "isCacheManager", args: [CACHE_MANAGER_ADDRESS] })).to.equal(true);
    expect(await pub.readContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "isCacheManager", args: [wallet!.account.address] })).to.equal(false);
  });

  it("refuses cacheProgram from an account that is not a cache manager (burns the call's gas) and caches nothing", async function () {
    const [wallet] = await connection.viem.getWalletClients();
    const pub = await connection.viem.getPublicClient();
    const data = encodeFunctionData({ abi: arbWasmCacheAbi, functionName: "cacheProgram", args: [program] });
    let failed = false;
    try {
      await pub.call({ account: wallet!.account.address, to: ARBWASMCACHE_ADDRESS, data, gas: 200_000n });
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    const blockBefore = await pub.getBlockNumber();
    try {
      await wallet!.sendTransaction({ to: ARBWASMCACHE_ADDRESS, data, gas: 200_000n });
    } catch {
      // EDR reports the failed transaction; it is mined all the same.
    }
    const block = await pub.getBlock({ blockNumber: blockBefore + 1n, includeTransactions: true });
    const receipt = await pub.getTransactionReceipt({ hash: block.transactions[0]!.hash });
    expect(receipt.status).to.equal("reverted");
    expect(receipt.gasUsed).to.equal(200_000n);
    expect(await isCached(program)).to.equal(false);
  });

  it("caches an activated program for a cache manager, once, with Nitro's UpdateProgramCache event", async function () {
    const pub = await connection.viem.getPublicClient();
    const codehash = keccak256((await pub.getCode({ address: program }))!);
    const receipt = await asCacheManager(async (wallet) => {
      const hash = await wallet.writeContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "cacheProgram", args: [program], chain: null });
      return await pub.waitForTransactionReceipt({ hash });
    });
    expect(receipt.status).to.equal("success");
    expect(receipt.logs).to.have.length(1);
    expect(receipt.logs[0]!.address).to.equal(ARBWASMCACHE_ADDRESS);
    const event = decodeEventLog({ abi: arbWasmCacheAbi, ...receipt.logs[0]! });
    expect(event.eventName).to.equal("UpdateProgramCache");
    expect(event.args).to.deep.equal({ manager: CACHE_MANAGER_ADDRESS, codehash, cached: true });
    expect(await isCached(program)).to.equal(true);

    // Caching again changes nothing and emits nothing.
    const again = await asCacheManager(async (wallet) => {
      const hash = await wallet.writeContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "cacheProgram", args: [program], chain: null });
      return await pub.waitForTransactionReceipt({ hash });
    });
    expect(again.status).to.equal("success");
    expect(again.logs).to.have.length(0);
  });

  it("charges a cached program its cached init gas instead of its full init gas, and the full cost again after eviction", async function () {
    const pub = await connection.viem.getPublicClient();
    const artifact = loadMvpIoTProcessorArtifact();
    const { address: mvp } = await connection.stylus.deploy({ deployedCode: artifact.deployedCode });
    const info = validateStylusProgram(artifact.wasm);
    const totals = encodeFunctionData({ abi: artifact.abi, functionName: "totals" });
    const estimate = async () => await pub.estimateGas({ to: mvp, data: totals });
    const cacheCall = async (functionName: "cacheProgram" | "evictCodehash") =>
      await asCacheManager(async (manager) => {
        const args = functionName === "cacheProgram" ? ([mvp] as const) : ([artifact.codeHash] as const);
        const hash = await manager.writeContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName, args: args as never, chain: null });
        return await pub.waitForTransactionReceipt({ hash });
      });

    const uncached = await estimate();
    await cacheCall("cacheProgram");
    expect(await isCached(mvp)).to.equal(true);
    const cached = await estimate();
    // Nitro's saving for a cached program: its init cost beyond the cached cost.
    expect(uncached - cached).to.equal(BigInt(info.initGas - info.cachedInitGas));

    const evicted = await cacheCall("evictCodehash");
    expect(decodeEventLog({ abi: arbWasmCacheAbi, ...evicted.logs[0]! }).args).to.deep.include({ cached: false });
    expect(await isCached(mvp)).to.equal(false);
    expect(await estimate()).to.equal(uncached);
  });

  it("refuses to cache a program that is not activated with ArbWasm's ProgramNeedsUpgrade(0, 2)", async function () {
    const inactive = await deployCounter(connection, false, 74);
    const data = encodeFunctionData({ abi: arbWasmCacheAbi, functionName: "cacheProgram", args: [inactive] });
    const answer = (await connection.provider.request({
      method: "eth_call",
      params: [{ from: CACHE_MANAGER_ADDRESS, to: ARBWASMCACHE_ADDRESS, data }, "latest"],
    }).catch((error: { data?: Hex | { data?: Hex } }) => error)) as { data?: Hex | { data?: Hex } };
    const revertData = typeof answer.data === "string" ? answer.data : answer.data?.data;
    expect(revertData).to.equal(encodeErrorResult({ abi: arbWasmErrors, errorName: "ProgramNeedsUpgrade", args: [0, 2] }));
    expect(await isCached(inactive)).to.equal(false);
  });

  it("answers bad input as Nitro does (revert without data) and keeps serving", async function () {
    const calls: Array<{ data: Hex; value?: bigint }> = [
      { data: "0xdeadbeef" }, // unknown selector
      { data: encodeFunctionData({ abi: arbWasmCacheAbi, functionName: "cacheProgram", args: [program] }).slice(0, 10) as Hex }, // no arguments
      { data: encodeFunctionData({ abi: arbWasmCacheAbi, functionName: "cacheCodehash", args: [keccak256("0x01")] }) }, // ArbOS 30 only
      { data: encodeFunctionData({ abi: arbWasmCacheAbi, functionName: "allCacheManagers" }), value: 1n }, // non-payable
    ];
    for (const call of calls) {
      let error: { message?: string } | undefined;
      try {
        await connection.provider.request({
          method: "eth_call",
          params: [{ from: CACHE_MANAGER_ADDRESS, to: ARBWASMCACHE_ADDRESS, data: call.data, value: call.value === undefined ? undefined : `0x${call.value.toString(16)}` }, "latest"],
        });
      } catch (e) {
        error = e as { message?: string };
      }
      expect(error?.message, call.data).to.match(/execution reverted/);
    }
    const pub = await connection.viem.getPublicClient();
    expect(await pub.readContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "allCacheManagers" })).to.have.length(1);
  });

  it("on a chain whose 0x72 holds Nitro's marker (a fork of a real Arbitrum chain) adds no CacheManager", async function () {
    const other = await network.create();
    try {
      const send = async (method: string, params: unknown[]) => await other.provider.request({ method, params });
      // Make the fresh chain look like a fork of Nitro: marker code at 0x72, none of the dev node's contracts.
      await send("hardhat_setCode", [ARBWASMCACHE_ADDRESS, "0xfe"]);
      await send("hardhat_setCode", [CACHE_MANAGER_ADDRESS, "0x"]);
      await send("hardhat_setCode", [STYLUS_DEPLOYER_ADDRESS, "0x"]);
      await installNitroPredeploys(new ChainRpc(send));
      const pub = await other.viem.getPublicClient();
      expect(await pub.getCode({ address: CACHE_MANAGER_ADDRESS })).to.equal(undefined);
      expect(await pub.getCode({ address: ARBWASMCACHE_ADDRESS })).to.equal("0xfe");
      expect(await pub.getCode({ address: STYLUS_DEPLOYER_ADDRESS })).to.equal(nitroDeployedBytecode("StylusDeployer"));
    } finally {
      await other.close();
    }
  });
});
