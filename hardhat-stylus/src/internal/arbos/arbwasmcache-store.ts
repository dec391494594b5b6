// ArbWasmCache state, kept in storage slots of 0x...72 (chain state, so
// snapshots, forks and a served node agree, like the activation records of
// 0x...71):
// - the cache managers: an address set (length at slot M, members at M+1+i),
//   M = keccak256("hardhat-stylus.arbwasmcache.managers");
// - per code hash, keccak256(abi.encode(codehash, 0)): bit 0 = cached, bits
//   8..71 = the program's cached init gas, recorded when it was cached, so
//   the engine can charge the cached start-up cost without recompiling.
import { keccak256, numberToHex, toHex, type Address, type Hex } from "viem";

import { activationSlot } from "../activation/activation-store.js";

import { ARBWASMCACHE_ADDRESS } from "./arbwasmcache-abi.js";

/** Reads one storage word of an account (whatever view the caller has: block, overrides, journal). */
export type ReadStorage = (address: Address, slot: Hex) => Promise<Hex>;
export type WriteStorage = (address: Address, slot: Hex, value: Hex) => Promise<void>;

const MANAGERS_BASE = BigInt(keccak256(toHex("hardhat-stylus.arbwasmcache.managers")));
const slotHex = (n: bigint): Hex => numberToHex(n % (1n << 256n), { size: 32 });
const word = (n: bigint): Hex => numberToHex(n, { size: 32 });

/**
 * Slot of `codehash`'s entry: keccak256(abi.encode(codehash, 0)), the same mapping layout (and the same
 * memoized computation) as ArbWasm's activation records, kept on this account instead.
 */
export const cacheSlot: (codehash: Hex) => Hex = activationSlot;

export interface CacheEntry {
  cached: boolean;
  /** Cached init gas of the program (Nitro's `cachedCost`), as recorded when it was cached. */
  cachedInitGas: bigint;
}

export function decodeCacheEntry(value: Hex): CacheEntry {
  const v = BigInt(value);
  return { cached: (v & 1n) === 1n, cachedInitGas: (v >> 8n) & ((1n << 64n) - 1n) };
}

export function encodeCacheEntry(entry: CacheEntry): Hex {
  return word((entry.cached ? 1n : 0n) | (entry.cachedInitGas << 8n));
}

export async function readCacheEntry(read: ReadStorage, codehash: Hex): Promise<CacheEntry> {
  return decodeCacheEntry(await read(ARBWASMCACHE_ADDRESS, cacheSlot(codehash)));
}

export async function readCacheManagers(read: ReadStorage): Promise<Address[]> {
  const count = BigInt(await read(ARBWASMCACHE_ADDRESS, slotHex(MANAGERS_BASE)));
  const members: Address[] = [];
  for (let i = 0n; i < count && i < 65_536n; i++) {
    const value = await read(ARBWASMCACHE_ADDRESS, slotHex(MANAGERS_BASE + 1n + i));
    members.push(`0x${value.slice(-40)}` as Address);
  }
  return members;
}

/** Adds a cache manager (as ArbOwner.addWasmCacheManager does); no-op when it is one already. */
export async function addCacheManager(read: ReadStorage, write: WriteStorage, manager: Address): Promise<void> {
  const members = await readCacheManagers(read);
  if (members.some((m) => m.toLowerCase() === manager.toLowerCase())) return;
  const count = BigInt(members.length);
  await write(ARBWASMCACHE_ADDRESS, slotHex(MANAGERS_BASE + 1n + count), word(BigInt(manager)));
  await write(ARBWASMCACHE_ADDRESS, slotHex(MANAGERS_BASE), word(count + 1n));
}

/**
 * The hook for the engine: the init gas of a call to a program ArbWasmCache holds (Nitro's
 * `cachedCost`), or undefined when the program is not cached and pays its full init gas.
 * Nitro (arbos/programs CallProgram, version 2) charges an uncached call
 * minCachedInitGas x 32 + cachedCost + minInitGas x 128 + initCost and a cached one
 * minCachedInitGas x 32 + cachedCost; the engine today charges init costs without the
 * two per-call minima, so within its convention a cached call costs `cachedCost`
 * instead of the program's full init gas (`runtime/pricing.ts` programStartupGas has
 * the figures with the minima).
 */
export async function cachedInitGas(read: ReadStorage, codehash: Hex): Promise<bigint | undefined> {
  const entry = await readCacheEntry(read, codehash);
  return entry.cached ? entry.cachedInitGas : undefined;
}
