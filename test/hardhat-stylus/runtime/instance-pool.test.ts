// The instance pool of live frames (runtime/instance-pool.ts): a reused
// instance must behave exactly like a fresh one (memory as instantiation left
// it, mutable globals at their initial values, a host env with nothing of the
// last frame), an instance whose memory grew is never reused, and instances
// in use are never handed out twice.
import { expect } from "chai";

import type { ExecutionShared, InkMeter } from "../../../hardhat-stylus/src/internal/runtime/host-env.js";

import { acquire, release } from "../../../hardhat-stylus/src/internal/runtime/instance-pool.js";
import { INK_LEFT_EXPORT, instrumentForInk } from "../../../hardhat-stylus/src/internal/runtime/instrument.js";
import { watToWasm } from "../helpers/wat.js";

import { defaultContext, FakeChain } from "./helpers.js";

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

  before(async function () {
    module = await WebAssembly.compile(instrumentForInk(await watToWasm(LEAKY_WAT)));
  });

  /** What one live frame shares with its host functions (no chain reads in these programs). */
  function frame(): { shared: ExecutionShared; meter: InkMeter } {
    let ink = 10_000_000_000n;
    const meter: InkMeter = {
      get: () => ink,
      set: (value) => {
        ink = value;
      },
      exhaust: () => {
        ink = 0n;
      },
    };
    const shared: ExecutionShared = {
      context: defaultContext(),
      chain: new FakeChain(),
      mode: "transaction",
      cache: new Map(),
      inkPrice: 10_000n,
      logger: undefined,
      footprint: 0,
      live: { peek: () => undefined, store: () => {} },
    };
    return { shared, meter };
  }

  async function run(length: number): Promise<{ output: number[]; hostCalls: string[]; instance: WebAssembly.Instance }> {
    const { shared, meter } = frame();
    const pooled = acquire(module, shared, meter);
    if (pooled === undefined) throw new Error("module not poolable");
    pooled.env.memory = pooled.memory;
    (pooled.instance.exports[INK_LEFT_EXPORT] as WebAssembly.Global).value = 10_000_000n;
    await pooled.entry(length);
    const result = { output: [...pooled.env.outs], hostCalls: pooled.env.hostCalls, instance: pooled.instance };
    release(module, pooled);
    return result;
  }

  it("resets a reused instance's memory, mutable globals and host env to what a fresh instance has", async function () {
    const first = await run(0);
    const second = await run(0);
    expect(second.instance).to.equal(first.instance, "the second run should reuse the instance");
    expect(first.output).to.deep.equal([1, 6]);
    expect(second.output).to.deep.equal([1, 6]);
    expect(second.hostCalls).to.deep.equal(["write_result"]);
    // The first frame's result keeps its own list.
    expect(first.hostCalls).to.deep.equal(["write_result"]);
    expect(second.hostCalls).to.not.equal(first.hostCalls);
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
    const a = frame();
    const b = frame();
    const outer = acquire(module, a.shared, a.meter);
    const inner = acquire(module, b.shared, b.meter);
    expect(inner!.instance).to.not.equal(outer!.instance);
    expect(inner!.env).to.not.equal(outer!.env);
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
    const a = frame();
    const first = acquire(big, a.shared, a.meter);
    expect(first?.reusable).to.equal(false);
    release(big, first!);
    const b = frame();
    const second = acquire(big, b.shared, b.meter);
    expect(second!.instance).to.not.equal(first!.instance);
  });

  it("fails to instantiate a module importing something the host does not provide, as without the pool", async function () {
    const other = await WebAssembly.compile(
      instrumentForInk(
        await watToWasm(`(module
  (import "vm_hooks" "not_a_host_function" (func $nope))
  (memory (export "memory") 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))`),
      ),
    );
    const a = frame();
    expect(() => acquire(other, a.shared, a.meter)).to.throw(WebAssembly.LinkError);
  });
});
