// debug_traceTransaction and debug_traceCall for transactions and calls whose
// target is a Stylus program. EDR would trace the effects applier (or fail on
// the 0xEF code), so the handler runs the program again on the state before
// it ran, records what it read, and answers in the requested tracer's shape:
// the default struct logger, callTracer (onlyTopCall, withLog),
// prestateTracer (diffMode, disableCode, disableStorage), 4byteTracer and
// noopTracer. Everything else — EVM targets, deployments, ArbOS precompiles —
// goes on to EDR unchanged.
//
// The program's own frame is traced; calls out of it are not yet reported as
// inner frames, and Nitro's stylusTracer (host I/O records with ink) and
// JavaScript tracers (cargo stylus trace) get an error saying so: both need
// per-host-call records from the runtime (hardhat-stylus/README.md, Tracing).
import { bytesToHex, hexToBytes, numberToHex, type Address, type Hex } from "viem";

import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import type { BlockHeaderInfo, BlockTag } from "../chain/chain-rpc.js";

import { isStylusCodeHex } from "../chain/code-hash.js";
import { decodeOriginalInput } from "../chain/effects-applier.js";
import { intrinsicGas } from "../chain/intrinsic-gas.js";
import { runStylusProgram } from "../chain/program-runner.js";
import { StateView } from "../chain/state-view.js";
import { readAlias } from "../chain/transaction-aliases.js";

import { RecordingStateView } from "../tracing/recording-state-view.js";
import { parseTraceOptions, TraceOptionsError, type TraceOptions } from "../tracing/trace-options.js";
import { callTracerResult, fourByteResult, prestateResult, structLoggerResult, type TracedFrame } from "../tracing/trace-results.js";

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
  options: unknown;
}

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

export class StylusTraceHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return request.method === "debug_traceTransaction" || request.method === "debug_traceCall";
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const params = Array.isArray(request.params) ? request.params : [];
    const target =
      request.method === "debug_traceTransaction" ? await transactionTarget(params, scope) : await callTarget(params, scope);
    if (target === undefined) return request;
    let options: TraceOptions;
    try {
      options = parseTraceOptions(target.options);
    } catch (error) {
      if (error instanceof TraceOptionsError) return errorResponse(request, error.code, error.message);
      throw error;
    }
    if (options.kind === "stylusTracer" || options.kind === "javascript" || options.kind === "unserved") {
      const what = options.kind === "javascript" ? "JavaScript tracers are" : `the ${options.tracer} is`;
      return errorResponse(
        request,
        -32000,
        `hardhat-stylus: ${what} not served yet for Stylus programs (they need per-host-call records from the runtime); ` +
          "use the default tracer, callTracer, prestateTracer, 4byteTracer or noopTracer",
      );
    }

    const view = new RecordingStateView(scope.rpc, target.before);
    const { intrinsic } = intrinsicGas(target.input, false);
    const outcome = await runStylusProgram({
      view,
      modules: scope.modules,
      address: target.to,
      code: target.code,
      sender: target.from,
      origin: target.from,
      value: target.value,
      calldata: target.input,
      gasPrice: target.gasPrice,
      gasLimit: target.gas > intrinsic ? target.gas - intrinsic : 0n,
      block: target.block,
      chainId: await scope.rpc.chainId(),
      isStatic: false,
      mode: target.after === undefined ? "call" : "transaction",
      remoteActivation: scope.remoteActivation,
    });
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
    };
    if (outcome.success) {
      for (const effect of outcome.effects) {
        if (effect.kind === "log") frame.logs.push({ topics: effect.topics.map((t) => bytesToHex(t)), data: bytesToHex(effect.data) });
        if (effect.kind === "sstore") frame.writes.set(bytesToHex(effect.slot), bytesToHex(effect.value));
      }
    }

    switch (options.kind) {
      case "structLogger":
        return resultResponse(request, structLoggerResult(frame));
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

/** The mined transaction behind `hash` when it ran a program (its applier carries the original input). */
async function transactionTarget(params: unknown[], scope: RequestScope): Promise<TraceTarget | undefined> {
  const hash = params[0];
  if (typeof hash !== "string" || !HASH.test(hash)) return undefined;
  const { rpc } = scope;
  const mined = (await readAlias(rpc, hash as Hex)) ?? (hash as Hex);
  type RpcTx = { from: Address; to: Address | null; input: Hex; value: Hex; gas: Hex; gasPrice?: Hex; blockNumber: Hex | null } | null;
  const tx = await rpc.request<RpcTx>("eth_getTransactionByHash", [mined]);
  if (tx === null || tx.to === null || tx.blockNumber === null) return undefined;
  const input = decodeOriginalInput(hexToBytes(tx.input));
  if (input === undefined) return undefined;
  const number = BigInt(tx.blockNumber);
  const before = numberToHex(number - 1n);
  const code = await new StateView(rpc, before).getCode(tx.to);
  if (!isStylusCodeHex(code)) return undefined;
  const receipt = await rpc.request<{ gasUsed: Hex; effectiveGasPrice?: Hex }>("eth_getTransactionReceipt", [mined]);
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
    options: params[1],
  };
}

/** The call of debug_traceCall(call, block, options) when its target is a program. */
async function callTarget(params: unknown[], scope: RequestScope): Promise<TraceTarget | undefined> {
  const tag = (params[1] ?? "latest") as BlockTag;
  const tx = await readTransaction({ jsonrpc: "2.0", id: 0, method: "eth_call", params: [params[0], tag] }).catch(() => null);
  if (tx === null || tx.to === null) return undefined;
  const code = await new StateView(scope.rpc, tag).getCode(tx.to);
  if (!isStylusCodeHex(code)) return undefined;
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
    options: params[2],
  };
}
