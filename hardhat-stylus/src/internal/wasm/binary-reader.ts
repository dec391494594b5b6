// A small reader for the WebAssembly binary format: LEB128 numbers, the
// section layout and a walker over function-body instructions that reports
// each instruction's byte range and feature class. Written for the Stylus
// validator and the ink-metering instrumenter; it decodes only what those
// two need, and throws WasmFormatError on anything malformed.

/** A malformed or truncated binary (not a Stylus rule: the bytes are not WebAssembly). */
export class WasmFormatError extends Error {
  override name = "WasmFormatError";
}

/** Cursor over a byte array with LEB128 helpers. */
export class ByteReader {
  readonly bytes: Uint8Array;
  offset: number;
  readonly end: number;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
  }

  get eof(): boolean {
    return this.offset >= this.end;
  }

  byte(): number {
    if (this.offset >= this.end) {
      throw new WasmFormatError(`unexpected end of data at byte ${this.offset}`);
    }
    return this.bytes[this.offset++] as number;
  }

  /** Unsigned LEB128 up to 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new WasmFormatError(`u32 out of range at byte ${this.offset}`);
        return result;
      }
      shift += 7;
    }
    throw new WasmFormatError(`u32 LEB128 too long at byte ${this.offset}`);
  }

  /** Signed LEB128 up to `bits` bits; only skipped or returned as bigint. */
  sleb(bits: 32 | 33 | 64): bigint {
    let result = 0n;
    let shift = 0n;
    const max = Math.ceil(bits / 7);
    for (let i = 0; i < max; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if ((b & 0x40) !== 0) result -= 1n << shift;
        return result;
      }
    }
    throw new WasmFormatError(`s${bits} LEB128 too long at byte ${this.offset}`);
  }

  skip(n: number): void {
    if (this.offset + n > this.end) {
      throw new WasmFormatError(`unexpected end of data at byte ${this.offset} (wanted ${n} bytes)`);
    }
    this.offset += n;
  }

  take(n: number): Uint8Array {
    const start = this.offset;
    this.skip(n);
    return this.bytes.subarray(start, start + n);
  }

  name(): string {
    const len = this.u32();
    return new TextDecoder("utf-8", { fatal: false }).decode(this.take(len));
  }
}

/** Writes unsigned LEB128. */
export function encodeU32(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Writes signed LEB128 of a 64-bit value. */
export function encodeS64(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** One top-level section of a module. */
export interface RawSection {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  /** Offset of the payload (after id and size). */
  payloadStart: number;
  /** Offset one past the payload. */
  end: number;
  /** Name of a custom section (id 0). */
  customName?: string;
}

/** Splits a module into its sections; checks magic, version, and section order. */
export function readSections(wasm: Uint8Array): RawSection[] {
  if (
    wasm.length < 8 ||
    wasm[0] !== 0x00 ||
    wasm[1] !== 0x61 ||
    wasm[2] !== 0x73 ||
    wasm[3] !== 0x6d
  ) {
    throw new WasmFormatError("missing the \\0asm magic");
  }
  if (wasm[4] !== 1 || wasm[5] !== 0 || wasm[6] !== 0 || wasm[7] !== 0) {
    throw new WasmFormatError("unsupported WebAssembly version (expected 1)");
  }
  const r = new ByteReader(wasm, 8);
  const sections: RawSection[] = [];
  while (!r.eof) {
    const start = r.offset;
    const id = r.byte();
    const size = r.u32();
    const payloadStart = r.offset;
    r.skip(size);
    const section: RawSection = { id, start, payloadStart, end: r.offset };
    if (id === 0) {
      section.customName = new ByteReader(wasm, payloadStart, r.offset).name();
    }
    sections.push(section);
  }
  return sections;
}

/** What an instruction needs beyond the WebAssembly MVP. */
export type OpFeature =
  | "mvp"
  | "sign-ext"
  | "sat-float-to-int"
  | "bulk-memory"
  | "bulk-memory-data"
  | "table-ops"
  | "reference-types"
  | "simd"
  | "threads"
  | "tail-call"
  | "exceptions"
  | "unknown";

/** One decoded instruction of a function body. */
export interface Instruction {
  /** Opcode byte, or prefix * 256 + sub-opcode for 0xFC/0xFD/0xFE prefixed ops. */
  op: number;
  start: number;
  end: number;
  feature: OpFeature;
  /** True for f32/f64 instructions (Nitro prices these at u64::MAX ink). */
  float: boolean;
  /** br_table target count, call_indirect type index: used for pricing. */
  arg?: number;
}

// MVP instructions with a memarg (align, offset).
function isMemOp(op: number): boolean {
  return op >= 0x28 && op <= 0x3e;
}

function isFloatOp(op: number): boolean {
  if (op === 0x2a || op === 0x2b || op === 0x38 || op === 0x39) return true; // f32/f64 load/store
  if (op === 0x43 || op === 0x44) return true; // f32/f64 const
  if (op >= 0x5b && op <= 0x66) return true; // f32/f64 comparisons
  if (op >= 0x8b && op <= 0xa6) return true; // f32/f64 arithmetic
  if (op >= 0xa8 && op <= 0xbf && op !== 0xac && op !== 0xad) return true; // conversions with a float side
  return false;
}

function readBlockType(r: ByteReader): void {
  const b = r.bytes[r.offset];
  if (b === 0x40 || b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) {
    r.offset++;
    return;
  }
  r.sleb(33); // type index
}

/**
 * Decodes one instruction at the reader's position and advances past it.
 * @throws WasmFormatError on truncated or unknown encodings.
 */
export function readInstruction(r: ByteReader): Instruction {
  const start = r.offset;
  const op = r.byte();
  let feature: OpFeature = "mvp";
  let arg: number | undefined;
  let code = op;
  switch (true) {
    case op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b:
      break; // unreachable nop else end return drop select
    case op === 0x02 || op === 0x03 || op === 0x04:
      readBlockType(r);
      break;
    case op === 0x0c || op === 0x0d:
      r.u32();
      break;
    case op === 0x0e: {
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.u32();
      arg = n;
      break;
    }
    case op === 0x10:
      r.u32();
      break;
    case op === 0x11:
      arg = r.u32();
      r.u32(); // table index (0 in MVP)
      break;
    case op === 0x12:
      r.u32();
      feature = "tail-call";
      break;
    case op === 0x13:
      r.u32();
      r.u32();
      feature = "tail-call";
      break;
    case op === 0x06 || op === 0x07 || op === 0x08 || op === 0x09 || op === 0x18 || op === 0x19:
      feature = "exceptions";
      if (op === 0x06) readBlockType(r);
      else if (op !== 0x19) r.u32();
      break;
    case op === 0x1c: {
      const n = r.u32();
      r.skip(n);
      feature = "reference-types";
      break;
    }
    case op >= 0x20 && op <= 0x24:
      r.u32();
      break;
    case op === 0x25 || op === 0x26:
      r.u32();
      feature = "reference-types";
      break;
    case isMemOp(op):
      r.u32();
      r.u32();
      break;
    case op === 0x3f || op === 0x40:
      r.byte(); // memory index; must be 0 without multi-memory
      if (r.bytes[r.offset - 1] !== 0) feature = "unknown";
      break;
    case op === 0x41:
      r.sleb(32);
      break;
    case op === 0x42:
      r.sleb(64);
      break;
    case op === 0x43:
      r.skip(4);
      break;
    case op === 0x44:
      r.skip(8);
      break;
    case op >= 0x45 && op <= 0xbf:
      break; // numeric
    case op >= 0xc0 && op <= 0xc4:
      feature = "sign-ext";
      break;
    case op === 0xd0:
      r.byte();
      feature = "reference-types";
      break;
    case op === 0xd1:
      feature = "reference-types";
      break;
    case op === 0xd2:
      r.u32();
      feature = "reference-types";
      break;
    case op === 0xfc: {
      const sub = r.u32();
      code = 0xfc00 + sub;
      if (sub <= 7) {
        feature = "sat-float-to-int";
      } else if (sub === 8) {
        r.u32();
        r.byte();
        feature = "bulk-memory-data";
      } else if (sub === 9) {
        r.u32();
        feature = "bulk-memory-data";
      } else if (sub === 10) {
        r.byte();
        r.byte();
        feature = "bulk-memory";
      } else if (sub === 11) {
        r.byte();
        feature = "bulk-memory";
      } else if (sub === 12 || sub === 14) {
        r.u32();
        r.u32();
        feature = "table-ops";
      } else if (sub === 13) {
        r.u32();
        feature = "table-ops";
      } else if (sub >= 15 && sub <= 17) {
        r.u32();
        feature = "table-ops";
      } else {
        feature = "unknown";
      }
      break;
    }
    case op === 0xfd: {
      const sub = r.u32();
      code = 0xfd00 + sub;
      feature = "simd";
      // Stop decoding: SIMD is rejected, the caller stops at the first forbidden op.
      break;
    }
    case op === 0xfe: {
      const sub = r.u32();
      code = 0xfe00 + sub;
      feature = "threads";
      break;
    }
    default:
      feature = "unknown";
  }
  const float = code < 0x100 ? isFloatOp(op) : code >= 0xfc00 && code <= 0xfc07;
  const ins: Instruction = { op: code, start, end: r.offset, feature, float };
  if (arg !== undefined) ins.arg = arg;
  return ins;
}

/** Value type byte -> name (numeric types only; refs are reference-types). */
export function valueTypeName(b: number): string {
  switch (b) {
    case 0x7f:
      return "i32";
    case 0x7e:
      return "i64";
    case 0x7d:
      return "f32";
    case 0x7c:
      return "f64";
    case 0x7b:
      return "v128";
    case 0x70:
      return "funcref";
    case 0x6f:
      return "externref";
    default:
      return `0x${b.toString(16)}`;
  }
}
