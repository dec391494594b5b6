// A tiny EVM assembler for the hand-written helper contracts of the plugin
// (the effects applier): opcodes by name, PUSH of numbers/bytes, and labels
// resolved to 2-byte jump targets. Not a general assembler on purpose.

/** Opcodes used by the plugin's helper bytecode. */
export const OP = {
  STOP: 0x00,
  ADD: 0x01,
  KECCAK256: 0x20,
  ORIGIN: 0x32,
  CALLVALUE: 0x34,
  SUB: 0x03,
  LT: 0x10,
  GT: 0x11,
  EQ: 0x14,
  ISZERO: 0x15,
  AND: 0x16,
  NOT: 0x19,
  CALLER: 0x33,
  CALLDATALOAD: 0x35,
  CALLDATASIZE: 0x36,
  CALLDATACOPY: 0x37,
  CODECOPY: 0x39,
  RETURNDATASIZE: 0x3d,
  RETURNDATACOPY: 0x3e,
  POP: 0x50,
  MSTORE: 0x52,
  MSTORE8: 0x53,
  SLOAD: 0x54,
  SSTORE: 0x55,
  JUMP: 0x56,
  JUMPI: 0x57,
  GAS: 0x5a,
  JUMPDEST: 0x5b,
  DUP1: 0x80,
  DUP2: 0x81,
  DUP3: 0x82,
  DUP4: 0x83,
  DUP5: 0x84,
  DUP6: 0x85,
  DUP7: 0x86,
  DUP8: 0x87,
  DUP9: 0x88,
  SWAP1: 0x90,
  LOG0: 0xa0,
  CALL: 0xf1,
  DELEGATECALL: 0xf4,
  RETURN: 0xf3,
  REVERT: 0xfd,
  INVALID: 0xfe,
} as const;

export type OpName = keyof typeof OP;

/** One assembly item: an opcode name, a push, a label definition or a push of a label's offset. */
export type AsmItem =
  | OpName
  | { push: bigint | number }
  | { label: string }
  | { pushLabel: string }
  | { raw: number };

/** Assembles `items` into bytecode; labels become JUMPDESTs, label pushes become PUSH2. */
export function assemble(items: readonly AsmItem[]): Uint8Array {
  const labels = new Map<string, number>();
  const sizeOf = (item: AsmItem): number => {
    if (typeof item === "string") return 1;
    if ("label" in item || "raw" in item) return 1;
    if ("pushLabel" in item) return 3;
    return 1 + pushBytes(BigInt(item.push)).length;
  };
  let offset = 0;
  for (const item of items) {
    if (typeof item === "object" && "label" in item) {
      if (labels.has(item.label)) throw new Error(`duplicate label ${item.label}`);
      labels.set(item.label, offset);
    }
    offset += sizeOf(item);
  }
  const out: number[] = [];
  for (const item of items) {
    if (typeof item === "string") {
      out.push(OP[item]);
    } else if ("label" in item) {
      out.push(OP.JUMPDEST);
    } else if ("raw" in item) {
      out.push(item.raw);
    } else if ("pushLabel" in item) {
      const target = labels.get(item.pushLabel);
      if (target === undefined) throw new Error(`unknown label ${item.pushLabel}`);
      out.push(0x61, target >> 8, target & 0xff);
    } else {
      const bytes = pushBytes(BigInt(item.push));
      out.push(0x5f + bytes.length, ...bytes);
    }
  }
  return Uint8Array.from(out);
}

/** Minimal big-endian bytes of a value for PUSH1..PUSH32 (at least one byte). */
function pushBytes(value: bigint): number[] {
  if (value < 0n || value >= 1n << 256n) throw new RangeError(`push value out of range: ${value}`);
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return bytes;
}
