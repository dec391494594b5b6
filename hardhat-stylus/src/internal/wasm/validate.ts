// Stylus program validation: checks a WASM binary against the rules Nitro
// applies when a program is activated (features, imports, exports, limits),
// so a program Nitro would reject is rejected here with the reason, and
// returns the facts activation needs (data fee and init gas estimates).
// Rules follow nitro arbitrator/prover/src/binary.rs (parse, parse_user,
// check_func), programs/heap.rs (pay_for_memory_grow) and the host linker.
import { WasmFormatError } from "./binary-reader.js";
import { CONSOLE_HOOKS, formatSignature, type HostioSignature, VM_HOOKS } from "./hostio-signatures.js";
import { type FuncType, type ParsedModule, parseModule } from "./module-parser.js";
import { StylusValidationError, type StylusValidationReason } from "./validation-error.js";

export { StylusValidationError, isStylusValidationError } from "./validation-error.js";
export type { StylusValidationReason } from "./validation-error.js";

/** Largest uncompressed program (128 KiB). */
export const MAX_UNCOMPRESSED_WASM_SIZE = 128 * 1024;
/** Largest compressed program without fragments (24,576 bytes). */
export const MAX_COMPRESSED_PROGRAM_SIZE = 24_576;
/** Nitro's page limit (ArbOS `PageLimit`), 64 KiB pages. */
export const MAX_MEMORY_PAGES = 128;
/** ArbOS version assumed when none is given. */
export const DEFAULT_ARBOS_VERSION = 50;
/** From this ArbOS version on, multi-value functions/blocks are rejected (TOOLCHAIN.md). */
export const ARBOS_VERSION_NO_MULTI_VALUE = 60;

/** Limits from nitro's `parse_user` (anti-DoS caps). */
export const STYLUS_LIMITS = {
  functions: 4096,
  exports: 1024,
  dataSegments: 128,
  elements: 128,
  elementEntries: 4096,
  tableEntries: 4096,
  globals: 32768,
  localsPerFunction: 348,
  opcodesPerFunction: 65536,
  nameLength: 512,
} as const;

export interface ValidateStylusProgramOptions {
  /** ArbOS version to apply version-dependent rules for (default DEFAULT_ARBOS_VERSION). */
  arbosVersion?: number;
  /** Debug mode: also allow the `console` imports (Nitro links them only on debug chains). */
  debug?: boolean;
  /** Size of the compressed code (EF F0 00 + brotli), when the caller has it: checked against 24,576. */
  compressedSize?: number;
}

export interface StylusImport {
  module: string;
  name: string;
}

export interface StylusExport {
  name: string;
  kind: "function" | "table" | "memory" | "global";
}

/** Facts about a valid program, used for activation (data fee, init gas) and execution. */
export interface StylusProgramInfo {
  imports: StylusImport[];
  exports: StylusExport[];
  /** Initial memory pages (the program's "footprint"). */
  memoryPages: number;
  /** Maximum memory pages, if declared. */
  memoryMaxPages?: number;
  /** True when memory can grow (no max, or max > min): pay_for_memory_grow is imported. */
  canGrowMemory: boolean;
  /** Functions defined by the module (code entries), imports excluded. */
  functionCount: number;
  importCount: number;
  globalCount: number;
  typeCount: number;
  dataSegmentCount: number;
  /** Bytes of data segments plus element segments (as Nitro counts them for init cost). */
  dataBytes: number;
  /** Sum over defined functions of params + results (Nitro's `type_len`). */
  typeLength: number;
  wasmSize: number;
  /** The program uses f32/f64 instructions: Nitro prices those at u64::MAX ink, so executing one runs out of gas. */
  usesFloats: boolean;
  /** Index of `user_entrypoint`. */
  entrypointIndex: number;
  /** Nitro's estimates (binary.rs `instrument`): gas to init the program, cached init, and compiled size. */
  initGas: number;
  cachedInitGas: number;
  asmEstimate: number;
  arbosVersion: number;
}

const KIND_NAMES = ["function", "table", "memory", "global"] as const;

function fail(reason: StylusValidationReason, shortMessage: string, ...details: string[]): never {
  throw new StylusValidationError({ reason, shortMessage, details });
}

const VALTYPE: Record<number, HostioSignature["params"][number]> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
};

function typeString(t: FuncType): string {
  const name = (b: number): string => VALTYPE[b] ?? `0x${b.toString(16)}`;
  const results = t.results.length === 0 ? "()" : t.results.map(name).join(", ");
  return `(${t.params.map(name).join(", ")}) -> ${results}`;
}

function sameSignature(t: FuncType, s: HostioSignature): boolean {
  return (
    t.params.length === s.params.length &&
    t.results.length === s.results.length &&
    t.params.every((p, i) => VALTYPE[p] === s.params[i]) &&
    t.results.every((p, i) => VALTYPE[p] === s.results[i])
  );
}

const FEATURE_REASON: Record<string, [StylusValidationReason, string]> = {
  simd: ["simd", "uses SIMD (v128) instructions, which Nitro does not enable"],
  threads: ["threads", "uses atomic/thread instructions, which Nitro does not enable"],
  "reference-types": ["reference-types", "uses reference-types instructions, which Nitro does not enable"],
  "tail-call": ["tail-call", "uses tail calls (return_call), which Nitro does not enable"],
  exceptions: ["exceptions", "uses exception-handling instructions, which Nitro does not enable"],
  "bulk-memory-data": [
    "bulk-memory",
    "uses memory.init/data.drop: Nitro supports only memory.copy and memory.fill from bulk memory",
  ],
  "table-ops": ["table-ops", "uses table instructions from bulk memory/reference types, which Nitro rejects"],
  unknown: ["invalid-wasm", "contains an instruction this validator does not know"],
};

const BUILD_HINT =
  "Build with `-C target-cpu=mvp` (plus -Zbuild-std) so rustc emits only the features Nitro accepts.";

/**
 * Validates a Stylus program the way Nitro does on activation.
 * @param wasm the uncompressed WASM binary.
 * @param options ArbOS version, debug mode, compressed size.
 * @returns facts about the program for activation and execution.
 * @throws StylusValidationError with `reason` naming the broken rule.
 */
export function validateStylusProgram(
  wasm: Uint8Array,
  options: ValidateStylusProgramOptions = {},
): StylusProgramInfo {
  const arbosVersion = options.arbosVersion ?? DEFAULT_ARBOS_VERSION;
  if (options.compressedSize !== undefined && options.compressedSize > MAX_COMPRESSED_PROGRAM_SIZE) {
    fail(
      "too-large-compressed",
      `compressed program is ${options.compressedSize} bytes, over Nitro's limit of ${MAX_COMPRESSED_PROGRAM_SIZE}`,
      "Shrink the program: opt-level \"z\", LTO, panic=abort, fewer dependencies, wasm-opt -Oz.",
    );
  }
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    fail("not-wasm", "not a WASM binary (missing the \\0asm magic)", "Pass the uncompressed .wasm file.");
  }
  if (wasm.length > MAX_UNCOMPRESSED_WASM_SIZE) {
    fail(
      "too-large",
      `program is ${wasm.length} bytes uncompressed, over Nitro's limit of ${MAX_UNCOMPRESSED_WASM_SIZE} (128 KiB)`,
      "Shrink the program: opt-level \"z\", LTO, strip, wasm-opt -Oz.",
    );
  }
  let m: ParsedModule;
  try {
    m = parseModule(wasm);
  } catch (error) {
    if (error instanceof WasmFormatError) {
      fail("invalid-wasm", `malformed WASM binary: ${error.message}`);
    }
    throw error;
  }
  checkFeatures(m, arbosVersion);
  const entrypointIndex = checkImportsAndExports(m, options.debug === true);
  const memory = checkMemory(m);
  checkLimits(m);
  if (m.start !== undefined) {
    fail(
      "start-function",
      "wasm start functions not allowed",
      "Stylus runs `user_entrypoint` on every call; remove the start function (no #[start], no constructors in a start section).",
    );
  }
  // Type checking of function bodies: our reader decodes structure only.
  if (!WebAssembly.validate(wasm)) {
    let detail = "";
    try {
      new WebAssembly.Module(wasm);
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
    }
    fail("invalid-wasm", `the WASM binary does not validate: ${detail}`);
  }
  return buildInfo(m, entrypointIndex, memory, arbosVersion);
}

function checkFeatures(m: ParsedModule, arbosVersion: number): void {
  if (m.unknownSectionIds.length > 0) {
    const id = m.unknownSectionIds[0] as number;
    fail(
      id === 13 ? "exceptions" : "unsupported-section",
      `unsupported section type ${id}${id === 13 ? " (tags: exception handling)" : ""}`,
    );
  }
  for (const [i, code] of m.codes.entries()) {
    if (code.forbidden !== undefined) {
      const [reason, text] = FEATURE_REASON[code.forbidden.feature] ?? ["invalid-wasm", "unsupported instruction"];
      const opHex =
        code.forbidden.op > 0xff
          ? `0x${(code.forbidden.op >> 8).toString(16)} ${code.forbidden.op & 0xff}`
          : `0x${code.forbidden.op.toString(16)}`;
      fail(reason, `function ${m.imports.filter((x) => x.kind === 0).length + i} ${text}`, `opcode ${opHex} at byte ${code.forbidden.offset}`, BUILD_HINT);
    }
  }
  for (const b of m.badValueTypes) {
    if (b === 0x7b) fail("simd", "uses the v128 value type (SIMD), which Nitro does not enable", BUILD_HINT);
    if (b === 0x70 || b === 0x6f) {
      fail("reference-types", "uses a reference value type (funcref/externref) outside tables", BUILD_HINT);
    }
    fail("invalid-wasm", `unknown value type 0x${b.toString(16)}`);
  }
  if (m.tables.length > 1) fail("reference-types", `declares ${m.tables.length} tables; more than one needs reference types`, BUILD_HINT);
  for (const t of m.tables) {
    if (t.refType !== 0x70) fail("reference-types", "declares an externref table, which needs reference types", BUILD_HINT);
  }
  for (const e of m.elements) {
    if (e.flags >= 4) fail("reference-types", "element segment uses expressions (reference types)", BUILD_HINT);
  }
  if (m.memories.length + m.imports.filter((i) => i.kind === 2).length > 1) {
    fail("multi-memory", "declares more than one memory; Nitro does not enable multi-memory");
  }
  for (const mem of m.memories) {
    if ((mem.flags & 0x04) !== 0) fail("memory64", "declares a 64-bit memory; Nitro does not enable memory64");
    if ((mem.flags & 0x02) !== 0) fail("threads", "declares a shared memory; Nitro does not enable threads");
  }
  for (const g of m.globals) {
    if (g.initLength !== 1 || ![0x41, 0x42, 0x43, 0x44].includes(g.initOp)) {
      if (g.initOp === 0xd0 || g.initOp === 0xd2) fail("reference-types", "global initialised with a reference", BUILD_HINT);
      fail("non-constant-global", "Non-constant global initializer: Nitro accepts only a single i32/i64/f32/f64 const");
    }
  }
  if (arbosVersion >= ARBOS_VERSION_NO_MULTI_VALUE) {
    const multi = m.types.findIndex((t) => t.results.length > 1);
    if (multi !== -1 || m.usesBlockTypeIndex) {
      fail(
        "multi-value",
        `uses multi-value (${multi !== -1 ? `type ${multi} returns ${m.types[multi]?.results.length} values` : "a block with a type-index signature"}), rejected from ArbOS ${ARBOS_VERSION_NO_MULTI_VALUE}`,
        BUILD_HINT,
      );
    }
  }
}

function funcTypeOf(m: ParsedModule, funcIndex: number): FuncType | undefined {
  const funcImports = m.imports.filter((i) => i.kind === 0);
  if (funcIndex < funcImports.length) {
    const t = funcImports[funcIndex]?.typeIndex;
    return t === undefined ? undefined : m.types[t];
  }
  const local = m.functionTypes[funcIndex - funcImports.length];
  return local === undefined ? undefined : m.types[local];
}

/** Returns the function index of `user_entrypoint`. */
function checkImportsAndExports(m: ParsedModule, debug: boolean): number {
  const seen = new Map<string, number>();
  for (const imp of m.imports) {
    const label = `${imp.module}.${imp.name}`;
    if (imp.kind !== 0) {
      const kind = imp.kind === 4 ? "tag" : (KIND_NAMES[imp.kind] ?? "unknown");
      fail("forbidden-import", `unsupported import kind: ${label} is a ${kind}; Stylus programs import only functions`);
    }
    if (imp.name.startsWith("stylus")) fail("reserved-symbol", `binary imports reserved symbol ${imp.name}`);
    const table = imp.module === "vm_hooks" ? VM_HOOKS : imp.module === "console" && debug ? CONSOLE_HOOKS : undefined;
    if (table === undefined) {
      fail(
        "forbidden-import",
        imp.module === "console"
          ? `imports ${label}: console imports are only linked in debug mode`
          : `imports ${label}: Stylus programs may import only from "vm_hooks"${debug ? ' and "console"' : ""}`,
        imp.module === "console"
          ? "Build without the stylus-sdk `debug` feature, or validate with { debug: true } for a debug chain."
          : "Remove the dependency that needs this import (often std/wasi or a JS binding).",
      );
    }
    const expected = table[imp.name];
    if (expected === undefined) {
      fail("unknown-import", `imports unknown host function ${label}`, `Known ${imp.module} functions: ${Object.keys(table).join(", ")}`);
    }
    const actual = imp.typeIndex === undefined ? undefined : m.types[imp.typeIndex];
    if (actual === undefined || !sameSignature(actual, expected)) {
      fail(
        "import-signature",
        `import ${label} has signature ${actual === undefined ? "?" : typeString(actual)}, expected ${formatSignature(expected)}`,
      );
    }
    const prior = seen.get(label);
    if (prior !== undefined && prior !== imp.typeIndex) fail("inconsistent-import", `inconsistent imports for ${label}`);
    seen.set(label, imp.typeIndex ?? -1);
  }

  const exportNames = new Set<string>();
  for (const exp of m.exports) {
    if (exp.name.length > STYLUS_LIMITS.nameLength) {
      fail("name-too-long", `wasm name too long: ${exp.name.length} > ${STYLUS_LIMITS.nameLength}`);
    }
    const tail = exp.name.split("__").at(-1) ?? exp.name;
    exportNames.add(tail);
  }
  for (const name of exportNames) {
    if (name.startsWith("stylus")) fail("reserved-symbol", `binary exports reserved symbol ${name}`);
  }
  for (const imp of m.imports) {
    if (exportNames.has(imp.name)) fail("export-shadows-import", `binary exports an import with the same name ${imp.name}`);
  }
  if ((m.moduleName?.length ?? 0) > STYLUS_LIMITS.nameLength) {
    fail("name-too-long", `wasm module name too long: ${m.moduleName?.length} > ${STYLUS_LIMITS.nameLength}`);
  }

  const entry = m.exports.find((e) => e.name === "user_entrypoint");
  if (entry === undefined) {
    fail("missing-export", "missing export with name user_entrypoint", "Mark the contract struct with #[entrypoint] (stylus-sdk).");
  }
  if (entry.kind !== 0) fail("export-signature", `export user_entrypoint must be a function but is a ${KIND_NAMES[entry.kind] ?? "?"}`);
  const t = funcTypeOf(m, entry.index);
  if (t === undefined || t.params.length !== 1 || t.params[0] !== 0x7f || t.results.length !== 1 || t.results[0] !== 0x7f) {
    fail("export-signature", `wrong type for user_entrypoint: ${t === undefined ? "?" : typeString(t)}, expected (i32) -> i32`);
  }
  const memExport = m.exports.find((e) => e.name === "memory");
  if (memExport === undefined || memExport.kind !== 2) {
    fail("missing-export", 'missing memory with export name "memory"', "Stylus hosts read and write the program through its exported memory.");
  }
  return entry.index;
}

function checkMemory(m: ParsedModule): { min: number; max?: number } {
  const mem = m.memories[0];
  if (mem === undefined) fail("missing-memory", 'missing memory with export name "memory"');
  if (mem.min > MAX_MEMORY_PAGES) {
    fail("memory-too-large", `memory exceeds limit: ${mem.min} > ${MAX_MEMORY_PAGES} pages`, "Lower the initial memory (e.g. -C link-arg=--initial-memory, a smaller stack).");
  }
  if (mem.max !== mem.min) {
    const pay = m.imports.find((i) => i.module === "vm_hooks" && i.name === "pay_for_memory_grow");
    if (pay === undefined) {
      fail(
        "missing-pay-for-memory-grow",
        "memory can grow (no maximum, or maximum > initial) but vm_hooks.pay_for_memory_grow is not imported",
        "Nitro charges memory.grow through pay_for_memory_grow(i32); the stylus-sdk imports it. Import it, or set max = initial pages.",
      );
    }
  }
  const out: { min: number; max?: number } = { min: mem.min };
  if (mem.max !== undefined) out.max = mem.max;
  return out;
}

function checkLimits(m: ParsedModule): void {
  const limit = (reason: StylusValidationReason, count: number, max: number, what: string): void => {
    if (count > max) fail(reason, `too many wasm ${what}: ${count} > ${max}`);
  };
  limit("too-many-data-segments", m.dataSegments.length, STYLUS_LIMITS.dataSegments, "datas");
  limit("too-many-elements", m.elements.length, STYLUS_LIMITS.elements, "elements");
  limit("too-many-exports", m.exports.length, STYLUS_LIMITS.exports, "exports");
  limit("too-many-functions", m.codes.length, STYLUS_LIMITS.functions, "functions");
  limit("too-many-globals", m.globals.length, STYLUS_LIMITS.globals, "globals");
  for (const [i, code] of m.codes.entries()) {
    limit("too-many-locals", code.localCount, STYLUS_LIMITS.localsPerFunction, `locals (function ${i})`);
    limit("too-many-opcodes", code.instructionCount, STYLUS_LIMITS.opcodesPerFunction, `opcodes in func body (function ${i})`);
  }
  limit("too-many-table-entries", m.tables.reduce((a, t) => a + t.min, 0), STYLUS_LIMITS.tableEntries, "table entries");
  limit("too-many-element-entries", m.elements.reduce((a, e) => a + e.entries, 0), STYLUS_LIMITS.elementEntries, "element entries");
}

function buildInfo(
  m: ParsedModule,
  entrypointIndex: number,
  memory: { min: number; max?: number },
  arbosVersion: number,
): StylusProgramInfo {
  const funcs = m.codes.length;
  const globals = m.globals.length;
  const wasmLen = m.wasm.length;
  const dataLen =
    m.dataSegments.reduce((a, d) => a + d.byteLength, 0) + m.elements.reduce((a, e) => a + e.byteLength, 0);
  let typeLen = 0;
  for (const t of m.functionTypes) {
    const ty = m.types[t];
    if (ty !== undefined) typeLen += ty.params.length + ty.results.length;
  }
  // Nitro's estimates, integer arithmetic as in binary.rs.
  const div = (a: number, b: number): number => Math.floor(a / b);
  const asmEstimate = 512000 + div(funcs * 996829, 1000) + div(typeLen * 11416, 1000) + div(wasmLen * 62628, 10000);
  const cachedInitGas =
    div(funcs * 13420, 100_000) +
    div(typeLen * 89, 100_000) +
    div(wasmLen * 122, 100_000) +
    div(globals * 1628, 1000) +
    div(dataLen * 75244, 100_000) +
    memory.min * 5;
  const initGas = cachedInitGas + div(funcs * 8252, 1000) + div(typeLen * 1059, 1000) + div(wasmLen * 1286, 10_000);
  const info: StylusProgramInfo = {
    imports: m.imports.map((i) => ({ module: i.module, name: i.name })),
    exports: m.exports.map((e) => ({ name: e.name, kind: KIND_NAMES[e.kind] ?? "function" })),
    memoryPages: memory.min,
    canGrowMemory: memory.max !== memory.min,
    functionCount: funcs,
    importCount: m.imports.length,
    globalCount: globals,
    typeCount: m.types.length,
    dataSegmentCount: m.dataSegments.length,
    dataBytes: dataLen,
    typeLength: typeLen,
    wasmSize: wasmLen,
    usesFloats: m.codes.some((c) => c.usesFloat),
    entrypointIndex,
    initGas,
    cachedInitGas,
    asmEstimate,
    arbosVersion,
  };
  if (memory.max !== undefined) info.memoryMaxPages = memory.max;
  return info;
}
