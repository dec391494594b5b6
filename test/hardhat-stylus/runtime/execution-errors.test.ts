// Error paths and the gas model of the Stylus engine: out-of-gas (WASM
// compute and host I/O), traps, host memory faults, calls out in each mode
// (served, or refused with a revert naming the host function), creates, and
// the re-execution count of cold reads.
import { expect } from "chai";

import { bigintFromBytes, encodeErrorString } from "../../../hardhat-stylus/src/internal/runtime/bytes.js";
import { compileStylusProgram } from "../../../hardhat-stylus/src/internal/runtime/index.js";
import { expectBetween, FakeChain, hex, PROGRAM, program, runWasm, wat, watBytes } from "./helpers.js";

const TARGET = "0x6666666666666666666666666666666666666666";
const targetBytes = watBytes(Uint8Array.from(Buffer.from(TARGET.slice(2), "hex")));

describe("Stylus engine: errors and gas", () => {
  describe("out of gas", () => {
    const loop = program(`(loop $l (br $l)) (i32.const 0)`);

    it("an infinite loop runs out of ink and uses all the gas", async () => {
      const r = await runWasm(await wat(loop), { gasLimit: 100_000n });
      expect(r.success).to.equal(false);
      expect(r.error?.kind).to.equal("out-of-gas");
      expect(r.gasUsed).to.equal(100_000n);
      expect(r.output.length).to.equal(0);
    });

    it("WASM compute is metered per basic block with Nitro's opcode prices", async () => {
      const count = (n: number): string =>
        program(`(local $i i32)
          (block $done (loop $l
            (br_if $done (i32.ge_u (local.get $i) (i32.const ${n})))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l)))
          (i32.const 0)`);
      const a = await runWasm(await wat(count(100)));
      const b = await runWasm(await wat(count(1100)));
      // per iteration: header 2450*2 + local.get/const/ge_u/br_if + local.get/const/add/set/br ~ 7.8k ink
      const perIteration = (b.inkUsed - a.inkUsed) / 1000n;
      expectBetween(perIteration, 6_000n, 10_000n, "ink per iteration");
    });

    it("a storage load without the gas for a cold SLOAD runs out of gas", async () => {
      const w = await wat(program(`(call $storage_load_bytes32 (i32.const 0) (i32.const 32)) (i32.const 0)`));
      const r = await runWasm(w, { gasLimit: 2_000n });
      expect(r.error?.kind).to.equal("out-of-gas");
      expect(r.error?.message).to.contain("storage_load_bytes32");
      expect(r.gasUsed).to.equal(2_000n);
    });

    it("init gas is charged before the program starts", async () => {
      const w = await wat(program(`(i32.const 0)`));
      const base = await runWasm(w);
      const withInit = await runWasm(w, { initGas: 5_000n });
      expect(withInit.gasUsed - base.gasUsed).to.equal(5_000n);
      const tooLittle = await runWasm(w, { initGas: 5_000n, gasLimit: 4_000n });
      expect(tooLittle.error?.kind).to.equal("out-of-gas");
    });

    it("executing a float instruction runs out of gas (Nitro prices floats at u64::MAX ink)", async () => {
      const w = await wat(program(`(drop (f32.add (f32.const 1) (f32.const 2))) (i32.const 0)`));
      const r = await runWasm(w);
      expect(r.error?.kind).to.equal("out-of-gas");
    });

    it("memory.copy is charged per byte", async () => {
      const copy = async (n: number): Promise<bigint> =>
        (await runWasm(await wat(program(`(memory.copy (i32.const 0) (i32.const 1000) (i32.const ${n})) (i32.const 0)`)))).inkUsed;
      expect((await copy(1000)) - (await copy(0))).to.equal(100_000n);
    });
  });

  describe("traps and host faults", () => {
    it("unreachable is a trap", async () => {
      const r = await runWasm(await wat(program(`(unreachable)`)));
      expect(r.success).to.equal(false);
      expect(r.error?.kind).to.equal("trap");
      expectBetween(r.gasUsed, 0n, 9_999_999n, "gas used");
    });

    it("an out-of-bounds load in WASM is a trap", async () => {
      const r = await runWasm(await wat(program(`(drop (i32.load (i32.const 70000))) (i32.const 0)`)));
      expect(r.error?.kind).to.equal("trap");
    });

    it("a host function reading outside memory reverts with the reason", async () => {
      const r = await runWasm(await wat(program(`(call $write_result (i32.const 65530) (i32.const 100)) (i32.const 0)`)));
      expect(r.success).to.equal(false);
      expect(r.error?.kind).to.equal("revert");
      expect(new TextDecoder().decode(r.output)).to.contain("out of bounds");
    });

    it("unbounded recursion is a trap (out of stack)", async () => {
      const w = await wat(program(`(call $rec) (i32.const 0)`, { extra: `(func $rec (call $rec))` }));
      const r = await runWasm(w, { gasLimit: 1_000_000_000n });
      expect(r.success).to.equal(false);
      expect(["trap", "out-of-gas"]).to.include(r.error?.kind);
    });
  });

  describe("calls out", () => {
    const callProgram = (fn: "call_contract" | "static_call_contract" | "delegate_call_contract"): string => {
      const args =
        fn === "call_contract"
          ? `(i32.const 0) (i32.const 20) (i32.const 4) (i32.const 64) (i64.const -1) (i32.const 96)`
          : `(i32.const 0) (i32.const 20) (i32.const 4) (i64.const -1) (i32.const 96)`;
      return program(
        `(i32.store (i32.const 100) (call $${fn} ${args}))
         (i32.store (i32.const 104) (call $return_data_size))
         (i32.store (i32.const 108) (call $read_return_data (i32.const 200) (i32.const 2) (i32.const 100)))
         (call $write_result (i32.const 96) (i32.const 144))
         (i32.const 0)`,
        { extra: `(data (i32.const 0) "${targetBytes}\\de\\ad\\be\\ef")` },
      );
    };
    const served = (): FakeChain =>
      new FakeChain().onCall(() => ({ success: true, returnData: Uint8Array.from([1, 2, 3, 4, 5]), gasUsed: 1000n }));

    it("static_call_contract is served by chain.call in both modes; read_return_data clips to the data", async () => {
      for (const mode of ["call", "transaction"] as const) {
        const chain = served();
        const r = await runWasm(await wat(callProgram("static_call_contract")), { chain, mode });
        expect(r.success, r.error?.message).to.equal(true);
        const dv = new DataView(r.output.buffer, r.output.byteOffset);
        expect(dv.getUint32(0, true)).to.equal(5); // ret len
        expect(dv.getUint32(4, true)).to.equal(0); // status: success
        expect(dv.getUint32(8, true)).to.equal(5); // return_data_size
        expect(dv.getUint32(12, true)).to.equal(3); // bytes 2..5
        expect(Array.from(r.output.subarray(104, 107))).to.deep.equal([3, 4, 5]);
        expect(chain.calls).to.have.length(1);
        expect(chain.calls[0]?.kind).to.equal("staticcall");
        expect(chain.calls[0]?.to).to.equal(TARGET);
        expect(chain.calls[0]?.from).to.equal(PROGRAM);
        expect(chain.calls[0]?.data).to.equal("0xdeadbeef");
      }
    });

    it("the 63/64 rule bounds the gas passed on", async () => {
      const chain = served();
      await runWasm(await wat(callProgram("static_call_contract")), { chain, gasLimit: 1_000_000n });
      const passed = chain.calls[0]?.gas ?? 0n;
      expectBetween(passed, ((1_000_000n - 2_700n) * 63n) / 64n - 100n, 1_000_000n - 2_601n, "gas passed");
    });

    it("a failed call returns status 1 and its revert data", async () => {
      const chain = new FakeChain().onCall(() => ({ success: false, returnData: Uint8Array.from([9, 9]), gasUsed: 50n }));
      const r = await runWasm(await wat(callProgram("static_call_contract")), { chain });
      const dv = new DataView(r.output.buffer, r.output.byteOffset);
      expect(dv.getUint32(4, true)).to.equal(1);
      expect(dv.getUint32(8, true)).to.equal(2);
    });

    it("call_contract and delegate_call_contract are served in mode call", async () => {
      for (const fn of ["call_contract", "delegate_call_contract"] as const) {
        const chain = served();
        const r = await runWasm(await wat(callProgram(fn)), { chain, mode: "call" });
        expect(r.success, r.error?.message).to.equal(true);
        expect(chain.calls[0]?.kind).to.equal(fn === "call_contract" ? "call" : "delegatecall");
      }
    });

    it("call_contract and delegate_call_contract in a transaction revert naming the host function", async () => {
      for (const fn of ["call_contract", "delegate_call_contract"] as const) {
        const chain = served();
        const r = await runWasm(await wat(callProgram(fn)), { chain, mode: "transaction" });
        expect(r.success).to.equal(false);
        expect(r.error?.kind).to.equal("unsupported-host");
        expect(hex(r.output)).to.equal(hex(encodeErrorString(`unsupported in this context: ${fn}`)));
        expect(chain.calls).to.have.length(0);
      }
    });

    it("without chain.call every call out is unsupported", async () => {
      const r = await runWasm(await wat(callProgram("static_call_contract")), { chain: new FakeChain() });
      expect(r.error?.kind).to.equal("unsupported-host");
      expect(hex(r.output)).to.equal(hex(encodeErrorString("unsupported in this context: static_call_contract")));
    });

    it("a call back into the program after a flush is refused (it would read stale storage)", async () => {
      const self = watBytes(Uint8Array.from(Buffer.from(PROGRAM.slice(2), "hex")));
      const w = await wat(
        program(
          `(call $storage_cache_bytes32 (i32.const 100) (i32.const 100))
           (i32.store8 (i32.const 131) (i32.const 1))
           (call $storage_cache_bytes32 (i32.const 100) (i32.const 100))
           (call $storage_flush_cache (i32.const 1))
           (drop (call $static_call_contract (i32.const 0) (i32.const 0) (i32.const 0) (i64.const -1) (i32.const 96)))
           (i32.const 0)`,
          { extra: `(data (i32.const 0) "${self}")` },
        ),
      );
      const chain = served();
      const r = await runWasm(w, { chain });
      expect(r.error?.kind).to.equal("unsupported-host");
      expect(hex(r.output)).to.equal(hex(encodeErrorString("unsupported in this context: static_call_contract")));
      expect(chain.calls).to.have.length(0);
    });

    it("call_contract with value in a static context fails with status 2 without calling", async () => {
      const chain = served();
      const w = await wat(
        program(
          `(i32.store (i32.const 100) (call $call_contract (i32.const 0) (i32.const 20) (i32.const 0) (i32.const 64) (i64.const -1) (i32.const 96)))
           (call $write_result (i32.const 100) (i32.const 4)) (i32.const 0)`,
          { extra: `(data (i32.const 0) "${targetBytes}") (data (i32.const 95) "\\01")` },
        ),
      );
      const r = await runWasm(w, { chain, context: { isStatic: true } });
      expect(r.output[0]).to.equal(2);
      expect(chain.calls).to.have.length(0);
    });
  });

  describe("create1 / create2", () => {
    const createProgram = (fn: "create1" | "create2"): string =>
      program(
        fn === "create1"
          ? `(call $create1 (i32.const 0) (i32.const 4) (i32.const 32) (i32.const 128) (i32.const 160)) (call $write_result (i32.const 128) (i32.const 36)) (i32.const 0)`
          : `(call $create2 (i32.const 0) (i32.const 4) (i32.const 32) (i32.const 64) (i32.const 128) (i32.const 160)) (call $write_result (i32.const 128) (i32.const 36)) (i32.const 0)`,
        { extra: `(data (i32.const 0) "\\60\\00\\60\\00")` },
      );

    it("are served by chain.create in mode call and write the address", async () => {
      for (const fn of ["create1", "create2"] as const) {
        const chain = new FakeChain().onCreate(() => ({ address: TARGET, returnData: new Uint8Array(0), gasUsed: 100n }));
        const r = await runWasm(await wat(createProgram(fn)), { chain });
        expect(r.success, r.error?.message).to.equal(true);
        expect(hex(r.output.subarray(0, 20))).to.equal(TARGET);
        expect(chain.creates[0]?.kind).to.equal(fn);
        expect(chain.creates[0]?.initCode).to.equal("0x60006000");
        if (fn === "create2") expect(chain.creates[0]?.salt).to.match(/^0x0{64}$/);
      }
    });

    it("revert naming the host function in a transaction", async () => {
      for (const fn of ["create1", "create2"] as const) {
        const chain = new FakeChain().onCreate(() => ({ address: TARGET, returnData: new Uint8Array(0), gasUsed: 100n }));
        const r = await runWasm(await wat(createProgram(fn)), { chain, mode: "transaction" });
        expect(r.error?.kind).to.equal("unsupported-host");
        expect(hex(r.output)).to.equal(hex(encodeErrorString(`unsupported in this context: ${fn}`)));
      }
    });

    it("a failed create writes the zero address and exposes the revert data", async () => {
      const chain = new FakeChain().onCreate(() => ({ returnData: Uint8Array.from([7, 7, 7]), gasUsed: 100n }));
      const r = await runWasm(await wat(createProgram("create1")), { chain });
      expect(bigintFromBytes(r.output.subarray(0, 20))).to.equal(0n);
      expect(r.output[32]).to.equal(3);
    });
  });

  describe("re-execution", () => {
    it("independent cold reads are discovered in one speculative run and fetched together", async () => {
      const loads = Array.from({ length: 5 }, (_, i) => `(i32.store8 (i32.const 31) (i32.const ${i})) (call $storage_load_bytes32 (i32.const 0) (i32.const 32))`).join(" ");
      const w = await wat(program(`${loads} ${loads} (i32.const 0)`));
      const chain = new FakeChain();
      const r = await runWasm(w, { chain });
      expect(r.success).to.equal(true);
      expect(r.reads).to.equal(1);
      expect(chain.readCount).to.equal(5);
    });

    it("reads that depend on earlier reads take one more run per level", async () => {
      // slot 0 holds a key; the program loads the slot named by it and returns that value.
      const w = await wat(program(`
        (call $storage_load_bytes32 (i32.const 0) (i32.const 32))
        (call $storage_load_bytes32 (i32.const 32) (i32.const 64))
        (call $write_result (i32.const 64) (i32.const 32))
        (i32.const 0)`));
      const chain = new FakeChain();
      chain.setStorage(PROGRAM, 0n, 7n);
      chain.setStorage(PROGRAM, 7n, 99n);
      const r = await runWasm(w, { chain });
      expect(bigintFromBytes(r.output)).to.equal(99n);
      expect(r.reads).to.equal(2);
      expect(chain.readCount).to.equal(2);
    });

    it("speculation does not fetch calls out whose inputs may come from placeholders", async () => {
      const w = await wat(
        program(
          `(call $storage_load_bytes32 (i32.const 200) (i32.const 20))
           (drop (call $static_call_contract (i32.const 32) (i32.const 0) (i32.const 0) (i64.const 100000) (i32.const 96)))
           (i32.const 0)`,
        ),
      );
      const chain = new FakeChain().onCall(() => ({ success: true, returnData: new Uint8Array(0), gasUsed: 0n }));
      chain.setStorage(PROGRAM, 0n, BigInt(TARGET));
      const r = await runWasm(w, { chain });
      expect(r.success, r.error?.message).to.equal(true);
      expect(chain.calls.map((c) => c.to)).to.deep.equal([TARGET]);
      expect(r.reads).to.equal(2);
    });

    it("errors of the chain access are rethrown, not reported as program failures", async () => {
      const w = await wat(program(`(call $storage_load_bytes32 (i32.const 0) (i32.const 32)) (i32.const 0)`));
      const chain = new FakeChain();
      chain.getStorageAt = async () => {
        throw new Error("rpc down");
      };
      let caught: unknown;
      try {
        await runWasm(w, { chain });
      } catch (error) {
        caught = error;
      }
      expect(String(caught)).to.contain("rpc down");
    });

    it("compileStylusProgram caches modules by code hash", async () => {
      const w = await wat(program(`(i32.const 0)`));
      const a = await compileStylusProgram(w);
      const b = await compileStylusProgram(Uint8Array.from(w));
      expect(a).to.equal(b);
    });
  });
});
