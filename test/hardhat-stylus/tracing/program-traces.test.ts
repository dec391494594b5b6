// debug_traceTransaction / debug_traceCall for Stylus programs on the
// in-process network, through the provider as any client sends them: the
// program's frame in callTracer, prestateTracer (plain and diffMode), the
// struct logger, 4byteTracer and Nitro's stylusTracer (host calls with their
// memory bytes and ink, nested frames as steps); Nitro-style errors for bad options and
// tracers that are not served; EVM transactions still traced by EDR.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import { bytesToHex, encodeFunctionData, getAddress, keccak256, numberToHex, toFunctionSelector, toHex, type Address, type Hex } from "viem";

import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { counterAbi } from "../../fixtures/stylus-programs/integration/counter.js";
import { forwarderAbi, forwarderWat } from "../../fixtures/stylus-programs/integration/forwarder.js";
import { deployCounter } from "../helpers/counter-setup.js";
import { watToWasm } from "../helpers/wat.js";

const SLOT0 = `0x${"0".repeat(64)}` as Hex;
const INCREMENTED = keccak256(toHex("Incremented(uint256)"));
const OOPS = keccak256(toHex("Oops()")).slice(0, 10);

describe("debug_trace* of Stylus programs", function () {
  let connection: NetworkConnection;
  let counter: Address;
  let sender: Address;
  let incrementHash: Hex;
  let failHash: Hex;

  const trace = async (method: string, params: unknown[]): Promise<Record<string, unknown>> =>
    (await connection.provider.request({ method, params })) as Record<string, unknown>;
  const traceError = async (method: string, params: unknown[]): Promise<{ code?: number; message: string }> => {
    try {
      await connection.provider.request({ method, params });
    } catch (error) {
      return error as { code?: number; message: string };
    }
    throw new Error(`${method} was expected to fail`);
  };

  before(async function () {
    connection = await network.create();
    counter = await deployCounter(connection, true, 60);
    const [wallet] = await connection.viem.getWalletClients();
    const pub = await connection.viem.getPublicClient();
    sender = wallet!.account.address;
    incrementHash = await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "increment" });
    await pub.waitForTransactionReceipt({ hash: incrementHash });
    try {
      await wallet!.sendTransaction({ to: counter, data: encodeFunctionData({ abi: counterAbi, functionName: "fail" }), gas: 100_000n });
    } catch {
      // EDR reports the failed transaction; it is mined all the same.
    }
    const block = await pub.getBlock({ includeTransactions: false });
    failHash = block.transactions[0]!;
  });

  after(async function () {
    await connection.close();
  });

  it("callTracer shows the program's frame with its input, output, gas and (withLog) its event", async function () {
    const pub = await connection.viem.getPublicClient();
    const receipt = await pub.getTransactionReceipt({ hash: incrementHash });
    const tx = await pub.getTransaction({ hash: incrementHash });
    const frame = await trace("debug_traceTransaction", [incrementHash, { tracer: "callTracer", tracerConfig: { withLog: true } }]);
    expect(frame).to.deep.include({
      type: "CALL",
      from: sender.toLowerCase(),
      to: counter.toLowerCase(),
      input: encodeFunctionData({ abi: counterAbi, functionName: "increment" }),
      output: numberToHex(1n, { size: 32 }),
      gas: numberToHex(tx.gas),
      gasUsed: numberToHex(receipt.gasUsed),
      value: "0x0",
    });
    expect(frame.error).to.equal(undefined);
    const logs = frame.logs as Array<{ address: string; topics: Hex[]; data: Hex }>;
    expect(logs).to.have.length(1);
    expect(logs[0]!.address).to.equal(counter.toLowerCase());
    expect(logs[0]!.topics).to.deep.equal([INCREMENTED]);
    // Without withLog, no logs.
    expect((await trace("debug_traceTransaction", [incrementHash, { tracer: "callTracer" }])).logs).to.equal(undefined);
  });

  it("callTracer reports a reverted program call with its revert data", async function () {
    const frame = await trace("debug_traceTransaction", [failHash, { tracer: "callTracer" }]);
    expect(frame.error).to.equal("execution reverted");
    expect(frame.output).to.equal(OOPS);
    expect(frame.to).to.equal(counter.toLowerCase());
  });

  it("prestateTracer reports the slot the program read before it ran, and diffMode its change", async function () {
    const pre = (await trace("debug_traceTransaction", [incrementHash, { tracer: "prestateTracer" }])) as Record<string, { storage?: Record<Hex, Hex>; code?: Hex }>;
    const program = pre[counter.toLowerCase()]!;
    expect(program.storage).to.deep.equal({ [SLOT0]: SLOT0 });
    expect(program.code?.slice(0, 8)).to.equal("0xeff000");
    expect(pre[sender.toLowerCase()]).to.not.equal(undefined);

    const diff = (await trace("debug_traceTransaction", [incrementHash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }])) as {
      pre: Record<string, { storage?: Record<Hex, Hex> }>;
      post: Record<string, { storage?: Record<Hex, Hex> }>;
    };
    expect(diff.post[counter.toLowerCase()]?.storage).to.deep.equal({ [SLOT0]: numberToHex(1n, { size: 32 }) });
    expect(diff.pre[counter.toLowerCase()]?.storage).to.equal(undefined); // the slot was zero before
  });

  it("the default tracer and 4byteTracer answer for the program frame", async function () {
    const logger = await trace("debug_traceTransaction", [incrementHash]);
    expect(logger).to.deep.include({ failed: false, returnValue: numberToHex(1n, { size: 32 }), structLogs: [] });
    const fourByte = await trace("debug_traceTransaction", [incrementHash, { tracer: "4byteTracer" }]);
    expect(fourByte).to.deep.equal({ [`${encodeFunctionData({ abi: counterAbi, functionName: "increment" })}-0`]: 1 });
  });

  it("debug_traceCall runs the program on the requested block without changing anything", async function () {
    const data = encodeFunctionData({ abi: counterAbi, functionName: "increment" });
    const frame = await trace("debug_traceCall", [{ from: sender, to: counter, data }, "latest", { tracer: "callTracer" }]);
    expect(frame.output).to.equal(numberToHex(2n, { size: 32 }));
    const diff = (await trace("debug_traceCall", [{ from: sender, to: counter, data }, "latest", { tracer: "prestateTracer", tracerConfig: { diffMode: true } }])) as {
      post: Record<string, { storage?: Record<Hex, Hex> }>;
    };
    expect(diff.post[counter.toLowerCase()]?.storage).to.deep.equal({ [SLOT0]: numberToHex(2n, { size: 32 }) });
    const pub = await connection.viem.getPublicClient();
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(1n);
  });

  type Hostio = { name: string; args: Hex; outs: Hex; startInk: number; endInk: number; address?: Address; steps?: Hostio[] };
  const expectInkFlows = (records: Hostio[]): void => {
    for (const [i, r] of records.entries()) {
      expect(r.endInk, r.name).to.be.at.most(r.startInk);
      if (i > 0) expect(r.startInk, r.name).to.be.at.most(records[i - 1]!.endInk);
    }
  };

  it("stylusTracer lists the program's host calls with the bytes they read and wrote and their ink", async function () {
    const all = (await trace("debug_traceTransaction", [incrementHash, { tracer: "stylusTracer" }])) as unknown as Hostio[];
    // Nitro's bracket records: the calldata length in, the status (0) out.
    expect(all[0]).to.deep.include({ name: "user_entrypoint", args: "0x00000004", outs: "0x" });
    expect(all.at(-1)).to.deep.include({ name: "user_returned", args: "0x", outs: "0x00000000" });
    const records = all.slice(1, -1);
    const names = records.map((r) => r.name);
    expect(names[0]).to.equal("read_args");
    expect(records[0]!.outs).to.equal(encodeFunctionData({ abi: counterAbi, functionName: "increment" }));
    // Flushing without clearing the cache: Nitro's one byte 0.
    expect(records.find((r) => r.name === "storage_flush_cache")!.args).to.equal("0x00");
    // emit_log: the topic count (big-endian u32), then the topics and data.
    expect(records.find((r) => r.name === "emit_log")!.args.slice(0, 10 + 64)).to.equal(`0x00000001${INCREMENTED.slice(2)}`);
    expect(names).to.include.members(["storage_load_bytes32", "storage_cache_bytes32", "storage_flush_cache", "emit_log", "write_result"]);
    // The slot read before the increment: key in, the old value (0) out.
    const load = records.find((r) => r.name === "storage_load_bytes32")!;
    expect(load.args).to.equal(SLOT0);
    expect(load.outs).to.equal(numberToHex(0n, { size: 32 }));
    const cache = records.find((r) => r.name === "storage_cache_bytes32")!;
    expect(cache.args).to.equal(`${SLOT0}${numberToHex(1n, { size: 32 }).slice(2)}`);
    expect(records.at(-1)!.name).to.equal("write_result");
    expect(records.at(-1)!.args).to.equal(numberToHex(1n, { size: 32 }));
    expectInkFlows(records);
    expect(records[0]!.startInk).to.be.greaterThan(records.at(-1)!.endInk);
  });

  it("stylusTracer nests a called program's host calls as the steps of the call; callTracer shows the call as an inner frame", async function () {
    const [wallet] = await connection.viem.getWalletClients();
    const pub = await connection.viem.getPublicClient();
    const hash = await wallet!.deployContract({
      abi: forwarderAbi,
      bytecode: bytesToHex(buildStylusInitCode(compressStylusProgram(await watToWasm(forwarderWat())))),
    });
    const forwarder = (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
    await connection.stylus.activate(forwarder);
    const get = toFunctionSelector("get()");
    const data = encodeFunctionData({ abi: forwarderAbi, functionName: "staticForward", args: [counter, get] });
    const records = (await trace("debug_traceCall", [{ from: sender, to: forwarder, data }, "latest", { tracer: "stylusTracer" }])) as unknown as Hostio[];
    expect(records.map((r) => r.name)).to.deep.equal(["user_entrypoint", "read_args", "static_call_contract", "read_return_data", "write_result", "user_returned"]);
    const call = records[2]!;
    expect(call.address).to.equal(getAddress(counter));
    // Nitro's layout: callee, gas (u64), calldata; then the return data length (u32) and status (u8).
    expect(call.args).to.equal(`${counter.toLowerCase()}${(1_000_000).toString(16).padStart(16, "0")}${get.slice(2)}`);
    expect(call.outs).to.equal("0x0000002000");
    const steps = call.steps!.slice(1, -1);
    expect(steps[0]!.name).to.equal("read_args");
    expect(steps[0]!.outs).to.equal(get);
    expect(steps.map((r) => r.name)).to.include("storage_load_bytes32");
    expect(steps.at(-1)!.name).to.equal("write_result");
    expectInkFlows(steps);
    expectInkFlows(records);

    // callTracer: the static call out of the program is the frame's inner STATICCALL.
    const frame = await trace("debug_traceCall", [{ from: sender, to: forwarder, data }, "latest", { tracer: "callTracer" }]);
    expect(frame.output).to.equal(numberToHex(1n, { size: 32 }));
    const calls = frame.calls as Array<Record<string, unknown>>;
    expect(calls).to.have.length(1);
    expect(calls[0]).to.deep.include({ type: "STATICCALL", from: forwarder.toLowerCase(), to: counter.toLowerCase(), input: get, output: numberToHex(1n, { size: 32 }) });
    expect(calls[0]!.value).to.equal(undefined);
    expect(BigInt(calls[0]!.gasUsed as Hex) > 0n && BigInt(calls[0]!.gasUsed as Hex) <= BigInt(calls[0]!.gas as Hex)).to.equal(true);
    expect((await trace("debug_traceCall", [{ from: sender, to: forwarder, data }, "latest", { tracer: "callTracer", tracerConfig: { onlyTopCall: true } }])).calls).to.equal(
      undefined,
    );
  });

  it("runs a JavaScript tracer: hostio records in order, enter/exit around a call out before the caller's call record, result(ctx)", async function () {
    const [wallet] = await connection.viem.getWalletClients();
    const pub = await connection.viem.getPublicClient();
    const hash = await wallet!.deployContract({
      abi: forwarderAbi,
      bytecode: bytesToHex(buildStylusInitCode(compressStylusProgram(await watToWasm(forwarderWat())))),
    });
    const forwarder = (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
    // Nitro activates per code hash: an earlier test may have activated this code already.
    await connection.stylus.activate(forwarder).catch((error: Error) => {
      if (!error.message.includes("ProgramUpToDate")) throw error;
    });
    const get = toFunctionSelector("get()");
    const data = encodeFunctionData({ abi: forwarderAbi, functionName: "staticForward", args: [counter, get] });
    const tracer = `{
      log: [],
      hostio: function (info) { this.log.push(info.name + " " + toHex(info.outs) + " " + (info.startInk >= info.endInk)); },
      enter: function (f) { this.log.push("enter " + f.getType() + " " + toHex(f.getFrom()) + " " + toHex(f.getTo()) + " " + toHex(f.getInput())); },
      exit: function (r) { this.log.push("exit " + toHex(r.getOutput()) + " " + (r.getGasUsed() > 0) + " " + r.getError()); },
      result: function (ctx) { return { log: this.log, type: ctx.type, to: toHex(ctx.to), output: toHex(ctx.output), error: ctx.error }; },
      fault: function () {}
    }`;
    const out = (await trace("debug_traceCall", [{ from: sender, to: forwarder, data }, "latest", { tracer }])) as { log: string[] } & Record<string, unknown>;
    const one = numberToHex(1n, { size: 32 });
    expect(out).to.deep.include({ type: "CALL", to: forwarder.toLowerCase(), output: one });
    expect(out.error).to.equal(undefined);
    const names = out.log.map((line) => line.split(" ")[0]);
    const enter = names.indexOf("enter");
    const exit = names.indexOf("exit");
    expect(names.slice(0, enter)).to.deep.equal(["user_entrypoint", "read_args"]);
    expect(out.log[enter]).to.equal(`enter STATICCALL ${forwarder.toLowerCase()} ${counter.toLowerCase()} ${get}`);
    // The counter's own records run between enter and exit; then the forwarder's static_call_contract record.
    expect(names.slice(enter + 1, exit)).to.include.members(["user_entrypoint", "read_args", "storage_load_bytes32", "write_result", "user_returned"]);
    expect(out.log[exit]).to.equal(`exit ${one} true undefined`);
    expect(names.slice(exit + 1)).to.deep.equal(["static_call_contract", "read_return_data", "write_result", "user_returned"]);
    expect(out.log.filter((line) => line.endsWith(" false"))).to.deep.equal([]);

    // cargo-stylus's nesting tracer (query.js's logic) rebuilds what Nitro's stylusTracer gives.
    const nesting = `{
      hostio: function (info) {
        info.args = toHex(info.args); info.outs = toHex(info.outs);
        if (this.nests.includes(info.name)) { Object.assign(info, this.open.pop()); info.name = info.name.substring(4); }
        this.open.push(info);
      },
      enter: function (frame) {
        var inner = [];
        var names = { CALL: "evm_call_contract", STATICCALL: "evm_static_call_contract", DELEGATECALL: "evm_delegate_call_contract" };
        this.open.push({ address: toHex(frame.getTo()), steps: inner, name: names[frame.getType()] });
        this.stack.push(this.open); this.open = inner;
      },
      exit: function () { this.open = this.stack.pop(); },
      result: function () { return this.open; }, fault: function () { return this.open; },
      stack: [], open: [], nests: ["call_contract", "delegate_call_contract", "static_call_contract"]
    }`;
    const fromJs = await trace("debug_traceCall", [{ from: sender, to: forwarder, data }, "latest", { tracer: nesting }]);
    const native = (await trace("debug_traceCall", [{ from: sender, to: forwarder, data }, "latest", { tracer: "stylusTracer" }])) as unknown as Hostio[];
    const lower = (records: Hostio[]): unknown =>
      records.map((r) => ({ ...r, ...(r.address === undefined ? {} : { address: r.address.toLowerCase() }), ...(r.steps === undefined ? {} : { steps: lower(r.steps) }) }));
    expect(fromJs).to.deep.equal(lower(native));
  });

  it("answers bad options with geth's errors and tracers it does not serve with a clear error", async function () {
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: "callTracer", tracerConfig: { withLog: "yes" } }])).message).to.contain(
      "cannot unmarshal string into Go struct field callTracerConfig.withLog of type bool",
    );
    expect((await traceError("debug_traceTransaction", [incrementHash, { timeout: "soon" }])).message).to.contain('time: invalid duration "soon"');
    expect((await traceError("debug_traceTransaction", [incrementHash, "callTracer"])).message).to.contain("cannot unmarshal string");
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: "{ result: function() { return 1; } }" }])).message).to.contain(
      "trace object must expose a function fault()",
    );
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: "{ result: function() {" }])).message).to.match(/^SyntaxError: /);
    const js = (body: string) => `{ ${body}, fault: function() {} }`;
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: js("hostio: function() { throw new Error('nope'); }, result: function() {}") }])).message).to.equal(
      "Error: nope",
    );
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: js("result: function() { for (;;) {} }"), timeout: "200ms" }])).message).to.contain(
      "execution timeout",
    );
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: js("step: function() {}, result: function() {}") }])).message).to.contain(
      "step() (EVM opcode tracing) is not served",
    );
    // The node keeps serving.
    expect((await trace("debug_traceTransaction", [incrementHash, { tracer: "callTracer" }])).type).to.equal("CALL");
  });

  it("leaves EVM transactions to EDR's tracer", async function () {
    const [wallet] = await connection.viem.getWalletClients();
    const pub = await connection.viem.getPublicClient();
    const hash = await wallet!.sendTransaction({ to: sender, value: 1n });
    await pub.waitForTransactionReceipt({ hash });
    const frame = await trace("debug_traceTransaction", [hash, { tracer: "callTracer" }]);
    expect(frame.to).to.equal(sender.toLowerCase());
    expect(frame.value).to.equal("0x1");
  });
});
