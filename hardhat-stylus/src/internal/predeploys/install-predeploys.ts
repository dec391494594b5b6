// Puts what a Nitro dev node has from its first block into an in-process
// network that lacks it (idempotent; accounts that already hold code, e.g.
// on a fork of a real Arbitrum chain, are left alone):
// - StylusDeployer at its canonical address;
// - CacheManager at its canonical address, its storage as after
//   initialize(cacheSize, decay), registered as ArbWasmCache's cache manager;
// - a stub at ArbWasmCache 0x...72 that reverts with a clear message for EVM
//   callers (JSON-RPC requests to 0x72 are answered by the plugin).
// On a fork of a real Arbitrum chain (0x72 holds Nitro's marker code) only
// StylusDeployer is added when missing: the chain's cache and managers are
// ArbOS state the plugin cannot see.
import { concatHex, encodeErrorResult, numberToHex, parseAbi, size, type Hex } from "viem";

import type { ChainRpc } from "../chain/chain-rpc.js";

import { ARBWASMCACHE_ADDRESS } from "../arbos/arbwasmcache-abi.js";
import { addCacheManager } from "../arbos/arbwasmcache-store.js";
import { debugLog } from "../chain/debug-log.js";

import { CACHE_MANAGER_ADDRESS, CACHE_MANAGER_PARAMS, STYLUS_DEPLOYER_ADDRESS } from "./addresses.js";
import { nitroDeployedBytecode } from "./nitro-artifacts.js";

/** CacheManager's storage: slot 0 Initializable (_initialized = 1), slot 3 cacheSize | queueSize | decay | isPaused. */
const INITIALIZABLE_SLOT: Hex = numberToHex(0n, { size: 32 });
const PARAMS_SLOT: Hex = numberToHex(3n, { size: 32 });

const STUB_MESSAGE =
  "hardhat-stylus: ArbWasmCache (0x72) is emulated for JSON-RPC requests only; EVM contracts cannot call it on the in-process network yet";

/** PUSH2 len PUSH2 15 PUSH1 0 CODECOPY PUSH2 len PUSH1 0 REVERT, then Error(message). */
function revertStub(message: string): Hex {
  const data = encodeErrorResult({ abi: parseAbi(["error Error(string)"]), errorName: "Error", args: [message] });
  const len = numberToHex(size(data), { size: 2 }).slice(2);
  return concatHex([`0x61${len}61000f60003961${len}6000fd` as Hex, data]);
}

export function cacheManagerParamsWord(params: { cacheSize: bigint; queueSize?: bigint; decay: bigint; isPaused?: boolean }): Hex {
  const mask = (1n << 64n) - 1n;
  const word =
    (params.cacheSize & mask) |
    ((params.queueSize ?? 0n) & mask) << 64n |
    (params.decay & mask) << 128n |
    (params.isPaused === true ? 1n : 0n) << 192n;
  return numberToHex(word, { size: 32 });
}

export async function installNitroPredeploys(rpc: ChainRpc): Promise<void> {
  const deployer = nitroDeployedBytecode("StylusDeployer");
  const cacheManager = nitroDeployedBytecode("CacheManager");
  if (deployer === null || cacheManager === null) {
    debugLog("@arbitrum/nitro-contracts is not installed: no StylusDeployer or CacheManager predeploys");
  }
  if (deployer !== null && (await rpc.getCode(STYLUS_DEPLOYER_ADDRESS, "latest")) === "0x") {
    await rpc.setCode(STYLUS_DEPLOYER_ADDRESS, deployer);
  }
  const stub = revertStub(STUB_MESSAGE);
  const cacheCode = await rpc.getCode(ARBWASMCACHE_ADDRESS, "latest");
  if (cacheCode !== "0x" && cacheCode !== stub) {
    // A fork of a real Arbitrum chain: its ArbWasmCache state and cache managers are ArbOS's own.
    return;
  }
  if (cacheManager !== null && (await rpc.getCode(CACHE_MANAGER_ADDRESS, "latest")) === "0x") {
    await rpc.setCode(CACHE_MANAGER_ADDRESS, cacheManager);
    await rpc.setStorageAt(CACHE_MANAGER_ADDRESS, INITIALIZABLE_SLOT, numberToHex(1n, { size: 32 }));
    await rpc.setStorageAt(CACHE_MANAGER_ADDRESS, PARAMS_SLOT, cacheManagerParamsWord(CACHE_MANAGER_PARAMS));
    await addCacheManager(
      async (address, slot) => await rpc.getStorageAt(address, slot, "latest"),
      async (address, slot, value) => await rpc.setStorageAt(address, slot, value),
      CACHE_MANAGER_ADDRESS,
    );
  }
  if (cacheCode === "0x") await rpc.setCode(ARBWASMCACHE_ADDRESS, stub);
}
