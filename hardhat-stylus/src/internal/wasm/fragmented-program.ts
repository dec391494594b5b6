// Fragmented Stylus programs (ArbOS 60+): a program whose compressed code is
// larger than the max code size is stored as fragment contracts
// (EF F0 01 ‖ chunk of the brotli stream) plus a root contract
// (EF F0 02 ‖ dictionary ‖ uncompressed length u32 BE ‖ fragment addresses),
// which is what cargo-stylus deploys. This module holds the format and
// Nitro's reassembly rules (arbos/programs getWasmFromRootStylus and
// go-ethereum core/state statedb_arbitrum.go); it reads no chain state itself.
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from "node:zlib";

import { bytesToHex, hexToBytes, type Address } from "viem";

import { MAX_CODE_SIZE, MAX_WASM_SIZE, STYLUS_DICTIONARY_NONE, StylusCodeFormatError, isStylusCode } from "./program-format.js";

/** First ArbOS version with fragments and roots (Nitro's ArbosVersion_StylusContractLimit). */
export const ARBOS_FRAGMENTS_VERSION = 60;
/** Fragment count limit from ArbOS 60 (Nitro's initialMaxFragmentCount). */
export const DEFAULT_MAX_FRAGMENTS = 2;

/** Prefix of a fragment contract's code. */
export const FRAGMENT_PREFIX: Uint8Array = Uint8Array.from([0xef, 0xf0, 0x01]);
/** Prefix of a root contract's code (the dictionary byte follows). */
export const ROOT_PREFIX: Uint8Array = Uint8Array.from([0xef, 0xf0, 0x02]);
/** Root header: prefix, dictionary byte, u32 uncompressed length. */
const ROOT_HEADER_LENGTH = 8;
const ADDRESS_LENGTH = 20;

function hasPrefix(code: Uint8Array, prefix: Uint8Array): boolean {
  // Nitro requires at least one byte after the 3-byte discriminant.
  return code.length > prefix.length && prefix.every((b, i) => code[i] === b);
}

/** True when `code` is fragment code (EF F0 01 plus at least one byte). */
export function isStylusFragmentCode(code: Uint8Array): boolean {
  return hasPrefix(code, FRAGMENT_PREFIX);
}

/** True when `code` is root code (EF F0 02 plus at least one byte). */
export function isStylusRootCode(code: Uint8Array): boolean {
  return hasPrefix(code, ROOT_PREFIX);
}

/** Code that runs as a Stylus program at this ArbOS version (classic, or root from 60). */
export function isDeployableStylusProgram(code: Uint8Array, arbOsVersion: number): boolean {
  if (isStylusCode(code) && code.length > 3) return true;
  return arbOsVersion >= ARBOS_FRAGMENTS_VERSION && isStylusRootCode(code);
}

/**
 * 0xEF code a CREATE may leave behind at this ArbOS version (EIP-3541 as Nitro
 * relaxes it): classic programs always, roots and fragments from ArbOS 60.
 * Anything else starting with 0xEF fails the CREATE with "invalid code".
 */
export function isDeployableStylusComponent(code: Uint8Array, arbOsVersion: number): boolean {
  return isDeployableStylusProgram(code, arbOsVersion) || (arbOsVersion >= ARBOS_FRAGMENTS_VERSION && isStylusFragmentCode(code));
}

/** A parsed root contract. */
export interface StylusRoot {
  dictionary: number;
  decompressedLength: number;
  fragments: Address[];
}

/** Parses root code as Nitro's NewStylusRoot does. @throws StylusCodeFormatError */
export function parseStylusRoot(code: Uint8Array): StylusRoot {
  if (!isStylusRootCode(code)) {
    throw new StylusCodeFormatError("specified bytecode is not a Stylus program root", "Root code starts with 0xEF F0 02.");
  }
  if (code.length < ROOT_HEADER_LENGTH) {
    throw new StylusCodeFormatError(`stylus program root too short: need at least 8 bytes, got ${code.length}`);
  }
  const addressData = code.subarray(ROOT_HEADER_LENGTH);
  if (addressData.length % ADDRESS_LENGTH !== 0) {
    throw new StylusCodeFormatError(
      `stylus program root address data has invalid length: ${addressData.length} (must be multiple of ${ADDRESS_LENGTH})`,
    );
  }
  const fragments: Address[] = [];
  for (let i = 0; i < addressData.length; i += ADDRESS_LENGTH) {
    fragments.push(bytesToHex(addressData.subarray(i, i + ADDRESS_LENGTH)));
  }
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  return { dictionary: code[3] ?? 0, decompressedLength: view.getUint32(4, false), fragments };
}

/** Builds root code pointing at `fragments` (cargo-stylus' new_root_contract). */
export function buildStylusRoot(decompressedLength: number, fragments: readonly Address[]): Uint8Array {
  const code = new Uint8Array(ROOT_HEADER_LENGTH + fragments.length * ADDRESS_LENGTH);
  code.set(ROOT_PREFIX, 0);
  code[3] = STYLUS_DICTIONARY_NONE;
  new DataView(code.buffer).setUint32(4, decompressedLength, false);
  fragments.forEach((address, i) => code.set(hexToBytes(address), ROOT_HEADER_LENGTH + i * ADDRESS_LENGTH));
  return code;
}

/**
 * Splits a WASM into fragment codes the way cargo-stylus does: brotli it
 * (quality 11, no dictionary) and cut the stream into chunks of
 * `maxCodeSize - 3` bytes, each prefixed EF F0 01.
 */
export function buildStylusFragments(wasm: Uint8Array, maxCodeSize = MAX_CODE_SIZE): Uint8Array[] {
  const compressed = brotliCompressSync(wasm, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
      [zlibConstants.BROTLI_PARAM_LGWIN]: 22,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: wasm.length,
    },
  });
  const chunk = maxCodeSize - FRAGMENT_PREFIX.length;
  const fragments: Uint8Array[] = [];
  for (let offset = 0; offset < compressed.length; offset += chunk) {
    const piece = compressed.subarray(offset, offset + chunk);
    const code = new Uint8Array(FRAGMENT_PREFIX.length + piece.length);
    code.set(FRAGMENT_PREFIX, 0);
    code.set(piece, FRAGMENT_PREFIX.length);
    fragments.push(code);
  }
  return fragments;
}

/** Limits checked at activation only (Nitro skips them when a call loads the program). */
export interface RootActivationLimits {
  maxWasmSize?: number;
  maxFragments?: number;
}

/** Nitro's checks on a parsed root before any fragment is read (limits only with `activation`). */
export function checkRootLimits(root: StylusRoot, activation?: RootActivationLimits): void {
  if (activation !== undefined) {
    const maxWasmSize = activation.maxWasmSize ?? MAX_WASM_SIZE;
    const maxFragments = activation.maxFragments ?? DEFAULT_MAX_FRAGMENTS;
    if (root.decompressedLength > maxWasmSize) {
      throw new StylusCodeFormatError(
        `invalid wasm: decompressedLength ${root.decompressedLength} is greater then MaxWasmSize ${maxWasmSize}`,
      );
    }
    if (root.fragments.length > maxFragments) {
      throw new StylusCodeFormatError(`invalid wasm: fragment count exceeds limit of ${maxFragments}`);
    }
  }
  if (root.fragments.length === 0) {
    throw new StylusCodeFormatError("invalid wasm: fragment count cannot be zero");
  }
}

/**
 * Reassembles and decompresses a root's WASM as Nitro's getWasmFromRootStylus:
 * with `activation` limits it checks the uncompressed length and fragment
 * count first; then each fragment's code must carry the fragment prefix, the
 * concatenated stream must decompress (dictionary 0) to exactly the declared
 * length.
 * @param readCode returns the code at a fragment address (empty if none).
 * @throws StylusCodeFormatError with Nitro's message.
 */
export function assembleRootWasm(
  rootCode: Uint8Array,
  readCode: (address: Address) => Uint8Array,
  activation?: RootActivationLimits,
): Uint8Array {
  const root = parseStylusRoot(rootCode);
  checkRootLimits(root, activation);
  const pieces: Uint8Array[] = [];
  for (const address of root.fragments) {
    const code = readCode(address);
    if (!isStylusFragmentCode(code)) {
      throw new StylusCodeFormatError(
        "specified bytecode is not a Stylus program fragment",
        `The root points at ${address}, whose code does not start with 0xEF F0 01; deploy the fragments first and list their addresses.`,
      );
    }
    pieces.push(code.subarray(FRAGMENT_PREFIX.length));
  }
  if (root.dictionary !== STYLUS_DICTIONARY_NONE) {
    throw new StylusCodeFormatError(`unsupported dictionary type: ${root.dictionary}`);
  }
  const compressed = Buffer.concat(pieces);
  let wasm: Buffer;
  try {
    wasm = brotliDecompressSync(compressed, { maxOutputLength: Math.max(1, root.decompressedLength) });
  } catch (error) {
    throw new StylusCodeFormatError(
      "cannot decompress fragmented Stylus program",
      `brotli failed (${error instanceof Error ? error.message : String(error)}); the fragments are corrupt, out of order, or larger than the root's declared length.`,
    );
  }
  if (wasm.length !== root.decompressedLength) {
    throw new StylusCodeFormatError(
      `invalid wasm: decompressed length ${wasm.length} does not match expected length ${root.decompressedLength}`,
    );
  }
  return new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength);
}

/** A root's WASM read through an async code source, and the fragment sizes read (for gas). */
export async function readRootWasm(
  rootCode: Uint8Array,
  readCode: (address: Address) => Promise<Uint8Array>,
  activation?: RootActivationLimits,
): Promise<{ wasm: Uint8Array; fragmentSizes: number[] }> {
  const root = parseStylusRoot(rootCode);
  checkRootLimits(root, activation);
  const codes = new Map<string, Uint8Array>();
  const fragmentSizes: number[] = [];
  for (const address of root.fragments) {
    const code = codes.get(address.toLowerCase()) ?? (await readCode(address));
    codes.set(address.toLowerCase(), code);
    fragmentSizes.push(code.length);
    if (!isStylusFragmentCode(code)) break;
  }
  const wasm = assembleRootWasm(rootCode, (a) => codes.get(a.toLowerCase()) ?? new Uint8Array(), activation);
  return { wasm, fragmentSizes };
}

/**
 * Gas Nitro charges at activation for reading a root's fragments
 * (fragmentReadGasCost): per fragment a cold account access (2600, or 100
 * once warm) plus 3 per 32-byte word of its code.
 */
export function fragmentReadGas(fragments: readonly Address[], sizes: readonly number[]): bigint {
  const warm = new Set<string>();
  let gas = 0n;
  sizes.forEach((size, i) => {
    const key = (fragments[i] ?? "").toLowerCase();
    gas += (warm.has(key) ? 100n : 2_600n) + 3n * BigInt(Math.ceil(size / 32));
    warm.add(key);
  });
  return gas;
}
