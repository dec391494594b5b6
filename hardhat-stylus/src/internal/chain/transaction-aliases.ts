// Raw transactions keep their own hash. The plugin mines a different
// transaction for a raw Stylus transaction (the deployment placeholder or the
// effects applier, sent for the impersonated signer), so it records
// "hash of the signed bytes -> hash of the mined transaction" in a storage
// slot of ArbWasm 0x...71 (chain state: snapshots, forks and `hardhat node`
// agree) and answers lookups by the signed hash with the mined transaction.
import { encodeAbiParameters, keccak256, type Hex } from "viem";

import { ARBWASM_ADDRESS } from "../activation/arbwasm-abi.js";

import type { ChainRpc } from "./chain-rpc.js";

const ZERO_WORD = `0x${"0".repeat(64)}`;

export function aliasSlot(signedHash: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [signedHash, 1n]));
}

export async function recordAlias(rpc: ChainRpc, signedHash: Hex, minedHash: Hex): Promise<void> {
  if (signedHash.toLowerCase() === minedHash.toLowerCase()) return;
  await rpc.setStorageAt(ARBWASM_ADDRESS, aliasSlot(signedHash), minedHash);
}

/** The mined transaction's hash for a signed hash, or undefined when there is no alias. */
export async function readAlias(rpc: ChainRpc, hash: Hex): Promise<Hex | undefined> {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash) || rpc.cache.minedAsItself(hash)) return undefined;
  const word = await rpc.getStorageAt(ARBWASM_ADDRESS, aliasSlot(hash), "latest");
  return BigInt(word) === 0n || word === ZERO_WORD ? undefined : word;
}

/** Hash of the mined transaction carried by an error EDR threw for a failed transaction, if any. */
export function minedHashOfError(error: unknown): Hex | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const direct = (error as { transactionHash?: unknown }).transactionHash;
  if (typeof direct === "string") return direct as Hex;
  const data = (error as { data?: unknown }).data;
  if (typeof data === "object" && data !== null) {
    const nested = (data as { transactionHash?: unknown }).transactionHash;
    if (typeof nested === "string") return nested as Hex;
  }
  return undefined;
}

/**
 * Runs `send` (which mines the rewritten transaction) and, for a raw
 * transaction, records the alias and returns the signed hash instead.
 * A failed transaction is mined too: its alias is recorded before rethrowing.
 */
export async function sendWithAlias(rpc: ChainRpc, signedHash: Hex | undefined, send: () => Promise<Hex>): Promise<Hex> {
  let mined: Hex;
  try {
    mined = await send();
  } catch (error) {
    const failed = minedHashOfError(error);
    if (signedHash !== undefined && failed !== undefined) await recordAlias(rpc, signedHash, failed);
    throw error;
  }
  if (signedHash === undefined) return mined;
  await recordAlias(rpc, signedHash, mined);
  return signedHash;
}
