// Byte helpers of the Stylus runtime: hex <-> bytes, 256-bit words, keccak,
// and the ABI encoding of Error(string) used for host-level reverts.
import { keccak_256 } from "@noble/hashes/sha3.js";

import type { Hex } from "./types.js";

export const ZERO_WORD: Hex = `0x${"0".repeat(64)}`;

export function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new TypeError(`"hex" expected an even-length hex string, got ${hex.slice(0, 20)}`);
  }
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

/** Big-endian 32-byte word of an unsigned value (wraps modulo 2^256). */
export function wordFromBigint(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = BigInt.asUintN(256, value);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bigintFromBytes(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Normalises a slot/word hex to 0x + 64 lowercase hex digits. */
export function normWord(hex: string): Hex {
  return toHex(wordFromBigint(BigInt(hex === "0x" ? "0x0" : hex)));
}

export function normAddress(hex: string): Hex {
  return hex.toLowerCase() as Hex;
}

export function keccak256(bytes: Uint8Array): Uint8Array {
  return keccak_256(bytes);
}

export const EMPTY_CODE_HASH: Hex = toHex(keccak_256(new Uint8Array(0)));

/** ABI encoding of `Error(string)` (selector 0x08c379a0). */
export function encodeErrorString(message: string): Uint8Array {
  const text = new TextEncoder().encode(message);
  const padded = Math.ceil(text.length / 32) * 32;
  const out = new Uint8Array(4 + 32 + 32 + padded);
  out.set([0x08, 0xc3, 0x79, 0xa0], 0);
  out.set(wordFromBigint(32n), 4);
  out.set(wordFromBigint(BigInt(text.length)), 36);
  out.set(text, 68);
  return out;
}
