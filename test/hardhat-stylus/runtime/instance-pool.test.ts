// The instance pool of live frames (runtime/instance-pool.ts): a reused
// instance must behave exactly like a fresh one (memory as instantiation left
// it, mutable globals at their initial values), an instance whose memory grew
// is never reused, and instances in use are never handed out twice.
import { expect } from "chai";

import type { HostHooks } from "../../../hardhat-stylus/src/internal/runtime/host-env.js";

import { acquire, release } from "../../../hardhat-stylus/src/internal/runtime/instance-pool.js";
import { INK_LEFT_EXPORT, instrumentForInk } from "../../../hardhat-stylus/src/internal/runtime/instrument.js";
import { watToWasm } from "../helpers/wat.js";

// Each run bumps a mutable global and a data byte (initially 5), writes both as its result and,
// when called with a non-zero length, grows memory by a page.
const LEAKY_WAT = `(module
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 4)
  (global $runs (mut i32) (i32.const 0))
  (data (i32.const 100) "\\05")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (global.set $runs (i32.add (global.get $runs) (i32.const 1)))
    (i32.store8 (i32.const 100) (i32.add (i32.load8_u (i32.const 100)) (i32.const 1)))
    (i32.store8 (i32.const 0) (global.get $runs))
    (i32.store8 (i32.const 1) (i32.load8_u (i32.const 100)))
    (if (local.get $len) (then (drop (memory.grow (i32.const 1)))))
    (call $write_result (i32.const 0) (i32.const 2))
    (i32.const 0)))`;

describe("hardhat-stylus instance pool", function () {
  let module: WebAssembly.Module;
  const live = new Set<string>();

  before(async function () {
    module = await WebAssembly.compile(instrumentForInk(await watToWasm(LEAKY_WAT)));
  });

  /** Hooks of one run: write_result copies the program's output out of memory. */
  function runHooks(): { hooks: HostHooks; output: () => number[]; bind: (memory: WebAssembly.Memory) => void } {
    let memory: WebAssembly.Memory | undefined;
    let out: number[] = [];
    const hooks: HostHooks = {
      vm_hooks: {
        write_result: ((ptr: number, len: number) => {
          out = [...new Uint8Array(memory!.buffer, ptr, len)];
        }) as never,
      },
      console: {},
    };
    return { hooks, output: () => out, bind: (m) => (memory = m) };
  }

  async function run(length: number): Promise<{ output: number[]; instance: WebAssembly.Instance }> {
    const { hooks, output, bind } = runHooks();
    const pooled = acquire(module, hooks, live);
    if (pooled === undefined) throw new Error("module not poolable");
    bind(pooled.memory);
    (pooled.instance.exports[INK_LEFT_EXPORT] as WebAssembly.Global).value = 10_000_000n;
    await pooled.entry(length);
    const result = { output: output(), instance: pooled.instance };
    release(module, pooled);
    return result;
  }

  it("resets a reused instance's memory and mutable globals to what a fresh instance has", async function () {
    const first = await run(0);
    const second = await run(0);
    expect(second.instance).to.equal(first.instance, "the second run should reuse the instance");
    expect(first.output).to.deep.equal([1, 6]);
    expect(second.output).to.deep.equal([1, 6]);
  });

  it("drops an instance whose memory grew, so the next run starts with the declared memory", async function () {
    const grown = await run(1);
    expect(grown.output).to.deep.equal([1, 6]);
    const next = await run(0);
    expect(next.instance).to.not.equal(grown.instance);
    expect((next.instance.exports.memory as WebAssembly.Memory).buffer.byteLength).to.equal(65_536);
    expect(next.output).to.deep.equal([1, 6]);
  });

  it("never hands out an instance that is in use (a program re-entered by a nested frame)", async function () {
    const outer = acquire(module, runHooks().hooks, live);
    const inner = acquire(module, runHooks().hooks, live);
    expect(outer).to.not.equal(undefined);
    expect(inner).to.not.equal(undefined);
    expect(inner!.instance).to.not.equal(outer!.instance);
    release(module, inner!);
    release(module, outer!);
  });

  it("uses an instance whose memory is too large to copy back for one frame only", async function () {
    const big = await WebAssembly.compile(
      instrumentForInk(
        await watToWasm(`(module
  (memory (export "memory") 17)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))`),
      ),
    );
    const first = acquire(big, runHooks().hooks, live);
    expect(first?.reusable).to.equal(false);
    release(big, first!);
    const second = acquire(big, runHooks().hooks, live);
    expect(second!.instance).to.not.equal(first!.instance);
  });

  it("refuses modules that import something the host does not provide (they instantiate the ordinary way)", async function () {
    const other = await WebAssembly.compile(
      instrumentForInk(
        await watToWasm(`(module
  (import "vm_hooks" "not_a_host_function" (func $nope))
  (memory (export "memory") 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))`),
      ),
    );
    expect(acquire(other, runHooks().hooks, live)).to.equal(undefined);
  });
});
