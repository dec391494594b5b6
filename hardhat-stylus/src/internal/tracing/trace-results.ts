// Builds what each tracer returns for one Stylus program frame, in the
// shapes geth/Nitro (and EDR, for EVM frames) use: the struct logger's
// summary (no EVM opcodes run in a WASM frame), callTracer's frame,
// prestateTracer's accounts (plain or diffMode) and 4byteTracer's counts.
import { bytesToHex, decodeErrorResult, numberToHex, parseAbi, size, type Address, type Hex } from "viem";

import type { StateView } from "../chain/state-view.js";
import type { TraceOptions } from "./trace-options.js";

/** One traced program frame: what ran and what came out. */
export interface TracedFrame {
  from: Address;
  to: Address;
  value: bigint;
  gas: bigint;
  gasUsed: bigint;
  input: Uint8Array;
  success: boolean;
  outOfGas: boolean;
  returnData: Uint8Array;
  logs: Array<{ topics: Hex[]; data: Hex }>;
  /** Storage the run wrote at `to` (slot -> value). */
  writes: Map<Hex, Hex>;
}

export function structLoggerResult(frame: TracedFrame): Record<string, unknown> {
  return { failed: !frame.success, gas: Number(frame.gasUsed), returnValue: bytesToHex(frame.returnData), structLogs: [] };
}

function revertReason(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined;
  try {
    const decoded = decodeErrorResult({ abi: parseAbi(["error Error(string)"]), data: bytesToHex(data) });
    return decoded.args[0];
  } catch {
    return undefined;
  }
}

export function callTracerResult(frame: TracedFrame, options: TraceOptions["callTracer"]): Record<string, unknown> {
  const result: Record<string, unknown> = {
    from: frame.from.toLowerCase(),
    gas: numberToHex(frame.gas),
    gasUsed: numberToHex(frame.gasUsed),
    to: frame.to.toLowerCase(),
    input: bytesToHex(frame.input),
  };
  if (!frame.outOfGas && frame.returnData.length > 0) result.output = bytesToHex(frame.returnData);
  if (!frame.success) {
    result.error = frame.outOfGas ? "out of gas" : "execution reverted";
    const reason = revertReason(frame.returnData);
    if (reason !== undefined) result.revertReason = reason;
  }
  if (options.withLog && frame.success && frame.logs.length > 0) {
    result.logs = frame.logs.map((log, index) => ({
      address: frame.to.toLowerCase(),
      topics: log.topics,
      data: log.data,
      index: numberToHex(index),
      position: "0x0",
    }));
  }
  result.value = numberToHex(frame.value);
  result.type = "CALL";
  return result;
}

export function fourByteResult(frame: TracedFrame): Record<string, number> {
  if (frame.input.length < 4) return {};
  return { [`${bytesToHex(frame.input.subarray(0, 4))}-${frame.input.length - 4}`]: 1 };
}

interface AccountState {
  balance?: Hex;
  nonce?: number;
  code?: Hex;
  storage?: Record<Hex, Hex>;
}

const ZERO_WORD = `0x${"0".repeat(64)}` as Hex;

async function accountAt(view: StateView, address: Address, slots: Iterable<Hex>, options: TraceOptions["prestateTracer"]): Promise<AccountState> {
  const account: AccountState = { balance: numberToHex(await view.getBalance(address)) };
  const nonce = await view.rpc.getTransactionCount(address, view.tag);
  if (nonce > 0n) account.nonce = Number(nonce);
  if (!options.disableCode) {
    const code = await view.getCode(address);
    if (size(code) > 0) account.code = code;
  }
  if (!options.disableStorage) {
    const storage: Record<Hex, Hex> = {};
    for (const slot of slots) storage[slot] = await view.getStorageAt(address, slot);
    if (Object.keys(storage).length > 0) account.storage = storage;
  }
  return account;
}

/**
 * prestateTracer: every account the frame touched (sender, program, what it read) at the state
 * before it ran. In diffMode, `pre` and `post` hold only what changed; `post` is read from
 * `after` when given (a mined transaction), else derived from the frame's own writes.
 */
export async function prestateResult(
  frame: TracedFrame,
  touched: Map<string, Set<Hex>>,
  before: StateView,
  after: StateView | undefined,
  options: TraceOptions["prestateTracer"],
): Promise<Record<string, unknown>> {
  const accounts = new Map<string, Set<Hex>>(touched);
  for (const address of [frame.from, frame.to]) if (!accounts.has(address.toLowerCase())) accounts.set(address.toLowerCase(), new Set());
  const programSlots = accounts.get(frame.to.toLowerCase())!;
  for (const slot of frame.writes.keys()) programSlots.add(slot);

  const pre: Record<string, AccountState> = {};
  for (const [address, slots] of accounts) pre[address] = await accountAt(before, address as Address, slots, options);
  if (!options.diffMode) return pre;

  const post: Record<string, AccountState> = {};
  for (const [address, slots] of accounts) {
    let state: AccountState;
    if (after !== undefined) {
      state = await accountAt(after, address as Address, slots, options);
    } else {
      state = structuredClone(pre[address]!);
      if (address === frame.to.toLowerCase() && state.storage !== undefined) {
        for (const [slot, value] of frame.writes) state.storage[slot] = value;
      }
    }
    post[address] = state;
  }
  // Keep only what changed, as geth's diffMode does.
  const prePart: Record<string, AccountState> = {};
  const postPart: Record<string, AccountState> = {};
  for (const address of Object.keys(pre)) {
    const a = pre[address]!;
    const b = post[address]!;
    const changedPre: AccountState = {};
    const changedPost: AccountState = {};
    for (const key of ["balance", "nonce", "code"] as const) {
      if (a[key] !== b[key]) {
        if (a[key] !== undefined) (changedPre as Record<string, unknown>)[key] = a[key];
        if (b[key] !== undefined) (changedPost as Record<string, unknown>)[key] = b[key];
      }
    }
    for (const slot of new Set([...Object.keys(a.storage ?? {}), ...Object.keys(b.storage ?? {})]) as Set<Hex>) {
      const va = a.storage?.[slot] ?? ZERO_WORD;
      const vb = b.storage?.[slot] ?? ZERO_WORD;
      if (va === vb) continue;
      if (va !== ZERO_WORD) (changedPre.storage ??= {})[slot] = va;
      if (vb !== ZERO_WORD) (changedPost.storage ??= {})[slot] = vb;
    }
    if (Object.keys(changedPre).length > 0 || Object.keys(changedPost).length > 0) {
      prePart[address] = changedPre;
      if (Object.keys(changedPost).length > 0) postPart[address] = changedPost;
    }
  }
  return { post: postPart, pre: prePart };
}

