// The shape every emulated ArbOS precompile (ArbSys 0x64, ArbGasInfo 0x6c,
// ArbOwnerPublic 0x6b, ArbWasmCache 0x72, NodeInterface 0xc8, ...) implements,
// so that one registry serves them to every caller: JSON-RPC (eth_call,
// eth_estimateGas, transactions sent straight to the address) and frames of
// the combined EVM/Stylus interpreter (an EVM contract or a program calling
// the address). A precompile never touches the chain itself: it reads and
// writes through `state`, and the caller decides how the effects land
// (applier transaction, interpreter journal).
import type { Address, Hex } from "viem";

/** Block facts a precompile may answer with (ArbSys.arbBlockNumber, ArbGasInfo prices). */
export interface ArbOsBlockContext {
  number: bigint;
  timestamp: bigint;
  baseFee: bigint;
  gasLimit: bigint;
  coinbase: Address;
}

/** State as seen by the frame that calls the precompile (overrides, journal and all). */
export interface ArbOsState {
  getStorage(address: Address, slot: Hex): Promise<Hex>;
  /** Refused (the caller reverts) in a static frame. */
  setStorage(address: Address, slot: Hex, value: Hex): Promise<void>;
  getBalance(address: Address): Promise<bigint>;
  getCode(address: Address): Promise<Hex>;
  getNonce(address: Address): Promise<bigint>;
}

export interface ArbOsCallContext {
  /** The precompile's own address. */
  address: Address;
  caller: Address;
  origin: Address;
  value: bigint;
  calldata: Uint8Array;
  isStatic: boolean;
  /** Gas the frame may spend. */
  gasLimit: bigint;
  gasPrice: bigint;
  chainId: bigint;
  block: ArbOsBlockContext;
  state: ArbOsState;
  /** Hash of an earlier block (ArbSys.arbBlockHash); absent means the caller cannot tell (zero hash). */
  getBlockHash?(number: bigint): Promise<Hex>;
}

export interface ArbOsLog {
  address: Address;
  topics: Hex[];
  data: Hex;
}

export interface ArbOsCallResult {
  success: boolean;
  /** Return data, or revert data (an ABI-encoded custom error or Error(string)). */
  returnData: Uint8Array;
  gasUsed: bigint;
  logs: ArbOsLog[];
  /** Value moved out of the precompile's balance (e.g. ArbSys.withdrawEth burns, ArbWasm refunds). */
  transfers: Array<{ to: Address; value: bigint }>;
}

export interface ArbOsPrecompile {
  address: Address;
  /** Nitro's name, for errors and traces ("ArbSys"). */
  name: string;
  call(context: ArbOsCallContext): Promise<ArbOsCallResult>;
}
