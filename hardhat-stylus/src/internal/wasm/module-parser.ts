// Parses a WASM module into the facts the Stylus validator and the ink
// instrumenter need: types, imports, exports, memories, globals, segments and
// per-function statistics (locals, instruction count, first instruction that
// needs a feature Nitro does not enable). Feature problems are recorded, not
// thrown, so the validator can phrase them; malformed bytes throw
// WasmFormatError.
import {
  ByteReader,
  type Instruction,
  type OpFeature,
  type RawSection,
  readInstruction,
  readSections,
  WasmFormatError,
} from "./binary-reader.js";

export interface FuncType {
  params: number[];
  results: number[];
}

export interface ParsedImport {
  module: string;
  name: string;
  /** 0 func, 1 table, 2 memory, 3 global, 4 tag. */
  kind: number;
  typeIndex?: number;
}

export interface ParsedExport {
  name: string;
  /** 0 func, 1 table, 2 memory, 3 global. */
  kind: number;
  index: number;
}

export interface ParsedLimits {
  flags: number;
  min: number;
  max?: number;
}

export interface ParsedGlobal {
  valType: number;
  mutable: boolean;
  /** Opcode of the first instruction of the initializer. */
  initOp: number;
  /** Number of instructions before `end` in the initializer. */
  initLength: number;
}

export interface ParsedCode {
  /** Offset of the body's size field. */
  start: number;
  /** Offset of the first byte of the body (locals vector). */
  bodyStart: number;
  /** Offset of the first instruction. */
  opsStart: number;
  end: number;
  localCount: number;
  instructionCount: number;
  usesFloat: boolean;
  forbidden?: { feature: OpFeature; op: number; offset: number };
}

export interface ParsedModule {
  wasm: Uint8Array;
  sections: RawSection[];
  types: FuncType[];
  imports: ParsedImport[];
  functionTypes: number[];
  tables: (ParsedLimits & { refType: number })[];
  memories: ParsedLimits[];
  globals: ParsedGlobal[];
  exports: ParsedExport[];
  start?: number;
  elements: { flags: number; entries: number; byteLength: number }[];
  dataSegments: { flags: number; byteLength: number; dataLength: number }[];
  codes: ParsedCode[];
  moduleName?: string;
  /** A block type given by type index (multi-value blocks). */
  usesBlockTypeIndex: boolean;
  /** Non-numeric value types found in signatures/locals/globals (v128, funcref, externref...). */
  badValueTypes: number[];
  unknownSectionIds: number[];
}

function readValType(r: ByteReader, bad: number[]): number {
  const b = r.byte();
  if (b !== 0x7f && b !== 0x7e && b !== 0x7d && b !== 0x7c) bad.push(b);
  return b;
}

function readLimits(r: ByteReader): ParsedLimits {
  const flags = r.byte();
  // 0x04 bit = memory64 (min/max are u64); 0x02 = shared.
  const readNum = (): number => ((flags & 0x04) !== 0 ? Number(r.sleb(64) & 0xffffffffn) : r.u32());
  const min = readNum();
  const limits: ParsedLimits = { flags, min };
  if ((flags & 0x01) !== 0) limits.max = readNum();
  return limits;
}

/** Reads a constant expression up to its `end`; returns the first op and the count. */
function readConstExpr(r: ByteReader): { initOp: number; initLength: number } {
  let initOp = -1;
  let initLength = 0;
  for (;;) {
    const ins = readInstruction(r);
    if (ins.op === 0x0b) break;
    if (initOp === -1) initOp = ins.op;
    initLength++;
    if (initLength > 64) throw new WasmFormatError("constant expression too long");
  }
  return { initOp, initLength };
}

function blockTypeIsIndex(wasm: Uint8Array, ins: Instruction): boolean {
  if (ins.op !== 0x02 && ins.op !== 0x03 && ins.op !== 0x04) return false;
  const b = wasm[ins.start + 1] as number;
  return !(b === 0x40 || b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f);
}

/**
 * Parses every section of `wasm`.
 * @throws WasmFormatError when the bytes are not a well-formed module.
 */
export function parseModule(wasm: Uint8Array): ParsedModule {
  const sections = readSections(wasm);
  const m: ParsedModule = {
    wasm,
    sections,
    types: [],
    imports: [],
    functionTypes: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    elements: [],
    dataSegments: [],
    codes: [],
    usesBlockTypeIndex: false,
    badValueTypes: [],
    unknownSectionIds: [],
  };
  for (const s of sections) {
    const r = new ByteReader(wasm, s.payloadStart, s.end);
    switch (s.id) {
      case 0: {
        if (s.customName === "name") readNameSection(r, m);
        break;
      }
      case 1: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const form = r.byte();
          if (form !== 0x60) throw new WasmFormatError(`type ${i} is not a function type (0x${form.toString(16)})`);
          const params: number[] = [];
          const np = r.u32();
          for (let j = 0; j < np; j++) params.push(readValType(r, m.badValueTypes));
          const results: number[] = [];
          const nr = r.u32();
          for (let j = 0; j < nr; j++) results.push(readValType(r, m.badValueTypes));
          m.types.push({ params, results });
        }
        break;
      }
      case 2: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const module = r.name();
          const name = r.name();
          const kind = r.byte();
          const imp: ParsedImport = { module, name, kind };
          if (kind === 0) imp.typeIndex = r.u32();
          else if (kind === 1) {
            r.byte();
            readLimits(r);
          } else if (kind === 2) readLimits(r);
          else if (kind === 3) {
            r.byte();
            r.byte();
          } else if (kind === 4) {
            r.byte();
            r.u32();
          } else throw new WasmFormatError(`import ${module}.${name} has unknown kind ${kind}`);
          m.imports.push(imp);
        }
        break;
      }
      case 3: {
        const n = r.u32();
        for (let i = 0; i < n; i++) m.functionTypes.push(r.u32());
        break;
      }
      case 4: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const refType = r.byte();
          m.tables.push({ refType, ...readLimits(r) });
        }
        break;
      }
      case 5: {
        const n = r.u32();
        for (let i = 0; i < n; i++) m.memories.push(readLimits(r));
        break;
      }
      case 6: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const valType = readValType(r, m.badValueTypes);
          const mutable = r.byte() === 1;
          m.globals.push({ valType, mutable, ...readConstExpr(r) });
        }
        break;
      }
      case 7: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const name = r.name();
          const kind = r.byte();
          const index = r.u32();
          m.exports.push({ name, kind, index });
        }
        break;
      }
      case 8:
        m.start = r.u32();
        break;
      case 9: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const begin = r.offset;
          const flags = r.u32();
          let entries = 0;
          if (flags > 7) throw new WasmFormatError(`element segment ${i} has unknown flags ${flags}`);
          if ((flags & 0x02) !== 0 && (flags & 0x01) === 0) r.u32(); // table index
          if ((flags & 0x01) === 0) readConstExpr(r); // offset
          if ((flags & 0x04) === 0) {
            if ((flags & 0x03) !== 0) r.byte(); // elemkind
            entries = r.u32();
            for (let j = 0; j < entries; j++) r.u32();
          } else {
            if ((flags & 0x03) !== 0) r.byte(); // reftype
            entries = r.u32();
            for (let j = 0; j < entries; j++) readConstExpr(r);
          }
          m.elements.push({ flags, entries, byteLength: r.offset - begin });
        }
        break;
      }
      case 10: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const start = r.offset;
          const size = r.u32();
          const bodyStart = r.offset;
          const end = bodyStart + size;
          const body = new ByteReader(wasm, bodyStart, end);
          let localCount = 0;
          const groups = body.u32();
          for (let j = 0; j < groups; j++) {
            localCount += body.u32();
            readValType(body, m.badValueTypes);
          }
          const code: ParsedCode = {
            start,
            bodyStart,
            opsStart: body.offset,
            end,
            localCount,
            instructionCount: 0,
            usesFloat: false,
          };
          while (!body.eof) {
            const ins = readInstruction(body);
            code.instructionCount++;
            if (ins.float) code.usesFloat = true;
            if (blockTypeIsIndex(wasm, ins)) m.usesBlockTypeIndex = true;
            if (ins.feature !== "mvp" && ins.feature !== "sign-ext" && ins.feature !== "sat-float-to-int" && ins.feature !== "bulk-memory") {
              code.forbidden = { feature: ins.feature, op: ins.op, offset: ins.start };
              break; // later bytes may not be decodable by this reader
            }
          }
          m.codes.push(code);
          r.offset = end;
        }
        break;
      }
      case 11: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const begin = r.offset;
          const flags = r.u32();
          if (flags === 2) r.u32();
          if (flags === 0 || flags === 2) readConstExpr(r);
          else if (flags !== 1) throw new WasmFormatError(`data segment ${i} has unknown flags ${flags}`);
          const len = r.u32();
          r.skip(len);
          m.dataSegments.push({ flags, byteLength: r.offset - begin, dataLength: len });
        }
        break;
      }
      case 12:
        r.u32(); // data count (bulk memory)
        break;
      default:
        m.unknownSectionIds.push(s.id);
    }
  }
  return m;
}

function readNameSection(r: ByteReader, m: ParsedModule): void {
  try {
    r.name(); // section name "name"
    while (!r.eof) {
      const id = r.byte();
      const size = r.u32();
      const end = r.offset + size;
      if (id === 0) m.moduleName = r.name();
      r.offset = end;
    }
  } catch {
    // A malformed name section is ignored, as engines do.
  }
}
