// The "effects applier": a small hand-assembled EVM contract that the plugin
// puts at a Stylus program's address (or at ArbWasm 0x71) for exactly one
// mined transaction. Its calldata lists the effects the WASM run produced
// (flushed storage writes, logs, value refunds, a gas burn, the return or
// revert data) and it applies them in order, so EDR mines a real
// transaction with real receipts, logs, nonces, balances and gas.
// The original calldata of the user's transaction is appended after the
// terminal operation so eth_getTransactionByHash can show it again.
import { concatBytes, keccak256, toBytes } from "viem";

import { assemble, type AsmItem } from "./evm-assembler.js";

/** First calldata word of every applier transaction (lets us recognise them later). */
export const APPLIER_MAGIC: Uint8Array = toBytes(keccak256(toBytes("hardhat-stylus effects applier v1")));

const OP_SSTORE = 1;
const OP_CALL = 2;
const OP_BURN = 3;
const OP_RETURN = 4;
const OP_REVERT = 5;
const OP_INVALID = 6;
const OP_SUBCALL = 7;
const OP_LOG0 = 0x10;

/** One effect, applied in order. The list must end with a terminal effect (return, revert, invalid). */
export type AppliedEffect =
  | { kind: "sstore"; slot: Uint8Array; value: Uint8Array }
  | { kind: "log"; topics: readonly Uint8Array[]; data: Uint8Array }
  | { kind: "transfer"; to: Uint8Array; value: bigint }
  /** Calls `to` (which holds the applier for the transaction) with `data`: effects of another account. */
  | { kind: "subcall"; to: Uint8Array; data: Uint8Array }
  | { kind: "burn"; minGasLeft: bigint }
  | { kind: "return"; data: Uint8Array }
  | { kind: "revert"; data: Uint8Array }
  | { kind: "invalid" };

/** Per-LOGk handler: copy the data to memory 0, push topics, LOGk, advance. Stack in/out: [ptr]. */
function logHandler(k: number): AsmItem[] {
  const items: AsmItem[] = [{ label: `log${k}` }, "POP", "DUP1", { push: 32 }, "ADD", "CALLDATALOAD"]; // [ptr,len]
  items.push("DUP1", "DUP3", { push: 64 + 32 * k }, "ADD", { push: 0 }, "CALLDATACOPY"); // [ptr,len]
  for (let i = k - 1; i >= 0; i--) {
    const depthOfPtr = 2 + (k - 1 - i);
    items.push(dup(depthOfPtr), { push: 64 + 32 * i }, "ADD", "CALLDATALOAD");
  }
  items.push(dup(1 + k), { push: 0 }, { raw: 0xa0 + k }); // [ptr,len]
  items.push({ push: 31 }, "ADD", { push: 31 }, "NOT", "AND", "ADD", { push: 64 + 32 * k }, "ADD");
  items.push({ pushLabel: "loop" }, "JUMP");
  return items;
}

function dup(n: number): AsmItem {
  if (n < 1 || n > 9) throw new RangeError(`DUP${n} not in the assembler`);
  return `DUP${n}` as AsmItem;
}

/** The applier's bytecode (a few hundred bytes). */
export const EFFECTS_APPLIER_CODE: Uint8Array = assemble([
  { push: 32 },
  { label: "loop" }, // [ptr]
  "DUP1",
  "CALLDATALOAD", // [ptr, op]
  ...dispatch(OP_SSTORE, "sstore"),
  ...dispatch(OP_CALL, "call"),
  ...dispatch(OP_SUBCALL, "subcall"),
  ...dispatch(OP_BURN, "burn"),
  ...dispatch(OP_RETURN, "return"),
  ...dispatch(OP_REVERT, "revert"),
  ...dispatch(OP_LOG0, "log0"),
  ...dispatch(OP_LOG0 + 1, "log1"),
  ...dispatch(OP_LOG0 + 2, "log2"),
  ...dispatch(OP_LOG0 + 3, "log3"),
  ...dispatch(OP_LOG0 + 4, "log4"),
  "INVALID", // OP_INVALID and anything unknown: consume all gas
  { label: "sstore" },
  "POP",
  "DUP1",
  { push: 64 },
  "ADD",
  "CALLDATALOAD", // [ptr, value]
  "DUP2",
  { push: 32 },
  "ADD",
  "CALLDATALOAD", // [ptr, value, slot]
  "SSTORE",
  { push: 96 },
  "ADD",
  { pushLabel: "loop" },
  "JUMP",
  { label: "call" },
  "POP",
  { push: 0 },
  "DUP1",
  "DUP1",
  "DUP1", // [ptr,0,0,0,0]
  "DUP5",
  { push: 64 },
  "ADD",
  "CALLDATALOAD", // value
  "DUP6",
  { push: 32 },
  "ADD",
  "CALLDATALOAD", // to
  "GAS",
  "CALL", // [ptr, ok]
  "ISZERO",
  { pushLabel: "fail" },
  "JUMPI",
  { push: 96 },
  "ADD",
  { pushLabel: "loop" },
  "JUMP",
  { label: "subcall" }, // [ptr, op]: to at ptr+32, length at ptr+64, data from ptr+96
  "POP",
  "DUP1",
  { push: 64 },
  "ADD",
  "CALLDATALOAD", // [ptr, len]
  "DUP1",
  "DUP3",
  { push: 96 },
  "ADD",
  { push: 0 },
  "CALLDATACOPY", // memory[0..len] = data
  { push: 0 },
  { push: 0 },
  "DUP3",
  { push: 0 },
  { push: 0 }, // [ptr, len, 0, 0, len, 0, 0]
  "DUP7",
  { push: 32 },
  "ADD",
  "CALLDATALOAD", // to
  "GAS",
  "CALL", // [ptr, len, ok]
  "ISZERO",
  { pushLabel: "fail" },
  "JUMPI",
  { push: 31 },
  "ADD",
  { push: 31 },
  "NOT",
  "AND",
  "ADD",
  { push: 96 },
  "ADD",
  { pushLabel: "loop" },
  "JUMP",
  { label: "burn" },
  "POP",
  { label: "burnloop" }, // [ptr]
  "DUP1",
  { push: 32 },
  "ADD",
  "CALLDATALOAD",
  "GAS",
  "GT",
  { pushLabel: "burnloop" },
  "JUMPI",
  { push: 64 },
  "ADD",
  { pushLabel: "loop" },
  "JUMP",
  { label: "return" },
  "POP",
  "DUP1",
  { push: 32 },
  "ADD",
  "CALLDATALOAD", // [ptr,len]
  "DUP1",
  "DUP3",
  { push: 64 },
  "ADD",
  { push: 0 },
  "CALLDATACOPY",
  { push: 0 },
  "RETURN",
  { label: "revert" },
  "POP",
  "DUP1",
  { push: 32 },
  "ADD",
  "CALLDATALOAD",
  "DUP1",
  "DUP3",
  { push: 64 },
  "ADD",
  { push: 0 },
  "CALLDATACOPY",
  { push: 0 },
  "REVERT",
  ...logHandler(0),
  ...logHandler(1),
  ...logHandler(2),
  ...logHandler(3),
  ...logHandler(4),
  { label: "fail" },
  { push: 0 },
  "DUP1",
  "REVERT",
]);

function dispatch(op: number, label: string): AsmItem[] {
  return ["DUP1", { push: op }, "EQ", { pushLabel: label }, "JUMPI"];
}

/** Encodes the applier calldata for `effects`, with `originalInput` appended after the terminal effect. */
export function encodeEffects(effects: readonly AppliedEffect[], originalInput: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [APPLIER_MAGIC];
  let terminated = false;
  for (const effect of effects) {
    if (terminated) throw new Error("effects after the terminal effect");
    switch (effect.kind) {
      case "sstore":
        parts.push(word(OP_SSTORE), pad32(effect.slot), pad32(effect.value));
        break;
      case "log":
        if (effect.topics.length > 4) throw new Error("more than 4 topics");
        parts.push(word(OP_LOG0 + effect.topics.length), word(effect.data.length));
        for (const topic of effect.topics) parts.push(pad32(topic));
        parts.push(padRight(effect.data));
        break;
      case "transfer":
        parts.push(word(OP_CALL), pad32(effect.to), word(effect.value));
        break;
      case "subcall":
        parts.push(word(OP_SUBCALL), pad32(effect.to), word(effect.data.length), padRight(effect.data));
        break;
      case "burn":
        parts.push(word(OP_BURN), word(effect.minGasLeft));
        break;
      case "return":
      case "revert":
        parts.push(word(effect.kind === "return" ? OP_RETURN : OP_REVERT), word(effect.data.length), padRight(effect.data));
        terminated = true;
        break;
      case "invalid":
        parts.push(word(OP_INVALID));
        terminated = true;
        break;
    }
  }
  if (!terminated) throw new Error("effects must end with return, revert or invalid");
  parts.push(originalInput);
  return concatBytes(parts);
}

/** If `input` is applier calldata, returns the original input stored in it; otherwise undefined. */
export function decodeOriginalInput(input: Uint8Array): Uint8Array | undefined {
  if (input.length < 64 || !startsWith(input, APPLIER_MAGIC)) return undefined;
  let ptr = 32;
  const readWord = (at: number): bigint => {
    let v = 0n;
    for (let i = 0; i < 32; i++) v = (v << 8n) | BigInt(input[at + i] ?? 0);
    return v;
  };
  for (;;) {
    if (ptr + 32 > input.length) return undefined;
    const op = Number(readWord(ptr));
    if (op === OP_SSTORE || op === OP_CALL) ptr += 96;
    else if (op === OP_BURN) ptr += 64;
    else if (op === OP_SUBCALL) ptr += 96 + ceil32(Number(readWord(ptr + 64)));
    else if (op === OP_INVALID) return input.subarray(ptr + 32);
    else if (op === OP_RETURN || op === OP_REVERT) {
      const len = Number(readWord(ptr + 32));
      return input.subarray(ptr + 64 + ceil32(len));
    } else if (op >= OP_LOG0 && op <= OP_LOG0 + 4) {
      const len = Number(readWord(ptr + 32));
      ptr += 64 + 32 * (op - OP_LOG0) + ceil32(len);
    } else return undefined;
  }
}

function ceil32(n: number): number {
  return Math.ceil(n / 32) * 32;
}

function word(value: number | bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = BigInt(value);
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function pad32(bytes: Uint8Array): Uint8Array {
  if (bytes.length > 32) throw new RangeError("word longer than 32 bytes");
  const out = new Uint8Array(32);
  out.set(bytes, 32 - bytes.length);
  return out;
}

function padRight(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(ceil32(bytes.length));
  out.set(bytes, 0);
  return out;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
