// Ink metering by instrumentation, in the manner of Nitro's meter and dynamic
// meter middlewares: every basic block is prefixed with a header that charges
// the block's ink (Nitro's per-opcode prices + a header cost) from an exported
// i64 global and traps with status 1 when ink runs out; memory.copy/fill also
// charge per byte. The host functions read and write the same global, so WASM
// compute and host I/O draw from one meter.
import { ByteReader, encodeS64, encodeU32, type Instruction, readInstruction } from "../wasm/binary-reader.js";
import { type FuncType, parseModule } from "../wasm/module-parser.js";

/** Export names of the meter globals in the instrumented module. */
export const INK_LEFT_EXPORT = "stylus_ink_left";
export const INK_STATUS_EXPORT = "stylus_ink_status";
/** Prefix of the exports of the program's own mutable globals (`stylus_global_<index>`), so a reused instance can be reset. */
export const GLOBAL_EXPORT_PREFIX = "stylus_global_";

/** Ink charged per basic block for the header itself (Nitro CompilePricingParams v1). */
export const INK_HEADER_COST = 2450n;
/** Ink per byte of memory.copy / memory.fill (Nitro v1: 800 / 8). */
export const MEMORY_COPY_INK_PER_BYTE = 100n;
/** Ink charged for an instruction Nitro prices at u64::MAX (floats, ...): any execution runs out. */
const UNPAYABLE = (1n << 64n) - 1n;

/** Nitro's `pricing_v1`: ink per instruction. */
export function opInk(ins: Instruction, types: FuncType[]): bigint {
  const op = ins.op;
  if (ins.float) return UNPAYABLE;
  switch (op) {
    case 0x00: // unreachable
    case 0x0f: // return
    case 0x01: // nop
    case 0x41: // i32.const
    case 0x42: // i64.const
    case 0x02: // block
    case 0x03: // loop
    case 0x05: // else
    case 0x0b: // end
      return 1n;
    case 0x1a:
      return 9n;
    case 0x0c:
    case 0x0d:
    case 0x04:
      return 765n;
    case 0x1b:
      return 1250n;
    case 0x10:
      return 3800n;
    case 0x20:
    case 0x22:
      return 75n;
    case 0x21:
      return 210n;
    case 0x23:
      return 225n;
    case 0x24:
      return 575n;
    case 0x0e:
      return 2400n + 325n * BigInt(ins.arg ?? 0);
    case 0x11: {
      const t = types[ins.arg ?? 0];
      return 13610n + 650n * BigInt(t?.params.length ?? 0);
    }
    case 0x3f:
      return 3000n;
    case 0x40:
      return 1n;
    case 0xfc0a:
    case 0xfc0b:
      return 950n;
  }
  if (op === 0x28 || (op >= 0x2c && op <= 0x2f)) return 670n; // i32 loads
  if (op === 0x29 || (op >= 0x30 && op <= 0x35)) return 680n; // i64 loads
  if (op === 0x36 || op === 0x3a || op === 0x3b) return 825n;
  if (op === 0x37 || (op >= 0x3c && op <= 0x3e)) return 950n;
  if (op >= 0x45 && op <= 0x4f) return 170n;
  if (op >= 0x50 && op <= 0x5a) return 225n;
  if (op === 0x67 || op === 0x68) return 210n;
  if (op === 0x69) return 2650n;
  if (op === 0x6a || op === 0x6b) return 70n;
  if (op === 0x6c) return 160n;
  if (op >= 0x6d && op <= 0x70) return 1120n;
  if (op >= 0x71 && op <= 0x78) return 70n;
  if (op === 0x79 || op === 0x7a) return 210n;
  if (op === 0x7b) return 6000n;
  if (op === 0x7c || op === 0x7d) return 100n;
  if (op === 0x7e) return 160n;
  if (op >= 0x7f && op <= 0x82) return 1270n;
  if (op >= 0x83 && op <= 0x8a) return 100n;
  if (op === 0xa7 || op === 0xac || op === 0xad) return 100n;
  if (op >= 0xc0 && op <= 0xc4) return 100n;
  return UNPAYABLE; // anything else Nitro does not support
}

function endsBasicBlock(op: number): boolean {
  return (
    op === 0x00 || op === 0x02 || op === 0x03 || op === 0x04 || op === 0x05 || op === 0x0b ||
    op === 0x0c || op === 0x0d || op === 0x0e || op === 0x0f || op === 0x10 || op === 0x11
  );
}

/** Growable byte buffer (spreading large arrays into push() overflows the call stack). */
class ByteSink {
  #buf = new Uint8Array(1024);
  length = 0;

  #reserve(n: number): void {
    if (this.length + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
  }

  append(bytes: ArrayLike<number>): void {
    this.#reserve(bytes.length);
    if (bytes instanceof Uint8Array) this.#buf.set(bytes, this.length);
    else for (let i = 0; i < bytes.length; i++) this.#buf[this.length + i] = bytes[i] as number;
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }
}

function appendSection(out: ByteSink, id: number, payload: ByteSink | ArrayLike<number>): void {
  const bytes = payload instanceof ByteSink ? payload.bytes() : payload;
  out.append([id]);
  out.append(encodeU32(bytes.length));
  out.append(bytes);
}

/**
 * Adds ink metering to a (validated) Stylus program.
 * @returns the instrumented binary, exporting `stylus_ink_left` (mut i64), `stylus_ink_status` (mut i32)
 * and every mutable global the program defines as `stylus_global_<index>` (programs may not use the
 * `stylus` prefix, so the names cannot clash).
 */
export function instrumentForInk(wasm: Uint8Array): Uint8Array {
  const m = parseModule(wasm);
  const importedGlobals = m.imports.filter((i) => i.kind === 3).length;
  const inkGlobal = importedGlobals + m.globals.length;
  const statusGlobal = inkGlobal + 1;
  const scratchGlobal = inkGlobal + 2;
  // Nitro's HeapBound: every memory.grow first calls vm_hooks.pay_for_memory_grow(pages).
  const funcImports = m.imports.filter((i) => i.kind === 0);
  const payIndex = funcImports.findIndex((i) => i.module === "vm_hooks" && i.name === "pay_for_memory_grow");
  const payForGrow: number[] =
    payIndex === -1
      ? []
      : [
          0x24, ...encodeU32(scratchGlobal),
          0x23, ...encodeU32(scratchGlobal),
          0x23, ...encodeU32(scratchGlobal),
          0x10, ...encodeU32(payIndex),
        ];

  const header = (cost: bigint): number[] => {
    const c = encodeS64(cost > (1n << 63n) - 1n ? -1n : cost);
    return [
      0x23, ...encodeU32(inkGlobal), 0x42, ...c, 0x54, 0x04, 0x40,
      0x41, 0x01, 0x24, ...encodeU32(statusGlobal), 0x00, 0x0b,
      0x23, ...encodeU32(inkGlobal), 0x42, ...c, 0x7d, 0x24, ...encodeU32(inkGlobal),
    ];
  };
  // Before memory.copy/fill: the byte count (i32) is on top of the stack.
  const dynamic: number[] = [
    0x24, ...encodeU32(scratchGlobal),
    0x23, ...encodeU32(inkGlobal),
    0x23, ...encodeU32(scratchGlobal), 0xad, 0x42, ...encodeS64(MEMORY_COPY_INK_PER_BYTE), 0x7e,
    0x54, 0x04, 0x40, 0x41, 0x01, 0x24, ...encodeU32(statusGlobal), 0x00, 0x0b,
    0x23, ...encodeU32(inkGlobal),
    0x23, ...encodeU32(scratchGlobal), 0xad, 0x42, ...encodeS64(MEMORY_COPY_INK_PER_BYTE), 0x7e,
    0x7d, 0x24, ...encodeU32(inkGlobal),
    0x23, ...encodeU32(scratchGlobal),
  ];

  const out = new ByteSink();
  out.append(wasm.subarray(0, 8));
  const newGlobals = [
    0x7e, 0x01, 0x42, 0x00, 0x0b, // ink: mut i64 = 0
    0x7f, 0x01, 0x41, 0x00, 0x0b, // status: mut i32 = 0
    0x7f, 0x01, 0x41, 0x00, 0x0b, // scratch: mut i32 = 0
  ];
  const globalExport = (name: string, index: number): number[] => [
    ...encodeU32(name.length), ...new TextEncoder().encode(name), 0x03, ...encodeU32(index),
  ];
  const ownMutable = m.globals.flatMap((g, i) => (g.mutable ? [importedGlobals + i] : []));
  const newExports = [
    ...globalExport(INK_LEFT_EXPORT, inkGlobal),
    ...globalExport(INK_STATUS_EXPORT, statusGlobal),
    ...ownMutable.flatMap((index) => globalExport(`${GLOBAL_EXPORT_PREFIX}${index}`, index)),
  ];
  const newExportCount = 2 + ownMutable.length;
  const hasGlobalSection = m.sections.some((s) => s.id === 6);
  const hasExportSection = m.sections.some((s) => s.id === 7);
  // Canonical order of non-custom sections; a missing global/export section is inserted in place.
  const order = (id: number): number => (id === 12 ? 9.5 : id);
  let globalsWritten = hasGlobalSection;
  let exportsWritten = hasExportSection;
  const flushMissing = (beforeId: number): void => {
    if (!globalsWritten && order(beforeId) > 6) {
      appendSection(out, 6, [...encodeU32(3), ...newGlobals]);
      globalsWritten = true;
    }
    if (!exportsWritten && order(beforeId) > 7) {
      appendSection(out, 7, [...encodeU32(newExportCount), ...newExports]);
      exportsWritten = true;
    }
  };

  for (const s of m.sections) {
    if (s.id !== 0) flushMissing(s.id);
    const payload = wasm.subarray(s.payloadStart, s.end);
    if (s.id === 6) {
      const r = new ByteReader(wasm, s.payloadStart, s.end);
      const n = r.u32();
      const payload = new ByteSink();
      payload.append(encodeU32(n + 3));
      payload.append(wasm.subarray(r.offset, s.end));
      payload.append(newGlobals);
      appendSection(out, 6, payload);
    } else if (s.id === 7) {
      const r = new ByteReader(wasm, s.payloadStart, s.end);
      const n = r.u32();
      const payload = new ByteSink();
      payload.append(encodeU32(n + newExportCount));
      payload.append(wasm.subarray(r.offset, s.end));
      payload.append(newExports);
      appendSection(out, 7, payload);
    } else if (s.id === 10) {
      const body = new ByteSink();
      body.append(encodeU32(m.codes.length));
      for (const code of m.codes) {
        const fn = new ByteSink();
        fn.append(wasm.subarray(code.bodyStart, code.opsStart));
        const r = new ByteReader(wasm, code.opsStart, code.end);
        let block: Instruction[] = [];
        let cost = 0n;
        while (!r.eof) {
          const ins = readInstruction(r);
          block.push(ins);
          cost += opInk(ins, m.types);
          if (endsBasicBlock(ins.op) || r.eof) {
            fn.append(header(cost + INK_HEADER_COST));
            for (const b of block) {
              if (b.op === 0xfc0a || b.op === 0xfc0b) fn.append(dynamic);
              if (b.op === 0x40) fn.append(payForGrow);
              fn.append(wasm.subarray(b.start, b.end));
            }
            block = [];
            cost = 0n;
          }
        }
        body.append(encodeU32(fn.length));
        body.append(fn.bytes());
      }
      appendSection(out, 10, body);
    } else {
      appendSection(out, s.id, payload);
    }
  }
  flushMissing(13);
  return out.bytes();
}
