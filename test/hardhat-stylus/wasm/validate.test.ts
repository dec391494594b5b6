// Conformance of validateStylusProgram with Nitro's activation rules: one
// program per rule that breaks it (and the reason code it must produce), plus
// the facts returned for a valid program.
import * as chai from "chai";
import { expect } from "chai";

import { instrumentForInk } from "../../../hardhat-stylus/src/internal/runtime/instrument.js";

import { encodeU32 } from "../../../hardhat-stylus/src/internal/wasm/binary-reader.js";
import {
  isStylusValidationError,
  type StylusValidationReason,
  validateStylusProgram,
  type ValidateStylusProgramOptions,
} from "../../../hardhat-stylus/src/internal/wasm/validate.js";
import { readSections } from "../../../hardhat-stylus/src/internal/wasm/binary-reader.js";
import { wat, type WatFeatures } from "../runtime/helpers.js";

const ENTRY = `(func (export "user_entrypoint") (param i32) (result i32) i32.const 0)`;

function mod(fields: string, options: { memory?: string; entry?: string } = {}): string {
  return `(module
    ${fields}
    ${options.memory ?? `(memory (export "memory") 1 1)`}
    ${options.entry ?? ENTRY})`;
}

async function rejects(
  text: string | Uint8Array,
  reason: StylusValidationReason,
  features: WatFeatures = {},
  options: ValidateStylusProgramOptions = {},
): Promise<string> {
  const wasm = typeof text === "string" ? await wat(text, features) : text;
  try {
    validateStylusProgram(wasm, options);
  } catch (error) {
    expect(isStylusValidationError(error), String(error)).to.equal(true);
    const e = error as { reason: string; shortMessage: string };
    expect(e.reason, e.shortMessage).to.equal(reason);
    expect(e.shortMessage.length).to.be.greaterThan(10);
    return e.shortMessage;
  }
  expect.fail(`expected rejection with reason ${reason}`);
}

/** Replaces the payload of the first section with `id`. */
function replaceSection(wasm: Uint8Array, id: number, payload: number[]): Uint8Array {
  const s = readSections(wasm).find((x) => x.id === id);
  if (s === undefined) throw new Error(`no section ${id}`);
  return Uint8Array.from([
    ...wasm.subarray(0, s.start),
    id,
    ...encodeU32(payload.length),
    ...payload,
    ...wasm.subarray(s.end),
  ]);
}

function withCustomSection(wasm: Uint8Array, name: string, size: number): Uint8Array {
  const nameBytes = [...encodeU32(name.length), ...new TextEncoder().encode(name)];
  const payloadLength = nameBytes.length + size;
  return Uint8Array.from([...wasm, 0, ...encodeU32(payloadLength), ...nameBytes, ...new Uint8Array(size)]);
}

describe("validateStylusProgram (Nitro activation rules)", () => {
  it("accepts a minimal program and reports its facts", async () => {
    const wasm = await wat(
      mod(`(import "vm_hooks" "read_args" (func (param i32)))
           (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
           (global (mut i32) (i32.const 7))
           (data (i32.const 0) "abc")`, { memory: `(memory (export "memory") 2)` }),
    );
    const info = validateStylusProgram(wasm);
    expect(info.imports).to.deep.equal([
      { module: "vm_hooks", name: "read_args" },
      { module: "vm_hooks", name: "pay_for_memory_grow" },
    ]);
    expect(info.exports.map((e) => `${e.kind}:${e.name}`)).to.deep.equal(["memory:memory", "function:user_entrypoint"]);
    expect(info.memoryPages).to.equal(2);
    expect(info.canGrowMemory).to.equal(true);
    expect(info.functionCount).to.equal(1);
    expect(info.globalCount).to.equal(1);
    expect(info.dataSegmentCount).to.equal(1);
    expect(info.wasmSize).to.equal(wasm.length);
    expect(info.entrypointIndex).to.equal(2);
    expect(info.initGas).to.be.greaterThan(info.cachedInitGas);
    expect(info.usesFloats).to.equal(false);
  });

  it("accepts the features Nitro enables: mutable globals, sign-ext, sat-float-to-int, memory.copy/fill", async () => {
    const wasm = await wat(
      mod(`(global $g (mut i64) (i64.const 0))
           (func $f (param i32) (result i32)
             (i32.extend8_s (local.get 0))
             (drop (i32.trunc_sat_f32_s (f32.const 1.5)))
             (memory.copy (i32.const 0) (i32.const 8) (i32.const 4))
             (memory.fill (i32.const 0) (i32.const 1) (i32.const 4)))`),
    );
    const info = validateStylusProgram(wasm);
    expect(info.usesFloats).to.equal(true);
  });

  it("rejects bytes that are not WASM", async () => {
    await rejects(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), "not-wasm");
  });

  it("rejects a truncated binary as invalid-wasm", async () => {
    const wasm = await wat(mod(""));
    await rejects(wasm.subarray(0, wasm.length - 3), "invalid-wasm");
  });

  it("rejects a program over 128 KiB uncompressed", async () => {
    const wasm = withCustomSection(await wat(mod("")), "pad", 128 * 1024);
    const message = await rejects(wasm, "too-large");
    expect(message).to.contain("131072");
  });

  it("rejects a compressed size over 24,576 bytes when the caller passes it", async () => {
    await rejects(mod(""), "too-large-compressed", {}, { compressedSize: 24_577 });
  });

  it("rejects imports from modules other than vm_hooks", async () => {
    const message = await rejects(mod(`(import "env" "abort" (func))`), "forbidden-import");
    expect(message).to.contain("env.abort");
  });

  it("rejects non-function imports", async () => {
    await rejects(mod(`(import "vm_hooks" "g" (global i32))`), "forbidden-import");
  });

  it("rejects console imports unless in debug mode", async () => {
    const text = mod(`(import "console" "log_txt" (func (param i32 i32)))`);
    await rejects(text, "forbidden-import");
    expect(validateStylusProgram(await wat(text), { debug: true }).imports).to.have.length(1);
  });

  it("rejects unknown vm_hooks names", async () => {
    await rejects(mod(`(import "vm_hooks" "storage_store_bytes32" (func (param i32 i32)))`), "unknown-import");
  });

  it("rejects a known host function imported with the wrong signature", async () => {
    const message = await rejects(mod(`(import "vm_hooks" "read_args" (func (param i64)))`), "import-signature");
    expect(message).to.contain("expected (i32) -> ()");
  });

  it("rejects a wrong result type of a host function", async () => {
    await rejects(mod(`(import "vm_hooks" "block_number" (func (result i32)))`), "import-signature");
  });

  it("rejects reserved stylus* export names", async () => {
    await rejects(mod(`(func (export "stylus_ink_left"))`), "reserved-symbol");
  });

  it("rejects exporting a name that is also imported", async () => {
    await rejects(mod(`(import "vm_hooks" "read_args" (func $r (param i32))) (export "read_args" (func $r))`), "export-shadows-import");
  });

  it("requires the user_entrypoint export", async () => {
    await rejects(mod("", { entry: `(func (export "main") (param i32) (result i32) i32.const 0)` }), "missing-export");
  });

  it("requires user_entrypoint to be (i32) -> i32", async () => {
    const message = await rejects(
      mod("", { entry: `(func (export "user_entrypoint") (param i64) (result i32) i32.const 0)` }),
      "export-signature",
    );
    expect(message).to.contain("(i32) -> i32");
  });

  it("requires an exported memory named memory", async () => {
    await rejects(mod("", { memory: `(memory 1 1)` }), "missing-export");
    await rejects(mod("", { memory: "" }), "missing-export");
  });

  it("rejects start functions", async () => {
    await rejects(mod(`(func $s) (start $s)`), "start-function");
  });

  it("rejects SIMD", async () => {
    await rejects(mod(`(func (drop (v128.const i32x4 1 2 3 4)))`), "simd", { simd: true });
  });

  it("rejects threads: shared memory and atomics", async () => {
    // memory section: one shared memory (flags 0x03), 1..1 pages.
    await rejects(replaceSection(await wat(mod("")), 5, [1, 3, 1, 1]), "threads");
    await rejects(mod(`(func (drop (i32.atomic.load (i32.const 0))))`), "threads", { threads: true });
  });

  it("rejects reference types", async () => {
    await rejects(mod(`(func (drop (ref.null extern)))`), "reference-types", { reference_types: true });
    await rejects(mod(`(func (param externref))`), "reference-types", { reference_types: true });
  });

  it("rejects tail calls", async () => {
    await rejects(mod(`(func $t (return_call $t))`), "tail-call", { tail_call: true });
  });

  it("rejects exception handling", async () => {
    await rejects(mod(`(tag $e) (func (throw $e))`), "exceptions", { exceptions: true });
  });

  it("rejects memory.init / data.drop (bulk memory beyond copy and fill)", async () => {
    await rejects(mod(`(data $d "hi") (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 2)))`), "bulk-memory");
    await rejects(mod(`(data $d "hi") (func (data.drop $d))`), "bulk-memory");
  });

  it("rejects table instructions", async () => {
    await rejects(mod(`(table 1 funcref) (func (table.copy (i32.const 0) (i32.const 0) (i32.const 0)))`), "table-ops");
  });

  it("rejects memory64", async () => {
    await rejects(mod("", { memory: `(memory (export "memory") i64 1 1)` }), "memory64", { memory64: true });
  });

  it("rejects more than one memory", async () => {
    const wasm = await wat(mod(""));
    // memory section: two memories of 1 page each.
    await rejects(replaceSection(wasm, 5, [2, 1, 1, 1, 1, 1, 1]), "multi-memory");
  });

  it("rejects multi-value from ArbOS 60 and accepts it before", async () => {
    const text = mod(`(func (result i32 i32) i32.const 1 i32.const 2)`);
    await rejects(text, "multi-value", {}, { arbosVersion: 60 });
    expect(validateStylusProgram(await wat(text), { arbosVersion: 50 }).functionCount).to.equal(2);
  });

  it("rejects memory over 128 pages", async () => {
    const message = await rejects(mod("", { memory: `(memory (export "memory") 129 129)` }), "memory-too-large");
    expect(message).to.contain("129 > 128");
    expect(validateStylusProgram(await wat(mod("", { memory: `(memory (export "memory") 128 128)` }))).memoryPages).to.equal(128);
  });

  it("requires pay_for_memory_grow when memory can grow", async () => {
    await rejects(mod("", { memory: `(memory (export "memory") 1)` }), "missing-pay-for-memory-grow");
    await rejects(mod("", { memory: `(memory (export "memory") 1 2)` }), "missing-pay-for-memory-grow");
    const info = validateStylusProgram(
      await wat(mod(`(import "vm_hooks" "pay_for_memory_grow" (func (param i32)))`, { memory: `(memory (export "memory") 1 2)` })),
    );
    expect(info.canGrowMemory).to.equal(true);
    expect(info.memoryMaxPages).to.equal(2);
  });

  it("rejects non-constant global initializers", async () => {
    // global section: one i32 global initialised with (i32.add (i32.const 1) (i32.const 2)) (extended-const).
    const wasm = await wat(mod(`(global i32 (i32.const 0))`));
    await rejects(replaceSection(wasm, 6, [1, 0x7f, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b]), "non-constant-global");
  });

  it("caps functions at 4096", async () => {
    const funcs = (n: number): string => Array.from({ length: n }, () => "(func)").join(" ");
    await rejects(mod(funcs(4096)), "too-many-functions");
    expect(validateStylusProgram(await wat(mod(funcs(4095)))).functionCount).to.equal(4096);
  });

  it("caps exports at 1024", async () => {
    const exports = (n: number): string =>
      `(func $f) ${Array.from({ length: n }, (_, i) => `(export "f${i}" (func $f))`).join(" ")}`;
    await rejects(mod(exports(1023)), "too-many-exports");
    expect(validateStylusProgram(await wat(mod(exports(1022)))).exports).to.have.length(1024);
  });

  it("caps data segments at 128", async () => {
    const datas = (n: number): string => Array.from({ length: n }, (_, i) => `(data (i32.const ${i}) "x")`).join(" ");
    await rejects(mod(datas(129)), "too-many-data-segments");
    expect(validateStylusProgram(await wat(mod(datas(128)))).dataSegmentCount).to.equal(128);
  });

  it("caps locals per function at 348", async () => {
    await rejects(mod(`(func (local ${"i32 ".repeat(349)}))`), "too-many-locals");
    validateStylusProgram(await wat(mod(`(func (local ${"i32 ".repeat(348)}))`)));
  });

  it("caps opcodes per function at 65536", async () => {
    await rejects(mod(`(func ${"nop ".repeat(65536)})`), "too-many-opcodes");
  });

  it("caps element segments, element entries and table entries", async () => {
    const elems = (n: number): string => `(table 200 funcref) (func $f) ${Array.from({ length: n }, () => `(elem (i32.const 0) $f)`).join(" ")}`;
    await rejects(mod(elems(129)), "too-many-elements");
    await rejects(mod(`(table 4097 funcref)`), "too-many-table-entries");
    const many = Array.from({ length: 4097 }, () => "$f").join(" ");
    await rejects(mod(`(table 4096 funcref) (func $f) (elem (i32.const 0) ${many})`), "too-many-element-entries");
  });

  it("caps export names at 512 bytes", async () => {
    await rejects(mod(`(func (export "${"a".repeat(513)}"))`), "name-too-long");
  });
});

describe("validateStylusProgram robustness", () => {
  it("answers every corrupted binary with a StylusValidationError or a result, and instruments what it accepts", async () => {
    const base = await wat(
      mod(`(import "vm_hooks" "read_args" (func (param i32)))
           (global (mut i32) (i32.const 7))
           (data (i32.const 0) "abcdef")
           (func $f (param i32) (result i32)
             (block (loop (br_if 1 (local.get 0)) (br 0)))
             (i32.add (local.get 0) (i32.const 1)))`),
    );
    // Deterministic xorshift so failures reproduce.
    let seed = 0x9e3779b9;
    const rand = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from(base);
      const flips = 1 + rand(3);
      for (let j = 0; j < flips; j++) bytes[8 + rand(bytes.length - 8)] = rand(256);
      try {
        validateStylusProgram(bytes);
        // Whatever passes validation must instrument into a valid module.
        expect(WebAssembly.validate(instrumentForInk(bytes)), `mutation ${i} instrumented`).to.equal(true);
      } catch (error) {
        if (error instanceof chai.AssertionError) throw error;
        expect(isStylusValidationError(error), `mutation ${i}: ${String(error)}`).to.equal(true);
        rejected++;
      }
    }
    expect(rejected).to.be.greaterThan(100);
  });
});
