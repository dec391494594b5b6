// debug_traceTransaction and debug_traceCall for transactions and calls whose
// target is a Stylus program. EDR would trace the effects applier (or fail on
// the 0xEF code), so the handler runs the transaction again in the combined
// interpreter (execution/) on the state before it ran, records what it read, and answers in the requested tracer's shape:
// the default struct logger, callTracer (onlyTopCall, withLog),
// prestateTracer (diffMode, disableCode, disableStorage), 4byteTracer and
// noopTracer. An EVM target is traced here too when its run reaches a program
// or ArbWasm (as the execution handler decides: Stylus code on the connection,
// code that can call out, and a run that reaches one), since EDR mined it with
// appliers in place. Everything else — pure EVM transactions, deployments,
// ArbOS precompiles — goes on to EDR unchanged.
//
// The struct logger lists the run's EVM opcode steps (tracing/struct-log-trace.ts);
// callTracer reports the frames below the program's (calls out, creations) as
// inner `calls` (tracing/call-frame-trace.ts). Nitro's stylusTracer gets the host calls of the
// run's Stylus frames (tracing/hostio-trace.ts). JavaScript tracers (what
// `cargo stylus trace` sends) run in a node:vm sandbox and get the run's host
// calls and frames through hostio/enter/exit (tracing/js-tracer-sandbox.ts);
// one defining step() (EVM opcodes) is refused (hardhat-stylus/README.md, Tracing).
import { bytesToHex, hexToBytes, numberToHex, type Address, type Hex } from "viem";

import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import type { BlockHeaderInfo, BlockTag } from "../chain/chain-rpc.js";

import { isStylusCodeHex } from "../chain/code-hash.js";
import { intrinsicGas } from "../chain/intrinsic-gas.js";
import { StateView } from "../chain/state-view.js";
import { readAlias } from "../chain/transaction-aliases.js";
import { mayCallOut } from "../execution/code-analysis.js";
import { runInInterpreter, type InterpreterMessage } from "../execution/interpreter.js";

import { CallFrameTrace } from "../tracing/call-frame-trace.js";
import { HostioTrace } from "../tracing/hostio-trace.js";
import { JsTraceEvents } from "../tracing/js-trace-events.js";
import { JsTracer, JsTracerError, type JsTraceContext } from "../tracing/js-tracer-sandbox.js";
import { RecordingStateView } from "../tracing/recording-state-view.js";
import { StructLogTrace } from "../tracing/struct-log-trace.js";
import { parseTraceOptions, TraceOptionsError, type TraceOptions } from "../tracing/trace-options.js";
import { callTracerResult, fourByteResult, prestateResult, structLoggerResult, type TracedFrame } from "../tracing/trace-results.js";

import { replayTransactions, type BlockTransaction } from "../chain/block-miner.js";
import { ChainedStateView } from "../chain/chained-state-view.js";

import { interpreterEnvironment } from "./interpreted-transaction.js";
import { errorResponse, resultResponse } from "./responses.js";
import { readTransaction } from "./transaction-params.js";

/** What to run again: a mined transaction or a call, with the state it ran on. */
interface TraceTarget {
  from: Address;
  to: Address;
  code: Hex;
  value: bigint;
  gas: bigint;
  gasPrice: bigint;
  input: Uint8Array;
  block: BlockHeaderInfo;
  /** State the run saw. */
  before: BlockTag;
  /** State after a mined transaction (undefined for calls). */
  after?: BlockTag;
  /** Gas the receipt reports (mined transactions). */
  receiptGasUsed?: bigint;
  /** The target is EVM code: traced here only when the run reaches a program (else EDR's trace stands). */
  evm: boolean;
  /** Transactions before this one in its block (replayed on `before` first: the state the transaction ran on). */
  preceding?: BlockTransaction[];
  options: unknown;
}

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
/** Ethereum's precompiles (0x01-0x11) and ArbWasm (added per run) for a JavaScript tracer's isPrecompiled(). */
const ARB_WASM = "0x0000000000000000000000000000000000000071";
const PRECOMPILED = Array.from({ length: 0x11 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);

export class StylusTraceHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return request.method === "debug_traceTransaction" || request.method === "debug_traceCall";
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const params = Array.isArray(request.params) ? request.params : [];
    const target =
      request.method === "debug_traceTransaction" ? await transactionTarget(params, scope) : await callTarget(params, scope);
    if (target === undefined) return request;
    if (target.evm && !(await reachesProgram(target, scope))) return request;
    let options: TraceOptions;
    try {
      options = parseTraceOptions(target.options);
    } catch (error) {
      if (error instanceof TraceOptionsError) return errorResponse(request, error.code, error.message);
      throw error;
    }
    if (options.kind === "unserved") {
      return errorResponse(
        request,
        -32000,
        `hardhat-stylus: the ${options.tracer} is not served for Stylus programs; ` +
          "use the default tracer, callTracer, prestateTracer, 4byteTracer, noopTracer, stylusTracer or a JavaScript tracer",
      );
    }
    let jsTracer: JsTracer | undefined;
    if (options.kind === "javascript") {
      try {
        jsTracer = JsTracer.compile(options.tracer ?? "", {
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          precompiles: [...PRECOMPILED, ARB_WASM, ...scope.precompiles.keys()],
        });
      } catch (error) {
        if (error instanceof JsTracerError) return errorResponse(request, error.code, error.message);
        throw error;
      }
      if (jsTracer.hasStep) {
        return errorResponse(
          request,
          -32000,
          "hardhat-stylus: step() (EVM opcode tracing) is not served for JavaScript tracers of Stylus programs; " +
            "use hostio(), enter() and exit(), or the default struct logger",
        );
      }
    }

    const view = new RecordingStateView(scope.rpc, target.before);
    if (target.preceding !== undefined) {
      await replayTransactions(scope, view, target.block, target.preceding);
      view.touched.clear();
    }
    const { intrinsic } = intrinsicGas(target.input, false);
    const env = interpreterEnvironment(scope, {
      view,
      block: target.block,
      chainId: await scope.rpc.chainId(),
      gasPrice: target.gasPrice,
      origin: target.from,
    });
    const hostioTrace = options.kind === "stylusTracer" ? new HostioTrace() : undefined;
    if (hostioTrace !== undefined) env.hostioTrace = hostioTrace;
    const callTrace = options.kind === "callTracer" && !options.callTracer.onlyTopCall ? new CallFrameTrace() : undefined;
    if (callTrace !== undefined) env.callTrace = callTrace;
    const structLog = options.kind === "structLogger" ? new StructLogTrace(options.structLogger) : undefined;
    if (structLog !== undefined) env.structLog = structLog;
    const jsEvents = jsTracer === undefined ? undefined : new JsTraceEvents();
    if (jsEvents !== undefined) {
      env.hostioTrace = jsEvents.hostioTrace;
      env.callTrace = jsEvents.callTrace;
    }
    const outcome = await runInInterpreter(env, callOf(target, intrinsic));
    const frame: TracedFrame = {
      from: target.from,
      to: target.to,
      value: target.value,
      gas: target.gas,
      gasUsed: target.receiptGasUsed ?? (outcome.outOfGas ? target.gas : intrinsic + outcome.gasUsed),
      input: target.input,
      success: outcome.success,
      outOfGas: outcome.outOfGas,
      returnData: outcome.returnData,
      logs: [],
      writes: new Map(),
      ...(callTrace === undefined ? {} : { calls: callTrace.calls() }),
    };
    if (outcome.success) {
      const self = target.to.toLowerCase();
      for (const log of outcome.logs) {
        if (log.address === undefined || log.address.toLowerCase() === self) frame.logs.push({ topics: log.topics, data: log.data });
      }
      for (const account of outcome.accounts) {
        if (account.address.toLowerCase() !== self) continue;
        for (const write of account.storage) frame.writes.set(write.slot, write.value);
      }
    }

    switch (options.kind) {
      case "javascript": {
        const ctx: JsTraceContext = {
          type: "CALL",
          from: target.from.toLowerCase(),
          to: target.to.toLowerCase(),
          input: bytesToHex(target.input),
          gas: numberToHex(target.gas),
          gasUsed: numberToHex(frame.gasUsed),
          gasPrice: numberToHex(target.gasPrice),
          value: numberToHex(target.value),
          block: Number(target.block.number),
          output: bytesToHex(outcome.returnData),
          ...(outcome.success ? {} : { error: outcome.outOfGas ? "out of gas" : "execution reverted" }),
        };
        try {
          return resultResponse(request, jsTracer!.run(jsEvents!.events, ctx, options.tracerConfig ?? null));
        } catch (error) {
          if (error instanceof JsTracerError) return errorResponse(request, error.code, error.message);
          throw error;
        }
      }
      case "stylusTracer":
        return resultResponse(request, hostioTrace?.result() ?? []);
      case "structLogger":
        return resultResponse(request, { ...structLoggerResult(frame), structLogs: structLog?.logs ?? [] });
      case "callTracer":
        return resultResponse(request, callTracerResult(frame, options.callTracer));
      case "4byteTracer":
        return resultResponse(request, fourByteResult(frame));
      case "noopTracer":
        return resultResponse(request, {});
      case "prestateTracer": {
        const after = target.after === undefined ? undefined : new StateView(scope.rpc, target.after);
        return resultResponse(request, await prestateResult(frame, view.touched, view, after, options.prestateTracer));
      }
    }
  }
}

/** The interpreter's message for a traced transaction or call: its gas after intrinsic gas. */
function callOf(target: TraceTarget, intrinsic: bigint): InterpreterMessage {
  return {
    from: target.from,
    to: target.to,
    value: target.value,
    data: target.input,
    gasLimit: target.gas > intrinsic ? target.gas - intrinsic : 0n,
  };
}

/** The mined transaction behind `hash` when its target was a program at the block before (the plugin mined it). */
async function transactionTarget(params: unknown[], scope: RequestScope): Promise<TraceTarget | undefined> {
  const hash = params[0];
  if (typeof hash !== "string" || !HASH.test(hash)) return undefined;
  const { rpc } = scope;
  const mined = (await readAlias(rpc, hash as Hex)) ?? (hash as Hex);
  type RpcTx = {
    from: Address;
    to: Address | null;
    input: Hex;
    value: Hex;
    gas: Hex;
    gasPrice?: Hex;
    blockNumber: Hex | null;
    transactionIndex: Hex | null;
  } | null;
  const tx = await rpc.request<RpcTx>("eth_getTransactionByHash", [mined]);
  if (tx === null || tx.to === null || tx.blockNumber === null) return undefined;
  const input = hexToBytes(tx.input);
  const number = BigInt(tx.blockNumber);
  const before = numberToHex(number - 1n);
  const code = await new StateView(rpc, before).getCode(tx.to);
  if (!tracedHere(code, scope)) return undefined;
  const receipt = await rpc.request<{ gasUsed: Hex; effectiveGasPrice?: Hex }>("eth_getTransactionReceipt", [mined]);
  // Not first in its block (automine off): it ran on what the block's earlier transactions left.
  const index = tx.transactionIndex === null ? 0 : Number(BigInt(tx.transactionIndex));
  const preceding =
    index === 0
      ? undefined
      : (await rpc.request<{ transactions: BlockTransaction[] }>("eth_getBlockByNumber", [tx.blockNumber, true])).transactions.slice(0, index);
  return {
    from: tx.from,
    to: tx.to,
    code,
    value: BigInt(tx.value),
    gas: BigInt(tx.gas),
    gasPrice: BigInt(receipt.effectiveGasPrice ?? tx.gasPrice ?? "0x0"),
    input,
    block: await rpc.getBlock(tx.blockNumber),
    before,
    after: tx.blockNumber,
    receiptGasUsed: BigInt(receipt.gasUsed),
    evm: !isStylusCodeHex(code),
    options: params[1],
    ...(preceding === undefined ? {} : { preceding }),
  };
}

/** The call of debug_traceCall(call, block, options) when its target is a program. */
async function callTarget(params: unknown[], scope: RequestScope): Promise<TraceTarget | undefined> {
  const tag = (params[1] ?? "latest") as BlockTag;
  const tx = await readTransaction({ jsonrpc: "2.0", id: 0, method: "eth_call", params: [params[0], tag] }).catch(() => null);
  if (tx === null || tx.to === null) return undefined;
  const code = await new StateView(scope.rpc, tag).getCode(tx.to);
  if (!tracedHere(code, scope)) return undefined;
  const block = await scope.rpc.getBlock(tag);
  return {
    from: tx.from ?? ZERO_ADDRESS,
    to: tx.to,
    code,
    value: tx.value,
    gas: tx.gas ?? block.gasLimit,
    gasPrice: tx.fees.gasPrice ?? tx.fees.maxFeePerGas ?? 0n,
    input: tx.data,
    block,
    before: tag,
    evm: !isStylusCodeHex(code),
    options: params[2],
  };
}

/** A program's code, or (with Stylus code on the connection) EVM code that can call out (the execution handler's test). */
function tracedHere(code: Hex, scope: RequestScope): boolean {
  return isStylusCodeHex(code) || (code !== "0x" && scope.stylusPresent() && mayCallOut(code));
}

/**
 * Whether the run of an EVM target reaches a Stylus program or ArbWasm (the decision the
 * execution handler makes before sending): only then was it run, and mined, through the interpreter.
 */
async function reachesProgram(target: TraceTarget, scope: RequestScope): Promise<boolean> {
  const { intrinsic } = intrinsicGas(target.input, false);
  const view = new ChainedStateView(scope.rpc, target.before);
  if (target.preceding !== undefined) await replayTransactions(scope, view, target.block, target.preceding);
  const env = interpreterEnvironment(scope, {
    view,
    block: target.block,
    chainId: await scope.rpc.chainId(),
    gasPrice: target.gasPrice,
    origin: target.from,
  });
  const outcome = await runInInterpreter(env, callOf(target, intrinsic));
  return outcome.reachedEmulated;
}
