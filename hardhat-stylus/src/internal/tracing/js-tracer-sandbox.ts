// Runs a geth-style JavaScript tracer (the `tracer` string of debug_trace*,
// e.g. the one `cargo stylus trace` sends) in a fresh node:vm context: no
// require, process or host objects reach it. Everything the tracer sees is
// built inside the context from JSON (frames, host calls, ctx), the geth
// globals (toHex, toWord, toAddress, bigInt, isPrecompiled, slice) are
// defined there in source, and every entry into the context runs under
// vm's time limit. Errors come back as JsTracerError in geth's words.
import vm from "node:vm";

/**
 * One event of a run, in the order the tracer hooks are called (Nitro: enter, inner host calls, exit, then the
 * outer call's record). A host call carries what Nitro's CaptureStylusHostio passes: no address (the frame's
 * address comes from enter(); cargo-stylus takes a list whose every entry has `address` for an activation trace).
 */
export type JsTraceEvent =
  | { kind: "hostio"; name: string; args: string; outs: string; startInk: number; endInk: number }
  | { kind: "enter"; type: string; from: string; to: string; input: string; gas: string; value: string }
  | { kind: "exit"; gasUsed: string; output: string; error?: string };

/** What geth passes as `ctx` to result(ctx, db). */
export interface JsTraceContext {
  type: "CALL";
  from: string;
  to: string;
  input: string;
  gas: string;
  gasUsed: string;
  gasPrice: string;
  value: string;
  block: number;
  output: string;
  error?: string;
}

export class JsTracerError extends Error {
  override name = "JsTracerError";
  readonly code = -32000;
}

/** geth's default time limit of a JS tracer (debug_trace* `timeout`). */
export const DEFAULT_JS_TRACER_TIMEOUT_MS = 5_000;

/** Largest result JSON accepted back from the tracer. */
const MAX_RESULT_CHARS = 32 * 1024 * 1024;

// Defined inside the context: the geth helpers and the replay of a run's events.
const PRELUDE = String.raw`
"use strict";
var __hex = function (v) {
  if (typeof v === "string") {
    var s = v.startsWith("0x") || v.startsWith("0X") ? v.slice(2) : v;
    if (s.length % 2 === 1) s = "0" + s;
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) {
      var b = parseInt(s.substr(i * 2, 2), 16);
      if (Number.isNaN(b)) throw new TypeError("invalid hex string " + JSON.stringify(v));
      out[i] = b;
    }
    return out;
  }
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (Array.isArray(v)) return Uint8Array.from(v);
  throw new TypeError("invalid buffer type");
};
globalThis.toHex = function (v) {
  var bytes = __hex(v), s = "0x";
  for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return s;
};
var __pad = function (v, n) {
  var bytes = __hex(v), out = new Uint8Array(n);
  if (bytes.length >= n) out.set(bytes.subarray(bytes.length - n));
  else out.set(bytes, n - bytes.length);
  return out;
};
globalThis.toWord = function (v) { return __pad(v, 32); };
globalThis.toAddress = function (v) { return __pad(v, 20); };
globalThis.bigInt = function (v, base) {
  if (typeof v === "bigint") return v;
  if (typeof v === "string" && base === 16) return BigInt("0x" + v.replace(/^0x/i, ""));
  return BigInt(v);
};
globalThis.slice = function (v, start, end) {
  var bytes = __hex(v);
  if (start < 0 || start > end || end > bytes.length) throw new RangeError("tracer accessed out of bound memory: available " + bytes.length + ", offset " + start + ", size " + (end - start));
  return bytes.slice(start, end);
};
globalThis.isPrecompiled = function (v) {
  return __precompiles.indexOf(toHex(toAddress(v))) >= 0;
};
var __frame = function (e) {
  return {
    getType: function () { return e.type; },
    getFrom: function () { return __hex(e.from); },
    getTo: function () { return __hex(e.to); },
    getInput: function () { return __hex(e.input); },
    getGas: function () { return Number(e.gas); },
    getValue: function () { return BigInt(e.value); },
  };
};
var __result = function (e) {
  return {
    getGasUsed: function () { return Number(e.gasUsed); },
    getOutput: function () { return __hex(e.output); },
    getError: function () { return e.error === undefined ? undefined : e.error; },
  };
};
var __db = (function () {
  var refuse = function () { throw new Error("hardhat-stylus: the db object of JavaScript tracers is not served for Stylus programs"); };
  return { getBalance: refuse, getNonce: refuse, getCode: refuse, getState: refuse, exists: refuse };
})();
var __check = function (t) {
  if (t === null || typeof t !== "object") throw new TypeError("tracer is not an object");
  if (typeof t.result !== "function") throw new Error("trace object must expose a function result()");
  if (typeof t.fault !== "function") throw new Error("trace object must expose a function fault()");
  if ((typeof t.enter === "function") !== (typeof t.exit === "function")) throw new Error("trace object must expose either both or none of enter() and exit()");
  return typeof t.step === "function";
};
var __replay = function (t, eventsJson, ctxJson, configJson) {
  var events = JSON.parse(eventsJson), ctx = JSON.parse(ctxJson);
  if (typeof t.setup === "function") t.setup(configJson);
  for (var i = 0; i < events.length; i++) {
    var e = events[i];
    if (e.kind === "hostio") {
      if (typeof t.hostio === "function") {
        t.hostio({ name: e.name, args: __hex(e.args), outs: __hex(e.outs), startInk: e.startInk, endInk: e.endInk });
      }
    } else if (e.kind === "enter") {
      if (typeof t.enter === "function") t.enter(__frame(e));
    } else if (typeof t.exit === "function") {
      t.exit(__result(e));
    }
  }
  var jsCtx = {
    type: ctx.type, from: __hex(ctx.from), to: __hex(ctx.to), input: __hex(ctx.input),
    gas: Number(ctx.gas), gasUsed: Number(ctx.gasUsed), gasPrice: Number(ctx.gasPrice),
    value: BigInt(ctx.value), block: ctx.block, output: __hex(ctx.output),
  };
  if (ctx.error !== undefined) jsCtx.error = ctx.error;
  var out = t.result(jsCtx, __db);
  return JSON.stringify(out, function (k, v) { return typeof v === "bigint" ? v.toString() : v; });
};
`;

/** geth's error for a limit hit or an exception inside the tracer. */
function tracerError(error: unknown, where: string, timeoutMs: number): JsTracerError {
  const e = error as { code?: string; name?: string; message?: string };
  if (e?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return new JsTracerError(`execution timeout (the tracer ran past ${timeoutMs} ms)`);
  const name = typeof e?.name === "string" ? e.name : "Error";
  const message = typeof e?.message === "string" ? e.message : String(error);
  return new JsTracerError(`${name}: ${message}${where === "" ? "" : ` in ${where}`}`);
}

export class JsTracer {
  readonly #context: vm.Context;
  readonly #timeoutMs: number;
  /** The tracer defines step() (EVM opcode tracing). */
  readonly hasStep: boolean;

  private constructor(context: vm.Context, timeoutMs: number, hasStep: boolean) {
    this.#context = context;
    this.#timeoutMs = timeoutMs;
    this.hasStep = hasStep;
  }

  /** Evaluates `(code)` in a fresh context, as geth does; throws JsTracerError for bad code. */
  static compile(code: string, options: { timeoutMs?: number; precompiles?: readonly string[] } = {}): JsTracer {
    // vm takes a positive whole number of milliseconds below 2^32; Go durations may be "0", "1.5ms" or "1000h".
    const timeoutMs = Math.min(2 ** 31, Math.max(1, Math.ceil(options.timeoutMs ?? DEFAULT_JS_TRACER_TIMEOUT_MS)));
    // A null-prototype sandbox: the context's globals are its own built-ins only.
    const context = vm.createContext(Object.create(null) as object, {
      name: "hardhat-stylus js tracer",
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: "afterEvaluate",
    });
    const run = (source: string, where: string): unknown => {
      try {
        return new vm.Script(source, { filename: "tracer.js" }).runInContext(context, { timeout: timeoutMs, breakOnSigint: false });
      } catch (error) {
        throw tracerError(error, where, timeoutMs);
      }
    };
    // The plugin's own prelude runs under the default limit; the tracer's code under the request's.
    const prelude = (source: string): void => {
      new vm.Script(source, { filename: "tracer-prelude.js" }).runInContext(context, { timeout: DEFAULT_JS_TRACER_TIMEOUT_MS, breakOnSigint: false });
    };
    prelude(PRELUDE);
    prelude(`var __precompiles = JSON.parse(${JSON.stringify(JSON.stringify((options.precompiles ?? []).map((a) => a.toLowerCase())))});`);
    try {
      new vm.Script(`(${code}\n)`, { filename: "tracer.js" });
    } catch (error) {
      throw tracerError(error, "", timeoutMs);
    }
    run(`var __tracer = (${code}\n);`, "");
    const hasStep = run("__check(__tracer)", "") === true;
    return new JsTracer(context, timeoutMs, hasStep);
  }

  /** Feeds the run's events to the tracer and returns what result(ctx, db) gave (as JSON data). */
  run(events: readonly JsTraceEvent[], ctx: JsTraceContext, config: unknown = null): unknown {
    const source = `__replay(__tracer, ${JSON.stringify(JSON.stringify(events))}, ${JSON.stringify(JSON.stringify(ctx))}, ${JSON.stringify(JSON.stringify(config))})`;
    let json: unknown;
    try {
      json = new vm.Script(source, { filename: "tracer.js" }).runInContext(this.#context, { timeout: this.#timeoutMs, breakOnSigint: false });
    } catch (error) {
      throw tracerError(error, "", this.#timeoutMs);
    }
    if (json === undefined) return null;
    if (typeof json !== "string") throw new JsTracerError("result() gave a value that is not JSON");
    if (json.length > MAX_RESULT_CHARS) throw new JsTracerError(`result() gave more than ${MAX_RESULT_CHARS} characters of JSON`);
    return JSON.parse(json) as unknown;
  }
}
