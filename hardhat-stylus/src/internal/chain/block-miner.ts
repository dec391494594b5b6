// Mines EDR's pending block when transactions in it reach Stylus programs or
// ArbOS precompiles (automine off: evm_mine, hardhat_mine, interval ticks).
// EDR would run 0xEF code as an invalid opcode, so the block is planned first:
// every transaction of the block, in the order EDR will mine them (its pending
// block), runs in the combined interpreter on chained state (each run sees
// what the earlier ones left: chained-state-view.ts). Then every address a
// transaction enters gets code that picks that transaction's effects
// (block-applier.ts), every account the runs wrote or logged from gets the
// effects applier, one real evm_mine applies them all, codes are restored and
// balances, nonces and created code that no mined opcode changed are settled.
// A block in which no run reached a program is left to EDR untouched.
import { bytesToHex, hexToBytes, type Address, type Hex } from "viem";

import type { InterpreterResult } from "../execution/interpreter.js";
import type { BlockHeaderInfo } from "./chain-rpc.js";
import type { RequestScope } from "../request-handlers/types.js";

import { ARBWASM_ADDRESS } from "../activation/arbwasm-abi.js";
import { runInInterpreter } from "../execution/interpreter.js";
import { printConsoleLines } from "../request-handlers/console-output.js";
import { interpreterEnvironment } from "../request-handlers/interpreted-transaction.js";

import { blockEntryCode, BlockPlanError, dispatchGas, ENTRY_COUNTER_SLOT, entryKey, type EntryCase } from "./block-applier.js";
import { ChainedStateView } from "./chained-state-view.js";
import { debugLog } from "./debug-log.js";
import { EFFECTS_APPLIER_CODE } from "./effects-applier.js";
import { intrinsicGas } from "./intrinsic-gas.js";
import { APPLIER_HELPER_ADDRESS, applicationGasBound, entryBlob, settleAccounts } from "./state-applier.js";

/** A transaction of a block as eth_getBlockByNumber(…, true) lists it. */
export interface BlockTransaction {
  hash: Hex;
  from: Address;
  to: Address | null;
  input: Hex;
  value: Hex;
  gas: Hex;
  nonce: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
  accessList?: Array<{ address: Address; storageKeys?: Hex[] }>;
}

interface PendingBlock {
  timestamp: Hex;
  gasLimit: Hex;
  baseFeePerGas?: Hex;
  miner: Address;
  transactions: BlockTransaction[];
}

interface PlannedTransaction {
  tx: BlockTransaction;
  from: Address;
  value: bigint;
  /** Set when the transaction enters a contract (or an ArbOS precompile) and is applied through an entry applier. */
  entry?: { to: Address; result: InterpreterResult; case: EntryCase };
}

interface BlockPlan {
  transactions: PlannedTransaction[];
  /** Code per address to install for the block. */
  codes: Map<string, Hex>;
  /** Addresses whose entry counter is used. */
  counters: Set<string>;
  /**
   * Some transaction's gas limit may not cover applying its effects with the entry's dispatch (an
   * upper bound says so): mined under a snapshot, reverted when a receipt disagrees with the plan.
   */
  risky: boolean;
}

const ZERO_WORD: Hex = `0x${"0".repeat(64)}`;

function effectivePrice(tx: BlockTransaction, baseFee: bigint): bigint {
  if (tx.maxFeePerGas !== undefined) {
    const tip = BigInt(tx.maxPriorityFeePerGas ?? "0x0");
    const max = BigInt(tx.maxFeePerGas);
    return max < baseFee + tip ? max : baseFee + tip;
  }
  return BigInt(tx.gasPrice ?? "0x0");
}

function accessListGas(accessList: BlockTransaction["accessList"]): bigint {
  let gas = 0n;
  for (const entry of accessList ?? []) gas += 2_400n + 1_900n * BigInt(entry.storageKeys?.length ?? 0);
  return gas;
}

/** Whether a call to `to` with `code` there runs code (7702 delegations are left to EDR). */
function entersCode(scope: RequestScope, to: Address, code: Hex): boolean {
  const lower = to.toLowerCase();
  if (lower === ARBWASM_ADDRESS || scope.precompiles.has(lower)) return true;
  return code !== "0x" && !code.toLowerCase().startsWith("0xef0100");
}

/** One transaction of a block as run in the interpreter on the state the earlier ones left. */
export interface ReplayedTransaction {
  tx: BlockTransaction;
  from: Address;
  value: bigint;
  data: Uint8Array;
  gas: bigint;
  /** The address the transaction enters (a contract or an ArbOS precompile); undefined: EDR runs it alone. */
  entry?: Address;
  result: InterpreterResult;
  /** Receipt gas of the model (intrinsic + execution, at least the EIP-7623 floor; all of it when out of gas). */
  receiptGas: bigint;
  intrinsic: bigint;
}

/**
 * Runs `transactions` in order in the interpreter on `view`, putting each run's changes (and the
 * sender's nonce and fee, the coinbase's tip) on the view before the next one.
 */
export async function replayTransactions(
  scope: RequestScope,
  view: ChainedStateView,
  block: BlockHeaderInfo,
  transactions: readonly BlockTransaction[],
  stylusDeployments: ReadonlyMap<string, Hex> = new Map(),
): Promise<ReplayedTransaction[]> {
  const chainId = await scope.rpc.chainId();
  const out: ReplayedTransaction[] = [];
  for (const tx of transactions) {
    const from = tx.from;
    const value = BigInt(tx.value);
    const gas = BigInt(tx.gas);
    const data = hexToBytes(tx.input);
    const price = effectivePrice(tx, block.baseFeePerGas);
    // The sender's nonce moves before execution (a CREATE's address is the old one; the interpreter skips the increment).
    view.setNonce(from, BigInt(tx.nonce) + 1n);
    const to = tx.to;
    const code = to === null ? "0x" : await view.getCode(to);
    const entry = to !== null && entersCode(scope, to, code) ? to : undefined;
    const costs = intrinsicGas(data, to === null);
    const intrinsic = costs.intrinsic + accessListGas(tx.accessList);
    const env = interpreterEnvironment(scope, { view, block, chainId, gasPrice: price, origin: from });
    const result = await runInInterpreter(env, {
      from,
      to,
      value,
      data,
      gasLimit: gas > intrinsic ? gas - intrinsic : 0n,
      collectChanges: true,
      ...(tx.accessList === undefined ? {} : { accessList: tx.accessList }),
    });
    const used = intrinsic + result.gasUsed;
    const receiptGas = result.outOfGas ? gas : used > costs.floor ? used : costs.floor;
    if (result.success) view.apply(result.accounts);
    const deployed = stylusDeployments.get(tx.hash.toLowerCase());
    if (to === null && result.createdAddress !== undefined && deployed !== undefined && result.success) {
      view.setCode(result.createdAddress, deployed);
    }
    await view.addBalance(from, -receiptGas * price);
    await view.addBalance(block.coinbase, (price > block.baseFeePerGas ? price - block.baseFeePerGas : 0n) * receiptGas);
    out.push({ tx, from, value, data, gas, result, receiptGas, intrinsic, ...(entry === undefined ? {} : { entry }) });
  }
  return out;
}

/** Runs the block's transactions in order on chained state; undefined when none of them reached a program. */
async function planBlock(
  scope: RequestScope,
  pending: PendingBlock,
  number: bigint,
  timestamp: bigint,
  stylusDeployments: ReadonlyMap<string, Hex>,
): Promise<BlockPlan | undefined> {
  const { rpc } = scope;
  const block: BlockHeaderInfo = {
    number,
    timestamp,
    baseFeePerGas: BigInt(pending.baseFeePerGas ?? "0x0"),
    gasLimit: BigInt(pending.gasLimit),
    coinbase: pending.miner,
  };
  const replayed = await replayTransactions(scope, new ChainedStateView(rpc), block, pending.transactions, stylusDeployments);
  const planned: PlannedTransaction[] = [];
  const created = new Set<string>();
  let reached = false;
  const successes = new Map<string, number>();
  for (const run of replayed) {
    const { tx, from, value, result, entry } = run;
    if (tx.to === null && result.createdAddress !== undefined) created.add(result.createdAddress.toLowerCase());
    if (entry === undefined) {
      planned.push({ tx, from, value });
      continue;
    }
    if (result.reachedEmulated) reached = true;
    const key = entry.toLowerCase();
    const count = successes.get(key) ?? 0;
    if (result.success) successes.set(key, count + 1);
    const { blob } = entryBlob(result, entry);
    const minGasLeft = run.gas > run.receiptGas ? run.gas - run.receiptGas : 0n;
    planned.push({
      tx,
      from,
      value,
      entry: { to: entry, result, case: { count, key: entryKey(from, value, run.data), blob, minGasLeft, outOfGas: result.outOfGas, succeeds: result.success } },
    });
  }
  if (!reached) return undefined;

  const cases = new Map<string, EntryCase[]>();
  const others = new Set<string>();
  for (const p of planned) {
    if (p.entry === undefined) continue;
    const key = p.entry.to.toLowerCase();
    cases.set(key, [...(cases.get(key) ?? []), p.entry.case]);
    for (const other of entryBlob(p.entry.result, p.entry.to).others) others.add(other);
  }
  const codes = new Map<string, Hex>();
  const counters = new Set<string>();
  for (const address of new Set([...cases.keys(), ...others])) {
    if (created.has(address)) {
      throw new BlockPlanError(
        `a transaction of the pending block reaches ${address}, which a contract creation of the same block deploys; ` +
          `mine the creation first (evm_mine), then send the transactions that use it`,
      );
    }
    const own = cases.get(address) ?? [];
    if (own.length === 0) {
      codes.set(address, bytesToHex(EFFECTS_APPLIER_CODE));
      continue;
    }
    const servesOther = others.has(address);
    if (own.length > 1 || servesOther) counters.add(address);
    codes.set(address, bytesToHex(blockEntryCode(address as Address, own, servesOther)));
  }
  let risky = false;
  for (const run of replayed) {
    if (run.entry === undefined || !run.result.success) continue;
    const dispatch = counters.has(run.entry.toLowerCase()) ? dispatchGas(run.data.length) : 0n;
    if (run.gas < run.intrinsic + applicationGasBound(run.result, run.entry) + dispatch) risky = true;
  }
  return { transactions: planned, codes, counters, risky };
}

interface Installed {
  codes: Map<string, Hex>;
  counters: Map<string, Hex>;
}

async function install(scope: RequestScope, plan: BlockPlan): Promise<Installed> {
  const { rpc } = scope;
  const installed: Installed = { codes: new Map(), counters: new Map() };
  const applierHex = bytesToHex(EFFECTS_APPLIER_CODE);
  if ((await rpc.getCode(APPLIER_HELPER_ADDRESS, "latest")).toLowerCase() !== applierHex.toLowerCase()) {
    await rpc.setCode(APPLIER_HELPER_ADDRESS, applierHex);
  }
  try {
    for (const [address, code] of plan.codes) {
      installed.codes.set(address, await rpc.getCode(address as Address, "latest"));
      if (plan.counters.has(address)) {
        installed.counters.set(address, await rpc.getStorageAt(address as Address, ENTRY_COUNTER_SLOT, "latest"));
        await rpc.setStorageAt(address as Address, ENTRY_COUNTER_SLOT, `0x${"1".padStart(64, "0")}`);
      }
      await rpc.setCode(address as Address, code);
    }
  } catch (error) {
    await uninstall(scope, installed);
    throw error;
  }
  return installed;
}

async function uninstall(scope: RequestScope, installed: Installed): Promise<void> {
  for (const [address, code] of installed.codes) await scope.rpc.setCode(address as Address, code);
  for (const [address, word] of installed.counters) {
    await scope.rpc.setStorageAt(address as Address, ENTRY_COUNTER_SLOT, BigInt(word) === 0n ? ZERO_WORD : word);
  }
}

function sameOrder(a: readonly { hash: Hex }[] | readonly Hex[], b: readonly PlannedTransaction[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((item, i) => (typeof item === "string" ? item : item.hash).toLowerCase() === b[i]?.tx.hash.toLowerCase());
}

/**
 * Mines the pending block through the plugin when a transaction in it reaches a program; returns
 * EDR's evm_mine result, or undefined when EDR may mine the block itself (nothing Stylus in it, or
 * no transactions). `timestamp`: the block's timestamp (evm_mine's parameter), else the pending block's.
 */
export async function minePendingBlock(
  scope: RequestScope,
  stylusDeployments: ReadonlyMap<string, Hex>,
  timestamp?: bigint,
  /** Receives the interpreter's result of every transaction applied through an entry, by lowercase hash. */
  results?: Map<string, InterpreterResult>,
): Promise<unknown> {
  const { rpc } = scope;
  let pending = await rpc.request<PendingBlock>("eth_getBlockByNumber", ["pending", true]);
  if (pending.transactions.length === 0) return undefined;
  // The block's timestamp is fixed before planning, so programs read the one the block gets. On a
  // fork EDR's pending block may carry a timestamp below the latest block's: the block then gets the next second.
  const latest = await rpc.getBlock("latest");
  const pendingTime = BigInt(pending.timestamp);
  const blockTime = timestamp ?? (pendingTime < latest.timestamp ? latest.timestamp + 1n : pendingTime);
  // With the appliers installed, transactions use less gas than EDR's pending block (where programs
  // are invalid opcodes) assumed, so more may fit: plan again with EDR's new pending block then.
  for (let round = 0; round < 4; round++) {
    const plan = await planBlock(scope, pending, latest.number + 1n, blockTime, stylusDeployments);
    if (plan === undefined) return undefined;
    const snapshot = plan.risky ? await rpc.request<Hex>("evm_snapshot") : undefined;
    const installed = await install(scope, plan);
    let mined: unknown;
    try {
      const check = await rpc.request<PendingBlock>("eth_getBlockByNumber", ["pending", true]);
      if (!sameOrder(check.transactions, plan.transactions)) {
        debugLog(`pending block changed with the appliers installed (${plan.transactions.length} -> ${check.transactions.length} transactions): planning again`);
        pending = check;
        continue;
      }
      mined = await rpc.request("evm_mine", [Number(blockTime)]);
    } finally {
      await uninstall(scope, installed);
    }
    for (const p of plan.transactions) if (p.entry !== undefined) results?.set(p.tx.hash.toLowerCase(), p.entry.result);
    try {
      await settle(scope, plan);
    } catch (error) {
      if (snapshot === undefined || !(error instanceof BlockPlanError)) throw error;
      // Back to before the block (EDR's snapshot holds the mempool too): nothing was mined.
      await rpc.request("evm_revert", [snapshot]);
      throw new BlockPlanError(`${error.message.replace(/^hardhat-stylus: /, "")}. Nothing was mined: the transactions are still in the mempool`);
    }
    return mined;
  }
  throw new BlockPlanError("the pending block kept changing while its Stylus transactions were planned; mine fewer transactions per block");
}

async function settle(scope: RequestScope, plan: BlockPlan): Promise<void> {
  const { rpc } = scope;
  const block = await rpc.request<{ number: Hex; transactions: Hex[] }>("eth_getBlockByNumber", ["latest", false]);
  if (!sameOrder(block.transactions, plan.transactions)) {
    throw new BlockPlanError(
      `block ${BigInt(block.number)} was mined with other transactions than planned (${block.transactions.length} instead of ${plan.transactions.length}); ` +
        `the state of the programs in it may be wrong: evm_revert to a snapshot before it`,
    );
  }
  const mismatched: Hex[] = [];
  for (const p of plan.transactions) {
    if (p.entry === undefined) continue;
    const { result } = p.entry;
    printConsoleLines(result.consoleLines);
    const receipt = await rpc.getReceipt(p.tx.hash);
    if ((receipt?.status === "0x1") !== result.success) {
      mismatched.push(p.tx.hash);
      debugLog(`${p.tx.hash}: planned ${result.success ? "success" : "failure"}, mined ${receipt?.status}, gas ${receipt?.gasUsed} of ${p.tx.gas}, to ${p.entry.to}`);
    }
    if (result.success) await settleAccounts({ rpc, from: p.from, to: p.entry.to, value: p.value, result });
  }
  if (mismatched.length > 0) {
    throw new BlockPlanError(
      `transactions ${mismatched.join(", ")} of block ${BigInt(block.number)} ended otherwise than the interpreter ran them ` +
        `(their gas limit is too tight for applying the effects in a shared block); drop them (hardhat_dropTransaction) and send them again with a larger gas limit`,
    );
  }
}
