// The node:vm sandbox that runs geth-style JavaScript tracers: geth's
// globals, the hook order it replays, and what bad tracer code gets (geth's
// errors; a time limit for loops that never end; no way out to the host).
import { expect } from "chai";

import { JsTracer, JsTracerError, type JsTraceContext, type JsTraceEvent } from "../../../hardhat-stylus/src/internal/tracing/js-tracer-sandbox.js";

const CTX: JsTraceContext = {
  type: "CALL",
  from: "0x00000000000000000000000000000000000000aa",
  to: "0x00000000000000000000000000000000000000bb",
  input: "0x01020304",
  gas: "0x5208",
  gasUsed: "0x100",
  gasPrice: "0x1",
  value: "0x0",
  block: 7,
  output: "0x",
};

const EVENTS: JsTraceEvent[] = [
  { kind: "hostio", name: "user_entrypoint", args: "0x00000004", outs: "0x", startInk: 1000, endInk: 990 },
  { kind: "enter", type: "STATICCALL", from: CTX.to, to: "0x00000000000000000000000000000000000000cc", input: "0xabcd", gas: "0x64", value: "0x0" },
  { kind: "hostio", name: "read_args", args: "0x", outs: "0xabcd", startInk: 500, endInk: 480 },
  { kind: "exit", gasUsed: "0x20", output: "0x01" },
  { kind: "hostio", name: "static_call_contract", args: "0x", outs: "0x0000000100", startInk: 980, endInk: 700 },
];

const errorOf = (fn: () => unknown): JsTracerError => {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(JsTracerError);
    return error as JsTracerError;
  }
  throw new Error("expected a JsTracerError");
};

describe("JavaScript tracer sandbox", function () {
  it("replays host calls and frames in order with geth's frame and result objects", function () {
    const tracer = JsTracer.compile(`{
      log: [],
      hostio: function (info) { this.log.push([info.name, toHex(info.args), toHex(info.outs), info.startInk, info.endInk]); },
      enter: function (f) { this.log.push(["enter", f.getType(), toHex(f.getFrom()), toHex(f.getTo()), toHex(f.getInput()), f.getGas(), f.getValue().toString()]); },
      exit: function (r) { this.log.push(["exit", r.getGasUsed(), toHex(r.getOutput()), r.getError() === undefined]); },
      result: function (ctx, db) { return { log: this.log, to: toHex(ctx.to), gasUsed: ctx.gasUsed, block: ctx.block, value: ctx.value }; },
      fault: function () {}
    }`);
    expect(tracer.run(EVENTS, CTX)).to.deep.equal({
      log: [
        ["user_entrypoint", "0x00000004", "0x", 1000, 990],
        ["enter", "STATICCALL", CTX.to, "0x00000000000000000000000000000000000000cc", "0xabcd", 100, "0"],
        ["read_args", "0x", "0xabcd", 500, 480],
        ["exit", 32, "0x01", true],
        ["static_call_contract", "0x", "0x0000000100", 980, 700],
      ],
      to: CTX.to,
      gasUsed: 256,
      block: 7,
      value: "0",
    });
  });

  it("defines geth's globals toHex, toWord, toAddress, bigInt, slice and isPrecompiled", function () {
    const tracer = JsTracer.compile(
      `{ result: function () { return [
        toHex(toWord("0x01")), toHex(toAddress("0xff")), bigInt("0x10").toString(), bigInt("10", 16).toString(),
        toHex(slice(toWord("0x0102"), 30, 32)), isPrecompiled("0x01"), isPrecompiled(toAddress("0x71")), isPrecompiled("0x1234")
      ]; }, fault: function () {} }`,
      { precompiles: ["0x0000000000000000000000000000000000000001", "0x0000000000000000000000000000000000000071"] },
    );
    expect(tracer.run([], CTX)).to.deep.equal([
      `0x${"0".repeat(62)}01`,
      `0x${"0".repeat(38)}ff`,
      "16",
      "16",
      "0x0102",
      true,
      true,
      false,
    ]);
  });

  it("refuses code that does not parse, or lacks result() / fault(), with geth's errors", function () {
    expect(errorOf(() => JsTracer.compile("{ result: function () { return 1; ")).message).to.match(/^SyntaxError: /);
    expect(errorOf(() => JsTracer.compile("{ fault: function () {} }")).message).to.equal("Error: trace object must expose a function result()");
    expect(errorOf(() => JsTracer.compile("{ result: function () {} }")).message).to.equal("Error: trace object must expose a function fault()");
    expect(errorOf(() => JsTracer.compile("{ result: function () {}, fault: function () {}, enter: function () {} }")).message).to.contain(
      "both or none of enter() and exit()",
    );
    expect(JsTracer.compile("{ result: function () {}, fault: function () {}, step: function () {} }").hasStep).to.equal(true);
  });

  it("turns an exception thrown by a hook into an error", function () {
    const tracer = JsTracer.compile(`{ hostio: function (i) { throw new TypeError("bad " + i.name); }, result: function () { return 1; }, fault: function () {} }`);
    expect(errorOf(() => tracer.run(EVENTS, CTX)).message).to.equal("TypeError: bad user_entrypoint");
  });

  it("stops a tracer that never ends at its time limit, and the next one still runs", function () {
    const looping = JsTracer.compile("{ result: function () { for (;;) {} }, fault: function () {} }", { timeoutMs: 100 });
    expect(errorOf(() => looping.run(EVENTS, CTX)).message).to.contain("execution timeout");
    expect(errorOf(() => JsTracer.compile("(function () { for (;;) {} })()", { timeoutMs: 100 })).message).to.contain("execution timeout");
    expect(JsTracer.compile("{ result: function () { return 2; }, fault: function () {} }").run([], CTX)).to.equal(2);
    // Go durations the vm cannot take as they are ("250.5ms", "1000h", "0") still give a limit, never a crash.
    for (const timeoutMs of [250.5, 3_600_000_000]) {
      expect(JsTracer.compile("{ result: function () { return 3; }, fault: function () {} }", { timeoutMs }).run([], CTX)).to.equal(3);
    }
    try {
      JsTracer.compile("{ result: function () { return 3; }, fault: function () {} }", { timeoutMs: 0 }).run([], CTX);
    } catch (error) {
      expect(error).to.be.instanceOf(JsTracerError);
      expect((error as Error).message).to.contain("execution timeout");
    }
  });

  it("gives the tracer no process, require or host objects, and no way to build code from strings", function () {
    const tracer = JsTracer.compile(`{
      result: function () {
        var escaped;
        try { escaped = typeof toHex.constructor("return process")(); } catch (e) { escaped = e.name; }
        var viaCtx;
        try { viaCtx = typeof this.constructor.constructor("return globalThis.process")(); } catch (e) { viaCtx = e.name; }
        return [typeof process, typeof require, typeof module, typeof globalThis.process, escaped, viaCtx];
      },
      fault: function () {}
    }`);
    expect(tracer.run([], CTX)).to.deep.equal(["undefined", "undefined", "undefined", "undefined", "EvalError", "EvalError"]);
  });
});
