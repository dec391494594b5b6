// Delivers a transaction-shaped request through the combined interpreter
// (execution/): eth_call returns the output or the revert, eth_estimateGas
// searches the smallest gas limit with which the transaction succeeds (as
// geth does), and the send methods run the transaction on the state it will
// be mined on, then mine the ORIGINAL transaction with the appliers in place
// (chain/state-applier.ts), so its hash is the signed one everywhere. With
// automine off the original transaction goes to EDR's mempool instead and is
// run when its block is mined (chain/block-miner.ts); with automine on while
// the mempool holds transactions, it is mined in one block behind them.
import { bytesToHex, numberToHex, type Address, type Hex } from "viem";

import type { InterpreterMessage, InterpreterResult } from "../execution/interpreter.js";
import type { InterpreterEnvironment } from "../execution/stylus-evm.js";
import type { ChainRpc } from "../chain/chain-rpc.js";
import type { ParsedTransaction } from "./transaction-params.js";
import type { RequestScope } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { createArbWasmPrecompile } from "../activation/arbwasm-module.js";
import { debugLog } from "../chain/debug-log.js";
import { intrinsicGas } from "../chain/intrinsic-gas.js";
import { StateView } from "../chain/state-view.js";
import { BlockPlanError, dispatchGas } from "../chain/block-applier.js";
import { applicationGasBound, minedChanges, mineInterpreted } from "../chain/state-applier.js";
import { runInInterpreter } from "../execution/interpreter.js";

import { mempoolHolds, sendThroughBlock } from "./block-send.js";
import { estimateThroughPlugin } from "./node-interface-services.js";
import { printConsoleLines } from "./console-output.js";
import { customErrorSelector, errorResponse, resultResponse, revertMessage, revertResponse } from "./responses.js";
import { checkRawTransaction, TransactionParamsError } from "./transaction-params.js";

const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
/** EIP-7825: the most gas one transaction may carry. */
export const TRANSACTION_GAS_CAP = 1n << 24n;

interface Prepared {
  env: InterpreterEnvironment;
  from: Address;
  /** Intrinsic gas of the transaction (with the EIP-7623 floor applied at the end). */
  intrinsic: bigint;
  floor: bigint;
}

/** `targetCode`: the code at `tx.to` when the caller read it already (the run does not read it again). */
async function prepare(scope: RequestScope, tx: ParsedTransaction, isSend: boolean, targetCode?: Hex): Promise<Prepared> {
  const { rpc } = scope;
  const knownCode = targetCode !== undefined && tx.to !== null ? new Map([[tx.to.toLowerCase(), targetCode]]) : undefined;
  const tag = isSend ? "latest" : tx.tag === "pending" ? "latest" : tx.tag;
  const [block, chainId, from] = await Promise.all([
    rpc.getBlock(isSend ? "pending" : tag),
    rpc.chainId(),
    tx.from !== undefined ? Promise.resolve(tx.from) : defaultSender(rpc, isSend),
  ]);
  if (isSend && block.number === 0n) block.number = (await rpc.blockNumber()) + 1n;
  const view = new StateView(rpc, tag, tx.override);
  const gasPrice =
    tx.fees.gasPrice ??
    (tx.fees.maxFeePerGas !== undefined
      ? min(tx.fees.maxFeePerGas, block.baseFeePerGas + (tx.fees.maxPriorityFeePerGas ?? 0n))
      : block.baseFeePerGas);
  const { intrinsic, floor } = intrinsicGas(tx.data, tx.to === null);
  return {
    env: interpreterEnvironment(scope, { view, block, chainId, gasPrice, origin: from, knownCode }),
    from,
    intrinsic: intrinsic + accessListGas(tx.accessList),
    floor,
  };
}

/** What every frame of a run shares: the request's state and block, the connection's precompiles with ArbWasm. */
export function interpreterEnvironment(
  scope: RequestScope,
  run: { view: StateView; block: InterpreterEnvironment["block"]; chainId: bigint; gasPrice: bigint; origin: Address; knownCode?: Map<string, Hex> },
): InterpreterEnvironment {
  const { view, knownCode } = run;
  const precompiles = new Map(scope.precompiles);
  const arbWasm = createArbWasmPrecompile({ view, remoteActivation: scope.remoteActivation, arbOsVersion: scope.arbOsVersion });
  precompiles.set(arbWasm.address.toLowerCase(), arbWasm);
  return {
    view,
    modules: scope.modules,
    arbOsVersion: scope.arbOsVersion,
    remoteActivation: scope.remoteActivation,
    block: run.block,
    chainId: run.chainId,
    gasPrice: run.gasPrice,
    origin: run.origin,
    precompiles,
    nodeInterface: { estimateGas: async (inner) => await estimateThroughPlugin(scope, inner, view.tag) },
    ...(knownCode === undefined ? {} : { knownCode }),
    ...(process.env.HARDHAT_STYLUS_DEBUG === "1" ? { logger: debugLog } : {}),
  };
}

function accessListGas(accessList: unknown): bigint {
  if (!Array.isArray(accessList)) return 0n;
  let gas = 0n;
  for (const entry of accessList as Array<{ storageKeys?: unknown[] }>) {
    gas += 2_400n + 1_900n * BigInt(Array.isArray(entry.storageKeys) ? entry.storageKeys.length : 0);
  }
  return gas;
}

function messageOf(tx: ParsedTransaction, from: Address, gasLimit: bigint): InterpreterMessage {
  return {
    // Estimates need the changes too: what applying them costs bounds the estimate from below.
    collectChanges: tx.method !== "eth_call",
    from,
    to: tx.to,
    value: tx.value,
    data: tx.data,
    gasLimit,
    ...(Array.isArray(tx.accessList) ? { accessList: tx.accessList as InterpreterMessage["accessList"] } : {}),
  };
}

/** Receipt gas of a run: intrinsic + execution, at least the EIP-7623 floor. */
function receiptGas(prepared: Prepared, result: InterpreterResult): bigint {
  const used = prepared.intrinsic + result.gasUsed;
  return used > prepared.floor ? used : prepared.floor;
}

/**
 * A send EDR will execute as it came (its run reached no program): what the run changed, with
 * the receipt gas it predicts, so the state cache keeps everything else once EDR agrees.
 */
function expectEdrSend(scope: RequestScope, request: JsonRpcRequest, tx: ParsedTransaction, prepared: Prepared, run: InterpreterResult): void {
  if (tx.to === null || !run.success) return;
  scope.expectEdrSend(request, { ...minedChanges({ from: prepared.from, to: tx.to, value: tx.value, result: run }), gasUsed: receiptGas(prepared, run) });
}

function failureResponse(request: JsonRpcRequest, result: InterpreterResult): JsonRpcResponse {
  if (result.outOfGas) return errorResponse(request, -32000, "out of gas");
  return revertResponse(request, result.returnData, result.error ?? result.reason);
}

/** The message of a reverted (not out-of-gas) run: its trap or refusal, else what its revert data says. */
function revertFailureMessage(result: InterpreterResult): string {
  const reason = result.error ?? result.reason;
  return reason !== undefined ? `execution reverted: ${reason}` : revertMessage(result.returnData);
}

/**
 * How a request is run: `onlyIfEmulated` leaves it to EDR when no program or ArbOS precompile takes
 * part; `targetCode` is the code at `to` when the caller read it already.
 */
export interface RunOptions {
  onlyIfEmulated: boolean;
  targetCode?: Hex;
}

/** Runs the request in the interpreter. `probe`: an EVM target whose EDR run failed; `undefined` when no Stylus code ran. */
export async function runInterpreted(
  request: JsonRpcRequest,
  tx: ParsedTransaction,
  scope: RequestScope,
  options: RunOptions,
): Promise<JsonRpcResponse | undefined> {
  const { rpc } = scope;
  const isSend = tx.method === "eth_sendTransaction" || tx.method === "eth_sendRawTransaction";
  try {
    if (isSend) {
      if (!(await rpc.getAutomine())) return await sendToMempool(request, tx, scope, options);
      if (await mempoolHolds(scope)) return await sendBehindMempool(request, tx, scope, options);
      const held = await holdIfAhead(request, tx, scope);
      if (held !== undefined) return held;
    }
    const prepared = await prepare(scope, tx, isSend, options.targetCode);
    const limit = tx.gas ?? (tx.method === "eth_sendTransaction" ? undefined : prepared.env.block.gasLimit);
    if (tx.method === "eth_estimateGas") return await estimate(request, tx, prepared, options);

    let gasLimit = limit;
    let searched: InterpreterResult | undefined;
    if (gasLimit === undefined) {
      // A node-held sender without a gas limit: the estimate, as Hardhat fills it in for EVM targets.
      const found = await searchGas(tx, prepared, min(prepared.env.block.gasLimit, TRANSACTION_GAS_CAP), { stopIfPureEvm: options.onlyIfEmulated });
      // Pure EVM with all the gas there is: EDR estimates and mines it, as it does when no program is on the chain.
      if (found.pureEvm === true) {
        if (isSend) expectEdrSend(scope, request, tx, prepared, found.first);
        return undefined;
      }
      gasLimit = found.ok ? found.gas : min(prepared.env.block.gasLimit, TRANSACTION_GAS_CAP);
      searched = found.ok ? found.run : undefined;
    }
    const execution = gasLimit > prepared.intrinsic ? gasLimit - prepared.intrinsic : 0n;
    // The search ran the transaction with the limit found already (or its run cannot depend on it): no second run.
    const result = searched ?? (await runInInterpreter(prepared.env, messageOf(tx, prepared.from, execution)));
    if (options.onlyIfEmulated && !result.reachedEmulated) {
      // Pure EVM after all: a successful call's output is EDR's too; EDR reports failures and mines sends.
      if (isSend) expectEdrSend(scope, request, tx, prepared, result);
      return tx.method === "eth_call" && result.success ? resultResponse(request, bytesToHex(result.returnData)) : undefined;
    }
    debugLog(
      `${tx.method} to ${tx.to} from ${prepared.from} gas ${gasLimit}: ` +
        `${result.success ? "ok" : `failed (${result.outOfGas ? "out of gas" : (result.error ?? bytesToHex(result.returnData))})`} execution gas ${result.gasUsed}`,
    );
    // Once per answered call or mined transaction (estimates and gas searches print nothing), like EDR's console.log.
    printConsoleLines(result.consoleLines);
    if (tx.method === "eth_call") {
      return result.success ? resultResponse(request, bytesToHex(result.returnData)) : failureResponse(request, result);
    }
    const to = tx.to as Address;
    const raw = tx.method === "eth_sendRawTransaction" ? (request.params as unknown[])[0] : undefined;
    const sent = { ...((request.params as unknown[])[0] as Record<string, unknown>) };
    if (tx.gas === undefined && raw === undefined) sent.gas = numberToHex(gasLimit);
    const mine = mineInterpreted({
      rpc,
      from: prepared.from,
      to,
      value: tx.value,
      gasLimit,
      targetGas: result.outOfGas ? gasLimit : receiptGas(prepared, result),
      ...(options.targetCode === undefined ? {} : { targetCode: options.targetCode }),
      result,
      send: async () =>
        raw !== undefined
          ? await rpc.request<Hex>("eth_sendRawTransaction", [raw])
          : await rpc.request<Hex>("eth_sendTransaction", [sent]),
    });
    // EDR words empty data, Error(string) and Panic of the replay as for Solidity already; only a custom error
    // it cannot name (it knows no ABI of a program) gets the message an eth_call of the program gets.
    if (result.success || result.outOfGas || result.error !== undefined || customErrorSelector(result.returnData) === undefined) {
      return resultResponse(request, await mine);
    }
    try {
      return resultResponse(request, await mine);
    } catch (error) {
      const rpcError = error as { code?: unknown; data?: unknown };
      if (rpcError.code !== 3) throw error;
      return errorResponse(request, 3, revertFailureMessage(result), rpcError.data ?? bytesToHex(result.returnData));
    }
  } catch (error) {
    if (error instanceof TransactionParamsError) return errorResponse(request, error.code, error.message);
    if (error instanceof BlockPlanError) return errorResponse(request, -32000, error.message);
    throw error;
  }
}

/**
 * A raw transaction whose nonce is ahead of its sender's next one (automine on): held by the plugin
 * until the earlier nonces are mined, like EDR's mempool; answered with its signed hash. Undefined
 * when the transaction is not such a one.
 */
async function holdIfAhead(request: JsonRpcRequest, tx: ParsedTransaction, scope: RequestScope): Promise<JsonRpcResponse | undefined> {
  if ((await checkRawTransaction(scope.rpc, tx)) !== "future" || tx.raw === undefined || tx.from === undefined) return undefined;
  debugLog(`held ${tx.raw.hash} from ${tx.from} nonce ${tx.nonce} (ahead of the sender's next nonce)`);
  scope.defer(tx.from, tx.nonce ?? 0n, request);
  return resultResponse(request, tx.raw.hash);
}

/**
 * Automine off: the original transaction goes to EDR's mempool under its own hash (raw bytes
 * unchanged; a node-held sender's request with the gas limit filled in, since EDR's own estimate
 * would run the program as an invalid opcode). It is run when its block is mined
 * (chain/block-miner.ts), on the state the block's earlier transactions leave.
 */
async function sendToMempool(
  request: JsonRpcRequest,
  tx: ParsedTransaction,
  scope: RequestScope,
  options: RunOptions,
): Promise<JsonRpcResponse | undefined> {
  const { rpc } = scope;
  if (tx.method === "eth_sendRawTransaction" || tx.gas !== undefined) {
    // EDR runs nothing before the block is mined: the request is EDR's as it is.
    return undefined;
  }
  const prepared = await prepare(scope, tx, true, options.targetCode);
  const cap = min(prepared.env.block.gasLimit, TRANSACTION_GAS_CAP);
  // The block's entry code may count and tell apart transactions: room for that on top of the estimate.
  const found = await searchGas(tx, prepared, cap, { extraApplication: dispatchGas(tx.data.length) });
  if (options.onlyIfEmulated && !found.first.reachedEmulated) return undefined;
  const gas = found.ok ? found.gas : cap;
  const sent = { ...((request.params as unknown[])[0] as Record<string, unknown>), gas: numberToHex(gas) };
  return resultResponse(request, await rpc.request<Hex>("eth_sendTransaction", [sent]));
}

/** Automine with transactions waiting in the mempool: one block with them and this one, as EDR mines it. */
async function sendBehindMempool(
  request: JsonRpcRequest,
  tx: ParsedTransaction,
  scope: RequestScope,
  options: RunOptions,
): Promise<JsonRpcResponse | undefined> {
  const { rpc } = scope;
  const held = await holdIfAhead(request, tx, scope);
  if (held !== undefined) return held;
  const sent = await sendThroughBlock(scope, async () => {
    const queued = await sendToMempool(request, tx, scope, options);
    if (queued === undefined) return await rpc.request<Hex>(tx.method, request.params as unknown[]);
    if ("error" in queued && queued.error !== undefined) throw Object.assign(new Error(queued.error.message), queued.error);
    return (queued as { result: Hex }).result;
  });
  if (sent.status === "0x1") return resultResponse(request, sent.hash);
  // Mined and failed: automine reports it as an error carrying the transaction's hash, as EDR does.
  const result = sent.result;
  const message = result === undefined ? "Transaction reverted" : result.outOfGas ? "out of gas" : revertFailureMessage(result);
  return errorResponse(request, 3, message, { transactionHash: sent.hash, data: result === undefined ? "0x" : bytesToHex(result.returnData) });
}

interface Search {
  ok: boolean;
  gas: bigint;
  /** A successful run whose outcome is the one a run with `gas` has (made with it, or not sensitive to its limit). */
  run?: InterpreterResult;
  /** The first run (with the cap); when `ok` is false, the failing run. */
  first: InterpreterResult;
  /** Asked to stop there: the first run (with the cap) reached no program nor ArbOS precompile. */
  pureEvm?: boolean;
}

/**
 * A gas limit with which the transaction succeeds in the interpreter and its effects can be
 * applied: geth's optimistic guess (gas used + refund + stipend, times 64/63) when a run with it
 * succeeds, else a binary search to within 1.5 %; `ok: false` with the failing run when the
 * transaction fails even with `cap`.
 */
async function searchGas(
  tx: ParsedTransaction,
  prepared: Prepared,
  cap: bigint,
  options: { extraApplication?: bigint; stopIfPureEvm?: boolean } = {},
): Promise<Search> {
  const extraApplication = options.extraApplication ?? 0n;
  const run = async (gas: bigint): Promise<InterpreterResult> =>
    await runInInterpreter(prepared.env, messageOf(tx, prepared.from, gas > prepared.intrinsic ? gas - prepared.intrinsic : 0n));
  const fits = (gas: bigint, result: InterpreterResult): boolean =>
    result.success && tx.to !== null && gas >= prepared.intrinsic + applicationGasBound(result, tx.to) + extraApplication;
  const first = await run(cap);
  if (options.stopIfPureEvm === true && !first.reachedEmulated) return { ok: first.success, gas: cap, first, pureEvm: true };
  if (!first.success) return { ok: false, gas: cap, first };
  let lo = receiptGas(prepared, first) - 1n;
  let hi = cap;
  // A run with exactly the limit returned is the run a send with that limit makes: it is handed back for reuse.
  let atHi: InterpreterResult | undefined = fits(cap, first) ? first : undefined;
  // Optimistic first guess: what was used, with room for the 63/64 rule and the call stipend.
  const guess = ((receiptGas(prepared, first) + first.gasRefund + 2_300n) * 64n) / 63n;
  const bound = prepared.intrinsic + (tx.to === null ? 0n : applicationGasBound(first, tx.to) + extraApplication);
  const start = guess > bound ? guess : bound;
  // One frame only: no 63/64 rule nor stipend in play; gas used plus the storage-flush sentry is enough.
  if (first.nestedFrames === 0 && start < hi) return { ok: true, gas: start, first, ...(first.limitSensitive ? {} : { run: first }) };
  if (start < hi) {
    // Verified with a run: a limit the transaction succeeds with (within ~2 % + a stipend of the least).
    const r = await run(start);
    if (fits(start, r)) return { ok: true, gas: start, first, run: r };
    lo = start;
  }
  while (lo + 1n < hi) {
    if (((hi - lo) * 1000n) / hi < 15n) break;
    let mid = (hi + lo) / 2n;
    if (mid > lo * 2n) mid = lo * 2n;
    const r = await run(mid);
    if (fits(mid, r)) {
      hi = mid;
      atHi = r;
    } else {
      lo = mid;
    }
  }
  return { ok: true, gas: hi, first, ...(atHi === undefined ? {} : { run: atHi }) };
}

async function estimate(
  request: JsonRpcRequest,
  tx: ParsedTransaction,
  prepared: Prepared,
  options: { onlyIfEmulated: boolean },
): Promise<JsonRpcResponse | undefined> {
  const blockCap = tx.gas ?? prepared.env.block.gasLimit;
  // Search under EIP-7825's cap first: a transaction that fits must get an estimate it may be sent with.
  const capped = min(blockCap, TRANSACTION_GAS_CAP);
  // Automine off: the transaction may share its block with others to the same address, whose entry
  // code then counts and tells them apart (chain/block-applier.ts): room for that in the estimate.
  const extra = (await prepared.env.view.rpc.getAutomine()) ? 0n : dispatchGas(tx.data.length);
  let search = await searchGas(tx, prepared, capped, { extraApplication: extra });
  if (!search.ok && capped < blockCap) search = await searchGas(tx, prepared, blockCap, { extraApplication: extra });
  if (!search.ok) {
    if (options.onlyIfEmulated && !search.first.reachedEmulated) return undefined;
    return failureResponse(request, search.first);
  }
  return resultResponse(request, numberToHex(search.gas));
}

async function defaultSender(rpc: ChainRpc, isSend: boolean): Promise<Address> {
  if (!isSend) return ZERO_ADDRESS;
  const accounts = await rpc.accounts();
  const first = accounts[0];
  if (first === undefined) throw new TransactionParamsError("no `from` given and the node holds no accounts", -32000);
  return first;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

