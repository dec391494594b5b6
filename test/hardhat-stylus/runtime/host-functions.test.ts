// Conformance of the vm_hooks host functions with Nitro's semantics
// (user-host-trait, arbutil evm/req.rs): one small WAT program per behaviour,
// run against an in-memory chain fake.
import { expect } from "chai";

import { bigintFromBytes, keccak256 } from "../../../hardhat-stylus/src/internal/runtime/bytes.js";
import {
  COINBASE,
  expectBetween,
  FakeChain,
  fixture,
  hex,
  ORIGIN,
  PROGRAM,
  program,
  runWasm,
  SENDER,
  wat,
  watBytes,
  word,
} from "./helpers.js";

const U256_MAX = (1n << 256n) - 1n;
const wordBytes = (v: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  let x = v;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
};

describe("Stylus host functions (Nitro semantics)", () => {
  describe("args, result, exit", () => {
    const echo = program(`
      (call $read_args (i32.const 0))
      (call $write_result (i32.const 0) (local.get $len))
      (i32.const 0)`);

    it("read_args copies the calldata and write_result sets the output", async () => {
      const r = await runWasm(await wat(echo), { context: { calldata: Uint8Array.from([9, 8, 7, 6]) } });
      expect(r.success).to.equal(true);
      expect(Array.from(r.output)).to.deep.equal([9, 8, 7, 6]);
      expect(r.hostCalls).to.deep.equal(["read_args", "write_result"]);
    });

    it("a nonzero entrypoint status reverts with the write_result data", async () => {
      const w = await wat(program(`(call $write_result (i32.const 0) (i32.const 4)) (i32.const 1)`, { extra: `(data (i32.const 0) "oops")` }));
      const r = await runWasm(w);
      expect(r.success).to.equal(false);
      expect(r.error?.kind).to.equal("revert");
      expect(new TextDecoder().decode(r.output)).to.equal("oops");
    });

    it("no write_result means empty output", async () => {
      const r = await runWasm(await wat(program(`(i32.const 0)`)));
      expect(r.success).to.equal(true);
      expect(r.output.length).to.equal(0);
    });

    it("exit_early(0) stops with success and exit_early(n) reverts, keeping the written result", async () => {
      const body = (status: number): string => `
        (call $write_result (i32.const 0) (i32.const 2))
        (call $exit_early (i32.const ${status}))
        (call $write_result (i32.const 2) (i32.const 2))
        (i32.const 0)`;
      const extra = `(data (i32.const 0) "okno")`;
      const ok = await runWasm(await wat(program(body(0), { extra })));
      expect(ok.success).to.equal(true);
      expect(new TextDecoder().decode(ok.output)).to.equal("ok");
      expect(ok.hostCalls).to.deep.equal(["write_result", "exit_early"]);
      const bad = await runWasm(await wat(program(body(3), { extra })));
      expect(bad.success).to.equal(false);
      expect(bad.error?.kind).to.equal("revert");
      expect(new TextDecoder().decode(bad.output)).to.equal("ok");
    });
  });

  describe("storage cache and flush", () => {
    let counter: Uint8Array;
    before(async () => {
      counter = await wat(fixture("storage-counter.wat"));
    });
    const op = (n: number): Uint8Array => Uint8Array.from([n]);

    it("storage_load_bytes32 reads the chain value (one re-execution per cold slot)", async () => {
      const chain = new FakeChain();
      chain.setStorage(PROGRAM, 0n, 41n);
      const r = await runWasm(counter, { chain, context: { calldata: op(0) } });
      expect(bigintFromBytes(r.output)).to.equal(41n);
      expect(r.reads).to.equal(1);
      expect(r.storageWrites).to.deep.equal([]);
    });

    it("flushed writes are reported with their final value", async () => {
      const chain = new FakeChain();
      chain.setStorage(PROGRAM, 0n, 41n);
      const r = await runWasm(counter, { chain, context: { calldata: op(1) }, mode: "transaction" });
      expect(r.success).to.equal(true);
      expect(r.storageWrites).to.deep.equal([{ slot: word(0n), value: word(42n) }]);
    });

    it("cached writes that are never flushed are lost (as on Nitro)", async () => {
      const r = await runWasm(counter, { context: { calldata: op(2) } });
      expect(bigintFromBytes(r.output)).to.equal(1n);
      expect(r.storageWrites).to.deep.equal([]);
    });

    it("a reverting program reports no storage writes even after a flush", async () => {
      const r = await runWasm(counter, { context: { calldata: op(3) } });
      expect(r.success).to.equal(false);
      expect(bigintFromBytes(r.output)).to.equal(1n);
      expect(r.storageWrites).to.deep.equal([]);
    });

    it("flush(false) keeps the cache; later unflushed writes are not persisted", async () => {
      const r = await runWasm(counter, { context: { calldata: op(4) } });
      expect(bigintFromBytes(r.output)).to.equal(2n);
      expect(r.storageWrites).to.deep.equal([{ slot: word(0n), value: word(1n) }]);
    });

    it("after flush(true) a reload sees the flushed value", async () => {
      const chain = new FakeChain();
      chain.setStorage(PROGRAM, 0n, 7n);
      const r = await runWasm(counter, { chain, context: { calldata: op(5) } });
      expect(bigintFromBytes(r.output)).to.equal(8n);
      expect(r.storageWrites).to.deep.equal([{ slot: word(0n), value: word(8n) }]);
    });

    it("a dirty flush in a static call reverts with write protection", async () => {
      const r = await runWasm(counter, { context: { calldata: op(1), isStatic: true } });
      expect(r.success).to.equal(false);
      expect(r.error?.kind).to.equal("revert");
      expect(r.error?.message).to.contain("write protection");
    });

    it("charges EVM storage gas: cold SLOAD 2100, SSTORE reset 2900 after the load", async () => {
      const chain = new FakeChain();
      chain.setStorage(PROGRAM, 0n, 41n);
      const read = await runWasm(counter, { chain, context: { calldata: op(0) } });
      const write = await runWasm(counter, { chain, context: { calldata: op(1) } });
      expectBetween(read.gasUsed, 2100n, 2199n, "read gas");
      expectBetween(write.gasUsed - read.gasUsed, 2900n, 2999n, "reset gas");
      const fresh = await runWasm(counter, { context: { calldata: op(1) } });
      // 0 -> 1 is an SSTORE set: 20000
      expectBetween(fresh.gasUsed, 22_100n, 22_199n, "set gas");
    });

    it("computes the EIP-3529 refund of clearing a slot", async () => {
      const w = await wat(program(`
        (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
        (call $storage_flush_cache (i32.const 1))
        (i32.const 0)`));
      const chain = new FakeChain();
      chain.setStorage(PROGRAM, 0n, 5n);
      const r = await runWasm(w, { chain });
      expect(r.storageWrites).to.deep.equal([{ slot: word(0n), value: word(0n) }]);
      expect(r.gasRefund).to.equal(4800n);
    });
  });

  describe("transient storage", () => {
    const body = `
      (call $transient_load_bytes32 (i32.const 0) (i32.const 64))
      (call $transient_store_bytes32 (i32.const 0) (i32.const 32))
      (call $transient_load_bytes32 (i32.const 0) (i32.const 96))
      (call $write_result (i32.const 64) (i32.const 64))
      (i32.const 0)`;
    const extra = `(data (i32.const 63) "\\2a")`;

    it("starts empty and returns what was stored in the same execution", async () => {
      const r = await runWasm(await wat(program(body, { extra })));
      expect(r.success).to.equal(true);
      expect(bigintFromBytes(r.output.subarray(0, 32))).to.equal(0n);
      expect(bigintFromBytes(r.output.subarray(32))).to.equal(42n);
      expect(r.storageWrites).to.deep.equal([]);
    });

    it("transient_store_bytes32 in a static call reverts", async () => {
      const r = await runWasm(await wat(program(body, { extra })), { context: { isStatic: true } });
      expect(r.success).to.equal(false);
      expect(r.error?.message).to.contain("write protection");
    });
  });

  describe("emit_log", () => {
    const topicsData = new Uint8Array(32 * 4 + 3);
    for (let i = 0; i < 4; i++) topicsData[i * 32 + 31] = i + 1;
    topicsData.set([0xaa, 0xbb, 0xcc], 128);
    const logProgram = (topics: number, len: number): string =>
      program(`(call $emit_log (i32.const 0) (i32.const ${len}) (i32.const ${topics})) (i32.const 0)`, {
        extra: `(data (i32.const 0) "${watBytes(topicsData)}")`,
      });

    it("splits topics (32 bytes each) from data, for 0 to 4 topics", async () => {
      for (let t = 0; t <= 4; t++) {
        const r = await runWasm(await wat(logProgram(t, 131)), { mode: "transaction" });
        expect(r.success).to.equal(true);
        expect(r.logs).to.have.length(1);
        expect(r.logs[0]?.topics).to.deep.equal(Array.from({ length: t }, (_, i) => word(BigInt(i + 1))));
        expect(r.logs[0]?.data).to.equal(hex(topicsData.subarray(t * 32)));
      }
    });

    it("charges 375 + 375 per topic + 8 per data byte", async () => {
      const a = await runWasm(await wat(logProgram(0, 3)));
      const b = await runWasm(await wat(logProgram(2, 67)));
      expectBetween(b.gasUsed - a.gasUsed, 750n, 755n, "log gas");
    });

    it("more than 4 topics reverts (bad topic data)", async () => {
      const r = await runWasm(await wat(logProgram(5, 160)));
      expect(r.success).to.equal(false);
      expect(r.error?.kind).to.equal("revert");
      expect(new TextDecoder().decode(r.output)).to.equal("bad topic data");
      expect(r.logs).to.deep.equal([]);
    });

    it("fewer bytes than topics * 32 reverts", async () => {
      const r = await runWasm(await wat(logProgram(2, 63)));
      expect(r.success).to.equal(false);
    });

    it("logs of a reverting program are dropped", async () => {
      const w = await wat(program(`(call $emit_log (i32.const 0) (i32.const 3) (i32.const 0)) (i32.const 1)`));
      const r = await runWasm(w);
      expect(r.success).to.equal(false);
      expect(r.logs).to.deep.equal([]);
    });

    it("emit_log in a static call reverts", async () => {
      const r = await runWasm(await wat(logProgram(0, 3)), { context: { isStatic: true } });
      expect(r.success).to.equal(false);
      expect(r.error?.message).to.contain("write protection");
    });
  });

  describe("context getters", () => {
    it("return the block, message and transaction values", async () => {
      const r = await runWasm(await wat(fixture("hostio-getters.wat")), {
        context: { value: 123_456n, gasPrice: 777n, reentrant: true },
      });
      expect(r.success).to.equal(true);
      const out = r.output;
      const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
      expect(bigintFromBytes(out.subarray(0, 32))).to.equal(100_000_000n);
      expect(hex(out.subarray(32, 52))).to.equal(COINBASE);
      expect(hex(out.subarray(52, 72))).to.equal(PROGRAM);
      expect(hex(out.subarray(72, 92))).to.equal(SENDER);
      expect(bigintFromBytes(out.subarray(92, 124))).to.equal(123_456n);
      expect(bigintFromBytes(out.subarray(124, 156))).to.equal(777n);
      expect(hex(out.subarray(156, 176))).to.equal(ORIGIN);
      expect(dv.getBigUint64(176, true)).to.equal(30_000_000n);
      expect(dv.getBigUint64(184, true)).to.equal(1234n);
      expect(dv.getBigUint64(192, true)).to.equal(1_700_000_000n);
      expect(dv.getBigUint64(200, true)).to.equal(412346n);
      expect(dv.getUint32(208, true)).to.equal(10_000);
      expect(dv.getUint32(212, true)).to.equal(1);
      expect(dv.getUint32(216, true)).to.equal(0);
    });

    it("msg_reentrant is 0 by default and tx_ink_price follows the context", async () => {
      const r = await runWasm(await wat(fixture("hostio-getters.wat")), { context: { inkPrice: 5000 } });
      const dv = new DataView(r.output.buffer, r.output.byteOffset);
      expect(dv.getUint32(208, true)).to.equal(5000);
      expect(dv.getUint32(212, true)).to.equal(0);
    });

    it("evm_gas_left and evm_ink_left decrease and agree with the ink price", async () => {
      const w = await wat(program(`
        (i64.store (i32.const 0) (call $evm_gas_left))
        (i64.store (i32.const 8) (call $evm_ink_left))
        (i64.store (i32.const 16) (call $evm_gas_left))
        (call $write_result (i32.const 0) (i32.const 24))
        (i32.const 0)`));
      const r = await runWasm(w, { gasLimit: 1_000_000n });
      const dv = new DataView(r.output.buffer, r.output.byteOffset);
      const gas1 = dv.getBigUint64(0, true);
      const ink = dv.getBigUint64(8, true);
      const gas2 = dv.getBigUint64(16, true);
      expectBetween(gas1, 999_001n, 999_999n, "gas left");
      expectBetween(ink / 10_000n, 0n, gas1, "ink left in gas");
      expectBetween(gas2, 0n, ink / 10_000n, "gas left later");
      expectBetween(r.gasUsed, 1_000_000n - gas2, 1_000_000n, "gas used");
    });
  });

  describe("accounts", () => {
    const OTHER = "0x5555555555555555555555555555555555555555" as const;
    const code = Uint8Array.from([0x60, 0x00, 0x60, 0x00, 0xf3]);
    const acct = (body: string): string =>
      program(body, { extra: `(data (i32.const 0) "${watBytes(Uint8Array.from(Buffer.from(OTHER.slice(2), "hex")))}")` });

    it("account_balance reads the balance (cold 2600, then warm 100)", async () => {
      const chain = new FakeChain();
      chain.balances.set(OTHER, 10n ** 18n);
      const once = await wat(acct(`(call $account_balance (i32.const 0) (i32.const 32)) (call $write_result (i32.const 32) (i32.const 32)) (i32.const 0)`));
      const twice = await wat(acct(`(call $account_balance (i32.const 0) (i32.const 32)) (call $account_balance (i32.const 0) (i32.const 32)) (call $write_result (i32.const 32) (i32.const 32)) (i32.const 0)`));
      const a = await runWasm(once, { chain });
      const b = await runWasm(twice, { chain });
      expect(bigintFromBytes(a.output)).to.equal(10n ** 18n);
      expectBetween(a.gasUsed, 2600n, 2620n, "cold balance gas");
      expectBetween(b.gasUsed - a.gasUsed, 100n, 110n, "warm balance gas");
    });

    it("account_code copies the overlap of [offset, offset+size) and returns the byte count", async () => {
      const chain = new FakeChain();
      chain.codes.set(OTHER, code);
      const run = async (offset: number, size: number): Promise<Uint8Array> => {
        const w = await wat(acct(`
          (i32.store (i32.const 100) (call $account_code (i32.const 0) (i32.const ${offset}) (i32.const ${size}) (i32.const 32)))
          (call $write_result (i32.const 32) (i32.const 72))
          (i32.const 0)`));
        return (await runWasm(w, { chain })).output;
      };
      const all = await run(0, 100);
      expect(Array.from(all.subarray(0, 5))).to.deep.equal(Array.from(code));
      expect(all[68]).to.equal(5);
      const part = await run(3, 10);
      expect(Array.from(part.subarray(0, 2))).to.deep.equal([0x00, 0xf3]);
      expect(part[68]).to.equal(2);
      const none = await run(9, 10);
      expect(none[68]).to.equal(0);
    });

    it("account_code_size and account_codehash", async () => {
      const chain = new FakeChain();
      chain.codes.set(OTHER, code);
      const w = await wat(acct(`
        (i32.store (i32.const 32) (call $account_code_size (i32.const 0)))
        (call $account_codehash (i32.const 0) (i32.const 64))
        (call $write_result (i32.const 32) (i32.const 64))
        (i32.const 0)`));
      const r = await runWasm(w, { chain });
      expect(r.output[0]).to.equal(5);
      expect(hex(r.output.subarray(32))).to.equal(hex(keccak256(code)));
      const empty = await runWasm(w, { chain: new FakeChain() });
      expect(empty.output[0]).to.equal(0);
      expect(bigintFromBytes(empty.output.subarray(32))).to.equal(0n);
    });
  });

  describe("math", () => {
    const math = (fn: string, args: bigint[]): string => {
      const data = args.map((a) => watBytes(wordBytes(a))).join("");
      const ptrs = args.map((_, i) => `(i32.const ${i * 32})`).join(" ");
      return program(`(call $${fn} ${ptrs}) (call $write_result (i32.const 0) (i32.const 32)) (i32.const 0)`, {
        extra: `(data (i32.const 0) "${data}")`,
      });
    };
    const calc = async (fn: string, ...args: bigint[]): Promise<bigint> =>
      bigintFromBytes((await runWasm(await wat(math(fn, args)))).output);

    it("math_div / math_mod, with 0 for a zero divisor (EVM DIV/MOD)", async () => {
      expect(await calc("math_div", 100n, 7n)).to.equal(14n);
      expect(await calc("math_div", 100n, 0n)).to.equal(0n);
      expect(await calc("math_mod", 100n, 7n)).to.equal(2n);
      expect(await calc("math_mod", 100n, 0n)).to.equal(0n);
      expect(await calc("math_div", U256_MAX, 2n)).to.equal(U256_MAX / 2n);
    });

    it("math_pow wraps modulo 2^256 (EVM EXP)", async () => {
      expect(await calc("math_pow", 3n, 5n)).to.equal(243n);
      expect(await calc("math_pow", 2n, 255n)).to.equal(1n << 255n);
      expect(await calc("math_pow", 2n, 256n)).to.equal(0n);
      expect(await calc("math_pow", 0n, 0n)).to.equal(1n);
    });

    it("math_add_mod / math_mul_mod use full precision and 0 for a zero modulus", async () => {
      expect(await calc("math_add_mod", U256_MAX, 2n, 10n)).to.equal((U256_MAX + 2n) % 10n);
      expect(await calc("math_mul_mod", U256_MAX, U256_MAX, 12345n)).to.equal((U256_MAX * U256_MAX) % 12345n);
      expect(await calc("math_add_mod", 1n, 2n, 0n)).to.equal(0n);
      expect(await calc("math_mul_mod", 3n, 4n, 0n)).to.equal(0n);
    });
  });

  describe("native_keccak256", () => {
    it("hashes the input", async () => {
      const w = await wat(program(`(call $native_keccak256 (i32.const 0) (i32.const 3) (i32.const 32)) (call $write_result (i32.const 32) (i32.const 32)) (i32.const 0)`, {
        extra: `(data (i32.const 0) "abc")`,
      }));
      const r = await runWasm(w);
      expect(hex(r.output)).to.equal("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    });

    it("charges more for longer input (Nitro keccak_price)", async () => {
      const cost = async (len: number): Promise<bigint> =>
        (await runWasm(await wat(program(`(call $native_keccak256 (i32.const 0) (i32.const ${len}) (i32.const 0)) (i32.const 0)`)))).inkUsed;
      const a = await cost(64);
      const b = await cost(96);
      expect(b - a).to.equal(21_000n);
    });
  });

  describe("memory growth", () => {
    it("memory.grow calls pay_for_memory_grow and pays for pages beyond the free ones", async () => {
      const w = await wat(`(module
        (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
        (memory (export "memory") 1 10)
        (func (export "user_entrypoint") (param i32) (result i32)
          (drop (memory.grow (i32.const 3)))
          (i32.const 0)))`);
      const r = await runWasm(w);
      expect(r.success).to.equal(true);
      expect(r.hostCalls).to.deep.equal(["pay_for_memory_grow"]);
      // 1 open page + 3 new = 4; 2 free pages => 2 paid pages at 1000 gas
      expectBetween(r.gasUsed, 2000n, 2010n, "memory grow gas");
    });
  });

  describe("console (debug programs)", () => {
    it("log_txt and log_i32 print through the logger", async () => {
      const w = await wat(`(module
        (import "console" "log_txt" (func $log_txt (param i32 i32)))
        (import "console" "log_i32" (func $log_i32 (param i32)))
        (memory (export "memory") 1 1)
        (data (i32.const 0) "hello stylus")
        (func (export "user_entrypoint") (param i32) (result i32)
          (call $log_txt (i32.const 0) (i32.const 12))
          (call $log_i32 (i32.const -5))
          (i32.const 0)))`);
      const lines: string[] = [];
      const r = await runWasm(w, { logger: (line) => lines.push(line) });
      expect(r.success).to.equal(true);
      expect(lines).to.deep.equal(["hello stylus", "-5"]);
    });
  });
});
