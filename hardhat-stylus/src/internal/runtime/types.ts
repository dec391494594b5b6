// Types of the Stylus execution engine: what the caller passes in (program,
// context, async chain reads) and what a run returns (output, flushed storage
// writes, logs, gas). Pure TypeScript, no Hardhat dependency.

/** 0x-prefixed lowercase hex. */
export type Hex = `0x${string}`;

/** Block values the program can read. */
export interface BlockContext {
  number: bigint;
  timestamp: bigint;
  basefee: bigint;
  /** Lowercase 0x address. */
  coinbase: Hex;
  gasLimit: bigint;
  chainId: bigint;
}

/** The call frame the program runs in. Addresses are lowercase 0x hex. */
export interface ExecutionContext {
  /** The program's own address (storage, logs and `contract_address`). */
  address: Hex;
  /** `msg_sender`. */
  sender: Hex;
  /** `tx_origin`. */
  origin: Hex;
  /** `msg_value` in wei. */
  value: bigint;
  calldata: Uint8Array;
  /** `tx_gas_price` in wei. */
  gasPrice: bigint;
  /** A static call: storage writes, transient writes, logs and value calls fail with "write protection". */
  isStatic: boolean;
  block: BlockContext;
  /** `msg_reentrant`: the program is already on the call stack. Default false. */
  reentrant?: boolean;
  /** Ink per gas (Nitro's ink price). Default 10000. */
  inkPrice?: number;
  /** ArbOS version for version-dependent costs. Default 50. */
  arbosVersion?: number;
  /** Addresses already warm (EIP-2929) besides sender, origin, the program and precompiles, e.g. an access list. */
  warmAddresses?: Hex[];
  /** Storage slots (of `address`) already warm, e.g. from an access list. */
  warmSlots?: Hex[];
}

/** A call out of the program, served by the chain. */
export interface ChainCallRequest {
  kind: "call" | "staticcall" | "delegatecall";
  /** The caller: the program's address. */
  from: Hex;
  to: Hex;
  data: Hex;
  value: bigint;
  gas: bigint;
}

export interface ChainCallResult {
  success: boolean;
  returnData: Uint8Array;
  gasUsed: bigint;
  /** Logs of the callee's frames in execution order (live frames of the combined interpreter). */
  logs?: LogEntry[];
}

export interface ChainCreateRequest {
  kind: "create1" | "create2";
  from: Hex;
  initCode: Hex;
  value: bigint;
  salt?: Hex;
  gas: bigint;
}

export interface ChainCreateResult {
  /** Created address, or undefined when the init code reverted/failed. */
  address?: Hex;
  /** Revert data on failure, empty on success. */
  returnData: Uint8Array;
  gasUsed: bigint;
  /** Logs of the init code's frames in execution order (live frames). */
  logs?: LogEntry[];
}

/**
 * Asynchronous reads of the state the program sees (at the block it runs on,
 * before this execution). Results must be deterministic for the same input
 * during one `executeStylusProgram` call: the engine re-runs the program from
 * the start after each new read and replays earlier answers from its cache.
 */
export interface ChainAccess {
  /** 32-byte value of a storage slot, 0x + 64 hex. */
  getStorageAt(address: Hex, slot: Hex): Promise<Hex>;
  /** Value of the slot when the transaction started (live frames; defaults to getStorageAt). */
  getOriginalStorageAt?(address: Hex, slot: Hex): Promise<Hex>;
  getBalance(address: Hex): Promise<bigint>;
  getCode(address: Hex): Promise<Uint8Array>;
  /** EXTCODEHASH semantics: 0 for a non-existent account, keccak("") for one without code. */
  getCodeHash(address: Hex): Promise<Hex>;
  /** Calls out. Undefined => the host function reverts "unsupported in this context: <name>". */
  call?(request: ChainCallRequest): Promise<ChainCallResult>;
  /** Deployments out (only used in mode "call"). Undefined => unsupported. */
  create?(request: ChainCreateRequest): Promise<ChainCreateResult>;
}

/** One host call as Nitro's stylusTracer reports it: the bytes it read from and wrote to the program's memory. */
export interface HostioRecord {
  name: string;
  args: Uint8Array;
  outs: Uint8Array;
  startInk: bigint;
  endInk: bigint;
}

/** Receives every completed host call of a frame of the combined interpreter (tracing). */
export interface HostioRecorder {
  hostio(record: HostioRecord): void;
}

export interface ExecuteParams {
  /** Compiled by `compileStylusProgram` (instrumented for ink metering). */
  module: WebAssembly.Module;
  context: ExecutionContext;
  chain: ChainAccess;
  /** Gas available to the program (after intrinsic gas). */
  gasLimit: bigint;
  /**
   * "call": eth_call / eth_estimateGas, effects are discarded so every call out is served by chain.call.
   * "transaction": effects will be mined; calls out whose effects cannot be applied end the run
   * with error kind "unsupported-host".
   */
  mode: "call" | "transaction";
  /** Gas charged before the program starts (e.g. the program's init gas from activation). Default 0. */
  initGas?: bigint;
  /** Receives `console.*` output of debug programs. Default: ignored. */
  logger?: (line: string) => void;
  /** Receives only the lines programs print through the `console` imports (printed like Solidity's console.log). */
  console?: (line: string) => void;
  /** Upper bound on re-executions (distinct cold reads) before giving up. Default 10000. */
  maxReads?: number;
  /** Receives every host call (executeStylusFrame only). */
  recorder?: HostioRecorder;
}

export interface StorageWrite {
  slot: Hex;
  value: Hex;
}

export interface LogEntry {
  /** Emitting account (lowercase); set by live frames, where logs of called frames are interleaved. */
  address?: Hex;
  topics: Hex[];
  data: Hex;
}

export type ExecutionErrorKind = "revert" | "out-of-gas" | "trap" | "unsupported-host" | "invalid-exit";

export interface ExecutionResult {
  success: boolean;
  /** Return data on success, revert data on failure. */
  output: Uint8Array;
  /** Writes flushed by `storage_flush_cache`, first-write order, final values. Empty unless success. */
  storageWrites: StorageWrite[];
  /** Logs in emission order. Empty unless success. */
  logs: LogEntry[];
  /** Gas used by the program itself (init gas + memory + ink converted + host costs), not the tx intrinsic gas. */
  gasUsed: bigint;
  inkUsed: bigint;
  /** Gas refund the EVM would credit for storage clears (EIP-3529 rules), informational. */
  gasRefund: bigint;
  error?: { kind: ExecutionErrorKind; message: string };
  /** Number of re-executions caused by cold reads (0 when the first run completed). */
  reads: number;
  /** Host functions the program called in the final run, in order (for tests and traces). */
  hostCalls: string[];
}
