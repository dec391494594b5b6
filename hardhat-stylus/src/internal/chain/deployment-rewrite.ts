// Deployment of Stylus code through EDR. EDR refuses a CREATE whose init
// code returns 0xEF... (EIP-3541), so the standard Stylus init code is
// rewritten into one that copies the same code but zeroes its first byte
// (same length, so code deposit and memory gas match), the deployment is
// mined normally, and the Stylus code is then put at the created address
// with hardhat_setCode. The rewrite is reversible, so
// eth_getTransactionByHash can show the original init code. From ArbOS 60
// fragment (EF F0 01) and root (EF F0 02) code deploy the same way; below
// 60 they are left to EDR, which fails the CREATE as Nitro does (invalid code).
import { isDeployableStylusComponent, isStylusFragmentCode, isStylusRootCode } from "../wasm/fragmented-program.js";
import { isStylusCode, parseStylusInitCode } from "../wasm/program-format.js";

const ORIGINAL_TAIL = [0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00];
/** DUP1 PUSH1 0x30 PUSH1 0 CODECOPY PUSH1 0 PUSH1 0 MSTORE8 PUSH1 0 RETURN 00: like the original, plus "mem[0] = 0". */
const PLACEHOLDER_TAIL = [0x80, 0x60, 0x30, 0x60, 0x00, 0x39, 0x60, 0x00, 0x60, 0x00, 0x53, 0x60, 0x00, 0xf3, 0x00];

export interface StylusDeployment {
  /** The Stylus code the deployment installs. */
  code: Uint8Array;
  /** Init code EDR accepts (deploys the code with its first byte zeroed). */
  placeholderInitCode: Uint8Array;
}

/** Recognises standard Stylus init code (for `arbOsVersion`) and builds the placeholder deployment, or undefined. */
export function rewriteStylusDeployment(initCode: Uint8Array, arbOsVersion = 0): StylusDeployment | undefined {
  const code = parseStylusInitCode(initCode, (c) => isStylusCode(c) || isDeployableStylusComponent(c, arbOsVersion));
  if (code === undefined) return undefined;
  const placeholder = new Uint8Array(initCode.length + PLACEHOLDER_TAIL.length - ORIGINAL_TAIL.length);
  placeholder.set(initCode.subarray(0, 33), 0);
  placeholder.set(PLACEHOLDER_TAIL, 33);
  placeholder.set(initCode.subarray(33 + ORIGINAL_TAIL.length), 33 + PLACEHOLDER_TAIL.length);
  return { code, placeholderInitCode: placeholder };
}

/** If `input` is placeholder init code made by rewriteStylusDeployment, returns the original init code. */
export function restoreStylusInitCode(input: Uint8Array): Uint8Array | undefined {
  if (input.length < 33 + PLACEHOLDER_TAIL.length || input[0] !== 0x7f) return undefined;
  for (let i = 0; i < PLACEHOLDER_TAIL.length; i++) {
    if (input[33 + i] !== PLACEHOLDER_TAIL[i]) return undefined;
  }
  const original = new Uint8Array(input.length - PLACEHOLDER_TAIL.length + ORIGINAL_TAIL.length);
  original.set(input.subarray(0, 33), 0);
  original.set(ORIGINAL_TAIL, 33);
  original.set(input.subarray(33 + PLACEHOLDER_TAIL.length), 33 + ORIGINAL_TAIL.length);
  const anyStylus = (c: Uint8Array): boolean => isStylusCode(c) || isStylusFragmentCode(c) || isStylusRootCode(c);
  return parseStylusInitCode(original, anyStylus) === undefined ? undefined : original;
}
