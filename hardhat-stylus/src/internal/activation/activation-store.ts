// Activation records of Stylus programs, kept in chain state: one storage
// slot of the ArbWasm address 0x...71 per code hash, written with
// hardhat_setStorageAt or by a mined applier transaction. Keeping them in
// chain state makes evm_snapshot/evm_revert, forks and a served node agree.
import { encodeAbiParameters, keccak256, numberToHex, type Hex } from "viem";

import type { BlockTag, ChainRpc } from "../chain/chain-rpc.js";

import type { RemoteActivationLookup } from "./remote-activation.js";

import { ARBWASM_ADDRESS, STYLUS_PARAMS } from "./arbwasm-abi.js";

/** What the plugin remembers about an activated program (packed into one word). */
export interface ActivationRecord {
  /** Stylus version the program was activated against (0 = never activated). */
  version: number;
  /** Block timestamp of the (last) activation or keepalive, in seconds. */
  activatedAt: bigint;
  /** Estimated size of the compiled machine code in bytes (see fee-model.ts). */
  asmSize: number;
  /** Initial memory footprint in WASM pages. */
  footprint: number;
  /** Gas charged on each call to start the program (programInitGas). */
  initGas: number;
  /** Set when the record comes from the forked chain's ArbWasm (its version there). */
  remoteVersion?: number;
}

/** Storage slot of the record of `codehash`: keccak256(abi.encode(codehash, 0)), like a Solidity mapping at slot 0. */
export function activationSlot(codehash: Hex): Hex {
  const key = codehash.toLowerCase();
  let slot = activationSlots.get(key);
  if (slot === undefined) {
    slot = keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [codehash, 0n]));
    if (activationSlots.size >= 1024) activationSlots.clear();
    activationSlots.set(key, slot);
  }
  return slot;
}

/** Slots computed already, by lowercase code hash (every call to a program needs its record and its ArbWasmCache entry, arbos/arbwasmcache-store.ts). */
const activationSlots = new Map<string, Hex>();

/** Packs a record: version (16 bits) | activatedAt (64) | asmSize (32) | footprint (16) | initGas (32). */
export function encodeActivationRecord(record: ActivationRecord): Hex {
  const word =
    BigInt(record.version) |
    (record.activatedAt << 16n) |
    (BigInt(record.asmSize) << 80n) |
    (BigInt(record.footprint) << 112n) |
    (BigInt(record.initGas) << 128n);
  return numberToHex(word, { size: 32 });
}

export function decodeActivationRecord(word: Hex): ActivationRecord {
  const v = BigInt(word);
  const bits = (shift: bigint, width: bigint): bigint => (v >> shift) & ((1n << width) - 1n);
  return {
    version: Number(bits(0n, 16n)),
    activatedAt: bits(16n, 64n),
    asmSize: Number(bits(80n, 32n)),
    footprint: Number(bits(112n, 16n)),
    initGas: Number(bits(128n, 32n)),
  };
}

/**
 * Reads the activation record of `codehash` at `tag`; version 0 means not activated.
 * On a fork, a missing record is looked up on the forked chain (`remote`): a program Nitro
 * activated there counts as activated at `now` with unknown sizes.
 */
export async function readActivation(
  rpc: ChainRpc,
  codehash: Hex,
  tag: BlockTag,
  remote?: RemoteActivationLookup,
  now = 0n,
): Promise<ActivationRecord> {
  const record = decodeActivationRecord(await rpc.getStorageAt(ARBWASM_ADDRESS, activationSlot(codehash), tag));
  if (record.version !== 0 || remote === undefined) return record;
  const version = await remote(codehash);
  if (version === undefined || version === 0) return record;
  return { version: STYLUS_PARAMS.version, activatedAt: now, asmSize: 0, footprint: 0, initGas: 0, remoteVersion: version };
}
