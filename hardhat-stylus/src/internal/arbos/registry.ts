// The emulated ArbOS precompiles by address: one list that the JSON-RPC
// handlers and the interpreter's frames both consult. An address listed here
// is answered by its module; an ArbOS address that is not listed behaves as
// an account without code (as on a chain without that precompile).
import type { Address } from "viem";

import type { ArbOsPrecompile } from "./types.js";

import { createArbGasInfo } from "./arb-gas-info.js";
import { createArbOwnerPublic } from "./arb-owner-public.js";
import { createArbSys } from "./arb-sys.js";
import { DEFAULT_PARENT_CHAIN_PRICE_MODEL, type ParentChainPriceModel } from "./l1-pricing.js";
import { createNodeInterface } from "./node-interface.js";
import { createArbWasmCache } from "./arbwasmcache.js";

/** Options that change what the precompiles answer (the ArbOS version, the parent-chain price model). */
export interface ArbOsOptions {
  arbOsVersion: number;
  /** Parent-chain prices (ArbGasInfo, NodeInterface, receipts' gasUsedForL1). */
  parentChain?: ParentChainPriceModel;
  /** The chain owner (ArbOwnerPublic, L1 rewards recipient). Default: Hardhat's first account. */
  chainOwner?: Address;
}

/** Hardhat's first default account: the chain owner of the in-process chain. */
export const DEFAULT_CHAIN_OWNER: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

export const DEFAULT_ARBOS_OPTIONS: ArbOsOptions = { arbOsVersion: 40 };

export function createArbOsPrecompiles(options: ArbOsOptions = DEFAULT_ARBOS_OPTIONS): Map<string, ArbOsPrecompile> {
  const shared = {
    arbOsVersion: options.arbOsVersion,
    parentChain: options.parentChain ?? DEFAULT_PARENT_CHAIN_PRICE_MODEL,
    chainOwner: options.chainOwner ?? DEFAULT_CHAIN_OWNER,
  };
  const list: ArbOsPrecompile[] = [
    createArbSys(shared),
    createArbGasInfo(shared),
    createArbOwnerPublic(shared),
    createNodeInterface(shared),
    createArbWasmCache(shared),
  ];
  return new Map(list.map((p) => [p.address.toLowerCase(), p]));
}

export function isArbOsAddress(precompiles: Map<string, ArbOsPrecompile>, address: Address): boolean {
  return precompiles.has(address.toLowerCase());
}
