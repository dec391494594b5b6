// The emulated ArbOS precompiles by address: one list that the JSON-RPC
// handlers and the interpreter's frames both consult. An address listed here
// is answered by its module; an ArbOS address that is not listed behaves as
// an account without code (as on a chain without that precompile).
import type { Address } from "viem";

import type { ArbOsPrecompile } from "./types.js";

import { createArbWasmCache } from "./arbwasmcache.js";

/** Options that change what the precompiles answer (the ArbOS version, the parent-chain price model). */
export interface ArbOsOptions {
  arbOsVersion: number;
}

export const DEFAULT_ARBOS_OPTIONS: ArbOsOptions = { arbOsVersion: 40 };

export function createArbOsPrecompiles(options: ArbOsOptions = DEFAULT_ARBOS_OPTIONS): Map<string, ArbOsPrecompile> {
  const list: ArbOsPrecompile[] = [createArbWasmCache(options)];
  return new Map(list.map((p) => [p.address.toLowerCase(), p]));
}

export function isArbOsAddress(precompiles: Map<string, ArbOsPrecompile>, address: Address): boolean {
  return precompiles.has(address.toLowerCase());
}
