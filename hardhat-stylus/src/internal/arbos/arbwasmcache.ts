// ArbWasmCache (0x...72), with Nitro's ABI and semantics
// (precompiles/ArbWasmCache.go, arbos/programs SetProgramCached):
// - cacheProgram(address) / evictCodehash(bytes32): only cache managers may
//   call them (a chain has no owners here); anyone else burns all the gas of
//   the call, as Nitro's BurnOut does. Caching needs the program to be
//   activated at the current Stylus version and not expired
//   (ProgramNeedsUpgrade / ProgramExpired, ArbWasm's errors). A change emits
//   UpdateProgramCache(caller, codehash, cached) and burns the program's init
//   cost; setting the state it already has does nothing.
// - codehashIsCached, isCacheManager, allCacheManagers: views.
// - cacheCodehash(bytes32): ArbOS 30 only.
// Gas: what the precompile's storage work costs in Nitro (800 per read,
// 20,000 per write to a fresh slot, 5,000 to a used one, log costs), an
// approximation of Nitro's per-method metering.
import {
  bytesToHex,
  decodeFunctionData,
  encodeErrorResult,
  encodeEventTopics,
  encodeAbiParameters,
  encodeFunctionResult,
  hexToBytes,
  keccak256,
  type Address,
  type Hex,
} from "viem";

import type { ArbOsCallContext, ArbOsCallResult, ArbOsLog, ArbOsPrecompile } from "./types.js";
import type { ArbOsOptions } from "./registry.js";

import { activationSlot, decodeActivationRecord } from "../activation/activation-store.js";
import { ARBWASM_ADDRESS, STYLUS_PARAMS, arbWasmAbi } from "../activation/arbwasm-abi.js";
import { isStylusCode, decompressStylusCode } from "../wasm/program-format.js";
import { validateStylusProgram } from "../wasm/validate.js";

import { ARBWASMCACHE_ADDRESS, CACHE_CODEHASH_MAX_ARBOS, arbWasmCacheAbi } from "./arbwasmcache-abi.js";
import { cacheSlot, decodeCacheEntry, encodeCacheEntry, readCacheManagers } from "./arbwasmcache-store.js";

const STORAGE_READ_GAS = 800n;
const STORAGE_SET_GAS = 20_000n;
const STORAGE_RESET_GAS = 5_000n;
const EMPTY_CODE_HASH = keccak256("0x");
const ZERO_WORD = `0x${"0".repeat(64)}` as Hex;

/** Thrown inside a call to end it with a result (revert or burn-out). */
class Stop {
  constructor(readonly result: Omit<ArbOsCallResult, "gasUsed" | "logs" | "transfers"> & { gasUsed?: bigint }) {}
}

class Meter {
  gas = 0n;
  constructor(readonly limit: bigint) {}
  charge(gas: bigint): void {
    this.gas += gas;
    if (this.gas > this.limit) throw new Stop({ success: false, returnData: new Uint8Array(), gasUsed: this.limit });
  }
}

const revertWith = (data: Hex = "0x"): Stop => new Stop({ success: false, returnData: hexToBytes(data) });

export function createArbWasmCache(options: ArbOsOptions): ArbOsPrecompile {
  return {
    address: ARBWASMCACHE_ADDRESS,
    name: "ArbWasmCache",
    async call(context: ArbOsCallContext): Promise<ArbOsCallResult> {
      const meter = new Meter(context.gasLimit);
      const logs: ArbOsLog[] = [];
      try {
        const returnData = await dispatch(context, options, meter, logs);
        return { success: true, returnData, gasUsed: meter.gas, logs, transfers: [] };
      } catch (error) {
        if (!(error instanceof Stop)) throw error;
        return { ...error.result, gasUsed: error.result.gasUsed ?? meter.gas, logs: [], transfers: [] };
      }
    },
  };
}

async function dispatch(context: ArbOsCallContext, options: ArbOsOptions, meter: Meter, logs: ArbOsLog[]): Promise<Uint8Array> {
  let decoded;
  try {
    decoded = decodeFunctionData({ abi: arbWasmCacheAbi, data: bytesToHex(context.calldata) });
  } catch {
    // Unknown selector or arguments that do not decode: Nitro reverts without data.
    throw revertWith();
  }
  // Every method is non-payable.
  if (context.value !== 0n) throw revertWith();
  const read = async (slot: Hex): Promise<Hex> => {
    meter.charge(STORAGE_READ_GAS);
    return await context.state.getStorage(ARBWASMCACHE_ADDRESS, slot);
  };
  const managers = async (): Promise<Address[]> =>
    await readCacheManagers(async (_address, slot) => await read(slot));
  const result = (functionName: "isCacheManager" | "allCacheManagers" | "codehashIsCached", value: unknown): Uint8Array =>
    hexToBytes(encodeFunctionResult({ abi: arbWasmCacheAbi, functionName, result: value as never }));

  switch (decoded.functionName) {
    case "isCacheManager": {
      const [manager] = decoded.args;
      const all = await managers();
      return result("isCacheManager", all.some((m) => m.toLowerCase() === manager.toLowerCase()));
    }
    case "allCacheManagers":
      return result("allCacheManagers", await managers());
    case "codehashIsCached": {
      const [codehash] = decoded.args;
      return result("codehashIsCached", decodeCacheEntry(await read(cacheSlot(codehash))).cached);
    }
    case "cacheCodehash": {
      if (options.arbOsVersion > CACHE_CODEHASH_MAX_ARBOS) throw revertWith();
      await setCached(context, meter, logs, decoded.args[0], undefined, true, managers, read);
      return new Uint8Array();
    }
    case "cacheProgram": {
      const [program] = decoded.args;
      meter.charge(STORAGE_READ_GAS); // the account's code hash
      const code = await context.state.getCode(program);
      const codehash = code === "0x" ? EMPTY_CODE_HASH : keccak256(code);
      await setCached(context, meter, logs, codehash, code, true, managers, read);
      return new Uint8Array();
    }
    case "evictCodehash":
      await setCached(context, meter, logs, decoded.args[0], undefined, false, managers, read);
      return new Uint8Array();
  }
}

async function setCached(
  context: ArbOsCallContext,
  meter: Meter,
  logs: ArbOsLog[],
  codehash: Hex,
  code: Hex | undefined,
  cache: boolean,
  managers: () => Promise<Address[]>,
  read: (slot: Hex) => Promise<Hex>,
): Promise<void> {
  if (context.isStatic) throw revertWith();
  const caller = context.caller.toLowerCase();
  if (!(await managers()).some((m) => m.toLowerCase() === caller)) {
    // Nitro: c.BurnOut() — the call runs out of gas.
    throw new Stop({ success: false, returnData: new Uint8Array(), gasUsed: context.gasLimit });
  }
  meter.charge(STORAGE_READ_GAS);
  const record = decodeActivationRecord(await context.state.getStorage(ARBWASM_ADDRESS, activationSlot(codehash)));
  const age = context.block.timestamp > record.activatedAt ? context.block.timestamp - record.activatedAt : 0n;
  const expired = record.version !== 0 && age > BigInt(STYLUS_PARAMS.expiryDays) * 86_400n;
  if (cache && record.version !== STYLUS_PARAMS.version) {
    throw revertWith(
      encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramNeedsUpgrade", args: [record.version, STYLUS_PARAMS.version] }),
    );
  }
  if (cache && expired) {
    throw revertWith(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramExpired", args: [age] }));
  }
  const slot = cacheSlot(codehash);
  const current = await read(slot);
  const entry = decodeCacheEntry(current);
  if (entry.cached === cache) return;

  const topics = encodeEventTopics({
    abi: arbWasmCacheAbi,
    eventName: "UpdateProgramCache",
    args: { manager: context.caller, codehash },
  }) as Hex[];
  const data = encodeAbiParameters([{ type: "bool" }], [cache]);
  meter.charge(375n + 375n * BigInt(topics.length) + 8n * 32n);
  logs.push({ address: ARBWASMCACHE_ADDRESS, topics, data });

  // Nitro burns the program's init cost to (re)cache it.
  meter.charge(BigInt(record.initGas));
  const cachedInitGas = cache ? cachedInitGasOf(code) : entry.cachedInitGas;
  meter.charge(current === ZERO_WORD ? STORAGE_SET_GAS : STORAGE_RESET_GAS);
  await context.state.setStorage(ARBWASMCACHE_ADDRESS, slot, encodeCacheEntry({ cached: cache, cachedInitGas }));
}

/** The program's cached init gas (Nitro's `cachedCost`), from its code; 0 when the code is not at hand. */
function cachedInitGasOf(code: Hex | undefined): bigint {
  if (code === undefined) return 0n;
  const bytes = hexToBytes(code);
  if (!isStylusCode(bytes)) return 0n;
  try {
    return BigInt(validateStylusProgram(decompressStylusCode(bytes), { compressedSize: bytes.length, debug: true }).cachedInitGas);
  } catch {
    return 0n;
  }
}

