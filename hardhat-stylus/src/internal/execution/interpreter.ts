// Runs one transaction-shaped message (a call, an estimate, or the execution
// of a transaction about to be mined) in the combined interpreter over EDR's
// state at the request's block, and reports what a node reports (return or
// revert data, out of gas, execution gas) plus what the chain must apply
// (logs in execution order from their accounts, per-account state changes).
import { Common, Hardfork, Mainnet, createCustomCommon } from "@ethereumjs/common";
import { EVMError, NobleBLS, NobleBN254, getActivePrecompiles, type EVMOpts, type InterpreterStep, type Log } from "@ethereumjs/evm";
import { hexToBytes } from "@ethereumjs/util";
import { numberToHex, type Address, type Hex } from "viem";

import type { LogEntry } from "../runtime/types.js";

import { EdrStateManager, type AccountDiff } from "./edr-state-manager.js";
import type { StructLogTrace } from "../tracing/struct-log-trace.js";

import { StylusEvm, type InterpreterEnvironment } from "./stylus-evm.js";
import { ethAddress, fromLog } from "./stylus-frame.js";

/** Nitro's precompile code (a single INVALID byte); frames calling the address are served by the registry. */
const PRECOMPILE_MARKER = Uint8Array.of(0xfe);

export interface InterpreterMessage {
  from: Address;
  /** null: a deployment. */
  to: Address | null;
  value: bigint;
  data: Uint8Array;
  /** Gas for execution (the transaction's limit minus its intrinsic gas). */
  gasLimit: bigint;
  /** False when the caller needs no per-account changes (calls, estimates). Default true. */
  collectChanges?: boolean;
  /** Addresses of the transaction's access list (warm from the start, EIP-2930). */
  accessList?: Array<{ address: Address; storageKeys?: Hex[] }>;
}

export interface InterpreterResult {
  success: boolean;
  /** Return data, or revert data. */
  returnData: Uint8Array;
  outOfGas: boolean;
  /** Short reason of a failure other than a revert (ethereumjs's error name), for messages. */
  error?: string;
  /** Execution gas (no intrinsic gas), before refunds. */
  gasUsed: bigint;
  /** Storage-clear refund the EVM frames earned (EIP-3529 caps it when a transaction is mined). */
  gasRefund: bigint;
  logs: LogEntry[];
  accounts: AccountDiff[];
  /** A Stylus frame, a Stylus deployment or an ArbOS precompile ran. */
  reachedEmulated: boolean;
  /** Frames below the top one (calls out, creations). */
  nestedFrames: number;
  /** Why the transaction's target refused it, in words (ArbOS precompiles). */
  reason?: string;
  createdAddress?: Address;
  /** Lines the programs printed through their `console` imports, in execution order across frames. */
  consoleLines?: string[];
  /**
   * False when the run would end the same (outcome, gas used, changes) under any gas limit that
   * covers what it used: one Stylus frame that never read the gas or ink left.
   */
  limitSensitive: boolean;
}

const commons = new Map<bigint, Common>();

/** Osaka rules (the in-process network's), with EIP-3541 left to the EVM subclass (Stylus code may be deployed). */
function commonFor(chainId: bigint): Common {
  let common = commons.get(chainId);
  if (common === undefined) {
    common = createCustomCommon({ chainId: Number(chainId) }, Mainnet, { hardfork: Hardfork.Osaka });
    const isActivatedEIP = common.isActivatedEIP.bind(common);
    common.isActivatedEIP = (eip: number): boolean => (eip === 3541 ? false : isActivatedEIP(eip));
    commons.set(chainId, common);
  }
  return common;
}

export async function runInInterpreter(env: InterpreterEnvironment, message: InterpreterMessage): Promise<InterpreterResult> {
  const common = commonFor(env.chainId);
  const state = new EdrStateManager(
    env.view,
    (address) => (env.precompiles.has(address.toLowerCase()) ? PRECOMPILE_MARKER : undefined),
    env.knownCode,
  );
  const blockHashes = new Map<number, Uint8Array>();
  const blockchain = {
    getBlock: async (n: number) => {
      let hash = blockHashes.get(n);
      if (hash === undefined) {
        const block = await env.view.rpc.request<{ hash: Hex } | null>("eth_getBlockByNumber", [numberToHex(n), false]);
        hash = hexToBytes(block?.hash ?? `0x${"0".repeat(64)}`);
        blockHashes.set(n, hash);
      }
      const h = hash;
      return { hash: () => h };
    },
    putBlock: async () => {},
    shallowCopy() {
      return this;
    },
  };
  const evm = takeEvm(common, env, state, blockchain);
  try {
    return await run(evm, env, state, message);
  } finally {
    idle.get(env.chainId)?.push(evm);
  }
}

const precompileLists = new WeakMap<Common, string[]>();

function precompileAddresses(common: Common): string[] {
  let list = precompileLists.get(common);
  if (list === undefined) {
    list = [...getActivePrecompiles(common).keys()];
    precompileLists.set(common, list);
  }
  return list;
}

/** Idle interpreters by chain id (runs of one connection are serialised; connections may overlap). */
const idle = new Map<bigint, StylusEvm[]>();
const bn254 = new NobleBN254();
const bls = new NobleBLS();

function takeEvm(common: Common, env: InterpreterEnvironment, state: EdrStateManager, blockchain: EVMOpts["blockchain"]): StylusEvm {
  let pool = idle.get(env.chainId);
  if (pool === undefined) {
    pool = [];
    idle.set(env.chainId, pool);
  }
  const reused = pool.pop();
  if (reused !== undefined) {
    reused.reset(env, state, blockchain);
    return reused;
  }
  return new StylusEvm({ common, stateManager: state, blockchain, bn254, bls }, env, state);
}

async function run(evm: StylusEvm, env: InterpreterEnvironment, state: EdrStateManager, message: InterpreterMessage): Promise<InterpreterResult> {
  for (const address of precompileAddresses(evm.common)) evm.journal.addAlwaysWarmAddress(address);
  evm.journal.addAlwaysWarmAddress(message.from.toLowerCase());
  evm.journal.addAlwaysWarmAddress(env.block.coinbase.toLowerCase());
  if (message.to !== null) evm.journal.addAlwaysWarmAddress(message.to.toLowerCase());
  for (const entry of message.accessList ?? []) {
    evm.journal.addAlwaysWarmAddress(entry.address.toLowerCase());
    for (const slot of entry.storageKeys ?? []) evm.journal.addAlwaysWarmSlot(entry.address.toLowerCase(), slot.slice(2));
  }
  const result = await withSteps(evm, env.structLog, async () => await evm.runCall({
    caller: ethAddress(message.from),
    ...(message.to === null ? {} : { to: ethAddress(message.to) }),
    value: message.value,
    data: message.data,
    gasLimit: message.gasLimit,
    origin: ethAddress(message.from),
    gasPrice: env.gasPrice,
    skipNonceIncrement: true,
    block: {
      header: {
        number: env.block.number,
        coinbase: ethAddress(env.block.coinbase),
        timestamp: env.block.timestamp,
        difficulty: 0n,
        prevRandao: new Uint8Array(32),
        gasLimit: env.block.gasLimit,
        baseFeePerGas: env.block.baseFeePerGas,
        getBlobGasPrice: () => 1n,
      },
    },
  }));
  const { execResult } = result;
  const error = execResult.exceptionError;
  const success = error === undefined;
  const logs: LogEntry[] = success ? (execResult.logs ?? []).map((log: Log) => fromLog(log)) : [];
  const outOfGas = error?.error === EVMError.errorMessages.OUT_OF_GAS;
  return {
    success,
    returnData: success || error.error === EVMError.errorMessages.REVERT ? execResult.returnValue : new Uint8Array(0),
    outOfGas,
    ...(success || error.error === EVMError.errorMessages.REVERT ? {} : { error: error.error }),
    gasUsed: execResult.executionGasUsed,
    gasRefund: execResult.gasRefund ?? 0n,
    logs,
    accounts: success && message.collectChanges !== false ? state.diff() : [],
    reachedEmulated: evm.reachedEmulated,
    nestedFrames: evm.nestedFrames,
    consoleLines: evm.consoleLines,
    limitSensitive: evm.limitSensitive || evm.nestedFrames > 0,
    ...(evm.topReason === undefined ? {} : { reason: evm.topReason }),
    ...(result.createdAddress === undefined ? {} : { createdAddress: result.createdAddress.toString() as Address }),
  };
}


/** Runs `body` with the struct logger listening to the EVM's opcode steps (removed again: EVMs are pooled). */
async function withSteps<T>(evm: StylusEvm, structLog: StructLogTrace | undefined, body: () => Promise<T>): Promise<T> {
  if (structLog === undefined) return await body();
  // Two parameters: ethereumjs awaits `resolve`, so the SLOAD read finishes before the opcode runs.
  const onStep = (step: InterpreterStep, resolve?: (result?: unknown) => void): void => {
    void structLog.step(step).finally(() => resolve?.());
  };
  evm.events.on("step", onStep);
  try {
    return await body();
  } finally {
    evm.events.off("step", onStep);
  }
}
