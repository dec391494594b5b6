// The ink instrumenter must not change what a program computes: a program
// with every kind of control flow (if/else, nested blocks, loops, br_table,
// call_indirect, memory.grow/fill/copy, multi-value blocks) returns the same
// result instrumented as plain, and the instrumented module still validates.
import { expect } from "chai";

import { INK_LEFT_EXPORT, INK_STATUS_EXPORT, instrumentForInk } from "../../../hardhat-stylus/src/internal/runtime/instrument.js";
import { runWasm, wat } from "./helpers.js";

const CONTROL_FLOW = `(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (memory (export "memory") 1 4)
  (table 3 funcref)
  (elem (i32.const 0) $double $square $negate)
  (type $unary (func (param i32) (result i32)))
  (global $acc (mut i32) (i32.const 0))
  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $negate (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  (func $pair (param i32) (result i32 i32) (local.get 0) (i32.add (local.get 0) (i32.const 1)))
  (func $classify (param $x i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (i32.rem_u (local.get $x) (i32.const 3))))
      (return (i32.const 100)))
      (return (i32.const 200)))
    (i32.const 300))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $i i32) (local $sum i32)
    (call $read_args (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.load8_u (i32.const 0))))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $sum (i32.add (local.get $sum) (call $classify (local.get $i)))))
          (else (local.set $sum (i32.add (local.get $sum)
            (call_indirect (type $unary) (local.get $i) (i32.rem_u (local.get $i) (i32.const 3)))))))
        (local.set $sum (i32.add (local.get $sum) (i32.add (call $pair (local.get $i)))))
        (global.set $acc (i32.add (global.get $acc) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (i32.const 100) (local.get $sum))
    (i32.store (i32.const 104) (global.get $acc))
    (i32.store (i32.const 108) (memory.grow (i32.const 1)))
    (i32.store (i32.const 112) (memory.size))
    (memory.fill (i32.const 200) (i32.const 7) (i32.const 16))
    (memory.copy (i32.const 116) (i32.const 200) (i32.const 4))
    (call $write_result (i32.const 100) (i32.const 20))
    (i32.const 0)))`;

describe("ink instrumentation", () => {
  it("keeps results identical to the plain program and validates", async () => {
    const wasm = await wat(CONTROL_FLOW);
    const instrumented = instrumentForInk(wasm);
    expect(WebAssembly.validate(instrumented)).to.equal(true);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(instrumented)).map((e) => e.name);
    expect(exports).to.include.members([INK_LEFT_EXPORT, INK_STATUS_EXPORT]);

    for (const n of [0, 1, 7, 25]) {
      // Plain run: the same host behaviour written by hand.
      let memory: WebAssembly.Memory | undefined;
      let output = new Uint8Array(0);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), {
        vm_hooks: {
          read_args: (ptr: number) => new Uint8Array(memory!.buffer).set([n], ptr),
          write_result: (ptr: number, len: number) => {
            output = new Uint8Array(memory!.buffer).slice(ptr, ptr + len);
          },
          pay_for_memory_grow: () => undefined,
        },
      });
      memory = instance.exports.memory as WebAssembly.Memory;
      (instance.exports.user_entrypoint as (len: number) => number)(1);

      const metered = await runWasm(wasm, { context: { calldata: Uint8Array.from([n]) } });
      expect(metered.success, metered.error?.message).to.equal(true);
      expect(Array.from(metered.output), `n = ${n}`).to.deep.equal(Array.from(output));
    }
  });

  it("charges more ink for more loop iterations, linearly", async () => {
    const wasm = await wat(CONTROL_FLOW);
    const ink = async (n: number): Promise<bigint> =>
      (await runWasm(wasm, { context: { calldata: Uint8Array.from([n]) } })).inkUsed;
    const a = await ink(12);
    const b = await ink(24);
    const c = await ink(36);
    const step1 = b - a;
    const step2 = c - b;
    expect(step1 > 0n).to.equal(true);
    // each 12 iterations have the same mix of parity and residue mod 3: equal steps
    expect(step2).to.equal(step1);
  });

  it("adds the meter globals even to a module without globals or exports sections", async () => {
    const wasm = await wat(`(module (func))`);
    const instrumented = instrumentForInk(wasm);
    expect(WebAssembly.validate(instrumented)).to.equal(true);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(instrumented)).map((e) => e.name);
    expect(exports).to.deep.equal([INK_LEFT_EXPORT, INK_STATUS_EXPORT]);
  });
});
