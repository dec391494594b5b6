// Public types of hardhat-stylus: the `connection.stylus` helpers.
import type { Address, Hex } from "viem";

/** A Stylus program to deploy: its WASM (compressed here) or its deployed code (EF F0 00 ...). */
export type StylusProgramSource =
  | { wasm: Uint8Array }
  | { deployedCode: Hex | Uint8Array };

export interface StylusDeployOptions {
  /** Sender (an account the node holds). Default: the first of eth_accounts. */
  from?: Address;
  /** Activate after deploying (default true). */
  activate?: boolean;
}

export interface StylusDeployResult {
  address: Address;
  deployTransactionHash: Hex;
  activationTransactionHash?: Hex;
  dataFee?: bigint;
}

/** Helpers on `connection.stylus`. They use the connection's JSON-RPC only, so they work on Nitro too. */
export interface HardhatStylusHelpers {
  /** Deploys with the standard Stylus init code and (by default) activates through ArbWasm. */
  deploy(source: StylusProgramSource, options?: StylusDeployOptions): Promise<StylusDeployResult>;
  /** Activates the program at `address`, paying the data fee estimated by an eth_call (+20 %, excess refunded). */
  activate(address: Address, options?: { from?: Address }): Promise<{ transactionHash: Hex; dataFee: bigint }>;
  /** True when ArbWasm.programVersion(address) succeeds (the program is activated and current). */
  isActivated(address: Address): Promise<boolean>;
  /** True when this connection runs Stylus programs through hardhat-stylus (in-process or `hardhat node`). */
  readonly isEmulated: boolean;
}

/** `stylus` in hardhat.config.ts: what the emulated ArbOS answers (all optional). */
export interface StylusUserConfig {
  /** ArbOS version the precompiles behave as (ArbSys.arbOSVersion reports 55 + this). Default 40. */
  arbOsVersion?: number;
  /** The parent chain's price as ArbOS sees it, in wei per L1 gas unit (ArbGasInfo.getL1BaseFeeEstimate). Default 50 gwei. */
  parentBaseFee?: bigint;
  /** Brotli level Nitro compresses transactions with to price their bytes. Default 1. */
  brotliCompressionLevel?: number;
  /** Chain owner (ArbOwnerPublic). Default: Hardhat's first account. */
  chainOwner?: Address;
}
