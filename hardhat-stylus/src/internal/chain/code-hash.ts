// Memoised keccak256 of deployed code. Stylus code is tens of kilobytes and
// every call to a program needs its code hash (activation record, module
// cache); hashing it in JS each time dominated the cost of an eth_call.
import { keccak256, type Hex } from "viem";

const MAX_ENTRIES = 256;
const hashes = new Map<string, Hex>();
const lowered = new Map<string, Hex>();

const interned = new Map<string, Hex>();

/**
 * One string object per distinct (lowercase) code, so the maps keyed by code below find it by
 * identity instead of comparing tens of kilobytes per lookup. The state cache interns what it keeps.
 */
export function internCode(code: Hex): Hex {
  const lower = code.toLowerCase() as Hex;
  if (lower.length < 1024) return lower;
  const known = interned.get(lower);
  if (known !== undefined) return known;
  if (interned.size >= MAX_ENTRIES) {
    const oldest = interned.keys().next().value;
    if (oldest !== undefined) interned.delete(oldest);
  }
  interned.set(lower, lower);
  lowered.set(lower, lower);
  return lower;
}

/**
 * Lowercase form of hex code. Code strings come from the connection's state cache, the same string
 * object on every request, so a map keyed by the string answers without scanning tens of kilobytes.
 */
export function lowerCodeHex(code: Hex): Hex {
  if (code.length < 1024) return code.toLowerCase() as Hex;
  let lower = lowered.get(code);
  if (lower === undefined) {
    lower = code.toLowerCase() as Hex;
    if (lowered.size >= MAX_ENTRIES) {
      const oldest = lowered.keys().next().value;
      if (oldest !== undefined) lowered.delete(oldest);
    }
    lowered.set(code, lower);
  }
  return lower;
}

export function codeHashOf(code: Hex): Hex {
  const key = lowerCodeHex(code);
  let hash = hashes.get(key);
  if (hash === undefined) {
    hash = keccak256(code);
    if (hashes.size >= MAX_ENTRIES) {
      const oldest = hashes.keys().next().value;
      if (oldest !== undefined) hashes.delete(oldest);
    }
    hashes.set(key, hash);
  }
  return hash;
}

/**
 * True when hex code may run as a Stylus program: EF F0 00 (classic) or EF F0 02 (a root of
 * fragments, ArbOS 60+; the interpreter checks the version) plus at least one byte.
 */
export function isStylusCodeHex(code: Hex): boolean {
  if (code.length < 10) return false;
  const prefix = code.slice(0, 8).toLowerCase();
  return prefix === "0xeff000" || prefix === "0xeff002";
}
