// The combined interpreter: ethereumjs's EVM whose frames dispatch on the
// code they run. EVM bytecode runs in ethereumjs; code that starts with
// EF F0 00 runs as a Stylus program (stylus-frame.ts), whose calls out and
// creations come back here as nested frames; an address of the ArbOS
// precompile registry (ArbWasm, ArbSys, ...) is served by its module
// (arbos-frame.ts). One journal covers every frame, so a failed frame reverts
// exactly its own effects and logs stay in execution order.
import { EVM, EVMError, type EVMOpts, type ExecResult, type Message } from "@ethereumjs/evm";
import type { Address, Hex } from "viem";

import type { RemoteActivationLookup } from "../activation/remote-activation.js";
import type { ArbOsPrecompile } from "../arbos/types.js";
import type { NodeInterfaceServices } from "../arbos/node-interface.js";
import type { StructLogTrace } from "../tracing/struct-log-trace.js";
import type { CallFrameTrace } from "../tracing/call-frame-trace.js";
import type { HostioTrace } from "../tracing/hostio-trace.js";
import type { BlockHeaderInfo } from "../chain/chain-rpc.js";
import type { ModuleCache } from "./module-cache.js";
import type { StateView } from "../chain/state-view.js";

import type { EdrStateManager } from "./edr-state-manager.js";

import { runArbOsFrame } from "./arbos-frame.js";
import { runStylusFrame } from "./stylus-frame.js";
import { isDeployableStylusComponent, isDeployableStylusProgram } from "../wasm/fragmented-program.js";

/** What every frame of one interpreter run shares. */
export interface InterpreterEnvironment {
  view: StateView;
  modules: ModuleCache;
  /** The ArbOS version emulated: from 60, roots of fragments run and fragments may be created. */
  arbOsVersion: number;
  remoteActivation?: RemoteActivationLookup;
  block: BlockHeaderInfo;
  chainId: bigint;
  gasPrice: bigint;
  origin: Address;
  /** ArbOS precompiles by lowercase address (ArbWasm and the registry's modules). */
  precompiles: Map<string, ArbOsPrecompile>;
  /** What only the node can do for NodeInterface (given to it only as the run's top frame, as on Nitro). */
  nodeInterface?: NodeInterfaceServices;
  /** Receives `console.*` output of debug programs. */
  logger?: (line: string) => void;
  /** Records every host call of the run's Stylus frames (debug_trace* with stylusTracer). */
  hostioTrace?: HostioTrace;
  /** Records the frames below the top one (debug_trace* with callTracer). */
  callTrace?: CallFrameTrace;
  /** Records the EVM frames' opcode steps (debug_trace* with the default struct logger). */
  structLog?: StructLogTrace;
  /** Code already read at the request's block, by lowercase address (saves reading a program twice). */
  knownCode?: Map<string, Hex>;
}

/** Frame messages as ethereumjs passes them to runInterpreter (a spread copy of a Message). */
export type FrameMessage = Message & { codeAddress?: Message["to"] };

const STYLUS_PREFIX = [0xef, 0xf0, 0x00] as const;

export function isStylusBytes(code: Uint8Array): boolean {
  return code.length >= 3 && code[0] === STYLUS_PREFIX[0] && code[1] === STYLUS_PREFIX[1] && code[2] === STYLUS_PREFIX[2];
}

/** Code that runs as a Stylus frame: classic programs, and from ArbOS 60 roots (fragments run as EVM: 0xEF fails). */
function runsAsStylus(code: Uint8Array, arbOsVersion: number): boolean {
  return isStylusBytes(code) || isDeployableStylusProgram(code, arbOsVersion);
}

export class StylusEvm extends EVM {
  env: InterpreterEnvironment;
  state: EdrStateManager;
  /** Stylus frames open per program address (msg_reentrant). */
  readonly openPrograms = new Map<string, number>();
  /** Set once a Stylus frame or an ArbOS precompile ran: the run needs the plugin to be applied. */
  reachedEmulated = false;
  /** Frames below the top one (calls out, creations) the run opened. */
  nestedFrames = 0;
  /** Why the top frame failed, when an ArbOS precompile said so in words. */
  topReason: string | undefined;
  /** Lines the run's programs printed through their `console` imports, in execution order across frames. */
  consoleLines: string[] = [];
  /**
   * Set unless the run's outcome provably does not depend on its gas limit (above what it used):
   * cleared only when the top frame is a Stylus frame that read no gas or ink left and opened no frames.
   */
  limitSensitive = true;

  constructor(opts: EVMOpts, env: InterpreterEnvironment, state: EdrStateManager) {
    super(opts);
    this.env = env;
    this.state = state;
  }

  /**
   * Readies the instance for another run (building an EVM costs ~1-4 ms, a run of a small
   * call less): a new state, journal and transient storage, nothing left from the last run.
   */
  reset(env: InterpreterEnvironment, state: EdrStateManager, blockchain: EVMOpts["blockchain"]): void {
    this.env = env;
    this.state = state;
    this.stateManager = state;
    // The same journal, emptied (a new one costs a `debug` instance and a TTY check per run).
    const journal = this.journal as unknown as { stateManager: EdrStateManager; cleanJournal(): void; accessList?: unknown; preimages?: unknown };
    journal.stateManager = state;
    journal.cleanJournal();
    delete journal.accessList;
    delete journal.preimages;
    const TransientClass = this.transientStorage.constructor as new () => EVM["transientStorage"];
    (this as { transientStorage: EVM["transientStorage"] }).transientStorage = new TransientClass();
    if (blockchain !== undefined) this.blockchain = blockchain;
    this.openPrograms.clear();
    this.reachedEmulated = false;
    this.nestedFrames = 0;
    this.topReason = undefined;
    this.consoleLines = [];
    this.limitSensitive = true;
  }

  override async runCall(opts: Parameters<EVM["runCall"]>[0]): ReturnType<EVM["runCall"]> {
    const depth = opts.message?.depth ?? opts.depth ?? 0;
    if (depth > 0) this.nestedFrames++;
    const trace = this.env.callTrace;
    const message = opts.message;
    if (trace === undefined || depth === 0 || message === undefined) return await super.runCall(opts);
    const create = message.to === undefined;
    const delegate = message.delegatecall === true;
    trace.enter({
      type: create ? (message.salt === undefined ? "CREATE" : "CREATE2") : delegate ? "DELEGATECALL" : message.isStatic && !trace.parentStatic ? "STATICCALL" : "CALL",
      // A DELEGATECALL keeps the caller's msg.sender; the frame that made it is the storage address.
      from: (delegate ? message.to : message.caller)!.toString(),
      ...(create ? {} : { to: (delegate ? message.codeAddress : message.to)!.toString() }),
      value: message.value,
      gas: message.gasLimit,
      // A copy: an EVM caller's calldata is a view of its memory, which it goes on to overwrite.
      input: message.data.slice(),
      isStatic: message.isStatic,
    });
    let result: Awaited<ReturnType<EVM["runCall"]>> | undefined;
    try {
      result = await super.runCall(opts);
      return result;
    } finally {
      const exec = result?.execResult;
      const error = exec?.exceptionError;
      trace.exit({
        ...(result?.createdAddress === undefined ? {} : { to: result.createdAddress.toString() }),
        gasUsed: exec?.executionGasUsed ?? message.gasLimit,
        output: exec?.returnValue.slice() ?? new Uint8Array(),
        ...(exec === undefined ? { error: "engine error" } : error === undefined ? {} : { error: error.error === EVMError.errorMessages.REVERT ? "revert" : error.error }),
      });
    }
  }

  protected override async runInterpreter(message: Message, opts?: Parameters<EVM["runInterpreter"]>[1]): Promise<ExecResult> {
    const frame = message as FrameMessage;
    const code = frame.code;
    if (frame.isCreate !== true && code instanceof Uint8Array) {
      const codeAddress = (frame.codeAddress ?? frame.to)?.toString();
      const precompile = codeAddress === undefined ? undefined : this.env.precompiles.get(codeAddress);
      if (precompile !== undefined) {
        this.reachedEmulated = true;
        return await runArbOsFrame(this, frame, precompile);
      }
      if (runsAsStylus(code, this.env.arbOsVersion)) {
        this.reachedEmulated = true;
        return await runStylusFrame(this, frame, code);
      }
    }
    const result = await super.runInterpreter(message, opts);
    if (frame.isCreate === true && result.exceptionError === undefined && result.returnValue[0] === 0xef) {
      // EIP-3541 as Nitro applies it: 0xEF code may be deployed only as a Stylus program (EF F0 00),
      // or from ArbOS 60 as a fragment (EF F0 01) or root (EF F0 02).
      if (isStylusBytes(result.returnValue) || isDeployableStylusComponent(result.returnValue, this.env.arbOsVersion)) {
        this.reachedEmulated = true;
      } else {
        return invalidBytecode(frame.gasLimit);
      }
    }
    return result;
  }
}

function invalidBytecode(gasLimit: bigint): ExecResult {
  return {
    returnValue: new Uint8Array(0),
    executionGasUsed: gasLimit,
    exceptionError: new EVMError(EVMError.errorMessages.INVALID_BYTECODE_RESULT),
  };
}
